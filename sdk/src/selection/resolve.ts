/** Resolves a parsed selection against an asset graph. Pure: no Node imports. */
import { SelectionError, type SelectionExpr } from "./ast";
import { parseSelection } from "./parser";

/** The fields the selection language reads; protocol's AssetNode satisfies it. */
export interface SelectableAsset {
  key: string;
  deps: readonly string[];
  group?: string;
  tags?: Record<string, string>;
  owners?: readonly string[];
  kinds?: readonly string[];
}

/** Edit distance, used to suggest the closest key for a typo. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `word`, if it is plausibly a typo of it. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    // A key given without its prefix ("raw_orders" for "ingest/raw_orders") is a strong hint.
    const tail = candidate.slice(candidate.lastIndexOf("/") + 1);
    const score = Math.min(editDistance(word, candidate), tail === word ? 1 : editDistance(word, tail) + 1);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  return bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

function matches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return pattern.includes("*") ? wildcard(pattern).test(value) : pattern === value;
}

class Resolver {
  private readonly byKey = new Map<string, SelectableAsset>();
  private readonly downstream = new Map<string, string[]>();

  constructor(private readonly assets: readonly SelectableAsset[]) {
    for (const asset of assets) this.byKey.set(asset.key, asset);
    for (const asset of assets) {
      for (const dep of asset.deps) {
        if (!this.byKey.has(dep)) continue;
        let list = this.downstream.get(dep);
        if (!list) this.downstream.set(dep, (list = []));
        list.push(asset.key);
      }
    }
  }

  resolve(expr: SelectionExpr): Set<string> {
    switch (expr.type) {
      case "all":
        return new Set(this.byKey.keys());
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
        return new Set([...this.byKey.keys()].filter((k) => !inner.has(k)));
      }
      case "traverse": {
        const base = this.resolve(expr.operand);
        const result = new Set(base);
        if (expr.up !== undefined) this.walk(base, expr.up, (k) => this.byKey.get(k)?.deps ?? [], result);
        if (expr.down !== undefined) this.walk(base, expr.down, (k) => this.downstream.get(k) ?? [], result);
        return result;
      }
      case "function": {
        const inner = this.resolve(expr.operand);
        if (expr.name === "roots") {
          return new Set(
            [...inner].filter((k) => !(this.byKey.get(k)?.deps ?? []).some((d) => inner.has(d))),
          );
        }
        return new Set([...inner].filter((k) => !(this.downstream.get(k) ?? []).some((d) => inner.has(d))));
      }
    }
  }

  private walk(
    start: Set<string>,
    depth: number,
    next: (key: string) => readonly string[],
    into: Set<string>,
  ): void {
    let frontier = [...start];
    const seen = new Set(start);
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const key of frontier) {
        for (const n of next(key)) {
          if (!this.byKey.has(n) || seen.has(n)) continue;
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
      for (const key of this.byKey.keys()) if (matches(value, key)) result.add(key);
      if (result.size === 0) {
        throw new SelectionError(`No asset key matches "${value}".`, expr.span.start, expr.span.end);
      }
      return result;
    }
    for (const asset of this.assets) {
      let hit: boolean;
      if (attr === "group") hit = matches(value, asset.group);
      else if (attr === "owner") hit = (asset.owners ?? []).some((o) => matches(value, o));
      else if (attr === "kind") hit = (asset.kinds ?? []).some((k) => matches(value, k));
      else {
        const eq = value.indexOf("=");
        const tags = asset.tags ?? {};
        if (eq < 0) hit = Object.keys(tags).some((k) => matches(value, k));
        else {
          const name = value.slice(0, eq);
          const tagValue = value.slice(eq + 1);
          hit = Object.entries(tags).some(([k, v]) => matches(name, k) && matches(tagValue, v));
        }
      }
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
