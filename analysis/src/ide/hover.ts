/**
 * The static part of the hover on an asset key: what the analysis knows (group, owners, tags,
 * classification, freshness, upstream and downstream, checks, output type). What the run
 * records say is the editor's to add (`renderHover`'s `extraFacts`), at its one call site.
 */
import {
  defaultMapping,
  describeAutomation,
  describeCondition,
  describePartitionMapping,
  describePartitions,
  mappingProblem,
} from "@assetline/core";
import type { AnalysisSession } from "../index";
import type { AssetRecord, SourceSpan } from "../model";
import { declarationAt, occurrenceAt, recordOf } from "./common";

export interface AssetHover {
  key: string;
  /** The key's occurrence under the cursor (absent on the name an asset is assigned to). */
  span?: SourceSpan;
  /** Undefined for a key no asset has. */
  record?: AssetRecord;
  /** The heading and the description, as Markdown lines. */
  heading: string[];
  /** One Markdown line each, shown as a list. */
  facts: string[];
}

const CLASSIFICATION = ["pii", "securityClass", "retention"];

function list(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(", ");
}

export function hover(session: AnalysisSession, file: string, offset: number): AssetHover | undefined {
  const occurrence = occurrenceAt(session, file, offset);
  const key = occurrence?.key ?? declarationAt(session, file, offset)?.key;
  if (key === undefined) return undefined;
  const result = session.lastResult;
  const record = recordOf(session, key);
  const hover: AssetHover = { key, heading: [], facts: [] };
  if (occurrence) hover.span = occurrence.span;
  if (!record) {
    hover.heading.push(`**${key}**`, "", "Unknown asset: no asset or external asset has this key.");
    return hover;
  }
  hover.record = record;
  const badges = [
    record.external ? "external" : undefined,
    record.generated ? "generated" : undefined,
  ].filter(Boolean);
  hover.heading.push(
    `**${key}**${record.group ? ` · group \`${record.group}\`` : ""}${badges.length ? ` · ${badges.join(", ")}` : ""}`,
  );
  if (record.description) hover.heading.push("", record.description);
  const facts = hover.facts;
  if (record.owners?.length) facts.push(`Owners: ${list(record.owners)}`);
  if (record.kinds?.length) facts.push(`Kinds: ${list(record.kinds)}`);
  if (record.tags && Object.keys(record.tags).length > 0) {
    facts.push(`Tags: ${list(Object.entries(record.tags).map(([name, value]) => `${name}=${value}`))}`);
  }
  const metadata = record.metadata;
  if (metadata) {
    const classification = CLASSIFICATION.filter((name) => metadata[name] !== undefined).map(
      (name) => `${name}: ${JSON.stringify(metadata[name])}`,
    );
    if (classification.length > 0) facts.push(`Classification: ${classification.join(", ")}`);
    const other = Object.keys(metadata).filter((name) => !CLASSIFICATION.includes(name));
    if (other.length > 0)
      facts.push(`Metadata: ${list(other.map((name) => `${name}=${JSON.stringify(metadata[name])}`))}`);
  }
  if (record.maxLag) facts.push(`Freshness: at most ${record.maxLag} old`);
  if (record.automation) {
    const words = describeAutomation(record.automation, Date.now());
    const written = describeCondition(record.automation);
    facts.push(`Automation: \`${written}\`${words.startsWith("next:") ? ` · ${words}` : ""}`);
  }
  if (record.partitions) facts.push(`Partitions: ${describePartitions(record.partitions)}`);
  const inputs = partitionInputs(session, record);
  if (inputs.length > 0) facts.push(`Partition mappings: ${inputs.join("; ")}`);
  const node = result?.graph.assets.find((asset) => asset.key === key);
  if (node) {
    // The graph lists deps as written; a broken one (the diagnostics say why) is not upstream.
    const upstream = node.deps.filter((dep) => dep !== key && result?.built.byKey.has(dep));
    const broken = node.deps.filter((dep) => !upstream.includes(dep));
    facts.push(
      `Upstream (${upstream.length}): ${upstream.length ? list(upstream) : "none"}` +
        (broken.length ? `; not in the graph: ${list(broken)}` : ""),
    );
    const downstream = [...(result?.built.downstream.get(key) ?? [])].sort();
    facts.push(`Downstream (${downstream.length}): ${downstream.length ? list(downstream) : "none"}`);
    if (node.checks.length > 0) facts.push(`Checks: ${list(node.checks)}`);
  }
  if (!record.external) {
    const output = session.outputTypeText(record);
    if (output) facts.push(`Output: \`${output.length > 200 ? `${output.slice(0, 197)}...` : output}\``);
  }
  return hover;
}

/**
 * Which partitions of each upstream a partitioned asset reads (or an asset reads of a partitioned
 * upstream): the mapping given, else the default one; "`days` ← the time windows from 6 before
 * to this window". Upstreams whose partitions do not map are the diagnostics' to say.
 */
function partitionInputs(session: AnalysisSession, record: AssetRecord): string[] {
  const byKey = session.lastResult?.built.byKey;
  if (!byKey || record.partitionsUnknown) return [];
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const dep of record.deps) {
    if (dep.key === undefined || (dep.input === undefined && seen.has(dep.key))) continue;
    seen.add(dep.key);
    const name = dep.input ?? dep.key;
    const upstream = byKey.get(dep.key);
    const known = record.partitionMappings?.[name];
    if (!upstream || upstream.partitionsUnknown) continue;
    if (known === undefined && !upstream.partitions) continue;
    if (mappingProblem(record.partitions, upstream.partitions, known) !== undefined) continue;
    const mapping = known ?? defaultMapping(record.partitions, upstream.partitions);
    if (mapping === undefined || typeof mapping === "string") continue;
    lines.push(`\`${name}\` ← ${describePartitionMapping(mapping)}${known ? "" : " (default)"}`);
  }
  return lines;
}

/** The hover as Markdown, with facts from elsewhere (the last run) after the static ones. */
export function renderHover(hover: AssetHover, extraFacts: readonly string[] = []): string {
  const facts = [...hover.facts, ...extraFacts];
  const lines = [...hover.heading];
  if (facts.length > 0) lines.push("", ...facts.map((fact) => `- ${fact}`));
  return lines.join("\n");
}
