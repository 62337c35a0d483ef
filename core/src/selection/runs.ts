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
 * What a recorded run ran, in words, from its selection and the assets it planned: an asset
 * run with its upstream or downstream is named by that asset ("transform/daily_revenue and 3
 * upstream"), as the run's notification names it; any other selection by its keys.
 */
export function describeRunTarget(selection: string, assets: readonly string[]): string {
  let expr: SelectionExpr;
  try {
    expr = parseSelection(selection);
  } catch {
    return keyList(assets);
  }
  const traversal = expr.type === "traverse" ? expr : undefined;
  const root = traversal ? traversal.operand : expr;
  const key =
    root.type === "attr" && root.attr === "key" && !root.value.includes("*") ? root.value : undefined;
  if (key === undefined || !assets.includes(key)) return keyList(assets);
  const others = assets.length - 1;
  if (others === 0) return key;
  const up = traversal?.up !== undefined;
  const down = traversal?.down !== undefined;
  return up !== down ? `${key} and ${others} ${up ? "upstream" : "downstream"}` : keyList(assets);
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
