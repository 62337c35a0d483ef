import assert from "node:assert/strict";
import type { AssetStatus } from "@assetline/core";
import { cardFor } from "../../../webview/src/card";
import { escapeXml, exportSvg } from "../../../webview/src/export-svg";
import { indexGraph } from "../../../webview/src/graph-index";
import { layoutGraph } from "../../../webview/src/layout";
import { stepForKey, walkStep } from "../../../webview/src/navigate";
import { initialState, restoreState, STATE_VERSION } from "../../../webview/src/state";
import { groupState, mergeStatus } from "../../../webview/src/status";
import { buildView, groupsOf } from "../../../webview/src/view";
import { asset, graphOf } from "./fixtures";

const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;';
const graph = graphOf([
  asset("ingest/a", [], {
    group: "ingest",
    metadata: { pii: true, retention: "P30D", note: "n" },
    owners: ["team:data-eng"],
    kinds: ["duckdb"],
  }),
  asset("ingest/b", [], { group: "ingest" }),
  asset(`evil/${hostile}`, ["ingest/a"], { description: hostile, group: `<g>${hostile}` }),
  asset("report/c", ["ingest/a", "ingest/b"]),
  asset("report/d", ["report/c"]),
]);
const index = indexGraph(graph);

describe("webview keyboard walking", () => {
  const model = buildView(index, { mode: "graph", hops: 2, expansions: [], collapsed: [] });
  const layout = layoutGraph({ keys: model.nodes.map((n) => n.id), edges: model.edges });
  it("goes upstream, downstream and to siblings of the same layer", () => {
    assert.equal(walkStep(layout, model.edges, "report/d", stepForKey("ArrowLeft")!), "report/c");
    assert.equal(walkStep(layout, model.edges, "report/c", stepForKey("ArrowRight")!), "report/d");
    assert.ok(["ingest/a", "ingest/b"].includes(walkStep(layout, model.edges, "report/c", "upstream")!));
    const row = layout.layers[0]!;
    assert.equal(walkStep(layout, model.edges, row[0]!, "next"), row[1]);
    assert.equal(walkStep(layout, model.edges, row[0]!, "previous"), undefined);
    assert.equal(walkStep(layout, model.edges, "report/d", "downstream"), undefined);
    assert.equal(stepForKey("Enter"), undefined);
  });
});

describe("webview run states", () => {
  it("merges partial updates and drops entries that are not valid", () => {
    const known: Record<string, AssetStatus> = { a: { state: "fresh" } };
    const merged = mergeStatus(known, {
      b: { state: "stale", reason: "upstream changed" },
      c: { state: "exploded" },
      d: null,
      e: "fresh",
    });
    assert.deepEqual(merged, { a: { state: "fresh" }, b: { state: "stale", reason: "upstream changed" } });
    assert.deepEqual(known, { a: { state: "fresh" } }, "the known states were changed in place");
    assert.deepEqual(mergeStatus(known, "garbage"), known);
  });

  it("keeps a partitioned asset's summary, and drops one that is not counts", () => {
    const summary = { total: 5, materialized: 3, stale: 0, failed: 1, running: 0, missing: 1 };
    const merged = mergeStatus(
      {},
      {
        p: { state: "failed", partitions: { ...summary, extra: "<script>" } },
        q: { state: "fresh", partitions: { ...summary, failed: "1" } },
      },
    );
    assert.deepEqual(merged.p?.partitions, summary);
    assert.equal(merged.q?.partitions, undefined);
  });

  it("shows a collapsed group in its most urgent member's state", () => {
    const status: Record<string, AssetStatus> = {
      a: { state: "fresh" },
      b: { state: "failed" },
      c: { state: "stale" },
    };
    assert.equal(groupState(["a", "b", "c"], status), "failed");
    assert.equal(groupState(["a", "c"], status), "stale");
    assert.equal(groupState(["x"], status), undefined);
    assert.equal(groupState(["a", "c"], { ...status, c: { state: "running" } }), "running");
  });
});

