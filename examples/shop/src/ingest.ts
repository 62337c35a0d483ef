import { asset, externalAsset } from "assetline";
import { shopFiles } from "./resources";

export interface RawOrder {
  order_id: string;
  customer_id: string;
  order_date: string;
  amount: string;
  currency: string;
  status: string;
}

export interface RawCustomer {
  customer_id: string;
  name: string;
  email: string;
  country: string;
  signup_date: string;
}

export const rawOrders = asset(
  "ingest/raw_orders",
  {
    group: "ingest",
    description: "Orders exported by the shop, as CSV rows.",
    owners: ["team:data-eng"],
    tags: { layer: "bronze", source: "shop" },
    kinds: ["csv"],
    metadata: { pii: false, securityClass: "internal", retention: "P90D" },
    freshness: { maxLag: "24h" },
    resources: { files: shopFiles },
  },
  (ctx) => {
    const rows = ctx.resources.files.readCsv("orders.csv") as unknown as RawOrder[];
    ctx.log.info(`read ${rows.length} orders`);
    return rows;
  },
);

export const rawCustomers = asset(
  "ingest/raw_customers",
  {
    group: "ingest",
    description: "Customers exported by the shop, as CSV rows.",
    owners: ["team:data-eng"],
    tags: { layer: "bronze", source: "shop" },
    kinds: ["csv"],
    metadata: { pii: true, securityClass: "confidential", retention: "P30D" },
    freshness: { maxLag: "24h" },
    resources: { files: shopFiles },
  },
  (ctx) => ctx.resources.files.readCsv("customers.csv") as unknown as RawCustomer[],
);

/** Exchange rates maintained by finance: declared for lineage, never computed here. */
export const fxRates = externalAsset("finance/fx_rates", {
  group: "ingest",
  description: "Daily exchange rates, maintained by the finance team.",
  owners: ["team:finance"],
});
