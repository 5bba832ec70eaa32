/**
 * Merchant profiles: the vault's protection, the merchants with which secrets they have (never the
 * secrets), a form where secrets are write-only, key-file import that says what is wrong with a
 * file, and "test connection" explained in words a finance user can act on.
 */
import { useCallback, useEffect, useState, type JSX } from 'react';
import { Alert, Button, Collapse, Drawer, Form, Input, InputNumber, message, Popconfirm, Radio, Space, Spin, Switch, Table, Tag, Typography } from 'antd';
import type { ConnectionTest, MerchantInput, MerchantSummary, VaultStatus } from '../../../shared/ipc/contract.ts';
import { MERCHANT_PACE_DEFAULTS } from '../../../shared/ipc/defaults.ts';
import { ApiError, call } from '../api.ts';
import { format, MESSAGES, type Messages, type UiLang } from '../i18n.ts';

// ---- Words i18n.ts does not have yet (to be moved there)

const zhLocal = {
  sessionOnly: '仅在本次运行中保存密钥',
  weakWritten: '当前设置：密钥会写入本机磁盘，但只做了简单混淆（不是系统钥匙串加密）。',
  vaultLoadFailed: '无法读取密钥保存方式',
  actions: '操作',
  secrets: '密钥与证书',
  signType: '签名方式',
  serviceProvider: '服务商模式',
  serviceProviderHelp: '以服务商身份为特约商户对账时打开；需同时填写服务商商户号和特约商户号。',
  subAppid: '特约商户 AppID',
  ids: '服务商 {sp} / 特约 {sub}',
  platformCerts: '平台证书 {n} 张',
  noMerchants: '还没有商户，点击“添加商户”开始配置',
  loadFailed: '无法读取商户列表',
  retry: '重试',
  cancel: '取消',
  clear: '清除',
  undo: '撤销',
  willClear: '保存后将清除已保存的密钥',
  secretKeepPlaceholder: '已设置；留空则保留原密钥',
  secretNewPlaceholder: '未设置',
  nameRequired: '请填写商户名称',
  mchidInvalid: '商户号为 6 到 12 位数字',
  spBoth: '服务商模式需要同时填写服务商商户号和特约商户号',
  baseUrlInvalid: '接口地址应以 https:// 开头（http:// 只允许本机地址）',
  certSerialInvalid: '证书序列号应为 8 到 40 位十六进制字符',
  publicKeyIdInvalid: '微信支付公钥 ID 以 PUB_KEY_ID_ 开头',
  v2Length: 'APIv2 密钥应为 32 个字符（现在是 {n} 个）',
  v2Ascii: 'APIv2 密钥只能包含英文字母和数字',
  v3Length: 'APIv3 密钥应为 32 字节（现在是 {n} 字节）',
  saved: '已保存',
  savedNew: '已保存。现在可以导入密钥文件。',
  deleted: '已删除',
  deleteConfirm: '删除商户“{name}”？已保存的密钥也会一并删除。',
  editTitle: '编辑：{name}',
  keyFiles: '密钥文件',
  keyFilesAfterSave: '保存商户后即可导入密钥文件。',
  importPath: '导入',
  imported: '已导入：{what}',
  hintPrivateKey: '商户 API 证书中的 apiclient_key.pem',
  hintPublicKey: '商户平台下载的微信支付公钥 pub_key.pem',
  hintPlatformCert: '微信支付平台证书 wechatpay_*.pem，可导入多张',
  connectionOkLatency: '连接正常（耗时 {ms} 毫秒）',
  testFailedTitle: '测试连接未通过（{name}）：{problem}',
  wechatCode: '微信支付错误码',
  details: '详情',
  missingField: '缺少或有误的项目：{what}',
  pace: '查询速度',
  paceHelp: '实时查询时每秒最多发出的请求、同时等待的请求数和单次超时。微信支付未公布订单查询的频率上限，超限会返回“频率限制”，此时调低每秒请求数。',
  requestsPerSecond: '每秒请求上限',
  concurrency: '同时进行的请求',
  timeoutSec: '单次请求超时（秒）',
};

type Local = typeof zhLocal;

