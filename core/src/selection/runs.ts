/** How a run from an editor names what it runs: an asset, alone or with its upstream or downstream. */

export type RunMode = "asset" | "upstream" | "downstream";

/** The selection that runs an asset, alone or with everything upstream or downstream of it. */
export function selectionFor(key: string, mode: RunMode = "asset"): string {
  const quoted = `key:"${key.replace(/["\\]/g, "\\$&")}"`;
  return mode === "upstream" ? `+${quoted}` : mode === "downstream" ? `${quoted}+` : quoted;
}
