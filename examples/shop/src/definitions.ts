import { defineAssets } from "assetline";
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
