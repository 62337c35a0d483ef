/** How a run from an editor names what it runs: an asset, alone or with its upstream or downstream. */
import type { SelectionExpr } from "./ast";
import { parseSelection } from "./parser";
import { trySelect, type SelectableAsset } from "./resolve";

export type RunMode = "asset" | "upstream" | "downstream";

/**
 * Keys as people read them in one line: "a", "a and b", "a, b and 3 more" (at most `shown`
 * named). The one wording of the run results, the Recent Runs titles and selection previews.
 */
export function keyList(keys: readonly string[], shown = 2): string {
  if (keys.length <= shown) {
    return keys.length <= 1 ? keys.join("") : `${keys.slice(0, -1).join(", ")} and ${keys.at(-1)}`;
  }
  return `${keys.slice(0, shown).join(", ")} and ${keys.length - shown} more`;
}

/** The selection that runs an asset, alone or with everything upstream or downstream of it. */
export function selectionFor(key: string, mode: RunMode = "asset"): string {
  const quoted = `key:"${key.replace(/["\\]/g, "\\$&")}"`;
  return mode === "upstream" ? `+${quoted}` : mode === "downstream" ? `${quoted}+` : quoted;
}

/**
 * What a run ran, in words: the assets asked for (`requested`, else the keys its selection
 * names) and how many it added upstream or downstream of them ("transform/daily_revenue and 3
 * upstream assets"); any other selection by its keys. The one wording of run notifications and
 * Recent Runs titles.
 */
export function describeRunTarget(
  selection: string,
  assets: readonly string[],
  requested?: readonly string[],
): string {
  let expr: SelectionExpr;
  try {
    expr = parseSelection(selection);
  } catch {
    return keyList(assets);
  }
  const asked = (requested ?? namedKeys(expr)).filter((key) => assets.includes(key));
  const others = assets.length - asked.length;
  if (asked.length === 0) return keyList(assets);
  if (others === 0) return keyList(asked);
  const direction = directionOf(expr);
  if (!direction) return keyList(assets);
  const names = asked.length <= 2 ? asked : [asked[0]!, asked[1]!, `${asked.length - 2} more`];
  return `${names.join(", ")} and ${others} ${direction} asset${others === 1 ? "" : "s"}`;
}

/** The exact keys a selection names (`key:"a"`, `a`), in order; none for patterns. */
function namedKeys(expr: SelectionExpr): string[] {
  if (expr.type === "attr") return expr.attr === "key" && !expr.value.includes("*") ? [expr.value] : [];
  if (expr.type === "traverse") return namedKeys(expr.operand);
  if (expr.type === "or") return [...namedKeys(expr.left), ...namedKeys(expr.right)];
  return [];
}

/** Which way every traversal of an `or` of them goes; undefined when none, both or mixed. */
function directionOf(expr: SelectionExpr): "upstream" | "downstream" | undefined {
  if (expr.type === "or") {
    const left = directionOf(expr.left);
    return left === directionOf(expr.right) ? left : undefined;
  }
  if (expr.type !== "traverse") return undefined;
  const up = expr.up !== undefined;
  const down = expr.down !== undefined;
  return up === down ? undefined : up ? "upstream" : "downstream";
}

/**
 * What a selection would run, in words, before it runs ("4 assets: a, b, c and 1 more"), with
 * the keys it materializes (external assets are never materialized); or, with no keys, why it
 * cannot run (the selection language's own sentence).
 */
export function describeRunSelection(
  text: string,
  assets: readonly SelectableAsset[],
): { keys?: string[]; message: string } {
  if (text.trim() === "")
    return { message: 'A selection, e.g. +transform/daily_revenue, group:ingest, tag:layer=gold or "*".' };
  const found = trySelect(text, assets);
  if (!found.ok) return { message: found.error.message };
  const external = new Set(assets.filter((a) => a.external).map((a) => a.key));
  const keys = found.keys.filter((key) => !external.has(key));
  if (keys.length === 0) return { message: `"${text}" matches no asset that can be materialized.` };
  return {
    keys,
    message: `${keys.length} asset${keys.length === 1 ? "" : "s"}: ${keyList(keys, 3)}`,
  };
}
