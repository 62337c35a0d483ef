/**
 * What the extraction finds in the source, before the graph is assembled: one record per asset
 * (a declaration evaluated once; a factory call evaluated once per generated asset), one per
 * check, plus the diagnostics found while reading the code.
 */
import type { ts } from "ts-morph";
import type {
  AssetNode,
  AutomationCondition,
  CheckSpecInfo,
  DiagnosticCode,
  PartitionMapping,
  PartitionsDefinition,
  Severity,
} from "@assetline/core";
import { emptyMarks, type ModuleRecord } from "./evaluator";

export type AssetFunction = "asset" | "check" | "externalAsset";

/** A range in a source file: 0-based offsets, converted to lines and columns at the end. */
export interface SourceSpan {
  /** Absolute path of the file. */
  file: string;
  start: number;
  end: number;
}

/** One upstream reference of an asset: an `ins` entry or a `deps` element. */
export interface DepRef {
  /** Where the reference is written (the identifier, the string literal, or the smallest known expression). */
  span: SourceSpan;
  /**
   * Where a problem with it is reported instead: the call of the project factory that made the
   * asset, when the reference comes from that factory's parameters (the caller chose it).
   */
  reportAt?: SourceSpan;
  /** The upstream key when it is known statically. */
  key?: string;
  /** How the key was written: a reference to an asset value, or a string. */
  via: "reference" | "string";
  /** Why the key is not known: the value is not an asset, or cannot be evaluated. */
  /** `name`: for an undefined name, the name as written (for a "did you mean"). */
  problem?: { kind: "not-an-asset" | "undefined-name" | "dynamic"; message: string; name?: string };
  /** Input name when the reference comes from `ins`. */
  input?: string;
}

export interface AssetRecord {
  /** Undefined when the key cannot be evaluated (then the asset is not in the graph). */
  key?: string;
  /** The whole `asset(...)` call. */
  call: SourceSpan;
  /**
   * For an asset made inside a project function (a factory called several times), the
   * outermost call of that function from the module's own code: where the graph points.
   */
  site?: SourceSpan;
  /** That call's node (not serialised). */
  siteNode?: ts.CallExpression | ts.NewExpression;
  /** The key argument (or the call when the argument is missing). */
  keySpan: SourceSpan;
  /** The exported name when the asset is assigned to a top-level const. */
  exportName?: string;
  generated: boolean;
  external: boolean;
  deps: DepRef[];
  group?: string;
  description?: string;
  kinds?: string[];
  owners?: string[];
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
  /** `freshness.maxLag` of the spec ("24h", "30m", an ISO 8601 duration). */
  maxLag?: string;
  /** `codeVersion` of the spec, when it is a string. */
  codeVersion?: string;
  /** `automation` of the spec, when it is known statically. */
  automation?: AutomationCondition;
  /** `partitions` of the spec, when it is known statically and valid. */
  partitions?: PartitionsDefinition;
  /** True when the spec has `partitions` whose value is not known (or not valid): no mismatch is reported on it. */
  partitionsUnknown?: true;
  /** `partitionMappings` entries known statically, by input name (or a plain dep's key). */
  partitionMappings?: Record<string, PartitionMapping>;
  /** Where each known mapping is written (its value, or the field when the object is built elsewhere). */
  partitionMappingSpans?: Record<string, SourceSpan>;
  /** Names whose mapping is not known statically; "all" when the whole field is not. */
  unknownPartitionMappings?: Set<string> | "all";
  /** Names of checks attached through a direct reference to this asset value. */
  checks: string[];
  /** The compute function's node, for the type checks (not serialised). */
  computeNode?: ts.Node;
  /** The node of the call itself (not serialised). */
  callNode: ts.CallExpression;
  /**
   * The graph node last built from this record, and the state of its neighbours it was built
   * for (graph.ts reuses it while that is the same; not serialised).
   */
  graphNode?: { node: AssetNode; context: string };
}

export interface CheckRecord {
  name?: string;
  span: SourceSpan;
  targetSpan: SourceSpan;
  /** Where a problem with the target is reported instead (see `DepRef.reportAt`). */
  targetReportAt?: SourceSpan;
  /** The asset the target references, when it is a reference to an asset value. */
  target?: AssetRecord;
  /** The key when the target is written as a string. */
  targetKey?: string;
  problem?: string;
  /** What the spec says (`blocking`, `severity`, `description`), when it is known. */
  spec?: CheckSpecInfo;
}

export interface RawDiagnostic {
  span: SourceSpan;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: { span: SourceSpan; message: string }[];
}

/** What one source file contributes (the evaluator's record of it, extended). */
/** A `schedule(...)` or `sensor(...)` call read statically. */
export interface TriggerRecord {
  kind: "schedule" | "sensor";
  call: SourceSpan;
  name: string;
  /** Schedules: cron, timezone, select; sensors: interval, targets; both: description. */
  fields: Record<string, string>;
}

export interface FileResult extends ModuleRecord {
  file: string;
  assets: AssetRecord[];
  checks: CheckRecord[];
  triggers: TriggerRecord[];
  diagnostics: RawDiagnostic[];
  /** Library calls this module's evaluation reached (the others are evaluated on their own). */
  evaluatedCalls: Set<ts.CallExpression>;
}

export function emptyFileResult(file: string): FileResult {
  return {
    file,
    assets: [],
    checks: [],
    triggers: [],
    diagnostics: [],
    reads: new Set(),
    evaluatedCalls: new Set(),
    marks: emptyMarks(),
  };
}
