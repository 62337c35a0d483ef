/**
 * The Pipes context: what the process knows about its step (asset keys, partition, run, extras)
 * and the methods that send results back, with the parameter keys `dagster_pipes` sends.
 */
import {
  defaultContextLoader,
  defaultParamsLoader,
  type PipesContextLoader,
  type PipesParamsLoader,
} from "./bootstrap";
import { normalizeMetadata } from "./metadata";
import {
  makeMessage,
  pipesException,
  PipesError,
  type PipesAssetCheckSeverity,
  type PipesContextData,
  type PipesDataProvenance,
  type PipesException,
  type PipesLogLevel,
  type PipesMethod,
  type PipesPartitionKeyRange,
  type PipesTimeWindow,
} from "./protocol";
import { defaultMessageWriter, type PipesMessageChannel, type PipesMessageWriter } from "./writers";

export interface OpenDagsterPipesOptions {
  paramsLoader?: PipesParamsLoader;
  contextLoader?: PipesContextLoader;
  messageWriter?: PipesMessageWriter;
}

export interface PipesLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

export interface ReportAssetMaterialization {
  metadata?: Record<string, unknown> | null;
  dataVersion?: string | null;
  /** Needed when the step targets several assets. */
  assetKey?: string | null;
}

export interface ReportAssetCheck {
  checkName: string;
  passed: boolean;
  /** Default "ERROR". */
  severity?: PipesAssetCheckSeverity;
  metadata?: Record<string, unknown> | null;
  assetKey?: string | null;
}

function isPipesException(value: unknown): value is PipesException {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as PipesException).message === "string" &&
    Array.isArray((value as PipesException).stack)
  );
}

export class PipesContext {
  private closed = false;
  private readonly materialized = new Set<string>();
  readonly log: PipesLogger;

  constructor(
    readonly data: PipesContextData,
    private readonly channel: PipesMessageChannel,
    openedExtras: Record<string, unknown> = {},
  ) {
    this.channel.write(makeMessage("opened", { extras: openedExtras }));
    const at = (level: PipesLogLevel) => (message: string) =>
      this.write("log", { message: String(message), level });
    this.log = {
      debug: at("DEBUG"),
      info: at("INFO"),
      warning: at("WARNING"),
      error: at("ERROR"),
      critical: at("CRITICAL"),
    };
  }

