/**
 * The trade-bill column layouts WeChat has used (reference: wechatpay-api.md §4.2). Columns are
 * always found by header name; these lists only name a layout and notice new columns.
 */
const COMMON_HEAD = ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类'];
const LEGACY_HEAD = ['交易时间', '公众账号ID', '商户号', '子商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类'];
const REFUND_IDS = ['微信退款单号', '商户退款单号', '退款金额'];
const REFUND_TIMES = ['退款申请时间', '退款成功时间'];

function legacy(coupon: string, couponRefund: string) {
  const all = [...LEGACY_HEAD, '总金额', coupon, ...REFUND_IDS, couponRefund, '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率'];
  const success = [...LEGACY_HEAD, '总金额', coupon, '商品名称', '商户数据包', '手续费', '费率'];
  const refund = [...LEGACY_HEAD, '总金额', coupon, ...REFUND_TIMES, ...REFUND_IDS, couponRefund, '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率'];
  return { all, success, refund };
}

const legacyCoupon = legacy('代金券或立减优惠金额', '代金券或立减优惠退款金额');
const legacyRedPacket = legacy('企业红包金额', '企业红包退款金额');

export interface KnownLayout {
  name: string;
  billType: 'ALL' | 'SUCCESS' | 'REFUND';
  columns: readonly string[];
}

export const KNOWN_LAYOUTS: readonly KnownLayout[] = [
  {
    name: 'v27',
    billType: 'ALL',
    columns: [...COMMON_HEAD, '应结订单金额', '代金券金额', ...REFUND_IDS, '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
  },
  {
    name: 'v20',
    billType: 'SUCCESS',
    columns: [...COMMON_HEAD, '应结订单金额', '代金券金额', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '费率备注'],
  },
  {
    name: 'v29',
    billType: 'REFUND',
    columns: [...COMMON_HEAD, '应结订单金额', '代金券金额', ...REFUND_TIMES, ...REFUND_IDS, '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
  },
  { name: 'legacy24', billType: 'ALL', columns: legacyCoupon.all },
  { name: 'legacy18', billType: 'SUCCESS', columns: legacyCoupon.success },
  { name: 'legacy26', billType: 'REFUND', columns: legacyCoupon.refund },
  { name: 'legacy24-redpacket', billType: 'ALL', columns: legacyRedPacket.all },
  { name: 'legacy18-redpacket', billType: 'SUCCESS', columns: legacyRedPacket.success },
  { name: 'legacy26-redpacket', billType: 'REFUND', columns: legacyRedPacket.refund },
];

/** The trade states WeChat documents (reference §2.3). Anything else is kept and warned about. */
export const KNOWN_TRADE_STATES: ReadonlySet<string> = new Set([
  'SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR', 'ACCEPT',
]);
