// Task 1: every line needs a sku and a positive quantity; the total is computed here.
class InvalidOrder extends Error { constructor(message) { super(message); this.name = "InvalidOrder"; } }

exports.handler = async (order) => {
  if (!Array.isArray(order.items) || order.items.length === 0) throw new InvalidOrder("an order needs at least one item");
  for (const item of order.items) {
    if (!item.sku || !(item.quantity > 0) || !(item.price >= 0)) throw new InvalidOrder(`bad line ${JSON.stringify(item)}`);
  }
  const total = order.items.reduce((sum, i) => sum + i.quantity * i.price, 0);
  return { valid: true, total: Math.round(total * 100) / 100 };
};
