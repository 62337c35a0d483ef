import assert from "node:assert/strict";
import type { AssetGraph, AssetNode } from "@assetline/core";
import { analyzeProject } from "../../../analysis/src/index";
import { fixture } from "./helpers";

function byKey(graph: AssetGraph, key: string): AssetNode {
  const node = graph.assets.find((asset) => asset.key === key);
  assert.ok(node, `asset ${key} is missing; found ${graph.assets.map((asset) => asset.key).join(", ")}`);
  return node;
}

// What an orchestrator needs beyond the lineage (the Dagster integration maps these): read
// statically, like every other field of the graph.
describe("analyzeProject: code versions, freshness and check specs (test/fixtures/dagster-lab)", function () {
  let graph: AssetGraph;

  before(function () {
    graph = analyzeProject(fixture("dagster-lab"));
  });

  it("carries codeVersion and freshness where the spec writes them, and nothing where it does not", function () {
    const hello = byKey(graph, "lab/hello");
    assert.equal(hello.codeVersion, "7");
    assert.deepEqual(hello.freshness, { maxLag: "6h" });
    const doubled = byKey(graph, "lab/doubled");
    assert.equal(doubled.codeVersion, undefined);
    assert.equal(doubled.freshness, undefined);
  });

  it("carries each check's blocking, severity and description by name, beside the check names", function () {
    const hello = byKey(graph, "lab/hello");
    assert.deepEqual(hello.checks, ["has_rows"]);
    assert.deepEqual(hello.checkSpecs, { has_rows: { blocking: true, description: "Never empty." } });
    assert.deepEqual(byKey(graph, "lab/gate").checkSpecs, { positive: { blocking: true } });
    assert.equal(byKey(graph, "lab/doubled").checkSpecs, undefined);
  });

  it("reads a check's severity from the shop example", function () {
    const shop = analyzeProject(fixture("../../examples/shop"));
    assert.deepEqual(byKey(shop, "reports/revenue").checkSpecs, { has_days: { severity: "warn" } });
    assert.deepEqual(byKey(shop, "transform/daily_revenue").checkSpecs, { non_negative: { blocking: true } });
    assert.equal(byKey(shop, "transform/cleaned_orders").codeVersion, "1");
  });
});
