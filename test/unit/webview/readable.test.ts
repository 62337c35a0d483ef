/**
 * The lineage view reads at a glance: the camera fits width and height without going below
 * a readable scale, edges are routed around node boxes, each group is one box, the legend
 * explains every mark, and node cards say when an asset was last materialized.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { AssetStatus } from "@assetline/core";
import { edgePath } from "../../../webview/src/geometry";
import { fitTransform, MIN_READABLE_SCALE, orientedLayout } from "../../../webview/src/fit";
import { indexGraph } from "../../../webview/src/graph-index";
import * as layoutModule from "../../../webview/src/layout";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Layout } from "../../../webview/src/layout";
import { legendSections } from "../../../webview/src/legend";
import { cardTitle, checkSummary, nodeCardFor, oneLine, relativeTime } from "../../../webview/src/node-card";
import { cardFor } from "../../../webview/src/card";
import { automationVerdicts } from "../../../webview/src/status";
import { STATES } from "../../../webview/src/status";
import { buildView } from "../../../webview/src/view";
import { asset, graphOf, randomGraph } from "./fixtures";

/** The shop example's shape: 9 assets in 4 layers, 4 groups, an external upstream 2 layers back. */
const shop = graphOf([
  asset("ingest/raw_orders", [], { group: "ingest", kinds: ["csv"] }),
  asset("ingest/raw_customers", [], { group: "ingest", kinds: ["csv"] }),
  asset("finance/fx_rates", [], { group: "ingest", external: true }),
  asset("transform/cleaned_orders", ["ingest/raw_orders", "ingest/raw_customers"], { group: "transform" }),
  asset("transform/daily_revenue", ["transform/cleaned_orders", "finance/fx_rates"], {
    group: "transform",
    checks: ["non_negative"],
  }),
  asset("transform/revenue_by_customer", ["transform/cleaned_orders", "ingest/raw_customers"], {
    group: "transform",
  }),
  asset("dashboards/customer_health", ["transform/revenue_by_customer", "transform/cleaned_orders"], {
    group: "dashboards",
  }),
  asset("dashboards/sales_overview", ["transform/daily_revenue"], { group: "dashboards" }),
  asset("reports/revenue", ["transform/daily_revenue", "transform/revenue_by_customer"], {
    group: "reports",
  }),
]);

function inputOf(graph: ReturnType<typeof graphOf>, grouped = true) {
  return {
    keys: graph.assets.map((a) => a.key),
    edges: graph.assets.flatMap((a) => a.deps.map((dep): [string, string] => [dep, a.key])),
    ...(grouped
      ? {
          groups: new Map(
            graph.assets.filter((a) => a.group).map((a) => [a.key, a.group!] as [string, string]),
          ),
        }
      : {}),
  };
}

/** Every node box on screen under a transform. */
function onScreen(layout: Layout, t: { x: number; y: number; k: number }) {
  return [...layout.nodes.values()].map((n) => ({
    key: n.key,
    left: t.x + n.x * t.k,
    top: t.y + n.y * t.k,
    right: t.x + (n.x + NODE_WIDTH) * t.k,
    bottom: t.y + (n.y + NODE_HEIGHT) * t.k,
  }));
}

/** Points along every cubic segment of an SVG path made of M and C commands. */
function sample(d: string): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  const numbers = (text: string) => (text.match(/-?[\d.]+(?:e-?\d+)?/g) ?? []).map(Number);
  for (const sub of d.split("M").filter(Boolean)) {
    const [start, ...curves] = sub.split("C");
    let [x0, y0] = numbers(start!) as [number, number];
    for (const curve of curves) {
      const [x1, y1, x2, y2, x3, y3] = numbers(curve) as [number, number, number, number, number, number];
      for (let i = 0; i <= 24; i++) {
        const t = i / 24;
        const u = 1 - t;
        points.push([
          u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
          u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3,
        ]);
      }
      [x0, y0] = [x3, y3];
    }
  }
  return points;
}

