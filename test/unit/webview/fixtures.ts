/** Small graphs for the webview's unit tests. */
import type { AssetGraph, AssetNode } from "@assetline/core";

export function asset(key: string, deps: string[] = [], extra: Partial<AssetNode> = {}): AssetNode {
  return { key, file: "src/a.ts", line: 1, column: 1, deps, ins: {}, checks: [], generated: false, ...extra };
}

export function graphOf(assets: AssetNode[]): AssetGraph {
  return { version: 1, assets, diagnostics: [] };
}

/** A random graph over n keys: edges mostly forward (a DAG) plus `backEdges` that close cycles. */
export function randomGraph(n: number, seed: number, backEdges = 0): AssetGraph {
  let state = seed >>> 0 || 1;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const keys = Array.from({ length: n }, (_, i) => `g${i % 3}/a${i}`);
  const deps = keys.map(() => new Set<string>());
  for (let i = 1; i < n; i++) {
    const count = Math.floor(random() * 3);
    for (let j = 0; j < count; j++) deps[i]!.add(keys[Math.floor(random() * i)]!);
  }
  for (let b = 0; b < backEdges && n > 1; b++) {
    const from = Math.floor(random() * n);
    const to = Math.floor(random() * n);
    if (from > to) deps[to]!.add(keys[from]!);
  }
  return graphOf(keys.map((key, i) => asset(key, [...deps[i]!], { group: key.split("/")[0]! })));
}
