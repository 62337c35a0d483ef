/**
 * What a node card shows, as data: the key, the kinds, a one-line description, the run state
 * with the last materialization as a relative time, and a check summary; external assets and
 * collapsed groups are marked. Pure; the renderer writes every string with textContent.
 */
import {
  ago,
  describePartitionsSummary,
  stateTime,
  type AssetRunState,
  type AssetStatus,
  type PartitionsSummary,
} from "@assetline/core";
import { groupState, STATE_LABEL, type AutomationBadge } from "./status";
import type { DisplayNode } from "./view";

/** Characters that fit on a card line (14 px title, 13 px details, 168 px wide). */
export const TITLE_CHARS = 18;
export const LINE_CHARS = 21;
const MAX_KINDS = 2;

export type CheckTone = "passed" | "failed" | "neutral";

export interface NodeCard {
  title: string;
  /** The second line: the description, or what the node is when there is none. */
  detail: string;
  state?: AssetRunState;
  /** The third line: the state's words and, when known, how long ago it was materialized. */
  stateText: string;
  kinds: string[];
  checks?: { text: string; tone: CheckTone };
  external: boolean;
  generated: boolean;
  /** A partitioned asset: its partitions in each state, as Dagster's partition status bar. */
  health?: PartitionHealth;
  /** Automation would request it now: the badge, and why. */
  requested?: { badge: string; reason: string };
  /** A failed asset: where its run threw in the project's code ("src/resources.ts:14"). */
  failure?: string;
}

/** The health bar's segments, in the bar's order, with their share of the partitions. */
export interface PartitionHealth {
  segments: { state: "materialized" | "stale" | "failed" | "running" | "missing"; fraction: number }[];
  /** "13/60 materialized, 1 failed": the words every view uses (core's). */
  text: string;
}

const HEALTH_ORDER = ["materialized", "stale", "running", "failed", "missing"] as const;

/** The bar of a partitions summary; undefined for an unpartitioned asset. */
export function partitionHealth(summary: PartitionsSummary | undefined): PartitionHealth | undefined {
  if (!summary || summary.total === 0) return undefined;
  return {
    segments: HEALTH_ORDER.filter((state) => summary[state] > 0).map((state) => ({
      state,
      fraction: summary[state] / summary.total,
    })),
    text: describePartitionsSummary(summary),
  };
}

/** "3 h ago" for an ISO time, relative to `now` (ms); undefined when the time cannot be read. */
export function relativeTime(iso: string | undefined, now: number): string | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return undefined;
  return ago(now - time);
}

/**
 * The key when it fits; else its last segment, shortened from the left if need be, at a word
 * boundary when there is one ("…by_customer", not "…venue_by_customer").
 */
export function cardTitle(key: string, max = TITLE_CHARS): string {
  if (key.length <= max) return key;
  const name = key.slice(key.lastIndexOf("/") + 1);
  const candidates = name.length < key.length ? [`…/${name}`, name] : [];
  // Then whole words dropped from the left: "…by_customer", then "…customer".
  for (const match of name.matchAll(/[_\-.](?=.)/g)) candidates.push(`…${name.slice(match.index + 1)}`);
  return candidates.find((candidate) => candidate.length <= max) ?? shorten(name, max);
}

/** A one-line form of a description: its first line, cut at a word where it can be. */
export function oneLine(text: string, max = LINE_CHARS): string {
  const first = text.trim().split(/\r?\n/, 1)[0]!.trim();
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "")}…`;
}

export function checkSummary(
  checks: readonly string[],
  state: AssetRunState | undefined,
): { text: string; tone: CheckTone } | undefined {
  if (checks.length === 0) return undefined;
  const noun = checks.length === 1 ? "check" : "checks";
  if (state === "check-failed") return { text: `✗ ${checks.length} ${noun}`, tone: "failed" };
  // A fresh asset passed the checks of the run that made it fresh.
  if (state === "fresh") return { text: `✓ ${checks.length} ${noun}`, tone: "passed" };
  return { text: `${checks.length} ${noun}`, tone: "neutral" };
}

export function nodeCardFor(
  node: DisplayNode,
  status: Record<string, AssetStatus>,
  now: number,
  automation: Readonly<Record<string, AutomationBadge>> = {},
  failures: Readonly<Record<string, string>> = {},
): NodeCard {
  if (node.kind === "group") {
    const state = groupState(node.members, status);
    return {
      title: shorten(`▸ ${node.group ?? ""}`, TITLE_CHARS),
      detail: `group of ${node.members.length} assets`,
      ...(state ? { state } : {}),
      stateText: state ? STATE_LABEL[state] : "no runs yet",
      kinds: [],
      external: false,
      generated: false,
    };
  }
  const asset = node.asset;
  const entry = status[node.id];
  const state = entry?.state;
  const external = asset?.external === true;
  const when = relativeTime(entry && stateTime(entry), now);
  const failure = failures[node.id];
  let stateText: string;
  // A failure with a line in the project: the state line is the link to it (the hover card
  // says when and where).
  if (failure) stateText = `${STATE_LABEL.failed} · go to error`;
  else if (state === undefined) stateText = external ? "external" : "no runs yet";
  else if (state === "running" || state === "never") stateText = STATE_LABEL[state];
  else if (!when) stateText = STATE_LABEL[state];
  else {
    stateText = `${STATE_LABEL[state]} · ${when}`;
    if (stateText.length > LINE_CHARS) stateText = stateText.replace(/ ago$/, "");
  }
  const description = asset?.description ? oneLine(asset.description) : undefined;
  const kinds = (asset?.kinds ?? []).slice(0, MAX_KINDS).map((kind) => shorten(kind, 10));
  const checks = checkSummary(asset?.checks ?? [], state);
  const health = partitionHealth(entry?.partitions);
  const verdict = automation[node.id];
  return {
    // The automation badge takes the title's top right corner: the title gives it room.
    title: cardTitle(node.id, verdict?.requested ? TITLE_CHARS - 2 : TITLE_CHARS),
    detail: description ?? (external ? "external: not run here" : asset?.group ? `in ${asset.group}` : ""),
    ...(state ? { state } : {}),
    stateText: shorten(stateText, LINE_CHARS),
    kinds,
    ...(checks ? { checks } : {}),
    external,
    generated: asset?.generated === true,
    ...(health ? { health } : {}),
    ...(verdict?.requested ? { requested: { badge: "⚡", reason: verdict.reason } } : {}),
    ...(failure ? { failure } : {}),
  };
}

/** Cuts text from the left to `max` characters, marking the cut with "…". */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
