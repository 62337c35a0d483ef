/**
 * The asset graph as the command line prints it (`assetline graph --json`) and as the
 * language server serves it. Paths are relative to the pipeline project's root with `/`
 * separators; lines and columns are 1-based.
 */

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
  | "unreadable-file";

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
}

/** Where an asset stands, from the run records under `.assetline/` and live runs. */
export type AssetRunState = "never" | "fresh" | "stale" | "running" | "failed" | "check-failed";

export interface AssetStatus {
  state: AssetRunState;
  /** Why the asset is stale or failed, as a sentence for people. */
  reason?: string;
  /** ISO time of the last successful materialization. */
  lastMaterialized?: string;
  runId?: string;
}
