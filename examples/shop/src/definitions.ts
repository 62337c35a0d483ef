import fs from "node:fs";
import path from "node:path";
import { defineAssets, schedule, sensor } from "assetline";
import { dashboards } from "./dashboards";
import { fxRates, rawCustomers, rawOrders } from "./ingest";
import { dailyRevenueNonNegative, reportHasDays, revenueReport } from "./report";
import { cleanedOrders, dailyRevenue, revenueByCustomer } from "./transform";

export default defineAssets({
  assets: [
    rawOrders,
    rawCustomers,
    fxRates,
    cleanedOrders,
    dailyRevenue,
    revenueByCustomer,
    revenueReport,
    dashboards,
  ],
  checks: [dailyRevenueNonNegative, reportHasDays],
});

/**
 * A new or changed CSV in data/in starts a run of the ingest assets; the eager() transforms and
 * dashboards follow by themselves under `assetline dev`. The cursor is the newest file time seen.
 */
export const newShopFiles = sensor("new_shop_files", { interval: "30s", targets: "group:ingest" }, (ctx) => {
  const folder = path.join(ctx.root, "data", "in");
  const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith(".csv")) : [];
  const newest = Math.max(0, ...files.map((f) => fs.statSync(path.join(folder, f)).mtimeMs));
  const seen = Number(ctx.cursor ?? 0);
  if (newest <= seen) return { skipReason: "no new CSV in data/in" };
  return { runRequests: [{ runKey: `data/in@${newest}` }], cursor: String(newest) };
});

/** The ingest runs every night at 02:00 Berlin time as well, whatever the sensor saw. */
export const nightlyIngest = schedule("nightly_ingest", {
  cron: "0 2 * * *",
  timezone: "Europe/Berlin",
  select: "group:ingest",
});
