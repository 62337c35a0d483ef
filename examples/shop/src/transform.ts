import { asset, eager } from "assetline";
import { rowsOf } from "./contracts";
import { warehouse } from "./duckdb-io";
import { rawCustomers, rawOrders } from "./ingest";

export interface Order {
  orderId: string;
  customerId: string;
  day: string;
  amount: number;
  country: string;
}

export const cleanedOrders = asset(
  "transform/cleaned_orders",
  {
    ins: { orders: rawOrders, customers: rawCustomers },
    group: "transform",
    description: "Completed orders with a valid amount, joined with the customer's country.",
    owners: ["team:data-eng"],
    tags: { layer: "silver" },
    kinds: ["duckdb"],
    io: warehouse,
    // Rebuilt by `assetline dev` (and Dagster) as soon as an upstream changes.
    automation: eager(),
    codeVersion: "1",
  },
  (ctx, { orders, customers }): Order[] => {
    const country = new Map(customers.map((c) => [c.customer_id, c.country]));
    const cleaned: Order[] = [];
    for (const o of orders) {
      const amount = Number(o.amount);
      if (o.status !== "completed" || o.amount === "" || !Number.isFinite(amount)) continue;
      cleaned.push({
        orderId: o.order_id,
        customerId: o.customer_id,
        day: o.order_date,
        amount,
        country: country.get(o.customer_id) ?? "unknown",
      });
    }
    ctx.log.info(`kept ${cleaned.length} of ${orders.length} orders`);
    return cleaned;
  },
);

export const dailyRevenue = asset(
  "transform/daily_revenue",
  {
    ins: { orders: cleanedOrders },
    deps: ["finance/fx_rates"],
    group: "transform",
    description: "Revenue per day.",
    kinds: ["duckdb"],
    io: warehouse,
    automation: eager(),
    schema: rowsOf({ day: "string", revenue: "number", orders: "number" }),
    owners: ["team:analytics"],
    tags: { layer: "gold" },
    freshness: { maxLag: "24h" },
  },
  (_ctx, { orders }) => {
    const byDay = new Map<string, { day: string; revenue: number; orders: number }>();
    for (const o of orders) {
      const row = byDay.get(o.day) ?? { day: o.day, revenue: 0, orders: 0 };
      row.revenue = Math.round((row.revenue + o.amount) * 100) / 100;
      row.orders++;
      byDay.set(o.day, row);
    }
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  },
);

export const revenueByCustomer = asset(
  "transform/revenue_by_customer",
  {
    ins: { orders: cleanedOrders, customers: rawCustomers },
    group: "transform",
    description: "Revenue per customer, highest first.",
    owners: ["team:analytics"],
    tags: { layer: "gold" },
    metadata: { pii: true, securityClass: "confidential", retention: "P30D" },
    automation: eager(),
  },
  (_ctx, { orders, customers }) => {
    const names = new Map(customers.map((c) => [c.customer_id, c.name]));
    const totals = new Map<string, number>();
    for (const o of orders)
      totals.set(o.customerId, Math.round(((totals.get(o.customerId) ?? 0) + o.amount) * 100) / 100);
    return [...totals.entries()]
      .map(([customerId, revenue]) => ({ customerId, name: names.get(customerId) ?? "unknown", revenue }))
      .sort((a, b) => b.revenue - a.revenue);
  },
);
