/**
 * The shapes of the library's objects. Assets, checks, resources and definition sets are plain
 * objects branded with `Symbol.for(...)` so that any copy of the library (the CLI's bundle and the
 * user's installed `assetline` are separate copies) recognises them.
 */
import type { AutomationCondition, PartitionMapping, PartitionsDefinition } from "@assetline/core";
import type { SourceLocation } from "./location";

export const ASSET_BRAND: unique symbol = Symbol.for("assetline.asset");
export const CHECK_BRAND: unique symbol = Symbol.for("assetline.check");
export const RESOURCE_BRAND: unique symbol = Symbol.for("assetline.resource");
export const DEFINITIONS_BRAND: unique symbol = Symbol.for("assetline.definitions");

/** Format version stored in the brand property. */
export const BRAND_VERSION = 1;

export interface Logger {
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** Classification and other metadata that travels with an asset. Free-form beyond these fields. */
export interface AssetMetadata {
  pii?: boolean;
  /** E.g. "public", "internal", "confidential", "restricted". */
  securityClass?: string;
  /** ISO 8601 duration, e.g. "P30D". */
  retention?: string;
  [key: string]: unknown;
}

export interface Freshness {
  /** How old the latest materialization may be: "30m", "24h", "7d", or an ISO 8601 duration. */
  maxLag: string;
}

// ---- Standard Schema (https://standardschema.dev), declared here instead of a dependency ----
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaV1.Result<Output> | Promise<StandardSchemaV1.Result<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}
export declare namespace StandardSchemaV1 {
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  }
}

// ---- IO managers ----
/** The partition a step materializes or loads (`ctx.partition`, `IOContext.partition`). */
export interface PartitionContext {
  key: string;
  /** A run over a range of partitions: its first and last key. */
  range?: { start: string; end: string };
  /** Time partitions: the partition's window, [start, end). */
  window?: { start: Date; end: Date };
}

export interface IOContext {
  key: string;
  runId: string;
  /** The pipeline project's root folder (absolute). */
  root: string;
  metadata: Record<string, unknown>;
  /** Set for a partitioned asset: the one partition to store or load. */
  partition?: PartitionContext;
}

export interface SaveResult {
  /** Where the value was written (shown in run records). */
  path?: string;
  metadata?: Record<string, unknown>;
}

export interface IOManager {
  readonly name?: string;
  save(ctx: IOContext, value: unknown): void | SaveResult | Promise<void | SaveResult>;
  load(ctx: IOContext): unknown;
  /** Whether a stored value exists; lets the runner say what to materialize first. */
  exists?(ctx: IOContext): boolean | Promise<boolean>;
  /**
   * The dataset the value is stored as, in OpenLineage's naming (e.g. `{ namespace: "file", name:
   * "/abs/path.json" }`, or `duckdb://<file>` and the table). Without it, lineage names the dataset
   * by the asset key in the job namespace.
   */
  dataset?(ctx: IOContext): DatasetName;
}

/** A dataset's identity as OpenLineage names it. */
export interface DatasetName {
  namespace: string;
  name: string;
}

// ---- Resources ----
export interface ResourceContext {
  /** The environment the run uses, e.g. "local" or "prod". */
  env: string;
  /** This resource's configuration from the environment (`environments.<env>.resources.<name>`). */
  config: Record<string, unknown>;
  root: string;
  log: Logger;
}

export type ResourceFactory<T> = (ctx: ResourceContext) => T | Promise<T>;

export interface Resource<T = unknown> {
  readonly [RESOURCE_BRAND]: number;
  readonly name: string;
  /** One factory for every environment, or one per environment name. */
  readonly factory: ResourceFactory<T> | Readonly<Record<string, ResourceFactory<T>>>;
  readonly teardown?: (value: T) => void | Promise<void>;
  readonly description?: string;
}

/** What `ctx.resources` holds for a spec's `resources`: resource objects become their values. */
export type ResourceValues<R> = { [K in keyof R]: R[K] extends Resource<infer T> ? Awaited<T> : R[K] };