  private write(method: PipesMethod, params: Record<string, unknown>): void {
    if (this.closed) throw new PipesError(`Cannot send "${method}" after the Pipes context is closed.`);
    this.channel.write(makeMessage(method, params));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isAssetStep(): boolean {
    return this.data.asset_keys !== null;
  }

  get assetKeys(): string[] {
    if (this.data.asset_keys === null)
      throw new PipesError("`asset_keys` is undefined: the current step does not target an asset.");
    return this.data.asset_keys;
  }

  get assetKey(): string {
    const keys = this.assetKeys;
    if (keys.length !== 1)
      throw new PipesError("`asset_key` is undefined: the current step targets several assets.");
    return keys[0]!;
  }

  get codeVersionByAssetKey(): Record<string, string | null> {
    if (this.data.code_version_by_asset_key === null)
      throw new PipesError(
        "`code_version_by_asset_key` is undefined: the current step does not target an asset.",
      );
    return this.data.code_version_by_asset_key;
  }

  get provenanceByAssetKey(): Record<string, PipesDataProvenance | null> {
    if (this.data.provenance_by_asset_key === null)
      throw new PipesError(
        "`provenance_by_asset_key` is undefined: the current step does not target an asset.",
      );
    return this.data.provenance_by_asset_key;
  }

  get isPartitionStep(): boolean {
    return this.data.partition_key_range !== null;
  }

  get partitionKey(): string {
    if (this.data.partition_key === null)
      throw new PipesError("`partition_key` is undefined: the current step does not target one partition.");
    return this.data.partition_key;
  }

  get partitionKeyRange(): PipesPartitionKeyRange {
    if (this.data.partition_key_range === null)
      throw new PipesError(
        "`partition_key_range` is undefined: the current step does not target partitions.",
      );
    return this.data.partition_key_range;
  }

  get partitionTimeWindow(): PipesTimeWindow | null {
    return this.data.partition_time_window;
  }

  get runId(): string {
    return this.data.run_id;
  }

  get jobName(): string | null {
    return this.data.job_name;
  }

  get retryNumber(): number {
    return this.data.retry_number;
  }

  get extras(): Record<string, unknown> {
    return this.data.extras;
  }

  getExtra(key: string): unknown {
    if (!(key in this.data.extras))
      throw new PipesError(
        `Extra "${key}" is undefined; pass it from Dagster (\`extras={...}\` of the Pipes client's run).`,
      );
    return this.data.extras[key];
  }

  /** The asset a report is for: the one given (which must be in scope), else the only one in scope. */
  private resolveAssetKey(assetKey: string | null | undefined, method: string): string {
    if (assetKey !== undefined && assetKey !== null && typeof assetKey !== "string")
      throw new PipesError(`Invalid type for parameter "asset_key" of ${method}: expected a string.`);
    const defined = this.data.asset_keys;
    if (defined && defined.length > 0) {
      if (assetKey && !defined.includes(assetKey))
        throw new PipesError(
          `Invalid asset key for ${method}: expected one of ${JSON.stringify(defined)}, got "${assetKey}".`,
        );
      if (!assetKey) {
        if (defined.length !== 1)
          throw new PipesError(
            `Calling ${method} without an asset key is undefined: the current step targets several assets.`,
          );
        return defined[0]!;
      }
    }
    if (!assetKey)
      throw new PipesError(
        `Calling ${method} without an asset key is undefined: the current step targets no asset.`,
      );
    return assetKey;
  }

  reportAssetMaterialization(report: ReportAssetMaterialization = {}): void {
    const method = "report_asset_materialization";
    const assetKey = this.resolveAssetKey(report.assetKey, method);
    if (this.materialized.has(assetKey))
      throw new PipesError(
        `Asset "${assetKey}" was already reported as materialized in this step; report it once.`,
      );
    const dataVersion = report.dataVersion ?? null;
    if (dataVersion !== null && typeof dataVersion !== "string")
      throw new PipesError(`Invalid type for parameter "data_version" of ${method}: expected a string.`);
    const metadata =
      report.metadata && Object.keys(report.metadata).length > 0
        ? normalizeMetadata(report.metadata, method)
        : null;
    this.write(method, { asset_key: assetKey, data_version: dataVersion, metadata });
    this.materialized.add(assetKey);
  }

  reportAssetCheck(report: ReportAssetCheck): void {
    const method = "report_asset_check";
    const assetKey = this.resolveAssetKey(report.assetKey, method);
    if (typeof report.checkName !== "string" || report.checkName === "")
      throw new PipesError(`Invalid parameter "check_name" of ${method}: expected a non-empty string.`);
    if (typeof report.passed !== "boolean")
      throw new PipesError(`Invalid type for parameter "passed" of ${method}: expected a boolean.`);
    const severity = report.severity ?? "ERROR";
    if (severity !== "WARN" && severity !== "ERROR")
      throw new PipesError(
        `Invalid value for parameter "severity" of ${method}: expected "WARN" or "ERROR".`,
      );
    const metadata =
      report.metadata && Object.keys(report.metadata).length > 0
        ? normalizeMetadata(report.metadata, method)
        : null;
    this.write(method, {
      asset_key: assetKey,
      check_name: report.checkName,
      passed: report.passed,
      metadata,
      severity,
    });
  }

  /** Any JSON value; Dagster's `get_custom_messages()` returns them in order. */
  reportCustomMessage(payload: unknown): void {
    if (payload === undefined)
      throw new PipesError("report_custom_message needs a JSON payload (got undefined).");
    this.write("report_custom_message", { payload });
  }

  logExternalStream(stream: "stdout" | "stderr", text: string, extras: Record<string, unknown> = {}): void {
    if (stream !== "stdout" && stream !== "stderr")
      throw new PipesError(
        `log_external_stream: stream must be "stdout" or "stderr", not ${JSON.stringify(stream)}.`,
      );
    this.write("log_external_stream", { stream, text: String(text), extras });
  }

  /**
   * Sends `closed` (with the exception, when given: an Error or a ready PipesException) and
   * flushes the channel. Later calls do nothing.
   */
  async close(exception?: unknown): Promise<void> {
    if (this.closed) return;
    const params =
      exception === undefined || exception === null
        ? {}
        : { exception: isPipesException(exception) ? exception : pipesException(exception) };
    this.channel.write(makeMessage("closed", params));
    this.closed = true;
    await this.channel.close();
  }
}

/** Whether this process was launched by Dagster with Pipes parameters. */
export function isDagsterPipesProcess(loader: PipesParamsLoader = defaultParamsLoader()): boolean {
  return loader.isDagsterPipesProcess();
}

/**
 * Loads the context and opens the message channel (sending `opened`). Throws a PipesError when
 * the process was not launched by Dagster: check `isDagsterPipesProcess()` first to run either way.
 */
export async function openDagsterPipes(options: OpenDagsterPipesOptions = {}): Promise<PipesContext> {
  const params = options.paramsLoader ?? defaultParamsLoader();
  if (!params.isDagsterPipesProcess()) {
    throw new PipesError(
      "This process was not launched by Dagster Pipes: neither DAGSTER_PIPES_CONTEXT nor --dagster-pipes-context is set.",
    );
  }
  const contextParams = params.loadContextParams();
  const messagesParams = params.loadMessagesParams();
  const writer = options.messageWriter ?? defaultMessageWriter();
  // The channel first: a context that fails to load is then reported to Dagster as `closed`.
  const channel = writer.open(messagesParams);
  let data: PipesContextData;
  try {
    data = await (options.contextLoader ?? defaultContextLoader()).loadContext(contextParams);
  } catch (error) {
    channel.write(makeMessage("opened", { extras: writer.openedExtras?.() ?? {} }));
    channel.write(makeMessage("closed", { exception: pipesException(error) }));
    await channel.close();
    throw error;
  }
  return new PipesContext(data, channel, writer.openedExtras?.() ?? {});
}

/** Runs `fn` with an open context; a throw is reported in `closed` and rethrown. */
export async function withDagsterPipes<T>(
  fn: (pipes: PipesContext) => T | Promise<T>,
  options: OpenDagsterPipesOptions = {},
): Promise<T> {
  const pipes = await openDagsterPipes(options);
  try {
    const result = await fn(pipes);
    await pipes.close();
    return result;
  } catch (error) {
    await pipes.close(error);
    throw error;
  }
}