const enLocal: Local = {
  sessionOnly: 'Keep keys for this session only',
  weakWritten: 'Currently keys are written to this disk, only lightly obscured (not encrypted by a system keychain).',
  vaultLoadFailed: 'Cannot tell how keys are stored',
  actions: 'Actions',
  secrets: 'Keys and certificates',
  signType: 'Signature type',
  serviceProvider: 'Service provider',
  serviceProviderHelp: 'Turn on when reconciling for a sub-merchant as its service provider; both ids are needed.',
  subAppid: 'Sub-merchant AppID',
  ids: 'provider {sp} / sub-merchant {sub}',
  platformCerts: 'Platform certificates: {n}',
  noMerchants: 'No merchants yet: click "Add merchant" to set one up',
  loadFailed: 'Cannot read the merchants',
  retry: 'Retry',
  cancel: 'Cancel',
  clear: 'Clear',
  undo: 'Undo',
  willClear: 'The saved key will be removed on save',
  secretKeepPlaceholder: 'Set; leave empty to keep it',
  secretNewPlaceholder: 'Not set',
  nameRequired: 'Enter a name',
  mchidInvalid: 'A merchant id is 6 to 12 digits',
  spBoth: 'A service provider needs both the provider id and the sub-merchant id',
  baseUrlInvalid: 'The API base URL starts with https:// (http:// only for this computer)',
  certSerialInvalid: 'The certificate serial is 8 to 40 hexadecimal characters',
  publicKeyIdInvalid: 'The WeChat Pay public key id starts with PUB_KEY_ID_',
  v2Length: 'The APIv2 key is 32 characters (this is {n})',
  v2Ascii: 'The APIv2 key has only letters and digits',
  v3Length: 'The APIv3 key is 32 bytes (this is {n})',
  saved: 'Saved',
  savedNew: 'Saved. You can import the key files now.',
  deleted: 'Deleted',
  deleteConfirm: 'Delete the merchant "{name}"? Its saved keys are deleted too.',
  editTitle: 'Edit: {name}',
  keyFiles: 'Key files',
  keyFilesAfterSave: 'Save the merchant first, then import its key files.',
  importPath: 'Import',
  imported: 'Imported: {what}',
  hintPrivateKey: 'apiclient_key.pem from the merchant API certificate',
  hintPublicKey: 'pub_key.pem, the WeChat Pay public key from the merchant platform',
  hintPlatformCert: 'wechatpay_*.pem platform certificates; several may be imported',
  connectionOkLatency: 'Connection works ({ms} ms)',
  testFailedTitle: 'Connection test failed ({name}): {problem}',
  wechatCode: 'WeChat Pay code',
  details: 'Details',
  missingField: 'Missing or wrong: {what}',
  pace: 'Query pace',
  paceHelp: 'For live queries: requests sent per second at most, requests waiting at once, and the time one may take. WeChat Pay does not publish the order query limit; if it answers "frequency limited", lower the rate.',
  requestsPerSecond: 'Requests per second, at most',
  concurrency: 'Requests at once',
  timeoutSec: 'Request timeout (seconds)',
};

const LOCAL: Record<UiLang, Local> = { 'zh-CN': zhLocal, en: enLocal };

type Problem = Exclude<ConnectionTest['problem'], 'none'>;

const PROBLEMS: Record<UiLang, Record<Problem, { title: string; advice: string }>> = {
  'zh-CN': {
    'request-signature-refused': { title: '微信支付拒绝了请求签名', advice: '请检查：商户 API 私钥（apiclient_key.pem）是否与商户证书序列号对应、证书序列号是否填写正确；APIv2 接口请检查 APIv2 密钥和签名方式。' },
    'reply-not-verified': { title: '无法验证微信支付的应答签名', advice: '请检查微信支付公钥及其 ID（PUB_KEY_ID_…）是否与商户平台一致，或导入最新的平台证书。' },
    'clock-skew': { title: '本机时间不准', advice: '本机时间与微信支付相差超过 5 分钟。请在系统设置中开启“自动设置时间”或校准时钟，然后重试。' },
    'merchant-id': { title: '商户号有误', advice: '请核对商户号（服务商模式下还有特约商户号）是否与商户平台“账户中心 › 商户信息”中的一致。' },
    network: { title: '连不上微信支付', advice: '请检查网络连接、代理或防火墙设置，以及接口地址是否正确，然后重试。' },
    'profile-incomplete': { title: '商户配置不完整', advice: '请补全下面提到的项目后再测试。' },
    other: { title: '微信支付返回了错误', advice: '请根据下面的错误码和详情排查，或带上 Request-ID 联系微信支付客服。' },
  },
  en: {
    'request-signature-refused': { title: 'WeChat Pay refused the request signature', advice: 'Check that the API private key (apiclient_key.pem) belongs to the certificate serial and that the serial is right; for APIv2, check the APIv2 key and signature type.' },
    'reply-not-verified': { title: "WeChat Pay's reply could not be verified", advice: 'Check the WeChat Pay public key and its id (PUB_KEY_ID_…) against the merchant platform, or import the current platform certificates.' },
    'clock-skew': { title: "This computer's clock is wrong", advice: "This computer's time is more than 5 minutes away from WeChat Pay's. Turn on automatic time in the system settings or set the clock, then try again." },
    'merchant-id': { title: 'The merchant id is wrong', advice: 'Check the merchant id (and the sub-merchant id for a service provider) against the merchant platform.' },
    network: { title: 'WeChat Pay cannot be reached', advice: 'Check the network connection, proxy or firewall, and the API base URL, then try again.' },
    'profile-incomplete': { title: 'The merchant profile is incomplete', advice: 'Complete what is named below, then test again.' },
    other: { title: 'WeChat Pay answered with an error', advice: "Look into WeChat Pay's code and the details below, or contact WeChat Pay support with the Request-ID." },
  },
};