describe("webview hover card", () => {
  it("lists state, reason, group, kinds, owners, classification and dependency counts", () => {
    const model = buildView(index, { mode: "graph", hops: 2, expansions: [], collapsed: [] });
    const card = cardFor(
      model.byId.get("ingest/a")!,
      index,
      {
        "ingest/a": { state: "stale", reason: "code changed", lastMaterialized: "2026-11-24T08:00:00Z" },
      },
      Date.parse("2026-11-24T11:00:00Z"),
    );
    const rows = Object.fromEntries(card.rows.map((r) => [r.label, r.value]));
    assert.equal(card.title, "ingest/a");
    assert.equal(rows.state, "stale");
    assert.equal(rows.why, "code changed");
    assert.equal(rows["last materialized"], "3 h ago, 2026-11-24T08:00:00Z");
    assert.equal(rows.pii, "true");
    assert.equal(rows.retention, "P30D");
    assert.equal(rows.owners, "team:data-eng");
    assert.equal(rows.kinds, "duckdb");
    assert.equal(rows.deps, "0 upstream, 2 downstream");
    assert.equal(card.rows.find((r) => r.label === "pii")?.tone, "classification");
  });

  it("summarizes a collapsed group", () => {
    const model = buildView(index, { mode: "graph", hops: 2, expansions: [], collapsed: ["ingest"] });
    const card = cardFor(model.byId.get("group:ingest")!, index, {
      "ingest/a": { state: "failed" },
      "ingest/b": { state: "failed" },
    });
    assert.equal(card.title, "group ingest");
    assert.deepEqual(card.rows.slice(0, 2), [
      { label: "assets", value: "2" },
      { label: "states", value: "2 failed" },
    ]);
  });
});

describe("webview SVG export", () => {
  it("escapes every string from user code", () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    const model = buildView(index, {
      mode: "graph",
      hops: 2,
      expansions: [],
      collapsed: [],
      focus: "ingest/a",
    });
    const layout = layoutGraph({
      keys: model.nodes.map((n) => n.id),
      edges: model.edges,
      groups: groupsOf(model),
    });
    const svg = exportSvg(model, layout, { [`evil/${hostile}`]: { state: "failed" } });
    assert.ok(svg.startsWith("<svg "), "not an SVG document");
    assert.ok(
      !/<script|<img|<g>/i.test(svg),
      "markup from an asset key, group or description leaked into the SVG",
    );
    assert.ok(
      svg.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
      "the hostile description is missing, escaped",
    );
    assert.equal((svg.match(/<g class="node/g) ?? []).length, 5, "one node group per asset");
    assert.ok(svg.includes('class="node focus'), "the focus is not marked");
  });

  it("refuses theme colours that would close the style block", () => {
    const model = buildView(index, { mode: "graph", hops: 2, expansions: [], collapsed: [] });
    const layout = layoutGraph({ keys: model.nodes.map((n) => n.id), edges: model.edges });
    const svg = exportSvg(
      model,
      layout,
      {},
      {
        background: "red}</style><script>x</script>",
        foreground: "#000",
        muted: "#000",
        nodeFill: "#fff",
        nodeStroke: "#000",
        edge: "#000",
        groupFill: "#fff",
        focus: "#00f",
        fresh: "#0f0",
        stale: "#ff0",
        running: "#00f",
        failed: "#f00",
        never: "#888",
        fontFamily: "serif",
      },
    );
    assert.ok(!svg.includes("<script"), "a colour value broke out of the style block");
  });
});

describe("webview persisted state", () => {
  it("restores a state from the first build ({ graph, focus }) as a focus view", () => {
    const restored = restoreState({ graph, focus: "report/c" });
    assert.equal(restored?.version, STATE_VERSION);
    assert.equal(restored?.mode, "focus");
    assert.equal(restored?.focus, "report/c");
    assert.equal(restored?.graph, graph);
    assert.equal(restored?.hops, 2);
    assert.equal(restored?.hostFocus, "report/c", "the first build's focus came from the client");
  });

  it("keeps what is valid and drops what is not", () => {
    const restored = restoreState({
      graph: { assets: "nope" },
      mode: "sideways",
      hops: 99,
      expansions: [{ key: "a", direction: "up" }, { key: "b", direction: "left" }, 3],
      collapsed: ["ingest", 4],
      filter: "group:ingest",
      status: { a: { state: "fresh" }, b: { state: "??" } },
      transform: { x: 1, y: 2, k: 0 },
      legend: true,
    })!;
    assert.equal(restored.graph, undefined);
    assert.equal(restored.mode, "graph");
    assert.equal(restored.hops, 9);
    assert.deepEqual(restored.expansions, [{ key: "a", direction: "up" }]);
    assert.deepEqual(restored.collapsed, ["ingest"]);
    assert.equal(restored.filter, "group:ingest");
    assert.deepEqual(restored.status, { a: { state: "fresh" } });
    assert.equal(restored.transform, undefined, "a zero zoom was restored");
    assert.equal(restored.legend, true);
    assert.equal(restoreState(null), undefined);
    assert.equal(restoreState("x"), undefined);
    assert.deepEqual(restoreState({}), initialState());
  });
});
