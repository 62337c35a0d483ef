import assert from "node:assert/strict";
import fc from "fast-check";
import { edgeCurves, edgePieces, PIECE_LENGTH, visiblePieces } from "../../../webview/src/geometry";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from "../../../webview/src/layout";
import { randomGraph } from "./fixtures";

function cubic(c: readonly number[], t: number): [number, number] {
  const u = 1 - t;
  const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  return [
    w[0]! * c[0]! + w[1]! * c[2]! + w[2]! * c[4]! + w[3]! * c[6]!,
    w[0]! * c[1]! + w[1]! * c[3]! + w[2]! * c[5]! + w[3]! * c[7]!,
  ];
}

describe("webview edge pieces (culling long edges)", () => {
  it("cuts each edge into exact pieces of the same curve, end to end", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 80 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const graph = randomGraph(n, seed);
        const edges = graph.assets.flatMap((a) => a.deps.map((d): [string, string] => [d, a.key]));
        const layout = layoutGraph({ keys: graph.assets.map((a) => a.key), edges });
        const pieces = edgePieces(layout, edges);
        edges.forEach(([from, to], e) => {
          // The edge's cubic segments (what the view draws), each cut into its own pieces.
          const curves = edgeCurves(layout, from, to);
          const own: number[] = [];
          for (let i = 0; i < pieces.count; i++) if (pieces.edge[i] === e) own.push(i);
          assert.ok(own.length >= curves.length / 8);
          let next = 0;
          for (let s = 0; s < curves.length; s += 8) {
            const whole = curves.slice(s, s + 8);
            const span = Math.abs(whole[6]! - whole[0]!) + Math.abs(whole[7]! - whole[1]!);
            const count = Math.max(1, Math.ceil(span / PIECE_LENGTH));
            for (let k = 0; k < count; k++) {
              const piece = own[next++]!;
              const c = [...pieces.points.subarray(piece * 8, piece * 8 + 8)];
              for (const t of [0, 0.3, 0.5, 1]) {
                const [x, y] = cubic(c, t);
                const [ex, ey] = cubic(whole, (k + t) / count);
                assert.ok(
                  Math.abs(x - ex) < 1e-6 && Math.abs(y - ey) < 1e-6,
                  `piece ${k} of ${from} -> ${to} leaves the curve`,
                );
              }
            }
          }
          assert.equal(next, own.length, "pieces that belong to no segment");
        });
      }),
      { numRuns: 60 },
    );
  });

  it("draws only the pieces that meet the view", () => {
    const layout = layoutGraph({ keys: ["a", "b"], edges: [["a", "b"]] });
    // Stretch the edge far to the right so that it is cut into several pieces.
    layout.nodes.get("b")!.x = 10 * PIECE_LENGTH;
    layout.routes.clear(); // drawn from the nodes' ports, not from the route laid out before
    const pieces = edgePieces(layout, [["a", "b"]]);
    assert.ok(pieces.count >= 10);
    const y = NODE_HEIGHT / 2;
    const [all] = visiblePieces(pieces, { x1: -1e9, y1: -1e9, x2: 1e9, y2: 1e9 }, () => false);
    const [near] = visiblePieces(
      pieces,
      { x1: NODE_WIDTH, y1: y - 5, x2: NODE_WIDTH + 50, y2: y + 5 },
      () => false,
    );
    const [, dimmed] = visiblePieces(pieces, { x1: -1e9, y1: -1e9, x2: 1e9, y2: 1e9 }, () => true);
    assert.equal(all.split("M").length - 1, pieces.count);
    assert.equal(near.split("M").length - 1, 1, "only the first piece is near the source");
    assert.equal(dimmed, all);
    const [none] = visiblePieces(pieces, { x1: 0, y1: 1000, x2: 100, y2: 1100 }, () => false);
    assert.equal(none, "");
  });
});