describe("webview: a lineage view that reads at a glance", () => {
  describe("fit", () => {
    it("shows every node of the 9-asset shop at a readable scale in a narrow split", () => {
      const pane = { width: 560, height: 780 };
      const layout = orientedLayout(inputOf(shop), pane);
      const t = fitTransform(layout, pane, "transform/daily_revenue");
      assert.ok(
        t.k >= MIN_READABLE_SCALE,
        `scale ${t.k.toFixed(2)}: 14 px keys shown at ${(14 * t.k).toFixed(1)} px`,
      );
      assert.ok(14 * t.k >= 13 && 13 * t.k >= 12);
      for (const box of onScreen(layout, t)) {
        assert.ok(
          box.left >= 0 && box.top >= 0 && box.right <= pane.width && box.bottom <= pane.height,
          `${box.key} is outside the pane: ${JSON.stringify(box)}`,
        );
      }
    });

    it("fits width and height in a wide pane, centred, never above 100%", () => {
      const pane = { width: 1400, height: 700 };
      const layout = orientedLayout(inputOf(shop), pane);
      assert.equal(layout.direction, "right", "a wide pane flows left to right");
      const t = fitTransform(layout, pane);
      assert.ok(t.k <= 1 && t.k >= MIN_READABLE_SCALE);
      const boxes = onScreen(layout, t);
      const left = Math.min(...boxes.map((b) => b.left));
      const right = Math.max(...boxes.map((b) => b.right));
      const top = Math.min(...boxes.map((b) => b.top));
      const bottom = Math.max(...boxes.map((b) => b.bottom));
      assert.ok(
        Math.abs(left - (pane.width - right)) < 30,
        `not centred across: ${left} | ${pane.width - right}`,
      );
      assert.ok(
        Math.abs(top - (pane.height - bottom)) < 30,
        `not centred down: ${top} | ${pane.height - bottom}`,
      );
    });

    it("stays readable on a large graph: centred on the focus, and never clips the start", () => {
      const graph = randomGraph(400, 5);
      const layout = layoutGraph(inputOf(graph));
      const pane = { width: 500, height: 700 };
      const focus = graph.assets[200]!.key;
      const t = fitTransform(layout, pane, focus);
      assert.equal(t.k, MIN_READABLE_SCALE);
      const node = layout.nodes.get(focus)!;
      const cx = t.x + (node.x + NODE_WIDTH / 2) * t.k;
      const cy = t.y + (node.y + NODE_HEIGHT / 2) * t.k;
      assert.ok(
        Math.abs(cx - pane.width / 2) < 1 && Math.abs(cy - pane.height / 2) < 1,
        `focus at ${cx},${cy}`,
      );
      // Without a focus the view starts at the first layer, not in the middle with its start cut off.
      const start = fitTransform(layout, pane);
      assert.ok(start.x > 0 && start.x <= 16, `the first layer starts at ${start.x}`);
    });
  });

  describe("edge routing", () => {
    it("routes no edge under a node box (the external fx_rates edge goes around cleaned_orders)", () => {
      const check = (layout: Layout, edges: Array<[string, string]>) => {
        for (const [from, to] of edges) {
          const points = sample(edgePath(layout, from, to));
          assert.ok(points.length > 0);
          for (const node of layout.nodes.values()) {
            if (node.key === from || node.key === to) continue;
            for (const [x, y] of points) {
              assert.ok(
                !(
                  x > node.x + 1 &&
                  x < node.x + NODE_WIDTH - 1 &&
                  y > node.y + 1 &&
                  y < node.y + NODE_HEIGHT - 1
                ),
                `the edge ${from} -> ${to} passes under ${node.key} at ${x.toFixed(0)},${y.toFixed(0)}`,
              );
            }
          }
        }
      };
      const input = inputOf(shop);
      check(layoutGraph(input), input.edges);
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 40 }),
          fc.integer({ min: 1, max: 1e6 }),
          fc.boolean(),
          (n, seed, grouped) => {
            const graph = randomGraph(n, seed);
            const random = inputOf(graph, grouped);
            check(layoutGraph(random), random.edges);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe("group boxes", () => {
    it("draws one labelled box per group, around all its nodes, overlapping no other node or box", () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
          const graph = randomGraph(n, seed);
          const input = inputOf(graph);
          const layout = layoutGraph(input) as Layout & { groups?: layoutModule.GroupBox[] };
          const boxes = layout.groups ?? [];
          const names = [...new Set(graph.assets.map((a) => a.group!))].sort();
          assert.deepEqual(boxes.map((b) => b.group).sort(), names, "not exactly one box per group");
          for (const [key, node] of layout.nodes) {
            for (const box of boxes) {
              const inside =
                node.x >= box.x &&
                node.y >= box.y &&
                node.x + NODE_WIDTH <= box.x + box.width &&
                node.y + NODE_HEIGHT <= box.y + box.height;
              const meets =
                node.x < box.x + box.width &&
                box.x < node.x + NODE_WIDTH &&
                node.y < box.y + box.height &&
                box.y < node.y + NODE_HEIGHT;
              if (box.group === input.groups!.get(key))
                assert.ok(inside, `${key} sticks out of its group's box`);
              else assert.ok(!meets, `${key} lies on the box of group ${box.group}`);
            }
          }
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i]!;
              const b = boxes[j]!;
              assert.ok(
                a.x + a.width <= b.x ||
                  b.x + b.width <= a.x ||
                  a.y + a.height <= b.y ||
                  b.y + b.height <= a.y,
                `the boxes of ${a.group} and ${b.group} overlap`,
              );
            }
        }),
        { numRuns: 80 },
      );
    });
  });

  describe("legend", () => {
    it("explains every run state and every mark, each with a swatch styled in lineage.css", () => {
      const items = legendSections().flatMap((section) => section.items);
      const css = fs.readFileSync(path.join(__dirname, "../../../webview/src/lineage.css"), "utf8");
      for (const state of STATES)
        assert.ok(
          items.some((item) => item.swatch.split(" ").includes(`state-${state}`)),
          `no legend for ${state}`,
        );
      for (const mark of [
        "focus",
        "external",
        "edge",
        "group",
        "collapsed",
        "expand",
        "kind",
        "generated",
        "checks-passed",
        "checks-failed",
        "time",
        "health",
        "auto",
        "failure",
      ])
        assert.ok(
          items.some((item) => item.swatch.split(" ").includes(`mark-${mark}`)),
          `no legend for ${mark}`,
        );
      for (const item of items) {
        const mark = item.swatch.split(" ").find((name) => name.startsWith("mark-"));
        if (mark) assert.ok(css.includes(`.legend .${mark}`), `the swatch ${mark} has no style`);
        assert.ok(item.label.length > 0);
      }
    });
  });

  describe("node cards", () => {
    const now = Date.parse("2026-12-07T12:00:00Z");

    it("says how long ago an asset was materialized", () => {
      assert.equal(relativeTime("2026-12-07T11:59:30Z", now), "just now");
      assert.equal(relativeTime("2026-12-07T11:48:00Z", now), "12 min ago");
      assert.equal(relativeTime("2026-12-07T09:00:00Z", now), "3 h ago");
      assert.equal(relativeTime("2026-12-04T12:00:00Z", now), "3 d ago");
      assert.equal(relativeTime("2026-12-07T12:05:00Z", now), "just now", "a clock a little ahead");
      assert.equal(relativeTime("yesterday", now), undefined);
      assert.equal(relativeTime(undefined, now), undefined);
    });

    it("carries the key, kinds, a one-line description, the state with its time and the checks", () => {
      const graph = graphOf([
        asset("transform/daily_revenue", [], {
          kinds: ["duckdb"],
          description: "Revenue per day.\nSecond line that is not shown.",
          checks: ["non_negative"],
        }),
        asset("finance/fx_rates", [], { external: true }),
      ]);
      const model = buildView(indexGraph(graph), { mode: "graph", hops: 2, expansions: [], collapsed: [] });
      const status: Record<string, AssetStatus> = {
        "transform/daily_revenue": { state: "check-failed", lastMaterialized: "2026-12-07T09:00:00Z" },
      };
      const card = nodeCardFor(model.byId.get("transform/daily_revenue")!, status, now);
      assert.equal(card.title, "…/daily_revenue");
      assert.equal(card.detail, "Revenue per day.");
      assert.deepEqual(card.kinds, ["duckdb"]);
      assert.equal(card.stateText, "check failed · 3 h");
      assert.deepEqual(card.checks, { text: "✗ 1 check", tone: "failed" });
      const external = nodeCardFor(model.byId.get("finance/fx_rates")!, {}, now);
      assert.equal(external.external, true);
      assert.match(`${external.detail} ${external.stateText}`, /external/);
      assert.deepEqual(checkSummary(["a", "b"], "fresh"), { text: "✓ 2 checks", tone: "passed" });
      assert.equal(checkSummary([], "fresh"), undefined);
      assert.equal(oneLine("Orders exported by the shop, as CSV rows", 21), "Orders exported by…");
      // A long key is cut at a word, never mid-word where a word boundary allows.
      assert.equal(cardTitle("transform/revenue_by_customer"), "…by_customer");
      assert.equal(cardTitle("dashboards/customer_health"), "…/customer_health");
      assert.equal(cardTitle("dashboards/customer_health", 15), "customer_health");
      assert.equal(cardTitle("x/abcdefghijklmnopqrstuvwxyz", 10), "…rstuvwxyz");
      assert.equal(card.health, undefined, "an unpartitioned asset has no health bar");
      // A failed asset's time is when it failed (as the lens says), not its last materialization;
      // with the line that threw known, the state line links it instead.
      const failedAt = new Date(now - 60_000).toISOString();
      const failed: Record<string, AssetStatus> = {
        "transform/daily_revenue": {
          state: "failed",
          lastMaterialized: "2026-12-07T09:00:00Z",
          reasons: [
            { code: "failed", runId: "r", failure: "error", error: "boom", time: failedAt, message: "m" },
          ],
        },
      };
      const node = model.byId.get("transform/daily_revenue")!;
      assert.equal(nodeCardFor(node, failed, now).stateText, "failed · 1 min ago");
      assert.equal(
        nodeCardFor(node, failed, now, {}, { "transform/daily_revenue": "src/t.ts:3" }).stateText,
        "failed · go to error",
      );
    });

    it("marks an asset automation would request now, with the reason in the hover card", () => {
      const graph = graphOf([asset("t/eager", [])]);
      const index = indexGraph(graph);
      const model = buildView(index, { mode: "graph", hops: 2, expansions: [], collapsed: [] });
      const verdicts = automationVerdicts({
        "t/eager": { requested: true, reason: "upstream i/raw was updated at 06:02" },
        "t/bad": { requested: "yes", reason: 3 },
      });
      assert.deepEqual(Object.keys(verdicts), ["t/eager"], "a malformed verdict is dropped");
      const node = model.byId.get("t/eager")!;
      assert.deepEqual(nodeCardFor(node, {}, now, verdicts).requested, {
        badge: "⚡",
        reason: "upstream i/raw was updated at 06:02",
      });
      assert.equal(nodeCardFor(node, {}, now).requested, undefined);
      const rows = cardFor(node, index, {}, now, verdicts).rows;
      assert.deepEqual(
        rows.find((row) => row.label === "automation"),
        {
          label: "automation",
          value: "would run now: upstream i/raw was updated at 06:02",
          tone: "auto-requested",
        },
      );
    });

    it("gives a partitioned asset a health bar of its partitions, in core's words", () => {
      const graph = graphOf([asset("sales/daily", [])]);
      const model = buildView(indexGraph(graph), { mode: "graph", hops: 2, expansions: [], collapsed: [] });
      const status: Record<string, AssetStatus> = {
        "sales/daily": {
          state: "failed",
          partitions: { total: 340, materialized: 300, stale: 12, failed: 2, running: 0, missing: 26 },
        },
      };
      const card = nodeCardFor(model.byId.get("sales/daily")!, status, now);
      assert.equal(card.health?.text, "312/340 materialized, 2 failed, 12 stale");
      assert.deepEqual(
        card.health?.segments.map((s) => [s.state, Math.round(s.fraction * 340)]),
        [
          ["materialized", 300],
          ["stale", 12],
          ["failed", 2],
          ["missing", 26],
        ],
      );
    });
  });
});
