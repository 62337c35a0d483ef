import type { AssetGraph, AssetNode } from "@assetline/core";

/** Upstream and downstream adjacency of a graph, restricted to keys that exist in it. */
export interface GraphIndex {
  readonly assets: readonly AssetNode[];
  readonly byKey: ReadonlyMap<string, AssetNode>;
  /** key -> existing upstream keys (deduplicated, self-edges dropped). */
  readonly up: ReadonlyMap<string, readonly string[]>;
  /** key -> existing downstream keys. */
  readonly down: ReadonlyMap<string, readonly string[]>;
}

export function indexGraph(graph: Pick<AssetGraph, "assets">): GraphIndex {
  const byKey = new Map<string, AssetNode>();
  for (const asset of graph.assets) if (!byKey.has(asset.key)) byKey.set(asset.key, asset);
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const key of byKey.keys()) {
    up.set(key, []);
    down.set(key, []);
  }
  for (const asset of byKey.values()) {
    const seen = new Set<string>();
    for (const dep of asset.deps) {
      if (dep === asset.key || seen.has(dep) || !byKey.has(dep)) continue;
      seen.add(dep);
      up.get(asset.key)!.push(dep);
      down.get(dep)!.push(asset.key);
    }
  }
  return { assets: [...byKey.values()], byKey, up, down };
}
