// Task 2: a stand-in payment provider that declines totals over 1000.
class PaymentDeclined extends Error { constructor(message) { super(message); this.name = "PaymentDeclined"; } }

exports.handler = async (order) => {
  const total = order.validation.total;
  if (total > 1000) throw new PaymentDeclined(`total ${total} is over the limit`);
  return { paymentId: `pay-${order.orderId}`, amount: total };
};
