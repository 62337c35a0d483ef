/**
 * A layered (Sugiyama-style) left-to-right layout, written for speed at monorepo scale:
 * longest-path layering, barycenter ordering sweeps, and no dummy nodes for long edges
 * (they are drawn as curves), so the cost stays linear in nodes plus edges per sweep.
 */

export interface LayoutInput {
  keys: string[];
  /** [upstream, downstream] pairs; edges to unknown keys are ignored. */
  edges: Array<[string, string]>;
  /**
   * Optional cluster of each key (an asset group). Members of a cluster are kept next to each
   * other within a layer, with room above each run for a group header.
   */
  groups?: ReadonlyMap<string, string>;
}

/** A run of consecutive nodes of one group within one layer: drawn as a group box. */
export interface GroupSegment {
  group: string;
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Whether this is the group's first (leftmost, topmost) segment: it carries the label. */
  first: boolean;
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
  /** Node keys per layer, top to bottom. */
  layers: string[][];
  segments: GroupSegment[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 36;
export const LAYER_GAP = 90;
export const ROW_GAP = 16;
/** Room above a group's run of nodes for its header, and the box's padding around nodes. */
export const GROUP_HEADER = 20;
export const GROUP_PAD = 8;
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

  const groupOf: Array<string | undefined> = input.keys.map((key) => input.groups?.get(key));
  const clustered = groupOf.some((group) => group !== undefined);
  const position = new Float64Array(count);
  const setPositions = (row: number[]) => row.forEach((node, i) => (position[node] = i));
  layers.forEach((row) => {
    if (clustered) clusterRow(row, groupOf, (node) => position[node]!);
    setPositions(row);
  });
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    for (let step = 1; step < layers.length; step++) {
      const row = layers[down ? step : layers.length - 1 - step]!;
      const neighbours = down ? upstream : downstream;
      orderByBarycenter(row, neighbours, position, clustered ? groupOf : undefined);
      setPositions(row);
    }
  }

  // Vertical positions: rows stacked top-down, with a header gap where a group's run starts;
  // every column is centred on the tallest one.
  const rowY: Float64Array = new Float64Array(count);
  const columnHeight: number[] = layers.map((row) => {
    let y = 0;
    row.forEach((node, i) => {
      const group = groupOf[node];
      const startsRun = group !== undefined && (i === 0 || groupOf[row[i - 1]!] !== group);
      if (i > 0) y += NODE_HEIGHT + ROW_GAP;
      if (startsRun) y += GROUP_HEADER;
      else if (group === undefined && i > 0 && groupOf[row[i - 1]!] !== undefined) y += GROUP_PAD;
      rowY[node] = y;
    });
    return row.length === 0 ? 0 : y + NODE_HEIGHT + (clustered ? GROUP_PAD : 0);
  });
  const tallest = Math.max(0, ...columnHeight);
  const nodes = new Map<string, LayoutNode>();
  const segments: GroupSegment[] = [];
  const labelled = new Set<string>();
  layers.forEach((row, l) => {
    const offset = (tallest - columnHeight[l]!) / 2;
    const x = l * (NODE_WIDTH + LAYER_GAP);
    row.forEach((node, order) => {
      const key = input.keys[node]!;
      nodes.set(key, { key, layer: l, order, x, y: offset + rowY[node]! });
      const group = groupOf[node];
      if (group === undefined) return;
      const last = order === row.length - 1 || groupOf[row[order + 1]!] !== group;
      if (!last) return;
      let firstOrder = order;
      while (firstOrder > 0 && groupOf[row[firstOrder - 1]!] === group) firstOrder--;
      const top = offset + rowY[row[firstOrder]!]! - GROUP_HEADER;
      const bottom = offset + rowY[node]! + NODE_HEIGHT + GROUP_PAD;
      segments.push({
        group,
        layer: l,
        x: x - GROUP_PAD,
        y: top,
        width: NODE_WIDTH + 2 * GROUP_PAD,
        height: bottom - top,
        first: !labelled.has(group),
      });
      labelled.add(group);
    });
  });
  return {
    nodes,
    layers: layers.map((row) => row.map((node) => input.keys[node]!)),
    segments,
    width: Math.max(0, layers.length * (NODE_WIDTH + LAYER_GAP) - LAYER_GAP),
    height: tallest,
  };
}

/** Keeps each group's nodes contiguous, ordered by the group's mean weight. */
function clusterRow(
  row: number[],
  groupOf: Array<string | undefined>,
  weightOf: (node: number) => number,
): void {
  const total = new Map<string, { sum: number; count: number }>();
  for (const node of row) {
    const group = groupOf[node];
    if (group === undefined) continue;
    const entry = total.get(group) ?? { sum: 0, count: 0 };
    entry.sum += weightOf(node);
    entry.count++;
    total.set(group, entry);
  }
  const groupWeight = (node: number) => {
    const group = groupOf[node];
    if (group === undefined) return weightOf(node);
    const entry = total.get(group)!;
    return entry.sum / entry.count;
  };
  const weights = new Map(row.map((node) => [node, groupWeight(node)]));
  row.sort((a, b) => {
    const byGroup = weights.get(a)! - weights.get(b)!;
    if (byGroup !== 0) return byGroup;
    const ga = groupOf[a] ?? "";
    const gb = groupOf[b] ?? "";
    if (ga !== gb) return ga < gb ? -1 : 1;
    return weightOf(a) - weightOf(b) || a - b;
  });
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

function orderByBarycenter(
  row: number[],
  neighbours: number[][],
  position: Float64Array,
  groupOf: Array<string | undefined> | undefined,
): void {
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
  if (groupOf) clusterRow(row, groupOf, (node) => weight.get(node)!);
  else row.sort((a, b) => weight.get(a)! - weight.get(b)! || a - b);
}
