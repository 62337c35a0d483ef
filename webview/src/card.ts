/**
 * The hover card's content as data (title, lines of label and value). The DOM side writes
 * every string with textContent, so keys and metadata from user code stay text. Pure.
 */
import type { AssetStatus } from "@assetline/core";
import type { GraphIndex } from "./graph-index";
import { relativeTime } from "./node-card";
import { STATE_LABEL, type AutomationBadge } from "./status";
import type { DisplayNode } from "./view";

export interface CardRow {
  label: string;
  value: string;
  /** A class for the value, e.g. the run state's. */
  tone?: string;
}

export interface CardContent {
  title: string;
  subtitle?: string;
  description?: string;
  rows: CardRow[];
}

const CLASSIFICATION = [
  "pii",
  "classification",
  "security",
  "securityClass",
  "retention",
  "sensitivity",
  "contract",
  "schema",
];
const MAX_VALUE = 160;

function show(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export function cardFor(
  node: DisplayNode,
  index: GraphIndex,
  status: Record<string, AssetStatus>,
  now: number = Date.now(),
  automation: Readonly<Record<string, AutomationBadge>> = {},
  failures: Readonly<Record<string, string>> = {},
): CardContent {
  if (node.kind === "group") {
    const counts = new Map<string, number>();
    for (const key of node.members) {
      const state = status[key]?.state;
      if (state) counts.set(STATE_LABEL[state], (counts.get(STATE_LABEL[state]) ?? 0) + 1);
    }
    const rows: CardRow[] = [{ label: "assets", value: String(node.members.length) }];
    if (counts.size > 0)
      rows.push({ label: "states", value: [...counts].map(([label, n]) => `${n} ${label}`).join(", ") });
    rows.push({ label: "", value: "Click or press Enter to expand the group." });
    return { title: `group ${node.group ?? ""}`, subtitle: "collapsed group", rows };
  }
  const asset = node.asset!;
  const rows: CardRow[] = [];
  const state = status[asset.key];
  if (state) {
    rows.push({
      label: "state",
      value: show(state.title ?? STATE_LABEL[state.state]),
      tone: `state-${state.state}`,
    });
    if (state.reason) rows.push({ label: "why", value: show(state.reason) });
    const where = failures[asset.key];
    if (where) rows.push({ label: "threw at", value: `${show(where)} (click "go to error" on the card)` });
    if (state.lastMaterialized)
      rows.push({
        label: "last materialized",
        value:
          [relativeTime(state.lastMaterialized, now), state.lastMaterialized].filter(Boolean).join(", ") +
          (state.runId ? ` (${state.runId})` : ""),
      });
  }
  const verdict = automation[asset.key];
  if (verdict) {
    rows.push({
      label: "automation",
      value: show(
        `${verdict.requested ? "would run now" : "not now"}${verdict.partition ? ` (${verdict.partition})` : ""}: ${verdict.reason}`,
      ),
      ...(verdict.requested ? { tone: "auto-requested" } : {}),
    });
  }
  if (asset.group) rows.push({ label: "group", value: asset.group });
  if (asset.kinds?.length) rows.push({ label: "kinds", value: asset.kinds.join(", ") });
  if (asset.owners?.length) rows.push({ label: "owners", value: asset.owners.join(", ") });
  const tags = Object.entries(asset.tags ?? {});
  if (tags.length)
    rows.push({ label: "tags", value: show(tags.map(([name, value]) => `${name}=${value}`).join(", ")) });
  const metadata = Object.entries(asset.metadata ?? {});
  const classified = metadata.filter(([name]) => CLASSIFICATION.includes(name));
  const other = metadata.filter(([name]) => !CLASSIFICATION.includes(name));
  for (const [name, value] of classified)
    rows.push({ label: name, value: show(value), tone: "classification" });
  for (const [name, value] of other.slice(0, 6)) rows.push({ label: name, value: show(value) });
  if (other.length > 6) rows.push({ label: "", value: `${other.length - 6} more metadata entries` });
  rows.push({
    label: "deps",
    value: `${index.up.get(asset.key)?.length ?? 0} upstream, ${index.down.get(asset.key)?.length ?? 0} downstream`,
  });
  if (asset.checks.length) rows.push({ label: "checks", value: show(asset.checks.join(", ")) });
  rows.push({ label: "defined", value: `${asset.file}:${asset.line}` });
  const flags = [asset.external ? "external" : "", asset.generated ? "generated" : ""].filter(Boolean);
  const card: CardContent = { title: asset.key, rows };
  if (flags.length) card.subtitle = flags.join(", ");
  if (asset.description) card.description = show(asset.description);
  return card;
}
