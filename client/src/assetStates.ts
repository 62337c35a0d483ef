/**
 * What the Assets view shows of an asset's run state, and how live run events overlay the
 * states the server computed. Pure (no `vscode`): the server computes every state with
 * `@assetline/core`'s `assetStatus`; this only renders it.
 */
import { STATE_LABEL, type AssetNode, type AssetRunState, type AssetStatus } from "@assetline/core";

/** A state an event of a run started in this window reported, and when. */
export interface LiveState {
  status: AssetStatus;
  /** ISO time of the event. */
  time: string;
}

/**
 * The server's states overlaid with live ones. A live state stands until the server's state
 * comes from the same run (the runner writes its records a little behind its events); a
 * running one until its run ends. Returns the live keys that are now superseded.
 */
export function overlayLive(
  states: Readonly<Record<string, AssetStatus>>,
  live: ReadonlyMap<string, LiveState>,
): { states: Record<string, AssetStatus>; superseded: string[] } {
  const result: Record<string, AssetStatus> = { ...states };
  const superseded: string[] = [];
  for (const [key, { status }] of live) {
    const recorded = states[key];
    if (status.state !== "running" && recorded?.runId !== undefined && recorded.runId === status.runId)
      superseded.push(key);
    else result[key] = status;
  }
  return { states: result, superseded };
}

/** The Assets view's row of an asset: its state (undefined for an external one) and its words. */
export interface AssetRow {
  state: AssetRunState | undefined;
  description: string;
  tooltip: string[];
}

export function assetRow(asset: AssetNode, status: AssetStatus | undefined): AssetRow {
  if (asset.external) {
    return {
      state: undefined,
      description: "external",
      tooltip: [asset.key, ...(asset.description ? [asset.description] : [])],
    };
  }
  const state = status?.state ?? "never";
  const tooltip = [asset.key];
  if (asset.description) tooltip.push(asset.description);
  if (status?.reason) tooltip.push(status.reason);
  if (status?.lastMaterialized)
    tooltip.push(`Last materialized ${new Date(status.lastMaterialized).toLocaleString()}`);
  return { state, description: status?.title ?? STATE_LABEL[state], tooltip };
}
