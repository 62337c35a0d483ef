import { asset, eager } from "assetline";

/** Dashboards to refresh, as collected metadata: one asset per entry. */
export const manifest = [
  { name: "sales_overview", sources: ["daily_revenue"], owner: "team:analytics" },
  {
    name: "customer_health",
    sources: ["revenue_by_customer", "cleaned_orders"],
    owner: "team:customer-success",
  },
] as const;

export const dashboards = manifest.map((d) =>
  asset(
    `dashboards/${d.name}`,
    {
      deps: d.sources.map((s) => `transform/${s}`),
      group: "dashboards",
      owners: [d.owner],
      kinds: ["tableau"],
      tags: { layer: "presentation" },
      automation: eager(),
    },
    (ctx) => {
      ctx.log.info(`refreshing dashboard ${d.name}`);
      return { dashboard: d.name, sources: d.sources, refreshedAt: new Date().toISOString() };
    },
  ),
);
