/** Shapes shared by the live view and the SVG export. Pure. */
import { NODE_HEIGHT, NODE_WIDTH, type Layout } from "./layout";

/** A curve from the right side of `from` to the left side of `to` (backwards for cycle edges). */
export function edgePath(layout: Layout, from: string, to: string): string {
  const a = layout.nodes.get(from);
  const b = layout.nodes.get(to);
  if (!a || !b) return "";
  const x1 = a.x + NODE_WIDTH;
  const y1 = a.y + NODE_HEIGHT / 2;
  const x2 = b.x;
  const y2 = b.y + NODE_HEIGHT / 2;
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  return `M${x1},${y1}C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

/** The bounding box of an edge, for viewport culling. */
export function edgeBox(
  layout: Layout,
  from: string,
  to: string,
): { x1: number; y1: number; x2: number; y2: number } | undefined {
  const a = layout.nodes.get(from);
  const b = layout.nodes.get(to);
  if (!a || !b) return undefined;
  const left = Math.min(a.x + NODE_WIDTH, b.x) - 40;
  const right = Math.max(a.x + NODE_WIDTH, b.x) + 40;
  return { x1: left, y1: Math.min(a.y, b.y), x2: right, y2: Math.max(a.y, b.y) + NODE_HEIGHT };
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
