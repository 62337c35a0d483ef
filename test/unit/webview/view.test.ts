import assert from "node:assert/strict";
import { indexGraph } from "../../../webview/src/graph-index";
import { layoutGraph } from "../../../webview/src/layout";
import { buildView, clampHops, groupsOf, type ViewSettings } from "../../../webview/src/view";
import { asset, graphOf } from "./fixtures";

const graph = graphOf([
  asset("ingest/orders", [], { group: "ingest" }),
  asset("ingest/customers", [], { group: "ingest" }),
  asset("transform/joined", ["ingest/orders", "ingest/customers"], { group: "transform" }),
  asset("transform/daily", ["transform/joined", "ingest/orders"], { group: "transform" }),
  asset("report/revenue", ["transform/daily"]),
  asset("report/unrelated", []),
]);
const index = indexGraph(graph);
const base: ViewSettings = { mode: "graph", hops: 2, expansions: [], collapsed: [] };

describe("webview view model", () => {
  it("shows every asset in the whole-graph view, with the focus's lineage for dimming", () => {
    const model = buildView(index, { ...base, focus: "transform/joined" });
    assert.equal(model.nodes.length, 6);
    assert.equal(model.focusId, "transform/joined");
    assert.deepEqual([...model.lineage!].sort(), [
      "ingest/customers",
      "ingest/orders",
      "report/revenue",
      "transform/daily",
      "transform/joined",
    ]);
    assert.equal(model.edges.length, 5);
  });

  it("shows N hops around the focus in the focus view, with + counts on the boundary", () => {
    const model = buildView(index, { ...base, mode: "focus", focus: "report/revenue", hops: 1 });
    assert.deepEqual(model.nodes.map((n) => n.id).sort(), ["report/revenue", "transform/daily"]);
    const daily = model.byId.get("transform/daily")!;
    assert.deepEqual([daily.hiddenUp, daily.hiddenDown], [2, 0]);
    assert.equal(model.lineage, undefined, "no dimming in the focus view");
    const expanded = buildView(index, {
      ...base,
      mode: "focus",
      focus: "report/revenue",
      hops: 1,
      expansions: [{ key: "transform/daily", direction: "up" }],
    });
    assert.equal(expanded.nodes.length, 4);
  });

  it("falls back to the whole graph, with a notice, when the focus is not in the graph", () => {
    const model = buildView(index, { ...base, mode: "focus", focus: "gone/away" });
    assert.equal(model.nodes.length, 6);
    assert.match(model.notice ?? "", /gone\/away is not in the graph/);
  });

  it("draws a collapsed group as one node, with its edges merged and no self-edge", () => {
    const model = buildView(index, { ...base, collapsed: ["ingest"] });
    assert.deepEqual(
      model.nodes.map((n) => n.id),
      ["group:ingest", "transform/joined", "transform/daily", "report/revenue", "report/unrelated"],
    );
    assert.deepEqual(model.byId.get("group:ingest")!.members, ["ingest/orders", "ingest/customers"]);
    assert.deepEqual(model.edges.filter(([from]) => from === "group:ingest").sort(), [
      ["group:ingest", "transform/daily"],
      ["group:ingest", "transform/joined"],
    ]);
    const transform = buildView(index, { ...base, collapsed: ["transform"] });
    assert.ok(
      !transform.edges.some(([from, to]) => from === to),
      "an edge inside a collapsed group became a self-edge",
    );
    assert.equal(
      groupsOf(transform).has("group:transform"),
      false,
      "a collapsed group is not clustered again",
    );
  });

  it("shows the filter's selection instead of the focus view", () => {
    const model = buildView(index, {
      ...base,
      mode: "focus",
      focus: "report/revenue",
      hops: 1,
      selected: new Set(["ingest/orders", "report/unrelated"]),
    });
    assert.deepEqual(
      model.nodes.map((n) => n.id),
      ["ingest/orders", "report/unrelated"],
    );
    assert.equal(model.edges.length, 0);
  });

  it("draws a graph whose deps name missing keys or the asset itself (graph --json lists them as written)", () => {
    const broken = indexGraph(
      graphOf([
        asset("ingest/orders"),
        asset("transform/clean", ["ingest/orders", "ingest/ordres", "transform/clean"]),
      ]),
    );
    assert.deepEqual(broken.up.get("transform/clean"), ["ingest/orders"]);
    for (const settings of [base, { ...base, mode: "focus" as const, focus: "transform/clean", hops: 3 }]) {
      const model = buildView(broken, settings);
      assert.deepEqual(model.edges, [["ingest/orders", "transform/clean"]]);
      assert.deepEqual(
        [model.byId.get("transform/clean")!.hiddenUp, model.byId.get("transform/clean")!.hiddenDown],
        [0, 0],
      );
      const layout = layoutGraph({ keys: model.nodes.map((n) => n.id), edges: model.edges });
      assert.deepEqual([...layout.nodes.keys()].sort(), ["ingest/orders", "transform/clean"]);
    }
  });

  it("keeps hops between 1 and 9", () => {
    assert.deepEqual([clampHops(0), clampHops(2.4), clampHops(42)], [1, 2, 9]);
  });
});