/** Key-file problems by the main process's detail.field code. */
const KEY_REASONS: Record<UiLang, Record<string, string>> = {
  'zh-CN': {
    'not-pem': '文件不是 PEM 格式',
    'not-private-key': '这不是私钥文件，请选择 apiclient_key.pem',
    'not-rsa': '不是 RSA 密钥',
    'not-rsa-2048': '不是 RSA 2048 位密钥',
    'not-public-key': '这不是公钥文件，请选择微信支付公钥 pub_key.pem',
    'not-certificate': '这不是证书文件，请选择微信支付平台证书（wechatpay_*.pem）',
    expired: '证书已过期',
    'too-large': '文件太大，不是密钥或证书文件',
  },
  en: {
    'not-pem': 'The file is not in PEM format',
    'not-private-key': 'This is not a private key: choose apiclient_key.pem',
    'not-rsa': 'Not an RSA key',
    'not-rsa-2048': 'Not an RSA 2048-bit key',
    'not-public-key': 'This is not a public key: choose the WeChat Pay public key pub_key.pem',
    'not-certificate': 'This is not a certificate: choose a WeChat Pay platform certificate (wechatpay_*.pem)',
    expired: 'The certificate has expired',
    'too-large': 'The file is too large to be a key or certificate',
  },
};

/** The profile's own field names (in ProfileError messages) as the form calls them. */
function profileFieldLabel(field: string, t: Messages, l: Local): string | undefined {
  const labels: Record<string, string> = {
    name: t.merchantName, mchid: t.mchid, appid: t.appid, api: t.api, baseUrl: t.baseUrl, signType: l.signType,
    spMchid: t.spMchid, subMchid: t.subMchid, subAppid: l.subAppid,
    apiV2Key: t.apiV2Key, apiV3Key: t.apiV3Key, certSerialNo: t.certSerialNo,
    privateKeyPath: t.privateKey, wechatpayPublicKeyId: t.publicKeyId, wechatpayPublicKeyPath: t.publicKey, platformCertificatePaths: t.platformCert,
  };
  return labels[field];
}

// ---- Helpers

/** The page's toast API (message.useMessage, so toasts follow the app's theme and locale). */
type MessageInstance = ReturnType<typeof message.useMessage>[0];

type KeyKind = 'private-key' | 'wechatpay-public-key' | 'platform-certificate';
type SecretName = 'apiV2Key' | 'apiV3Key';

interface FormValues {
  name?: string;
  mchid?: string;
  appid?: string;
  api?: 'v2' | 'v3';
  signType?: 'MD5' | 'HMAC-SHA256';
  baseUrl?: string;
  serviceProvider?: boolean;
  spMchid?: string;
  subMchid?: string;
  subAppid?: string;
  certSerialNo?: string;
  wechatpayPublicKeyId?: string;
  apiV2Key?: string;
  apiV3Key?: string;
  requestsPerSecond?: number;
  concurrency?: number;
  timeoutSec?: number;
}

/** The query pace a new merchant starts with (the schema's defaults), the timeout in the form's seconds. */
const DEFAULT_PACE = { requestsPerSecond: MERCHANT_PACE_DEFAULTS.requestsPerSecond, concurrency: MERCHANT_PACE_DEFAULTS.concurrency, timeoutSec: MERCHANT_PACE_DEFAULTS.timeoutMs / 1000 };

/** Fields the main process may name in detail.field that the form shows. */
const FORM_FIELDS = new Set<string>(['name', 'mchid', 'appid', 'api', 'signType', 'baseUrl', 'spMchid', 'subMchid', 'subAppid', 'certSerialNo', 'wechatpayPublicKeyId', 'apiV2Key', 'apiV3Key']);

const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';
const MCHID = /^\d{6,12}$/;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

const optional = (s: string | undefined): string | null => {
  const x = (s ?? '').trim();
  return x === '' ? null : x;
};

