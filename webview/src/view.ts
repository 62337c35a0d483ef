/**
 * What the lineage view shows, as data: which assets and collapsed groups are drawn, the
 * edges between them, and which nodes can be expanded. Pure: no DOM, so it is unit-tested.
 */
import type { AssetNode } from "@assetline/core";
import { focusSet, hiddenNeighbours, lineageOf, type Expansion } from "./focus";
import type { GraphIndex } from "./graph-index";

export type ViewMode = "focus" | "graph";

export interface ViewSettings {
  mode: ViewMode;
  focus?: string;
  /** Hops up and down around the focus in focus mode. */
  hops: number;
  /** Boundary nodes the user expanded in place, in the order they were expanded. */
  expansions: readonly Expansion[];
  /** Names of the groups drawn as one node. */
  collapsed: readonly string[];
  /** The keys the filter box selected; undefined when the filter is empty. */
  selected?: ReadonlySet<string>;
}

export interface DisplayNode {
  /** The asset key, or `group:NAME` for a collapsed group. */
  id: string;
  kind: "asset" | "group";
  asset?: AssetNode;
  group?: string;
  /** Asset keys a collapsed group stands for. */
  members: string[];
  /** Neighbours not shown, by direction (what a "+" would add). */
  hiddenUp: number;
  hiddenDown: number;
}

export interface DisplayModel {
  nodes: DisplayNode[];
  byId: Map<string, DisplayNode>;
  edges: Array<[string, string]>;
  /** Asset key -> the id of the node that shows it. */
  idOf: Map<string, string>;
  /** The id that shows the focus asset, when it is shown. */
  focusId?: string;
  /** In the whole-graph view with a focus: ids on the focus's lineage (others are dimmed). */
  lineage?: Set<string>;
  /** Why the requested view could not be shown as asked, for the summary line. */
  notice?: string;
}

export const GROUP_PREFIX = "group:";
export const MIN_HOPS = 1;
export const MAX_HOPS = 9;

/** The keys shown before groups collapse: the filter, else the focus view, else everything. */
export function shownKeys(index: GraphIndex, settings: ViewSettings): { keys: Set<string>; notice?: string } {
  let keys: Set<string>;
  let notice: string | undefined;
  if (settings.selected) {
    keys = new Set(settings.selected);
  } else if (settings.mode === "focus" && settings.focus !== undefined) {
    if (index.byKey.has(settings.focus)) keys = focusSet(index, settings.focus, settings.hops);
    else {
      keys = new Set(index.byKey.keys());
      notice = `${settings.focus} is not in the graph; showing every asset`;
    }
  } else {
    keys = new Set(index.byKey.keys());
  }
  // Expansions apply in order, each only if its node is shown by then.
  for (const { key, direction } of settings.expansions) {
    if (!keys.has(key)) continue;
    for (const neighbour of (direction === "up" ? index.up : index.down).get(key) ?? []) keys.add(neighbour);
  }
  return notice === undefined ? { keys } : { keys, notice };
}

export function buildView(index: GraphIndex, settings: ViewSettings): DisplayModel {
  const { keys, notice } = shownKeys(index, settings);
  const collapsed = new Set(settings.collapsed);
  const nodes: DisplayNode[] = [];
  const byId = new Map<string, DisplayNode>();
  const idOf = new Map<string, string>();
  for (const asset of index.assets) {
    if (!keys.has(asset.key)) continue;
    if (asset.group !== undefined && collapsed.has(asset.group)) {
      const id = GROUP_PREFIX + asset.group;
      let node = byId.get(id);
      if (!node) {
        node = { id, kind: "group", group: asset.group, members: [], hiddenUp: 0, hiddenDown: 0 };
        byId.set(id, node);
        nodes.push(node);
      }
      node.members.push(asset.key);
      idOf.set(asset.key, id);
      continue;
    }
    const hidden = hiddenNeighbours(index, asset.key, keys);
    const node: DisplayNode = {
      id: asset.key,
      kind: "asset",
      asset,
      members: [asset.key],
      hiddenUp: hidden.up,
      hiddenDown: hidden.down,
      ...(asset.group !== undefined ? { group: asset.group } : {}),
    };
    byId.set(asset.key, node);
    nodes.push(node);
    idOf.set(asset.key, asset.key);
  }

  const edges: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const to = idOf.get(key)!;
    for (const dep of index.up.get(key) ?? []) {
      const from = idOf.get(dep);
      if (from === undefined || from === to) continue;
      const id = `${from}\u0000${to}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push([from, to]);
    }
  }

  const model: DisplayModel = { nodes, byId, edges, idOf };
  if (notice !== undefined) model.notice = notice;
  const focusId = settings.focus !== undefined ? idOf.get(settings.focus) : undefined;
  if (focusId !== undefined) model.focusId = focusId;
  if (
    settings.focus !== undefined &&
    focusId !== undefined &&
    (settings.mode === "graph" || settings.selected)
  ) {
    model.lineage = new Set(
      [...lineageOf(index, settings.focus)].map((key) => idOf.get(key)).filter((id) => id !== undefined),
    );
  }
  return model;
}

/** The group of each shown asset node, for clustering and group boxes. */
export function groupsOf(model: DisplayModel): Map<string, string> {
  const groups = new Map<string, string>();
  for (const node of model.nodes)
    if (node.kind === "asset" && node.group !== undefined) groups.set(node.id, node.group);
  return groups;
}

export function clampHops(hops: number): number {
  return Math.min(MAX_HOPS, Math.max(MIN_HOPS, Math.round(hops)));
}
