import path from "node:path";
import { asset, check, onCron } from "assetline";
import { notifier, shopFiles } from "./resources";
import { dailyRevenue, revenueByCustomer } from "./transform";

export const revenueReport = asset(
  "reports/revenue",
  {
    ins: { daily: dailyRevenue, customers: revenueByCustomer },
    group: "reports",
    description: "The weekly revenue report, also written to data/out/report.json.",
    owners: ["team:analytics", "user:ceo@example.com"],
    tags: { layer: "gold", audience: "management" },
    kinds: ["json"],
    resources: { files: shopFiles, notify: notifier },
    // Every morning at 06:00 in Berlin, once both upstreams have been updated since.
    automation: onCron("0 6 * * *", { timezone: "Europe/Berlin" }),
  },
  (ctx, { daily, customers }) => {
    const total = Math.round(daily.reduce((sum, d) => sum + d.revenue, 0) * 100) / 100;
    const report = {
      total,
      days: daily.length,
      best_day: [...daily].sort((a, b) => b.revenue - a.revenue)[0]?.day ?? null,
      top_customers: customers.slice(0, 3),
      daily,
    };
    const file = ctx.resources.files.writeJson("report.json", report);
    ctx.log.info(`wrote ${path.relative(ctx.root, file)}`);
    ctx.resources.notify.send("Revenue report", { total, days: report.days });
    return report;
  },
);

export const dailyRevenueNonNegative = check(
  dailyRevenue,
  "non_negative",
  { blocking: true },
  (_ctx, rows) => ({
    passed: rows.every((r) => r.revenue >= 0),
    metadata: { days: rows.length },
  }),
);

export const reportHasDays = check(revenueReport, "has_days", { severity: "warn" }, (_ctx, report) => ({
  passed: report.days > 0,
  description: `${report.days} day(s) in the report`,
}));
