import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { materializeInMemory, type AnyAsset } from "../../../sdk/src";

// The example's modules, loaded at run time (through tsx): the example is its own project.
/* eslint-disable @typescript-eslint/no-require-imports */
const example = (file: string) =>
  require(path.resolve(__dirname, "../../../examples/shop/src", file)) as Record<string, AnyAsset>;
const { cleanedOrders, dailyRevenue } = example("transform.ts");
const { revenueReport } = example("report.ts");
/* eslint-enable @typescript-eslint/no-require-imports */

describe("testing assets in memory (materializeInMemory) on the example's real assets", () => {
  it("runs transforms on stub upstream values, bypassing their DuckDB IO manager", async () => {
    const run = await materializeInMemory([cleanedOrders, dailyRevenue], {
      values: {
        "ingest/raw_orders": [
          {
            order_id: "1",
            customer_id: "C1",
            order_date: "2026-11-01",
            amount: "10.5",
            currency: "EUR",
            status: "completed",
          },
          {
            order_id: "2",
            customer_id: "C2",
            order_date: "2026-11-01",
            amount: "99",
            currency: "EUR",
            status: "cancelled",
          },
          {
            order_id: "3",
            customer_id: "C1",
            order_date: "2026-11-02",
            amount: "",
            currency: "EUR",
            status: "completed",
          },
          {
            order_id: "4",
            customer_id: "C9",
            order_date: "2026-11-02",
            amount: "4.5",
            currency: "EUR",
            status: "completed",
          },
        ],
        "ingest/raw_customers": [
          { customer_id: "C1", name: "Ada", email: "a@x", country: "FR", signup_date: "2026-01-01" },
        ],
      },
    });
    assert.equal(run.status, "success");
    assert.deepEqual(run.materialized, ["transform/cleaned_orders", "transform/daily_revenue"]);
    assert.deepEqual(run.values.get("transform/cleaned_orders"), [
      { orderId: "1", customerId: "C1", day: "2026-11-01", amount: 10.5, country: "FR" },
      { orderId: "4", customerId: "C9", day: "2026-11-02", amount: 4.5, country: "unknown" },
    ]);
    assert.deepEqual(run.values.get("transform/daily_revenue"), [
      { day: "2026-11-01", revenue: 10.5, orders: 1 },
      { day: "2026-11-02", revenue: 4.5, orders: 1 },
    ]);
    assert.ok(run.events.some((e) => e.type === "check_result" && e.check === "non_negative" && e.passed));
  });

  it("replaces resources with stubs, so the report writes nothing to disk", async () => {
    const written: [string, unknown][] = [];
    const sent: string[] = [];
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-memory-"));
    try {
      const run = await materializeInMemory([revenueReport], {
        root,
        values: {
          "transform/daily_revenue": [{ day: "2026-11-01", revenue: 10, orders: 1 }],
          "transform/revenue_by_customer": [{ customerId: "C1", name: "Ada", revenue: 10 }],
        },
        resources: {
          shop_files: {
            writeJson: (name: string, value: unknown) => (written.push([name, value]), path.join(root, name)),
          },
          notifier: { send: (subject: string) => void sent.push(subject) },
        },
      });
      assert.equal(
        run.status,
        "success",
        JSON.stringify(run.events.filter((e) => e.type === "asset_failure")),
      );
      assert.equal((run.values.get("reports/revenue") as { total: number }).total, 10);
      assert.deepEqual(
        written.map(([name]) => name),
        ["report.json"],
      );
      assert.deepEqual(sent, ["Revenue report"]);
      assert.deepEqual(fs.readdirSync(root), [], "nothing written under the root");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("a selection picks what to run, and a missing stub value names the input", async () => {
    await assert.rejects(
      materializeInMemory([dailyRevenue], { select: "transform/daily_revenue" }),
      /its input "transform\/cleaned_orders" has never been materialized/,
    );
  });
});
