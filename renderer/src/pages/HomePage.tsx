/**
 * Home: the recent reconciliations, what is still in transit from earlier days (and for how long),
 * "new reconciliation", and on first run the demo — the simulator as the merchant — so a new user
 * sees the whole flow without keys.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Empty, List, Row, Space, Spin, Tag, Typography } from 'antd';
import type { InTransitSchema, WorkspaceSummary } from '../../../shared/ipc/contract.ts';
import type { z } from 'zod';
import { call } from '../api.ts';
import { createAndReconcile } from '../actions.ts';
import { useUi } from '../context.ts';
import { format, phaseText } from '../i18n.ts';
import { go } from '../router.ts';

type InTransit = z.output<typeof InTransitSchema>;

export function HomePage() {
  const { t } = useUi();
  const [recent, setRecent] = useState<WorkspaceSummary[] | null>(null);
  const [transit, setTransit] = useState<InTransit[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [demo, setDemo] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([call('workspaces:list', {}), call('workspaces:in-transit', {})]).then(
      ([w, tr]) => {
        if (!live) return;
        setRecent(w);
        setTransit(tr);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, []);

  const openDemo = async () => {
    setError(null);
    setDemo(t.loading);
    try {
      const d = await call('demo:start', {});
      const id = await createAndReconcile({ name: `${t.demoMerchant} 2026-11-26`, merchantId: d.merchant.id, bills: d.bills, ledgers: d.ledgers }, (p) => setDemo(phaseText(t, p.phase)));
      go({ page: 'workspace', id, tab: 'items' });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setDemo(null);
    }
  };

  const reason = (r: InTransit['reason']) => ({ 'cross-day': t.reasonCrossDay, 'not-final': t.reasonNotFinal, 'refund-processing': t.reasonRefundProcessing }[r]);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {error !== null && <Alert type="error" showIcon message={t.error} description={error} closable onClose={() => setError(null)} />}
      <Row gutter={16}>
        <Col span={16}>
          <Card title={t.recent} extra={<Button type="primary" onClick={() => go({ page: 'new' })}>{t.newRecon}</Button>}>
            {recent === null ? (
              <Spin />
            ) : recent.length === 0 ? (
              <Empty description={t.noRecent} />
            ) : (
              <List
                dataSource={recent}
                renderItem={(w) => (
                  <List.Item actions={[<Button key="open" type="link" onClick={() => go({ page: 'workspace', id: w.id, tab: 'items' })}>{t.open}</Button>]}>
                    <List.Item.Meta
                      title={<a href={`#/workspace/${encodeURIComponent(w.id)}/items`}>{w.name}</a>}
                      description={<Space size="small">{w.days.join('、')}<Tag color={w.openCount > 0 ? 'orange' : 'green'}>{format(t.items, { n: w.openCount })}</Tag><Typography.Text type="secondary">{new Date(w.updatedAtIso).toLocaleString()}</Typography.Text></Space>}
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Space direction="vertical" size="large" style={{ width: '100%' }}>
            <Card title={t.demoTitle}>
              <Typography.Paragraph type="secondary">{t.demoText}</Typography.Paragraph>
              <Button onClick={openDemo} loading={demo !== null} data-testid="open-demo">{demo ?? t.openDemo}</Button>
            </Card>
            <Card title={t.inTransit}>
              {transit.length === 0 ? (
                <Typography.Text type="secondary">{t.noTransit}</Typography.Text>
              ) : (
                <List
                  size="small"
                  dataSource={transit}
                  renderItem={(x) => (
                    <List.Item>
                      <Space direction="vertical" size={0}>
                        <a href={`#/workspace/${encodeURIComponent(x.workspaceId)}/items`}>{x.outTradeNo}</a>
                        <Space size="small">
                          <Tag>{reason(x.reason)}</Tag>
                          <Typography.Text type={x.openDays >= 3 ? 'danger' : 'secondary'}>{format(t.daysOpen, { n: x.openDays })}</Typography.Text>
                        </Space>
                      </Space>
                    </List.Item>
                  )}
                />
              )}
            </Card>
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
