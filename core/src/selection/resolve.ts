/** Resolves a parsed selection against an asset graph. Pure: no Node imports. */
import { SelectionError, type SelectionExpr } from "./ast";
import { parseSelection } from "./parser";
import { closest } from "../closest";

/** The fields the selection language reads; protocol's AssetNode satisfies it. */
export interface SelectableAsset {
  key: string;
  deps: readonly string[];
  group?: string;
  tags?: Record<string, string>;
  owners?: readonly string[];
  kinds?: readonly string[];
  /** External assets: matched by key and owner, left out of `*`, `not`, group:, tag:, kind: and upstream. */
  external?: boolean;
}

// One "did you mean" for the library and the editor (protocol); exported here as before.

/** Dagster's key and group pattern: `*` stands for any run of characters, `/` included; anchored. */
function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "s");
}

/**
 * Set semantics follow Dagster's AssetSelection (from_string with include_sources=False):
 * `*`, `not`, group:, tag: and kind: range over materializable (non-external) assets, key:
 * and owner: over every asset; upstream traversal walks the whole graph and keeps the
 * materializable assets it reaches, downstream traversal keeps everything. `<null>` selects
 * the assets without the attribute, as Dagster's UI does (no group, no owner, no kind, no tag).
 */
class Resolver {
  private readonly byKey = new Map<string, SelectableAsset>();
  private readonly upstream = new Map<string, string[]>();
  private readonly downstream = new Map<string, string[]>();

  constructor(private readonly assets: readonly SelectableAsset[]) {
    for (const asset of assets) this.byKey.set(asset.key, asset);
    for (const asset of assets) {
      const ups: string[] = [];
      for (const dep of asset.deps) {
        if (!this.byKey.has(dep) || dep === asset.key || ups.includes(dep)) continue;
        ups.push(dep);
        let list = this.downstream.get(dep);
        if (!list) this.downstream.set(dep, (list = []));
        list.push(asset.key);
      }
      this.upstream.set(asset.key, ups);
    }
  }

  private materializable(key: string): boolean {
    return this.byKey.get(key)?.external !== true;
  }

  private all(): Set<string> {
    return new Set([...this.byKey.keys()].filter((k) => this.materializable(k)));
  }

  resolve(expr: SelectionExpr): Set<string> {
    switch (expr.type) {
      case "all":
        return this.all();
      case "attr":
        return this.attribute(expr);
      case "and": {
        const left = this.resolve(expr.left);
        const right = this.resolve(expr.right);
        return new Set([...left].filter((k) => right.has(k)));
      }
      case "or":
        return new Set([...this.resolve(expr.left), ...this.resolve(expr.right)]);
      case "not": {
        const inner = this.resolve(expr.operand);
        return new Set([...this.all()].filter((k) => !inner.has(k)));
      }
      case "traverse": {
        const { operand, orPattern } = expr;
        if (orPattern !== undefined && operand.type === "attr" && !this.byKey.has(operand.value)) {
          const pattern = wildcard(orPattern);
          const matched = new Set([...this.byKey.keys()].filter((k) => pattern.test(k)));
          if (matched.size > 0) return matched;
        }
        const base = this.resolve(operand);
        const result = new Set<string>();
        if (expr.up !== undefined) {
          const up = new Set(base);
          this.walk(base, expr.up, this.upstream, up);
          for (const k of up) if (this.materializable(k)) result.add(k);
        }
        if (expr.down !== undefined) {
          const down = new Set(base);
          this.walk(base, expr.down, this.downstream, down);
          for (const k of down) result.add(k);
        }
        return result;
      }
      case "function": {
        const inner = this.resolve(expr.operand);
        // Dagster's roots/sinks (fetch_sources / fetch_sinks): no upstream (downstream) asset
        // of the selection at any distance, the path may leave the selection.
        const reached = this.reachable(inner, expr.name === "roots" ? this.downstream : this.upstream);
        return new Set([...inner].filter((k) => !reached.has(k)));
      }
    }
  }

