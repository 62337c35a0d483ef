import assert from "node:assert/strict";
import fc from "fast-check";
import { layoutGraph, NODE_HEIGHT, ROW_GAP, type Layout } from "../../../webview/src/layout";
import { indexGraph } from "../../../webview/src/graph-index";
import { walk } from "../../../webview/src/focus";
import { randomGraph } from "./fixtures";

function edgesOf(graph: ReturnType<typeof randomGraph>): Array<[string, string]> {
  return graph.assets.flatMap((a) => a.deps.map((dep): [string, string] => [dep, a.key]));
}

function assertNoOverlap(layout: Layout): void {
  for (const row of layout.layers) {
    const ys = row.map((key) => layout.nodes.get(key)!.y);
    for (let i = 1; i < ys.length; i++) {
      assert.ok(
        ys[i]! >= ys[i - 1]! + NODE_HEIGHT + ROW_GAP,
        `nodes ${row[i - 1]} and ${row[i]} overlap (y ${ys[i - 1]} then ${ys[i]})`,
      );
    }
  }
}

describe("webview layout", () => {
  it("places every key exactly once, in the layer and order it reports", () => {
    const graph = randomGraph(80, 7);
    const layout = layoutGraph({ keys: graph.assets.map((a) => a.key), edges: edgesOf(graph) });
    assert.equal(layout.nodes.size, 80);
    assert.deepEqual(layout.layers.flat().sort(), graph.assets.map((a) => a.key).sort());
    layout.layers.forEach((row, l) =>
      row.forEach((key, order) =>
        assert.deepEqual([layout.nodes.get(key)!.layer, layout.nodes.get(key)!.order], [l, order]),
      ),
    );
  });

  it("draws every edge left to right (or top to bottom), except the edges that close a cycle", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 4 }),
        (n, seed, back) => {
          const graph = randomGraph(n, seed, back);
          const index = indexGraph(graph);
          const layout = layoutGraph({ keys: graph.assets.map((a) => a.key), edges: edgesOf(graph) });
          for (const [from, to] of edgesOf(graph)) {
            if (from === to) continue;
            const a = layout.nodes.get(from)!;
            const b = layout.nodes.get(to)!;
            if (a.x < b.x) continue;
            // Backwards only when `to` reaches `from` downstream: the edge closes a cycle.
            assert.ok(
              walk(index, to, "down", Infinity).has(from),
              `edge ${from} -> ${to} goes right to left without a cycle`,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never overlaps nodes within a layer, with or without groups", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.boolean(),
        (n, seed, grouped) => {
          const graph = randomGraph(n, seed, 1);
          const groups = grouped ? new Map(graph.assets.map((a) => [a.key, a.group!])) : undefined;
          assertNoOverlap(
            layoutGraph({
              keys: graph.assets.map((a) => a.key),
              edges: edgesOf(graph),
              ...(groups ? { groups } : {}),
            }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps a group's nodes together in each layer, inside boxes that do not overlap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const graph = randomGraph(n, seed);
        const groups = new Map(graph.assets.map((a) => [a.key, a.group!]));
        const layout = layoutGraph({ keys: graph.assets.map((a) => a.key), edges: edgesOf(graph), groups });
        for (const row of layout.layers) {
          const seen = new Set<string>();
          let previous: string | undefined;
          for (const key of row) {
            const group = groups.get(key)!;
            if (group !== previous) {
              assert.ok(!seen.has(group), `group ${group} is split within a layer: ${row.join(", ")}`);
              seen.add(group);
            }
            previous = group;
          }
        }
        for (const [key, node] of layout.nodes) {
          const boxes = layout.groups.filter((g) => g.group === groups.get(key));
          assert.equal(boxes.length, 1, `${key} is not in exactly one box of its group`);
          const box = boxes[0]!;
          assert.ok(
            box.y < node.y && box.y + box.height >= node.y + NODE_HEIGHT && box.x < node.x,
            `${key} sticks out of its group box`,
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  it("is deterministic and lays out 2,000 assets in well under 100 ms", () => {
    const graph = randomGraph(2000, 3, 2);
    const input = {
      keys: graph.assets.map((a) => a.key),
      edges: edgesOf(graph),
      groups: new Map(graph.assets.map((a) => [a.key, a.group!])),
    };
    const first = layoutGraph(input);
    const started = performance.now();
    const second = layoutGraph(input);
    const elapsed = performance.now() - started;
    assert.deepEqual([...second.nodes.values()], [...first.nodes.values()]);
    assert.ok(elapsed < 100, `layout took ${elapsed.toFixed(1)} ms`);
  });

  it("lays out an empty graph and a lone node", () => {
    assert.deepEqual(layoutGraph({ keys: [], edges: [] }).nodes.size, 0);
    const one = layoutGraph({
      keys: ["a"],
      edges: [
        ["a", "a"],
        ["a", "missing"],
      ],
    });
    assert.deepEqual({ ...one.nodes.get("a") }, { key: "a", layer: 0, order: 0, x: 0, y: 0 });
  });
});