// ---- Assets ----
export interface AssetContext<R = Record<string, unknown>> {
  key: string;
  runId: string;
  log: Logger;
  resources: R;
  /** The pipeline project's root folder (absolute). */
  root: string;
  env: string;
  /** Aborted when the run is cancelled or the asset times out. */
  signal: AbortSignal;
  metadata: AssetMetadata;
  /** Set for a partitioned asset: the partition this step materializes (its window for time partitions). */
  partition?: PartitionContext;
}

export type AnyAsset = Asset<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The values `compute` receives for `spec.ins`: each input has its upstream's output type. */
export type InputValues<Ins> = { [K in keyof Ins]: Ins[K] extends Asset<infer V> ? V : never };

export interface AssetSpec<Ins = Record<string, AnyAsset>, R = Record<string, unknown>, T = unknown> {
  /** Upstream assets whose values are loaded and passed to compute as its second argument. */
  ins?: Ins;
  /** Upstream assets (references or keys) for ordering and lineage only. */
  deps?: ReadonlyArray<AnyAsset | string>;
  group?: string;
  description?: string;
  owners?: readonly string[];
  tags?: Record<string, string>;
  kinds?: readonly string[];
  metadata?: AssetMetadata;
  codeVersion?: string;
  freshness?: Freshness;
  /** When automation materializes it by itself (`assetline dev`, Dagster's daemon): eager(), onCron(...), ... */
  automation?: AutomationCondition;
  /** One materialization per partition: dailyPartitions({ start }), staticPartitions([...]), multiPartitions({...}). */
  partitions?: PartitionsDefinition;
  /**
   * How a partitioned input maps to this asset's partitions, by input name (or the upstream key of
   * a plain dep), where the default does not fit: timeWindowMapping({ startOffset: -6 }), ...
   */
  partitionMappings?: Record<string, PartitionMapping>;
  resources?: R;
  io?: IOManager;
  /** Output contract: any Standard Schema validator (zod, valibot, arktype, ...). */
  schema?: StandardSchemaV1<unknown, T>;
  timeoutMs?: number;
}

export interface Asset<T = unknown> {
  readonly [ASSET_BRAND]: number;
  readonly key: string;
  readonly external: boolean;
  readonly spec: AssetSpec<Record<string, AnyAsset>, Record<string, unknown>, unknown>;
  /** Undefined for external assets. */
  readonly compute?: (ctx: AssetContext<any>, inputs: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Checks attached with `check(...)`. */
  readonly checks: AssetCheck<T>[];
  readonly location?: SourceLocation;
  /** Phantom: the output type, for typing downstream inputs. Never set. */
  readonly __output?: T;
}

// ---- Checks ----
export type CheckSeverity = "error" | "warn";

export interface CheckSpec {
  /** A failing blocking check stops the asset's downstream assets and fails the run. */
  blocking?: boolean;
  /** "error" (default) or "warn". */
  severity?: CheckSeverity;
  description?: string;
}

export interface CheckOutcome {
  passed: boolean;
  metadata?: Record<string, unknown>;
  description?: string;
}

export type CheckFn<T> = (
  ctx: AssetContext<Record<string, unknown>>,
  value: T,
) => boolean | CheckOutcome | Promise<boolean | CheckOutcome>;

export interface AssetCheck<T = unknown> {
  readonly [CHECK_BRAND]: number;
  readonly name: string;
  readonly assetKey: string;
  readonly asset: Asset<T>;
  readonly blocking: boolean;
  readonly severity: CheckSeverity;
  readonly description?: string;
  readonly fn: CheckFn<T>;
  readonly location?: SourceLocation;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = AssetCheck<any>;

export interface Definitions {
  readonly [DEFINITIONS_BRAND]: number;
  readonly assets: readonly AnyAsset[];
  readonly checks: readonly AssetCheck<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function branded(value: unknown, brand: symbol): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[brand] === "number"
  );
}

export function isAsset(value: unknown): value is AnyAsset {
  return branded(value, ASSET_BRAND);
}
export function isCheck(value: unknown): value is AssetCheck<unknown> {
  return branded(value, CHECK_BRAND);
}
export function isResource(value: unknown): value is Resource<unknown> {
  return branded(value, RESOURCE_BRAND);
}
export function isDefinitions(value: unknown): value is Definitions {
  return branded(value, DEFINITIONS_BRAND);
}
