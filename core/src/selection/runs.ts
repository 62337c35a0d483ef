/** How a run from an editor names what it runs: an asset, alone or with its upstream or downstream. */
import { trySelect, type SelectableAsset } from "./resolve";

export type RunMode = "asset" | "upstream" | "downstream";

/** The selection that runs an asset, alone or with everything upstream or downstream of it. */
export function selectionFor(key: string, mode: RunMode = "asset"): string {
  const quoted = `key:"${key.replace(/["\\]/g, "\\$&")}"`;
  return mode === "upstream" ? `+${quoted}` : mode === "downstream" ? `${quoted}+` : quoted;
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
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : "";
  return {
    keys,
    message: `${keys.length} asset${keys.length === 1 ? "" : "s"}: ${keys.slice(0, 3).join(", ")}${more}`,
  };
}
