/**
 * Run states as the view draws them: a class per state, a badge and the legend. Pure. The
 * states and their words come from the server (`@assetline/core`'s `assetStatus`).
 */
import {
  STATE_LABEL,
  STATE_URGENCY,
  type AssetRunState,
  type AssetStatus,
  type PartitionsSummary,
} from "@assetline/core";

export { STATE_LABEL };

/** The states in the legend's order. */
export const STATES = Object.keys(STATE_LABEL) as readonly AssetRunState[];

/** A short word drawn in the node's corner: the state's word (none for never materialized). */
export const STATE_BADGE: Record<AssetRunState, string> = {
  ...STATE_LABEL,
  never: "",
  running: `${STATE_LABEL.running}…`,
};

export function isRunState(value: unknown): value is AssetRunState {
  return typeof value === "string" && (STATES as readonly string[]).includes(value);
}

/** Merges a partial status update into the known states; entries that are not valid are dropped. */
export function mergeStatus(
  known: Record<string, AssetStatus>,
  update: unknown,
): Record<string, AssetStatus> {
  const merged: Record<string, AssetStatus> = { ...known };
  if (typeof update !== "object" || update === null) return merged;
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) continue;
    const entry = value as Record<string, unknown>;
    if (!isRunState(entry.state)) continue;
    const status: AssetStatus = { state: entry.state };
    if (typeof entry.reason === "string") status.reason = entry.reason;
    if (typeof entry.title === "string") status.title = entry.title;
    if (typeof entry.lastMaterialized === "string") status.lastMaterialized = entry.lastMaterialized;
    if (typeof entry.runId === "string") status.runId = entry.runId;
    const partitions = partitionsSummary(entry.partitions);
    if (partitions) status.partitions = partitions;
    merged[key] = status;
  }
  return merged;
}

const SUMMARY_FIELDS = ["total", "materialized", "stale", "failed", "running", "missing"] as const;

/** A partitions summary from the host, when every count is a whole number; else undefined. */
function partitionsSummary(value: unknown): PartitionsSummary | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const counts = value as Record<string, unknown>;
  if (!SUMMARY_FIELDS.every((field) => Number.isInteger(counts[field]) && (counts[field] as number) >= 0))
    return undefined;
  return Object.fromEntries(
    SUMMARY_FIELDS.map((field) => [field, counts[field]]),
  ) as unknown as PartitionsSummary;
}

/**
 * The state shown for a collapsed group: the most urgent of its members'
 * (running, failed, check failed, stale, fresh, never); undefined when none is known.
 */
export function groupState(
  members: readonly string[],
  status: Record<string, AssetStatus>,
): AssetRunState | undefined {
  const rank = STATE_URGENCY;
  let best = rank.length;
  for (const key of members) {
    const state = status[key]?.state;
    if (state !== undefined) best = Math.min(best, rank.indexOf(state));
  }
  return rank[best];
}

/** What automation would do now for an asset, as the host says (validated, strings bounded). */
export interface AutomationBadge {
  requested: boolean;
  reason: string;
  partition?: string;
}

const REASON_MAX = 1000;

/** The host's automation verdicts; entries that are not well formed are dropped. */
/** The host's `failures` (key -> "file:line"), kept only where both are short strings. */
export function failureLinks(update: unknown): Record<string, string> {
  const links: Record<string, string> = {};
  if (typeof update !== "object" || update === null) return links;
  for (const [key, where] of Object.entries(update as Record<string, unknown>))
    if (typeof where === "string" && where.length > 0 && where.length <= REASON_MAX) links[key] = where;
  return links;
}

export function automationVerdicts(update: unknown): Record<string, AutomationBadge> {
  const verdicts: Record<string, AutomationBadge> = {};
  if (typeof update !== "object" || update === null) return verdicts;
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) continue;
    const { requested, reason, partition } = value as Record<string, unknown>;
    if (typeof requested !== "boolean" || typeof reason !== "string") continue;
    verdicts[key] = {
      requested,
      reason: reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 1)}…` : reason,
      ...(typeof partition === "string" ? { partition } : {}),
    };
  }
  return verdicts;
}
