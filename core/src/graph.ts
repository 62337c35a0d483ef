/**
 * The asset graph as the command line prints it (`assetline graph --json`) and as the
 * language server serves it. Paths are relative to the pipeline project's root with `/`
 * separators; lines and columns are 1-based.
 */
import type { AutomationCondition } from "./automation/conditions";
import type { PartitionMapping, PartitionsDefinition } from "./partitions";
import type { PartitionsSummary } from "./partitions/status";
import { closest } from "./closest";

export const GRAPH_FORMAT_VERSION = 1;

export interface AssetNode {
  key: string;
  file: string;
  line: number;
  column: number;
  group?: string;
  description?: string;
  kinds?: string[];
  owners?: string[];
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
  /** Every upstream key: inputs and plain deps together. */
  deps: string[];
  /** Input name -> upstream key. */
  ins: Record<string, string>;
  /** Names of the checks attached to this asset. */
  checks: string[];
  /** True when the asset was produced by a factory (`.map`, a loop) rather than written out. */
  generated: boolean;
  /** True for external assets: declared, never computed by Assetline. */
  external?: boolean;
  /** Its automation condition as written (`eager()`, `onCron("0 6 * * *", "Europe/Berlin")`). */
  automation?: string;
  /** The same condition as data, for tools that rebuild it (the Dagster bridge). */
  automationCondition?: AutomationCondition;
  /**
   * Its partitions definition, read statically (the library's own object: `type`, and `start`,
   * `end`, `timezone`, ... for time windows, `keys` for static, `dimensions` for multi).
   */
  partitions?: PartitionsDefinition;
  /** Explicit partition mappings: input name (or the upstream key of a plain dep) -> mapping. */
  partitionMappings?: Record<string, PartitionMapping>;
  /** The spec's `codeVersion`, when it is written as a string. */
  codeVersion?: string;
  /** The spec's `freshness`, when its `maxLag` is known statically. */
  freshness?: { maxLag: string };
  /** Check name -> what its spec says (`blocking`, `severity`, `description`), for checks that have one. */
  checkSpecs?: Record<string, CheckSpecInfo>;
  /** Check name -> where its `check(...)` call is (a test item and a lens are anchored there). */
  checkLocations?: Record<string, { file: string; line: number; column: number }>;
}

/** A check's spec: the fields of the library's `CheckSpec` that differ from the defaults. */
export interface CheckSpecInfo {
  blocking?: true;
  severity?: "warn";
  description?: string;
}

/** A `schedule(name, { cron, timezone, select })`, where it is declared. */
export interface ScheduleNode {
  name: string;
  cron: string;
  timezone: string;
  select: string;
  description?: string;
  file: string;
  line: number;
  column: number;
}

/** A `sensor(name, { interval, targets }, fn)`, where it is declared (its function runs only at run time). */
export interface SensorNode {
  name: string;
  interval: string;
  targets: string;
  description?: string;
  file: string;
  line: number;
  column: number;
}

export type Severity = "error" | "warning" | "info";

/** Stable diagnostic codes: add new ones, never rename. */
export type DiagnosticCode =
  | "unknown-asset"
  | "duplicate-key"
  | "cycle"
  | "self-dependency"
  | "input-type-mismatch"
  | "missing-resource"
  | "invalid-key"
  | "unknown-check-target"
  | "dynamic-asset"
  | "syntax-error"
  /** A file the parser cannot read (nested too deeply): its assets are missing from the graph. */
  | "unreadable-file"
  /** A spec object field the library does not know (a misspelling): it would be refused at load. */
  | "unknown-field"
  /** An automation condition that cannot be used: an unparsable cron expression or time zone. */
  | "invalid-automation"
  /** A partitions definition that cannot be used: a bad start or end, an unknown time zone, duplicate keys. */
  | "invalid-partitions"
  /** An input whose partitions do not map to the asset's without an explicit partition mapping. */
  | "partition-mismatch";

/**
 * The fields each declaration function's spec object may have: the library refuses any other
 * when the definitions load, and the analysis reports it (`unknown-field`), both from here.
 */