  /** What `from` reaches along `edges` in one step or more (one pass over the graph). */
  private reachable(from: Set<string>, edges: Map<string, string[]>): Set<string> {
    const reached = new Set<string>();
    const stack = [...from];
    while (stack.length > 0) {
      for (const n of edges.get(stack.pop()!) ?? []) {
        if (reached.has(n)) continue;
        reached.add(n);
        stack.push(n);
      }
    }
    return reached;
  }

  /** Breadth-first walk along `edges`, `depth` layers (Infinity: all), adding what it reaches. */
  private walk(start: Set<string>, depth: number, edges: Map<string, string[]>, into: Set<string>): void {
    let frontier = [...start];
    const seen = new Set(start);
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const key of frontier) {
        for (const n of edges.get(key) ?? []) {
          if (seen.has(n)) continue;
          seen.add(n);
          into.add(n);
          following.push(n);
        }
      }
      frontier = following;
    }
  }

  private attribute(expr: Extract<SelectionExpr, { type: "attr" }>): Set<string> {
    const { attr, value } = expr;
    const result = new Set<string>();
    if (attr === "key") {
      if (!value.includes("*")) {
        if (this.byKey.has(value)) return new Set([value]);
        const suggestion = closest(value, this.byKey.keys());
        throw new SelectionError(
          `No asset has the key "${value}".` +
            (suggestion
              ? ` Did you mean "${suggestion}"?`
              : " Run `assetline list --select '*'` to see the keys."),
          expr.span.start,
          expr.span.end,
          suggestion,
        );
      }
      // A pattern that matches nothing is an empty selection, as in Dagster.
      const pattern = wildcard(value);
      for (const key of this.byKey.keys()) if (pattern.test(key)) result.add(key);
      return result;
    }
    const none = expr.isNull === true;
    // A quoted group with `*` is a pattern (Dagster's GroupWildCardAssetSelection).
    const groupPattern = attr === "group" && !none && value.includes("*") ? wildcard(value) : undefined;
    for (const asset of this.assets) {
      let hit: boolean;
      if (attr === "owner") {
        const owners = asset.owners ?? [];
        hit = none ? owners.length === 0 : owners.includes(value);
      } else if (!this.materializable(asset.key)) hit = false;
      else if (attr === "group")
        hit = none
          ? asset.group === undefined
          : groupPattern
            ? asset.group !== undefined && groupPattern.test(asset.group)
            : asset.group === value;
      else if (attr === "kind") {
        const kinds = asset.kinds ?? [];
        hit = none ? kinds.length === 0 : kinds.includes(value);
      } else if (none) hit = Object.keys(asset.tags ?? {}).length === 0;
      // tag:name matches the tag with an empty value; tag:name=value that value (Dagster's TagAssetSelection).
      else
        hit =
          Object.prototype.hasOwnProperty.call(asset.tags ?? {}, value) &&
          asset.tags![value] === (expr.tagValue ?? "");
      if (hit) result.add(asset.key);
    }
    return result;
  }
}

/**
 * The keys a selection matches, in the graph's order. Accepts the selection text or a parsed
 * expression, and either an array of assets or a graph `{ assets }`. Throws SelectionError.
 */
export function resolveSelection(
  selection: string | SelectionExpr,
  graph: readonly SelectableAsset[] | { assets: readonly SelectableAsset[] },
): string[] {
  const assets = "assets" in graph ? graph.assets : graph;
  const expr = typeof selection === "string" ? parseSelection(selection) : selection;
  const keys = new Resolver(assets).resolve(expr);
  return assets.map((a) => a.key).filter((k) => keys.has(k));
}

/** Parses and resolves without throwing, for interactive filter boxes. */
export function trySelect(
  selection: string,
  graph: readonly SelectableAsset[] | { assets: readonly SelectableAsset[] },
): { ok: true; keys: string[] } | { ok: false; error: SelectionError } {
  try {
    return { ok: true, keys: resolveSelection(selection, graph) };
  } catch (error) {
    if (error instanceof SelectionError) return { ok: false, error };
    throw error;
  }
}
