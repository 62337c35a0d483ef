/** Shapes shared by the live view and the SVG export. Pure. */
import { edgeId, NODE_HEIGHT, NODE_WIDTH, type Layout } from "./layout";

/**
 * An edge as cubic Bézier segments, flat (8 numbers a segment: x0 y0 x1 y1 x2 y2 x3 y3).
 * A routed edge runs straight through each layer it crosses (in the gap a dummy node kept
 * free between the nodes there) and bends only between layers; an edge without a route
 * (one that closes a cycle) is one curve from the source's port to the target's.
 */
export function edgeCurves(layout: Layout, from: string, to: string): number[] {
  const route = layout.routes.get(edgeId(from, to));
  const right = layout.direction === "right";
  const out: number[] = [];
  const bendBetween = (x0: number, y0: number, x3: number, y3: number) => {
    const bend = Math.max(40, Math.abs(right ? x3 - x0 : y3 - y0) / 2);
    if (right) out.push(x0, y0, x0 + bend, y0, x3 - bend, y3, x3, y3);
    else out.push(x0, y0, x0, y0 + bend, x3, y3 - bend, x3, y3);
  };
  if (!route) {
    const a = layout.nodes.get(from);
    const b = layout.nodes.get(to);
    if (!a || !b) return out;
    if (right) bendBetween(a.x + NODE_WIDTH, a.y + NODE_HEIGHT / 2, b.x, b.y + NODE_HEIGHT / 2);
    else bendBetween(a.x + NODE_WIDTH / 2, a.y + NODE_HEIGHT, b.x + NODE_WIDTH / 2, b.y);
    return out;
  }
  // Points: the source port, (entry, exit) per crossed layer, the target port.
  for (let i = 0; i + 3 < route.length; i += 2) {
    const x0 = route[i]!;
    const y0 = route[i + 1]!;
    const x3 = route[i + 2]!;
    const y3 = route[i + 3]!;
    // Segments alternate: a bend in a gap between layers, then a straight run inside a layer.
    if ((i / 2) % 2 === 0) bendBetween(x0, y0, x3, y3);
    else
      out.push(
        x0,
        y0,
        x0 + (x3 - x0) / 3,
        y0 + (y3 - y0) / 3,
        x0 + (2 * (x3 - x0)) / 3,
        y0 + (2 * (y3 - y0)) / 3,
        x3,
        y3,
      );
  }
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** SVG path data of cubic segments (as `edgeCurves` returns them). */
export function curvesPath(c: ArrayLike<number>, start = 0, end = c.length): string {
  let d = "";
  for (let o = start; o < end; o += 8) {
    if (o === start) d += `M${round(c[o]!)},${round(c[o + 1]!)}`;
    d += `C${round(c[o + 2]!)},${round(c[o + 3]!)} ${round(c[o + 4]!)},${round(c[o + 5]!)} ${round(c[o + 6]!)},${round(c[o + 7]!)}`;
  }
  return d;
}

/** The edge's path data: from the right side (or bottom) of `from` to the left (or top) of `to`. */
export function edgePath(layout: Layout, from: string, to: string): string {
  return curvesPath(edgeCurves(layout, from, to));
}

/** Arrowhead size (graph units): every edge enters its target along the layer axis. */
export const ARROW = 7;

/** A filled arrowhead at the target's port, pointing along the flow (where every edge enters). */
export function arrowPath(layout: Layout, _from: string, to: string): string {
  const b = layout.nodes.get(to);
  if (!b) return "";
  const h = ARROW / 2;
  return layout.direction === "right"
    ? `M${round(b.x)},${round(b.y + NODE_HEIGHT / 2)}l${-ARROW},${-h}v${ARROW}z`
    : `M${round(b.x + NODE_WIDTH / 2)},${round(b.y)}l${-h},${-ARROW}h${ARROW}z`;
}

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function intersects(a: Box, b: Box): boolean {
  return a.x1 <= b.x2 && b.x1 <= a.x2 && a.y1 <= b.y2 && b.y1 <= a.y2;
}

/** Long edges are cut into pieces of about this length (graph units) for culling. */
export const PIECE_LENGTH = 300;

/**
 * Every edge as exact cubic pieces (de Casteljau sub-curves), flattened: 8 numbers a piece
 * (x0 y0 x1 y1 x2 y2 x3 y3), plus the index of the edge each piece belongs to. Drawing only
 * the pieces that meet the viewport keeps long edges from costing a frame when zoomed in:
 * the browser otherwise rasterizes their whole length, off screen included.
 */
export interface EdgePieces {
  points: Float64Array;
  edge: Int32Array;
  count: number;
}

export function edgePieces(layout: Layout, edges: ReadonlyArray<readonly [string, string]>): EdgePieces {
  const coords: number[] = [];
  const owners: number[] = [];
  edges.forEach(([from, to], index) => {
    const curves = edgeCurves(layout, from, to);
    for (let s = 0; s < curves.length; s += 8) {
      const span = Math.abs(curves[s + 6]! - curves[s]!) + Math.abs(curves[s + 7]! - curves[s + 1]!);
      if (span <= PIECE_LENGTH) {
        // Most segments (a bend between two layers, a run through one) are one piece as they are.
        for (let i = 0; i < 8; i++) coords.push(curves[s + i]!);
        owners.push(index);
        continue;
      }
      const c = curves.slice(s, s + 8);
      const pieces = Math.ceil(span / PIECE_LENGTH);
      const at = (t: number): [number, number, number, number] => {
        const u = 1 - t;
        const p0 = u * u * u;
        const p1 = 3 * u * u * t;
        const p2 = 3 * u * t * t;
        const p3 = t * t * t;
        const d0 = -3 * u * u;
        const d1 = 3 * u * u - 6 * u * t;
        const d2 = 6 * u * t - 3 * t * t;
        const d3 = 3 * t * t;
        return [
          p0 * c[0]! + p1 * c[2]! + p2 * c[4]! + p3 * c[6]!,
          p0 * c[1]! + p1 * c[3]! + p2 * c[5]! + p3 * c[7]!,
          d0 * c[0]! + d1 * c[2]! + d2 * c[4]! + d3 * c[6]!,
          d0 * c[1]! + d1 * c[3]! + d2 * c[5]! + d3 * c[7]!,
        ];
      };
      for (let i = 0; i < pieces; i++) {
        const t0 = i / pieces;
        const t1 = (i + 1) / pieces;
        const h = (t1 - t0) / 3;
        const [sx, sy, sdx, sdy] = at(t0);
        const [ex, ey, edx, edy] = at(t1);
        coords.push(sx, sy, sx + h * sdx, sy + h * sdy, ex - h * edx, ey - h * edy, ex, ey);
        owners.push(index);
      }
    }
  });
  return { points: Float64Array.from(coords), edge: Int32Array.from(owners), count: owners.length };
}

/** The SVG path data of the pieces that meet `box`, split by `dim(edgeIndex)`. */
export function visiblePieces(
  pieces: EdgePieces,
  box: Box,
  dim: (edge: number) => boolean,
): [string, string] {
  const bright: string[] = [];
  const dimmed: string[] = [];
  const p = pieces.points;
  for (let i = 0; i < pieces.count; i++) {
    const o = i * 8;
    const x1 = Math.min(p[o]!, p[o + 2]!, p[o + 4]!, p[o + 6]!);
    const x2 = Math.max(p[o]!, p[o + 2]!, p[o + 4]!, p[o + 6]!);
    if (x2 < box.x1 || x1 > box.x2) continue;
    const y1 = Math.min(p[o + 1]!, p[o + 3]!, p[o + 5]!, p[o + 7]!);
    const y2 = Math.max(p[o + 1]!, p[o + 3]!, p[o + 5]!, p[o + 7]!);
    if (y2 < box.y1 || y1 > box.y2) continue;
    const r = (n: number) => Math.round(n * 10) / 10;
    const d = `M${r(p[o]!)},${r(p[o + 1]!)}C${r(p[o + 2]!)},${r(p[o + 3]!)} ${r(p[o + 4]!)},${r(p[o + 5]!)} ${r(p[o + 6]!)},${r(p[o + 7]!)}`;
    (dim(pieces.edge[i]!) ? dimmed : bright).push(d);
  }
  return [bright.join(""), dimmed.join("")];
}