export const SPEC_FIELDS = {
  asset: [
    "ins",
    "deps",
    "group",
    "description",
    "owners",
    "tags",
    "kinds",
    "metadata",
    "codeVersion",
    "freshness",
    "automation",
    "partitions",
    "partitionMappings",
    "resources",
    "io",
    "schema",
    "timeoutMs",
  ],
  /** Declared, never computed: nothing to load, inject or time. */
  externalAsset: [
    "deps",
    "group",
    "description",
    "owners",
    "tags",
    "kinds",
    "metadata",
    "codeVersion",
    "freshness",
    "partitions",
    "io",
    "schema",
  ],
  check: ["blocking", "severity", "description"],
  /** `resource(name, factory, options)` */
  resource: ["teardown", "description"],
  defineAssets: ["assets", "checks"],
} as const satisfies Record<string, readonly string[]>;

export type SpecDeclaration = keyof typeof SPEC_FIELDS;

const SPEC_NAMES: Record<SpecDeclaration, string> = {
  asset: "an asset's spec",
  externalAsset: "an external asset's spec",
  check: "a check's spec",
  resource: "a resource's options",
  defineAssets: "defineAssets",
};

/** Whether `field` belongs in the spec of `declaration`. */
export function isSpecField(declaration: SpecDeclaration, field: string): boolean {
  return (SPEC_FIELDS[declaration] as readonly string[]).includes(field);
}

/**
 * The sentence for a field that does not belong in a spec, the same at load time and in the
 * editor (the suggestion included: one closest-match rule, `closest`).
 */
export function unknownFieldMessage(declaration: SpecDeclaration, field: string): string {
  const suggestion = closest(field, SPEC_FIELDS[declaration]);
  const code = (name: string): string => "`" + name + "`";
  if (declaration === "externalAsset" && isSpecField("asset", field)) {
    return `${code(field)} does not apply to an external asset (it is declared, never computed); remove it.`;
  }
  if (suggestion !== undefined) return `unknown field ${code(field)}; did you mean ${code(suggestion)}?`;
  return `unknown field ${code(field)}; ${SPEC_NAMES[declaration]} takes ${SPEC_FIELDS[declaration].map(code).join(", ")}.`;
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface GraphDiagnostic {
  file: string;
  line: number;
  column: number;
  /** End of the offending range (exclusive), when known. */
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedLocation[];
}

export interface AssetGraph {
  version: typeof GRAPH_FORMAT_VERSION;
  assets: AssetNode[];
  diagnostics: GraphDiagnostic[];
  /** Present when the project declares any. */
  schedules?: ScheduleNode[];
  sensors?: SensorNode[];
}

/** Where an asset stands, from the run records under `.assetline/` and live runs. */
export type AssetRunState = "never" | "fresh" | "stale" | "running" | "failed" | "check-failed";

/** Why an asset is in its state (none when fresh). `message` is a sentence for people. */
export type StateReason =
  | { code: "never-materialized"; message: string }
  | { code: "running"; runId: string; since: string; message: string }
  | {
      code: "failed";
      runId: string;
      /** What kind of failure the runner recorded ("error", "timeout", ...). */
      failure: string;
      error: string;
      time: string;
      message: string;
    }
  | { code: "check-failed"; check: string; blocking: boolean; runId: string; message: string }
  | { code: "upstream-newer"; upstream: string; time: string; message: string }
  | { code: "freshness"; maxLag: string; ageMs: number; overByMs: number; message: string }
  | { code: "code-version-changed"; from?: string; to?: string; message: string }
  | { code: "source-changed"; message: string }
  /** A partitioned asset: some materialized partitions are stale (`assetline partitions` lists them). */
  | { code: "partitions-stale"; count: number; message: string };

/** An asset's run state as `assetStatus` (state.ts) computes it and every view shows it. */
export interface AssetStatus {
  state: AssetRunState;
  /** Why the asset is in this state, as sentences for people. */
  reason?: string;
  /** The one line every view shows ("✓ fresh (2 h ago)", "⚠ stale: upstream … materialized after"). */
  title?: string;
  /** The reasons one by one (none when fresh). */
  reasons?: StateReason[];
  /** ISO time of the last successful materialization. */
  lastMaterialized?: string;
  runId?: string;
  /** A partitioned asset: how many partitions are in each state (the health bar's numbers). */
  partitions?: PartitionsSummary;
}