/** Mirrors the main process's checkBaseUrl so the user hears about it before saving. */
function baseUrlOk(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

function initialValues(m: MerchantSummary | null): FormValues {
  if (m === null) return { name: '', mchid: '', appid: '', api: 'v3', signType: 'MD5', baseUrl: DEFAULT_BASE_URL, serviceProvider: false, apiV2Key: '', apiV3Key: '', ...DEFAULT_PACE };
  return {
    name: m.name, mchid: m.mchid, appid: m.appid ?? '', api: m.api, signType: m.signType, baseUrl: m.baseUrl,
    serviceProvider: m.spMchid !== null || m.subMchid !== null, spMchid: m.spMchid ?? '', subMchid: m.subMchid ?? '', subAppid: m.subAppid ?? '',
    certSerialNo: m.certSerialNo ?? '', wechatpayPublicKeyId: m.wechatpayPublicKeyId ?? '',
    // Secrets are write-only: the form starts empty whatever is stored.
    apiV2Key: '', apiV3Key: '',
    requestsPerSecond: m.requestsPerSecond, concurrency: m.concurrency, timeoutSec: m.timeoutMs / 1000,
  };
}

/** The save request: a secret goes only when typed (a value) or cleared (null); absent keeps the stored one. */
function toMerchantInput(v: FormValues, editing: MerchantSummary | null, cleared: Record<SecretName, boolean>): MerchantInput {
  const sp = v.serviceProvider === true;
  const input: MerchantInput = {
    name: (v.name ?? '').trim(),
    mchid: (v.mchid ?? '').trim(),
    appid: optional(v.appid),
    api: v.api ?? 'v3',
    signType: v.signType ?? 'MD5',
    baseUrl: (v.baseUrl ?? '').trim() || DEFAULT_BASE_URL,
    spMchid: sp ? optional(v.spMchid) : null,
    subMchid: sp ? optional(v.subMchid) : null,
    subAppid: sp ? optional(v.subAppid) : null,
    certSerialNo: optional(v.certSerialNo),
    wechatpayPublicKeyId: optional(v.wechatpayPublicKeyId),
    // An emptied number keeps what the merchant had (or the default), never resets it unasked.
    requestsPerSecond: v.requestsPerSecond ?? editing?.requestsPerSecond ?? DEFAULT_PACE.requestsPerSecond,
    concurrency: v.concurrency ?? editing?.concurrency ?? DEFAULT_PACE.concurrency,
    timeoutMs: Math.round((v.timeoutSec ?? (editing !== null ? editing.timeoutMs / 1000 : DEFAULT_PACE.timeoutSec)) * 1000),
  };
  if (editing !== null) input.id = editing.id;
  for (const name of ['apiV2Key', 'apiV3Key'] as const) {
    // WeChat's keys are letters and digits: surrounding spaces are a paste slip, not part of the key.
    const typed = (v[name] ?? '').trim();
    if (cleared[name]) input[name] = null;
    else if (typed !== '') input[name] = typed;
  }
  return input;
}

// ---- The vault banner

function VaultBanner(props: { lang: UiLang; messageApi: MessageInstance }): JSX.Element {
  const t = MESSAGES[props.lang];
  const l = LOCAL[props.lang];
  const [vault, setVault] = useState<VaultStatus | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [switching, setSwitching] = useState(false);
  const { messageApi } = props;

  useEffect(() => {
    let live = true;
    call('vault:status', {}).then(
      (v) => live && setVault(v),
      (e: unknown) => live && setFailed(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const setSessionOnly = async (sessionOnly: boolean): Promise<void> => {
    setSwitching(true);
    try {
      setVault(await call('vault:set-session-only', { sessionOnly }));
    } catch (e) {
      void messageApi.error(errorMessage(e));
    } finally {
      setSwitching(false);
    }
  };

  if (failed !== null) return <Alert type="error" showIcon title={l.vaultLoadFailed} description={failed} />;
  if (vault === null) return <Spin size="small" />;
  if (vault.protection === 'os') return <Alert type="info" showIcon title={t.vaultOs} />;
  if (vault.protection === 'unavailable') return <Alert type="warning" showIcon title={t.vaultNone} />;
  return (
    <Alert
      type="warning"
      showIcon
      title={t.vaultWeak}
      description={
        <Space orientation="vertical">
          <Space>
            <Switch checked={vault.sessionOnly} loading={switching} onChange={(checked) => void setSessionOnly(checked)} aria-label={l.sessionOnly} />
            <span>{l.sessionOnly}</span>
          </Space>
          {!vault.sessionOnly && <Typography.Text type="warning">{l.weakWritten}</Typography.Text>}
        </Space>
      }
    />
  );
}

// ---- The connection test's outcome

type TestOutcome = { merchantName: string; result: ConnectionTest } | { merchantName: string; error: string };

function ConnectionOutcome(props: { lang: UiLang; outcome: TestOutcome; onClose: () => void }): JSX.Element {
  const t = MESSAGES[props.lang];
  const l = LOCAL[props.lang];
  const { outcome } = props;
  if ('error' in outcome) {
    return <Alert type="error" showIcon closable={{ onClose: props.onClose }} title={format(l.testFailedTitle, { name: outcome.merchantName, problem: t.error })} description={outcome.error} />;
  }
  const r = outcome.result;
  const problem: Problem = r.problem === 'none' ? 'other' : r.problem;
  const words = PROBLEMS[props.lang][problem];
  let missing: string | null = null;
  if (problem === 'profile-incomplete') {
    // The main process words it "配置不完整：<field>: <why>"; name the field the way the form does.
    const field = /([A-Za-z]+):/.exec(r.message)?.[1];
    const label = field === undefined ? undefined : profileFieldLabel(field, t, l);
    if (label !== undefined) missing = format(l.missingField, { what: label });
  }
  return (
    <Alert
      type="error"
      showIcon
      closable={{ onClose: props.onClose }}
      title={format(l.testFailedTitle, { name: outcome.merchantName, problem: words.title })}
      description={
        <Space orientation="vertical" size={2}>
          <span>{words.advice}</span>
          {missing !== null && <strong>{missing}</strong>}
          {r.message !== '' && <Typography.Text type="secondary">{l.details}：{r.message}</Typography.Text>}
          {r.wechatCode !== null && <span>{l.wechatCode}：<Typography.Text code>{r.wechatCode}</Typography.Text></span>}
          {r.requestId !== null && <span>{t.requestId}：<Typography.Text copyable>{r.requestId}</Typography.Text></span>}
        </Space>
      }
    />
  );
}

// ---- Key files

function KeyFiles(props: { lang: UiLang; merchant: MerchantSummary; messageApi: MessageInstance; onChanged: (m: MerchantSummary) => void }): JSX.Element {
  const t = MESSAGES[props.lang];
  const l = LOCAL[props.lang];
  const { merchant, messageApi, onChanged } = props;
  const [paths, setPaths] = useState<Record<KeyKind, string>>({ 'private-key': '', 'wechatpay-public-key': '', 'platform-certificate': '' });
  const [busy, setBusy] = useState<KeyKind | null>(null);
  const [errors, setErrors] = useState<Partial<Record<KeyKind, { title: string; description: string | null }>>>({});

  const rows: { kind: KeyKind; label: string; hint: string; status: JSX.Element }[] = [
    { kind: 'private-key', label: t.privateKey, hint: l.hintPrivateKey, status: <SetTag set={merchant.hasPrivateKey} t={t} /> },
    { kind: 'wechatpay-public-key', label: t.publicKey, hint: l.hintPublicKey, status: <SetTag set={merchant.hasWechatpayPublicKey} t={t} /> },
    {
      kind: 'platform-certificate', label: t.platformCert, hint: l.hintPlatformCert,
      status: <Tag color={merchant.platformCertificateSerials.length > 0 ? 'green' : 'default'}>{format(l.platformCerts, { n: merchant.platformCertificateSerials.length })}</Tag>,
    },
  ];

  const describe = (e: unknown): { title: string; description: string | null } => {
    if (e instanceof ApiError) {
      const reason = e.detail?.field === undefined ? undefined : KEY_REASONS[props.lang][e.detail.field];
      if (reason !== undefined) {
        // The main process's words can add the specifics (the expiry date, the key size); they are Chinese.
        const extra = props.lang === 'zh-CN' && e.serverMessage !== '' && e.serverMessage !== reason ? e.serverMessage : null;
        return { title: reason, description: extra };
      }
    }
    return { title: errorMessage(e), description: null };
  };

  const importPath = async (kind: KeyKind, path: string): Promise<void> => {
    setBusy(kind);
    setErrors((x) => ({ ...x, [kind]: undefined }));
    try {
      const updated = await call('merchants:import-key-file', { id: merchant.id, kind, path });
      onChanged(updated);
      setPaths((x) => ({ ...x, [kind]: '' }));
      void messageApi.success(format(l.imported, { what: rows.find((r) => r.kind === kind)?.label ?? kind }));
    } catch (e) {
      setErrors((x) => ({ ...x, [kind]: describe(e) }));
    } finally {
      setBusy(null);
    }
  };

  const pick = async (kind: KeyKind): Promise<void> => {
    setBusy(kind);
    let path: string | undefined;
    try {
      path = (await call('files:pick', { purpose: 'key' })).paths[0];
    } catch (e) {
      setErrors((x) => ({ ...x, [kind]: describe(e) }));
    } finally {
      setBusy(null);
    }
    // Cancelled, or no dialog (a browser): the pasted-path field next to the button is the way then.
    if (path !== undefined) await importPath(kind, path);
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      {rows.map(({ kind, label, hint, status }) => {
        const err = errors[kind];
        const path = paths[kind];
        return (
          <div key={kind} data-testid={`key-${kind}`}>
            <Space wrap>
              <strong>{label}</strong>
              {status}
              <Typography.Text type="secondary">{hint}</Typography.Text>
            </Space>
            <Space.Compact style={{ width: '100%', marginTop: 4 }}>
              <Button onClick={() => void pick(kind)} disabled={busy !== null}>{t.importKey}</Button>
              <Input
                aria-label={`${label} ${t.pathPlaceholder}`}
                placeholder={t.pathPlaceholder}
                value={path}
                onChange={(e) => setPaths((x) => ({ ...x, [kind]: e.target.value }))}
                onPressEnter={() => path.trim() !== '' && void importPath(kind, path.trim())}
              />
              <Button type="primary" loading={busy === kind} disabled={path.trim() === '' || (busy !== null && busy !== kind)} onClick={() => void importPath(kind, path.trim())}>
                {l.importPath}
              </Button>
            </Space.Compact>
            {err !== undefined && <Alert style={{ marginTop: 4 }} type="error" showIcon title={err.title} description={err.description ?? undefined} />}
          </div>
        );
      })}
    </Space>
  );
}

function SetTag(props: { set: boolean; t: Messages; label?: string }): JSX.Element {
  const text = props.set ? props.t.keySet : props.t.keyNotSet;
  return <Tag color={props.set ? 'green' : 'default'}>{props.label === undefined ? text : `${props.label} ${text}`}</Tag>;
}

// ---- The form

function SecretField(props: {
  name: SecretName;
  label: string;
  isSet: boolean;
  cleared: boolean;
  onClear: (cleared: boolean) => void;
  rules: { validator: (rule: unknown, value: string | undefined) => Promise<void> }[];
  t: Messages;
  l: Local;
}): JSX.Element {
  const { t, l } = props;
  return (
    <Form.Item
      label={
        <Space>
          {props.label}
          <SetTag set={props.isSet} t={t} />
        </Space>
      }
      extra={props.cleared ? <Typography.Text type="warning">{l.willClear}</Typography.Text> : undefined}
    >
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name={props.name} noStyle rules={props.rules}>
          <Input.Password
            aria-label={props.label}
            autoComplete="new-password"
            disabled={props.cleared}
            placeholder={props.isSet ? l.secretKeepPlaceholder : l.secretNewPlaceholder}
          />
        </Form.Item>
        {props.isSet && (
          <Button onClick={() => props.onClear(!props.cleared)}>{props.cleared ? l.undo : l.clear}</Button>
        )}
      </Space.Compact>
    </Form.Item>
  );
}

function MerchantForm(props: {
  lang: UiLang;
  editing: MerchantSummary | null;
  messageApi: MessageInstance;
  onSaved: (m: MerchantSummary, wasNew: boolean) => void;
  onCancel: () => void;
}): JSX.Element {
  const t = MESSAGES[props.lang];
  const l = LOCAL[props.lang];
  const { editing, messageApi } = props;
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [cleared, setCleared] = useState<Record<SecretName, boolean>>({ apiV2Key: false, apiV3Key: false });
  const api = Form.useWatch('api', form) ?? editing?.api ?? 'v3';
  const serviceProvider = Form.useWatch('serviceProvider', form) ?? (editing !== null && editing.spMchid !== null);

  const save = async (values: FormValues): Promise<void> => {
    setSaving(true);
    try {
      const saved = await call('merchants:save', toMerchantInput(values, editing, cleared));
      props.onSaved(saved, editing === null);
    } catch (e) {
      const field = e instanceof ApiError ? e.detail?.field : undefined;
      if (field !== undefined && FORM_FIELDS.has(field)) form.setFields([{ name: field as keyof FormValues, errors: [errorMessage(e)] }]);
      else void messageApi.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const mchidRule = { pattern: MCHID, message: l.mchidInvalid };
  const spRule = { required: true, message: l.spBoth };

  return (
    <Form<FormValues> form={form} layout="vertical" initialValues={initialValues(editing)} onFinish={(v) => void save(v)} disabled={saving}>
      <Form.Item name="name" label={t.merchantName} rules={[{ required: true, whitespace: true, message: l.nameRequired }, { max: 200 }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="mchid" label={t.mchid} rules={[{ required: true, message: l.mchidInvalid }, mchidRule]} normalize={(v: string) => v.trim()}>
        <Input inputMode="numeric" maxLength={12} />
      </Form.Item>
      <Form.Item name="appid" label={t.appid} rules={[{ max: 64 }]}>
        <Input maxLength={64} />
      </Form.Item>
      <Form.Item name="api" label={t.api}>
        <Radio.Group optionType="button" options={[{ value: 'v3', label: 'APIv3' }, { value: 'v2', label: 'APIv2' }]} />
      </Form.Item>
      <Form.Item name="signType" label={l.signType} hidden={api !== 'v2'}>
        <Radio.Group options={[{ value: 'MD5', label: 'MD5' }, { value: 'HMAC-SHA256', label: 'HMAC-SHA256' }]} />
      </Form.Item>
      <Form.Item name="baseUrl" label={t.baseUrl} rules={[{ validator: async (_, v: string | undefined) => { if (!baseUrlOk((v ?? '').trim())) throw new Error(l.baseUrlInvalid); } }]}>
        <Input />
      </Form.Item>
      <Form.Item name="serviceProvider" label={l.serviceProvider} valuePropName="checked" extra={l.serviceProviderHelp}>
        <Switch aria-label={l.serviceProvider} />
      </Form.Item>
      {serviceProvider && (
        <>
          <Form.Item name="spMchid" label={t.spMchid} rules={[spRule, mchidRule]}>
            <Input inputMode="numeric" maxLength={12} />
          </Form.Item>
          <Form.Item name="subMchid" label={t.subMchid} rules={[spRule, mchidRule]}>
            <Input inputMode="numeric" maxLength={12} />
          </Form.Item>
          <Form.Item name="subAppid" label={l.subAppid} rules={[{ max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
        </>
      )}
      <Form.Item name="certSerialNo" label={t.certSerialNo} rules={[{ pattern: /^\s*[0-9A-Fa-f]{8,40}\s*$/, message: l.certSerialInvalid }]}>
        <Input />
      </Form.Item>
      <Form.Item name="wechatpayPublicKeyId" label={t.publicKeyId} rules={[{ pattern: /^\s*PUB_KEY_ID_\w+\s*$/, message: l.publicKeyIdInvalid }]}>
        <Input placeholder="PUB_KEY_ID_…" />
      </Form.Item>
      <SecretField
        name="apiV2Key"
        label={t.apiV2Key}
        isSet={editing?.hasApiV2Key ?? false}
        cleared={cleared.apiV2Key}
        onClear={(c) => {
          setCleared((x) => ({ ...x, apiV2Key: c }));
          form.setFields([{ name: 'apiV2Key', value: '', errors: [] }]);
        }}
        rules={[{
          validator: async (_, v) => {
            const s = (v ?? '').trim();
            if (s === '') return;
            if (s.length !== 32) throw new Error(format(l.v2Length, { n: s.length }));
            if (!/^[\x21-\x7e]+$/.test(s)) throw new Error(l.v2Ascii);
          },
        }]}
        t={t}
        l={l}
      />
      <SecretField
        name="apiV3Key"
        label={t.apiV3Key}
        isSet={editing?.hasApiV3Key ?? false}
        cleared={cleared.apiV3Key}
        onClear={(c) => {
          setCleared((x) => ({ ...x, apiV3Key: c }));
          form.setFields([{ name: 'apiV3Key', value: '', errors: [] }]);
        }}
        rules={[{
          validator: async (_, v) => {
            const s = (v ?? '').trim();
            if (s === '') return;
            const n = utf8Bytes(s);
            if (n !== 32) throw new Error(format(l.v3Length, { n }));
          },
        }]}
        t={t}
        l={l}
      />
      <Collapse
        ghost
        size="small"
        items={[{
          key: 'pace', label: l.pace, forceRender: true, children: (
            <>
              <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>{l.paceHelp}</Typography.Paragraph>
              <Form.Item name="requestsPerSecond" label={l.requestsPerSecond}>
                <InputNumber min={1} max={10_000} precision={0} style={{ width: 160 }} data-testid="pace-rps" />
              </Form.Item>
              <Form.Item name="concurrency" label={l.concurrency}>
                <InputNumber min={1} max={256} precision={0} style={{ width: 160 }} data-testid="pace-concurrency" />
              </Form.Item>
              <Form.Item name="timeoutSec" label={l.timeoutSec}>
                <InputNumber min={1} max={600} precision={0} style={{ width: 160 }} data-testid="pace-timeout" />
              </Form.Item>
            </>
          ),
        }]}
      />
      <Space>
        <Button type="primary" htmlType="submit" loading={saving}>{t.save}</Button>
        <Button onClick={props.onCancel} disabled={false}>{l.cancel}</Button>
      </Space>
    </Form>
  );
}

// ---- The page

export function MerchantsPage(props: { lang: UiLang }): JSX.Element {
  const { lang } = props;
  const t = MESSAGES[lang];
  const l = LOCAL[lang];
  const [messageApi, contextHolder] = message.useMessage();
  const [merchants, setMerchants] = useState<MerchantSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [drawer, setDrawer] = useState<{ open: boolean; editing: MerchantSummary | null; key: number }>({ open: false, editing: null, key: 0 });
  const [testing, setTesting] = useState<Record<string, boolean>>({});
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);

  const reload = useCallback(async (): Promise<void> => {
    setLoading(true);
    setLoadError(null);
    try {
      setMerchants(await call('merchants:list', {}));
    } catch (e) {
      setLoadError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const upsert = (m: MerchantSummary): void => {
    setMerchants((list) => (list.some((x) => x.id === m.id) ? list.map((x) => (x.id === m.id ? m : x)) : [...list, m]));
    setDrawer((d) => (d.editing?.id === m.id ? { ...d, editing: m } : d));
  };

  const openDrawer = (editing: MerchantSummary | null): void => setDrawer((d) => ({ open: true, editing, key: d.key + 1 }));

  const onSaved = (m: MerchantSummary, wasNew: boolean): void => {
    upsert(m);
    if (wasNew) {
      // Stay open on the saved merchant: importing its key files is the next step, and needs its id.
      setDrawer((d) => ({ open: true, editing: m, key: d.key + 1 }));
      void messageApi.success(l.savedNew);
    } else {
      setDrawer((d) => ({ ...d, open: false }));
      void messageApi.success(l.saved);
    }
  };

  const remove = async (m: MerchantSummary): Promise<void> => {
    try {
      await call('merchants:delete', { id: m.id });
      setMerchants((list) => list.filter((x) => x.id !== m.id));
      void messageApi.success(l.deleted);
    } catch (e) {
      void messageApi.error(errorMessage(e));
    }
  };

  const test = async (m: MerchantSummary): Promise<void> => {
    setTesting((x) => ({ ...x, [m.id]: true }));
    setOutcome(null);
    try {
      const result = await call('merchants:test-connection', { id: m.id });
      if (result.ok) void messageApi.success(format(l.connectionOkLatency, { ms: result.latencyMs }));
      else setOutcome({ merchantName: m.name, result });
    } catch (e) {
      setOutcome({ merchantName: m.name, error: errorMessage(e) });
    } finally {
      setTesting((x) => ({ ...x, [m.id]: false }));
    }
  };

  const columns = [
    {
      key: 'name', title: t.merchantName,
      render: (_: unknown, m: MerchantSummary) => (
        <Space wrap>
          <span>{m.name}</span>
          {m.isDemo && <Tag color="blue">{t.demoMerchant}</Tag>}
        </Space>
      ),
    },
    {
      key: 'mchid', title: t.mchid,
      render: (_: unknown, m: MerchantSummary) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text style={{ whiteSpace: 'nowrap' }}>{m.mchid}</Typography.Text>
          {(m.spMchid !== null || m.subMchid !== null) && (
            <Typography.Text type="secondary">{format(l.ids, { sp: m.spMchid ?? '—', sub: m.subMchid ?? '—' })}</Typography.Text>
          )}
        </Space>
      ),
    },
    { key: 'api', title: <span style={{ whiteSpace: 'nowrap' }}>{t.api}</span>, render: (_: unknown, m: MerchantSummary) => <span style={{ whiteSpace: 'nowrap' }}>{m.api === 'v3' ? 'APIv3' : `APIv2 (${m.signType})`}</span> },
    {
      key: 'secrets', title: l.secrets,
      render: (_: unknown, m: MerchantSummary) => (
        <div data-testid={`secrets-${m.id}`}>
          <Space size={[0, 4]} wrap>
            <SetTag set={m.hasApiV2Key} t={t} label={t.apiV2Key} />
            <SetTag set={m.hasApiV3Key} t={t} label={t.apiV3Key} />
            <SetTag set={m.hasPrivateKey} t={t} label={t.privateKey} />
            <SetTag set={m.hasWechatpayPublicKey} t={t} label={t.publicKey} />
            <Tag color={m.platformCertificateSerials.length > 0 ? 'green' : 'default'}>{format(l.platformCerts, { n: m.platformCertificateSerials.length })}</Tag>
          </Space>
        </div>
      ),
    },
    {
      key: 'actions', title: l.actions,
      render: (_: unknown, m: MerchantSummary) => (
        <Space wrap>
          <Button size="small" onClick={() => openDrawer(m)}>{t.edit}</Button>
          <Button size="small" loading={testing[m.id] === true} onClick={() => void test(m)}>{t.testConnection}</Button>
          <Popconfirm title={format(l.deleteConfirm, { name: m.name })} okText={t.del} cancelText={l.cancel} okButtonProps={{ danger: true }} onConfirm={() => remove(m)}>
            <Button size="small" danger>{t.del}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  const editing = drawer.editing;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      {contextHolder}
      <Typography.Title level={4} style={{ margin: 0 }}>{t.merchants}</Typography.Title>
      <VaultBanner lang={lang} messageApi={messageApi} />
      {outcome !== null && <ConnectionOutcome lang={lang} outcome={outcome} onClose={() => setOutcome(null)} />}
      <Space>
        <Button type="primary" onClick={() => openDrawer(null)}>{t.addMerchant}</Button>
      </Space>
      {loadError !== null ? (
        <Alert type="error" showIcon title={l.loadFailed} description={loadError} action={<Button size="small" onClick={() => void reload()}>{l.retry}</Button>} />
      ) : (
        <Table<MerchantSummary> rowKey="id" dataSource={merchants} columns={columns} loading={loading} pagination={false} locale={{ emptyText: l.noMerchants }} />
      )}
      <Drawer
        open={drawer.open}
        size={600}
        title={editing === null ? t.addMerchant : format(l.editTitle, { name: editing.name })}
        onClose={() => setDrawer((d) => ({ ...d, open: false }))}
        destroyOnHidden
      >
        <MerchantForm
          key={drawer.key}
          lang={lang}
          editing={editing}
          messageApi={messageApi}
          onSaved={onSaved}
          onCancel={() => setDrawer((d) => ({ ...d, open: false }))}
        />
        <Typography.Title level={5} style={{ marginTop: 24 }}>{l.keyFiles}</Typography.Title>
        {editing === null ? (
          <Typography.Text type="secondary">{l.keyFilesAfterSave}</Typography.Text>
        ) : (
          <KeyFiles key={editing.id} lang={lang} merchant={editing} messageApi={messageApi} onChanged={upsert} />
        )}
      </Drawer>
    </Space>
  );
}
