/**
 * A layered (Sugiyama-style) layout, left to right or top to bottom, written for speed at
 * monorepo scale: longest-path layering, a dummy node in every layer a long edge crosses (so
 * the edge is routed through a gap between nodes instead of under them), barycenter ordering
 * sweeps, then a placement that gives every group one box across all the layers it spans.
 *
 * Coordinates are computed along two axes, then mapped to x/y by the direction: `u` runs
 * across the layers (x when the graph flows right, y when it flows down), `v` along a layer.
 */

export type LayoutDirection = "right" | "down";

export interface LayoutInput {
  keys: string[];
  /** [upstream, downstream] pairs; edges to unknown keys are ignored. */
  edges: Array<[string, string]>;
  /**
   * Optional cluster of each key (an asset group). A group's nodes are kept together and drawn
   * inside one box spanning every layer the group has nodes in.
   */
  groups?: ReadonlyMap<string, string>;
  /** Which way the edges flow; default "right". */
  direction?: LayoutDirection;
}

/** One box per group, around all of its nodes, labelled at its top left. */
export interface GroupBox {
  group: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutNode {
  key: string;
  layer: number;
  order: number;
  x: number;
  y: number;
}

export interface Layout {
  direction: LayoutDirection;
  nodes: Map<string, LayoutNode>;
  /** Node keys per layer, in order along the layer. */
  layers: string[][];
  /** Group boxes: one per group; they never overlap each other or a node outside the group. */
  groups: GroupBox[];
  /**
   * The points an edge is routed through, by `edgeId(from, to)`, flat [x, y, x, y, ...]: the
   * source port, the entry and exit of each layer it crosses, and the target port. Edges that
   * close a cycle have no route (they are drawn as one curve).
   */
  routes: Map<string, Float64Array>;
  width: number;
  height: number;
}

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 96;
/** Gap between layers: LAYER_GAP when flowing right, LAYER_GAP_DOWN when flowing down. */
export const LAYER_GAP = 72;
export const LAYER_GAP_DOWN = 64;
export const ROW_GAP = 12;
/** Room for a group's label above its nodes, and the box's padding around them. */
export const GROUP_HEADER = 22;
export const GROUP_PAD = 8;
/** The room a routed edge takes along a layer, and the gap beside it. */
const DUMMY_SIZE = 2;
const DUMMY_GAP = 6;
const SWEEPS = 4;
/** Up to this many nodes every edge is routed; above it, edges up to ROUTE_SPAN layers long. */
export const ROUTE_ALL_LIMIT = 1000;
export const ROUTE_SPAN = 6;

export function edgeId(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** The size of a node along the layer axis (u) and along a layer (v). */
function nodeExtent(direction: LayoutDirection): { u: number; v: number } {
  return direction === "right" ? { u: NODE_WIDTH, v: NODE_HEIGHT } : { u: NODE_HEIGHT, v: NODE_WIDTH };
}

export function layoutGraph(input: LayoutInput): Layout {
  const direction = input.direction ?? "right";
  const extent = nodeExtent(direction);
  const layerGap = direction === "right" ? LAYER_GAP : LAYER_GAP_DOWN;
  const keys = input.keys;
  const real = keys.length;
  const index = new Map(keys.map((key, i) => [key, i]));
  const realUp: number[][] = Array.from({ length: real }, () => []);
  const edgeList: Array<[number, number]> = [];
  for (const [from, to] of input.edges) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined || a === b) continue;
    realUp[b]!.push(a);
    edgeList.push([a, b]);
  }
  const realLayer = assignLayers(real, realUp);

  // Nodes 0..real-1 are the assets; the rest are dummies, one per layer a long edge crosses.
  const layerOf: number[] = Array.from(realLayer);
  const groupOf: Array<string | undefined> = keys.map((key) => input.groups?.get(key));
  const up: number[][] = Array.from({ length: real }, () => []);
  const down: number[][] = Array.from({ length: real }, () => []);
  /** The chain of dummies of each routed edge, by edge id. */
  const chains = new Map<string, { from: number; to: number; dummies: number[] }>();
  for (const [a, b] of edgeList) {
    const id = edgeId(keys[a]!, keys[b]!);
    if (chains.has(id)) continue;
    if (realLayer[b]! <= realLayer[a]!) continue; // closes a cycle: not routed
    // In a very large graph, edges longer than ROUTE_SPAN layers are drawn as one curve: their
    // dummies would outnumber the nodes (and such a graph is read zoomed in, a few layers at once).
    if (real > ROUTE_ALL_LIMIT && realLayer[b]! - realLayer[a]! > ROUTE_SPAN) continue;
    const dummies: number[] = [];
    // A long edge inside one group stays inside its box.
    const group = groupOf[a] !== undefined && groupOf[a] === groupOf[b] ? groupOf[a] : undefined;
    let previous = a;
    for (let l = realLayer[a]! + 1; l < realLayer[b]!; l++) {
      const dummy = layerOf.length;
      layerOf.push(l);
      groupOf.push(group);
      up.push([previous]);
      down.push([]);
      down[previous]!.push(dummy);
      dummies.push(dummy);
      previous = dummy;
    }
    up[b]!.push(previous);
    down[previous]!.push(b);
    chains.set(id, { from: a, to: b, dummies });
  }
  const count = layerOf.length;
  const isDummy = (node: number) => node >= real;

