/** What a typed selection would run, in words, and the webview's request to run one (validated). */
import assert from "node:assert/strict";
import { describeRunSelection, describeRunTarget, selectionFor, type SelectableAsset } from "@assetline/core";
import { isWebviewMessage } from "@assetline/protocol";

const assets: SelectableAsset[] = [
  { key: "finance/fx_rates", deps: [], external: true },
  { key: "ingest/raw_orders", deps: [], group: "ingest" },
  { key: "transform/cleaned_orders", deps: ["ingest/raw_orders"], group: "transform" },
  {
    key: "transform/daily_revenue",
    deps: ["transform/cleaned_orders", "finance/fx_rates"],
    group: "transform",
  },
  { key: "reports/revenue", deps: ["transform/daily_revenue"], group: "reports" },
];

describe("a selection before it runs", () => {
  it("says how many assets it materializes and which, external ones left out", () => {
    const said = describeRunSelection("+transform/daily_revenue", assets);
    assert.deepEqual(said.keys, ["ingest/raw_orders", "transform/cleaned_orders", "transform/daily_revenue"]);
    assert.equal(
      said.message,
      "3 assets: ingest/raw_orders, transform/cleaned_orders and transform/daily_revenue",
    );
    assert.equal(
      describeRunSelection("*", assets).message,
      "4 assets: ingest/raw_orders, transform/cleaned_orders, transform/daily_revenue and 1 more",
    );
  });

  it("says why a selection cannot run", () => {
    assert.equal(describeRunSelection("finance/fx_rates", assets).keys, undefined);
    assert.match(
      describeRunSelection("finance/fx_rates", assets).message,
      /matches no asset that can be materialized/,
    );
    const unfinished = describeRunSelection("group:", assets);
    assert.equal(unfinished.keys, undefined, "an unfinished selection runs nothing");
    assert.notEqual(unfinished.message, "", "and says why");
    assert.equal(describeRunSelection("group:(", assets).keys, undefined);
    assert.match(describeRunSelection("  ", assets).message, /^A selection, e\.g\./);
  });

  it("the webview may ask to run a selection, a string of bounded length, never anything else", () => {
    assert.ok(isWebviewMessage({ type: "runSelection", selection: "group:ingest" }));
    assert.ok(!isWebviewMessage({ type: "runSelection", selection: "" }));
    assert.ok(!isWebviewMessage({ type: "runSelection", selection: 42 }));
    assert.ok(!isWebviewMessage({ type: "runSelection", selection: "x".repeat(5000) }));
  });

  it("the webview's request to open a failure names one asset key", () => {
    assert.ok(isWebviewMessage({ type: "showFailure", key: "ingest/raw_orders" }));
    assert.ok(!isWebviewMessage({ type: "showFailure", key: "" }));
    assert.ok(!isWebviewMessage({ type: "showFailure", key: ["a"] }));
    assert.ok(!isWebviewMessage({ type: "showFailure" }));
  });
});

describe("a recorded run's target in words", () => {
  const planned = ["ingest/raw_orders", "transform/cleaned_orders", "transform/daily_revenue"];

  it("names an asset run with its upstream or downstream by that asset", () => {
    assert.equal(
      describeRunTarget(selectionFor("transform/daily_revenue", "upstream"), planned),
      "transform/daily_revenue and 2 upstream assets",
    );
    assert.equal(
      describeRunTarget("+transform/daily_revenue", planned),
      "transform/daily_revenue and 2 upstream assets",
    );
    assert.equal(
      describeRunTarget(selectionFor("ingest/raw_orders", "downstream"), planned),
      "ingest/raw_orders and 2 downstream assets",
    );
    assert.equal(
      describeRunTarget(selectionFor("ingest/raw_orders"), ["ingest/raw_orders"]),
      "ingest/raw_orders",
    );
  });

  it("names what was asked for, and which way the rest was added", () => {
    // The lenses' runs of several assets: "+key:a or +key:b", asked for a and b.
    const two = `${selectionFor("transform/daily_revenue", "upstream")} or ${selectionFor("transform/cleaned_orders", "upstream")}`;
    assert.equal(
      describeRunTarget(two, planned, ["transform/daily_revenue", "transform/cleaned_orders"]),
      "transform/daily_revenue, transform/cleaned_orders and 1 upstream asset",
    );
    // Run with downstream is not said to have added upstream assets.
    assert.equal(
      describeRunTarget(selectionFor("ingest/raw_orders", "downstream"), planned, ["ingest/raw_orders"]),
      "ingest/raw_orders and 2 downstream assets",
    );
  });

  it("names any other selection by its keys", () => {
    assert.equal(
      describeRunTarget("group:transform", planned.slice(1)),
      "transform/cleaned_orders and transform/daily_revenue",
    );
    assert.equal(describeRunTarget("*", planned), "ingest/raw_orders, transform/cleaned_orders and 1 more");
    assert.equal(
      describeRunTarget("+transform/daily_revenue+", planned),
      "ingest/raw_orders, transform/cleaned_orders and 1 more",
    );
    // A run whose selection cannot be read (an older record): its keys.
    assert.equal(
      describeRunTarget("key:(", planned),
      "ingest/raw_orders, transform/cleaned_orders and 1 more",
    );
  });
});
