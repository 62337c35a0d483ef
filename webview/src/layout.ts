/**
 * A layered (Sugiyama-style) left-to-right layout, written for speed at monorepo scale:
 * longest-path layering, barycenter ordering sweeps, and no dummy nodes for long edges
 * (they are drawn as curves), so the cost stays linear in nodes plus edges per sweep.
 */

export interface LayoutInput {
  keys: string[];
  /** [upstream, downstream] pairs; edges to unknown keys are ignored. */
  edges: Array<[string, string]>;
}

export interface LayoutNode {
  key: string;
  layer: number;
  order: number;
  x: number;
  y: number;
}

export interface Layout {
  nodes: Map<string, LayoutNode>;
  width: number;
  height: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 36;
const LAYER_GAP = 90;
const ROW_GAP = 16;
const SWEEPS = 4;

export function layoutGraph(input: LayoutInput): Layout {
  const index = new Map(input.keys.map((key, i) => [key, i]));
  const count = input.keys.length;
  const upstream: number[][] = Array.from({ length: count }, () => []);
  const downstream: number[][] = Array.from({ length: count }, () => []);
  for (const [from, to] of input.edges) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined || a === b) continue;
    upstream[b]!.push(a);
    downstream[a]!.push(b);
  }

  const layer = assignLayers(count, upstream);
  const layers: number[][] = [];
  for (let node = 0; node < count; node++) (layers[layer[node]!] ??= []).push(node);
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];

  const position = new Float64Array(count);
  const setPositions = (row: number[]) => row.forEach((node, i) => (position[node] = i));
  layers.forEach(setPositions);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    for (let step = 1; step < layers.length; step++) {
      const row = layers[down ? step : layers.length - 1 - step]!;
      const neighbours = down ? upstream : downstream;
      orderByBarycenter(row, neighbours, position);
      setPositions(row);
    }
  }

  const tallest = Math.max(0, ...layers.map((row) => row.length));
  const rowHeight = NODE_HEIGHT + ROW_GAP;
  const nodes = new Map<string, LayoutNode>();
  layers.forEach((row, l) => {
    const offset = ((tallest - row.length) * rowHeight) / 2;
    row.forEach((node, order) => {
      const key = input.keys[node]!;
      nodes.set(key, { key, layer: l, order, x: l * (NODE_WIDTH + LAYER_GAP), y: offset + order * rowHeight });
    });
  });
  return {
    nodes,
    width: Math.max(0, layers.length * (NODE_WIDTH + LAYER_GAP) - LAYER_GAP),
    height: Math.max(0, tallest * rowHeight - ROW_GAP),
  };
}

/** Longest path from the roots; edges that close a cycle are ignored so cycles still lay out. */
function assignLayers(count: number, upstream: number[][]): Int32Array {
  const layer = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  for (let start = 0; start < count; start++) {
    if (layer[start] !== -1) continue;
    // Iterative depth-first search over upstream edges.
    const stack: Array<[node: number, next: number]> = [[start, 0]];
    onStack[start] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const [node, next] = frame;
      const ups = upstream[node]!;
      if (next < ups.length) {
        frame[1]++;
        const up = ups[next]!;
        if (layer[up] === -1 && !onStack[up]) {
          onStack[up] = 1;
          stack.push([up, 0]);
        }
        continue;
      }
      let depth = 0;
      for (const up of ups) if (layer[up]! >= 0) depth = Math.max(depth, layer[up]! + 1);
      layer[node] = depth;
      onStack[node] = 0;
      stack.pop();
    }
  }
  return layer;
}

function orderByBarycenter(row: number[], neighbours: number[][], position: Float64Array): void {
  const weight = new Map<number, number>();
  row.forEach((node, i) => {
    const adjacent = neighbours[node]!;
    if (adjacent.length === 0) {
      weight.set(node, i);
      return;
    }
    let sum = 0;
    for (const other of adjacent) sum += position[other]!;
    weight.set(node, sum / adjacent.length);
  });
  row.sort((a, b) => weight.get(a)! - weight.get(b)! || a - b);
}