  const layers: number[][] = [];
  for (let node = 0; node < count; node++) (layers[layerOf[node]!] ??= []).push(node);
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];

  const clustered = groupOf.some((group) => group !== undefined);
  const position = new Float64Array(count);
  const weight = new Float64Array(count);
  const setPositions = (row: number[]) => row.forEach((node, i) => (position[node] = i));
  layers.forEach((row) => {
    if (clustered) clusterRow(row, groupOf, (node) => position[node]!);
    setPositions(row);
  });
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const downward = sweep % 2 === 0;
    for (let step = 1; step < layers.length; step++) {
      const row = layers[downward ? step : layers.length - 1 - step]!;
      orderByBarycenter(row, downward ? up : down, position, clustered ? groupOf : undefined, weight);
      setPositions(row);
    }
  }

  // Placement along the layers. Items are groups (one box over all their layers), lone nodes
  // and lone dummies; they are placed in the order the sweeps found, each at the first free
  // place in every layer it spans, and no higher than its already placed neighbours.
  const size = (node: number) => (isDummy(node) ? DUMMY_SIZE : extent.v);
  /** The gap between consecutive members of one group in one layer. */
  const gapAfter = (node: number) => (isDummy(node) ? DUMMY_GAP : ROW_GAP);
  interface Item {
    group?: string;
    first: number;
    last: number;
    /** Members per layer (from `first`), in order. */
    rows: number[][];
    weight: number;
  }
  const items: Item[] = [];
  const groupItems = new Map<string, Item>();
  const rowLength = layers.map((row) => row.length);
  for (let node = 0; node < count; node++) {
    const l = layerOf[node]!;
    const centred = position[node]! - (rowLength[l]! - 1) / 2;
    const group = groupOf[node];
    if (group === undefined) {
      items.push({ first: l, last: l, rows: [[node]], weight: centred });
      continue;
    }
    let item = groupItems.get(group);
    if (!item) {
      item = { group, first: l, last: l, rows: [], weight: 0 };
      groupItems.set(group, item);
      items.push(item);
    }
    item.first = Math.min(item.first, l);
    item.last = Math.max(item.last, l);
    item.weight += centred;
  }
  // Group rows, in sweep order per layer.
  const members = new Map<string, Map<number, number[]>>();
  for (const row of layers) {
    for (const node of row) {
      const group = groupOf[node];
      if (group === undefined) continue;
      let byLayer = members.get(group);
      if (!byLayer) members.set(group, (byLayer = new Map<number, number[]>()));
      const l = layerOf[node]!;
      let list = byLayer.get(l);
      if (!list) byLayer.set(l, (list = []));
      list.push(node);
    }
  }
  for (const item of groupItems.values()) {
    const byLayer = members.get(item.group!)!;
    let total = 0;
    for (let l = item.first; l <= item.last; l++) {
      const list = byLayer.get(l) ?? [];
      total += list.length;
      item.rows.push(list);
    }
    item.weight /= Math.max(1, total);
  }
  items.sort((a, b) => a.weight - b.weight || a.first - b.first || a.rows[0]![0]! - b.rows[0]![0]!);

  const headerV = direction === "right" ? GROUP_HEADER : 0;
  const cursor = new Float64Array(layers.length);
  const lastNode = new Int32Array(layers.length).fill(-1);
  const vOf = new Float64Array(count);
  const placed = new Uint8Array(count);
  const boxes: Array<{ group: string; first: number; last: number; v1: number; v2: number }> = [];
  for (const item of items) {
    // The item's extent along the layer, per layer row.
    const rowExtent = item.rows.map((row) =>
      row.reduce((sum, node, i) => sum + size(node) + (i < row.length - 1 ? gapAfter(node) : 0), 0),
    );
    const inner = Math.max(0, ...rowExtent);
    const boxed = item.group !== undefined;
    const thickness = boxed ? headerV + GROUP_PAD + inner + GROUP_PAD : inner;
    const lead = item.rows.find((row) => row.length > 0)![0]!;
    const loneDummy = !boxed && isDummy(lead);
    let start = 0;
    for (let l = item.first; l <= item.last; l++) {
      const before = lastNode[l]!;
      if (before < 0) continue;
      // Routed edges pack tightly beside each other; anything else keeps a row's gap.
      start = Math.max(start, cursor[l]! + (loneDummy && isDummy(before) ? DUMMY_GAP : ROW_GAP));
    }
    // Pull towards the placed neighbours, so that edges run straight where there is room.
    let sum = 0;
    let seen = 0;
    for (const row of item.rows)
      for (const node of row)
        for (const neighbours of [up[node]!, down[node]!])
          for (const other of neighbours)
            if (placed[other]) {
              sum += vOf[other]! + size(other) / 2;
              seen++;
            }
    // At most a couple of rows down: a long pull would leave the drawing's start empty.
    if (seen > 0 && !boxed && item.rows[0]!.length === 1)
      start = Math.max(start, Math.min(sum / seen - inner / 2, start + 2 * (extent.v + ROW_GAP)));
    item.rows.forEach((row, r) => {
      const l = item.first + r;
      let v = start + (boxed ? headerV + GROUP_PAD : 0) + (inner - rowExtent[r]!) / 2;
      for (const node of row) {
        vOf[node] = v;
        placed[node] = 1;
        v += size(node) + gapAfter(node);
      }
      cursor[l] = start + thickness;
      lastNode[l] = row.length > 0 ? row[row.length - 1]! : lead;
    });
    if (boxed)
      boxes.push({
        group: item.group!,
        first: item.first,
        last: item.last,
        v1: start,
        v2: start + thickness,
      });
  }

  const uOf = (l: number) => l * (extent.u + layerGap);
  const point = (u: number, v: number): [number, number] => (direction === "right" ? [u, v] : [v, u]);
  const nodes = new Map<string, LayoutNode>();
  const orderedLayers: string[][] = layers.map((row) =>
    row
      .filter((node) => !isDummy(node))
      .sort((a, b) => vOf[a]! - vOf[b]!)
      .map((node) => keys[node]!),
  );
  orderedLayers.forEach((row, l) =>
    row.forEach((key, order) => {
      const [x, y] = point(uOf(l), vOf[index.get(key)!]!);
      nodes.set(key, { key, layer: l, order, x, y });
    }),
  );

  const groups: GroupBox[] = boxes.map((box) => {
    const u1 = uOf(box.first) - GROUP_PAD - (direction === "down" ? GROUP_HEADER : 0);
    const u2 = uOf(box.last) + extent.u + GROUP_PAD;
    const [x, y] = point(u1, box.v1);
    const [x2, y2] = point(u2, box.v2);
    return { group: box.group, x, y, width: x2 - x, height: y2 - y };
  });

  const routes = new Map<string, Float64Array>();
  for (const [id, chain] of chains) {
    const points: number[] = [];
    const push = (u: number, v: number) => points.push(...point(u, v));
    push(uOf(layerOf[chain.from]!) + extent.u, vOf[chain.from]! + extent.v / 2);
    for (const dummy of chain.dummies) {
      const l = layerOf[dummy]!;
      const v = vOf[dummy]! + DUMMY_SIZE / 2;
      push(uOf(l), v);
      push(uOf(l) + extent.u, v);
    }
    push(uOf(layerOf[chain.to]!), vOf[chain.to]! + extent.v / 2);
    routes.set(id, Float64Array.from(points));
  }

  // Everything from (0, 0): group boxes reach past the first layer by their padding and header.
  let minX = 0;
  let minY = 0;
  let maxX = 0;
  let maxY = 0;
  for (const node of nodes.values()) {
    maxX = Math.max(maxX, node.x + NODE_WIDTH);
    maxY = Math.max(maxY, node.y + NODE_HEIGHT);
  }
  for (const box of groups) {
    minX = Math.min(minX, box.x);
    minY = Math.min(minY, box.y);
    maxX = Math.max(maxX, box.x + box.width);
    maxY = Math.max(maxY, box.y + box.height);
  }
  if (minX < 0 || minY < 0) {
    for (const node of nodes.values()) {
      node.x -= minX;
      node.y -= minY;
    }
    for (const box of groups) {
      box.x -= minX;
      box.y -= minY;
    }
    for (const route of routes.values())
      for (let i = 0; i < route.length; i += 2) {
        route[i] = route[i]! - minX;
        route[i + 1] = route[i + 1]! - minY;
      }
  }
  return { direction, nodes, layers: orderedLayers, groups, routes, width: maxX - minX, height: maxY - minY };
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
  weight: Float64Array,
): void {
  row.forEach((node, i) => {
    const adjacent = neighbours[node]!;
    if (adjacent.length === 0) {
      weight[node] = i;
      return;
    }
    let sum = 0;
    for (const other of adjacent) sum += position[other]!;
    weight[node] = sum / adjacent.length;
  });
  if (groupOf) clusterRow(row, groupOf, (node) => weight[node]!);
  else row.sort((a, b) => weight[a]! - weight[b]! || a - b);
}
