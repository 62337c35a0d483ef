/**
 * The Dagster Pipes protocol (version 0.1): what the orchestrator hands the process at start-up
 * (the bootstrap: where the context is, where messages go) and the messages the process sends
 * back. Names and keys follow the reference implementation (`dagster_pipes`) exactly: Dagster
 * reads them.
 */
import zlib from "node:zlib";

export const PIPES_PROTOCOL_VERSION = "0.1";
export const PIPES_PROTOCOL_VERSION_FIELD = "__dagster_pipes_version";
export const DAGSTER_PIPES_CONTEXT_ENV_VAR = "DAGSTER_PIPES_CONTEXT";
export const DAGSTER_PIPES_MESSAGES_ENV_VAR = "DAGSTER_PIPES_MESSAGES";
/** The CLI arguments Dagster derives from the two names above (`--dagster-pipes-context`, ...). */
export const DAGSTER_PIPES_CONTEXT_CLI_ARGUMENT = "--dagster-pipes-context";
export const DAGSTER_PIPES_MESSAGES_CLI_ARGUMENT = "--dagster-pipes-messages";

/** The seven methods a Pipes process may send. */
export type PipesMethod =
  | "opened"
  | "closed"
  | "log"
  | "report_asset_materialization"
  | "report_asset_check"
  | "report_custom_message"
  | "log_external_stream";

/** Environment variables (declared here so that the public types need no @types/node). */
export type PipesEnvironment = Readonly<Record<string, string | undefined>>;

/** Where stream channels write: process.stdout, process.stderr, or any text sink like them. */
export interface PipesTextSink {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
}

/** Bootstrap parameters: what a context injector or a message reader hands the process. */
export type PipesParams = Record<string, unknown>;

export interface PipesMessage {
  [PIPES_PROTOCOL_VERSION_FIELD]: string;
  method: PipesMethod;
  params: Record<string, unknown> | null;
}

export interface PipesPartitionKeyRange {
  start: string;
  end: string;
}

export interface PipesTimeWindow {
  /** ISO timestamps. */
  start: string;
  end: string;
}

export interface PipesDataProvenance {
  code_version: string;
  input_data_versions: Record<string, string>;
  is_user_provided: boolean;
}

/** What the orchestrator tells the process about the step it runs. Asset keys are escaped (keys.ts). */
export interface PipesContextData {
  asset_keys: string[] | null;
  code_version_by_asset_key: Record<string, string | null> | null;
  provenance_by_asset_key: Record<string, PipesDataProvenance | null> | null;
  partition_key: string | null;
  partition_key_range: PipesPartitionKeyRange | null;
  partition_time_window: PipesTimeWindow | null;
  run_id: string;
  job_name: string | null;
  retry_number: number;
  extras: Record<string, unknown>;
}

/** An exception as Dagster records it (`closed` params, `exception`). */
export interface PipesException {
  /** The error's class name (Python: the exception type's name). */
  name: string | null;
  message: string;
  /** One formatted frame per entry, each ending with a newline (Dagster joins them as they are). */
  stack: string[];
  /** The error that explicitly led to this one (JavaScript: `error.cause`). */
  cause: PipesException | null;
  /** The error being handled when this one was raised (JavaScript: an `AggregateError`'s first error). */
  context: PipesException | null;
}

export type PipesLogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";
export type PipesAssetCheckSeverity = "WARN" | "ERROR";

/** A protocol error: a bad bootstrap, bad parameters, a message after `closed`. */
export class PipesError extends Error {
  override readonly name = "DagsterPipesError";
}

export function makeMessage(method: PipesMethod, params: Record<string, unknown> | null): PipesMessage {
  return { [PIPES_PROTOCOL_VERSION_FIELD]: PIPES_PROTOCOL_VERSION, method, params };
}

/** Marks integral floats while serializing; random, so no string a user writes can collide with it. */
const FLOAT_MARK = `\u0000float-${Math.random().toString(36).slice(2)}\u0000`;
const FLOAT_MARKED = new RegExp(
  `"${JSON.stringify(FLOAT_MARK).slice(1, -1).replace(/\\/g, "\\\\")}(-?\\d+)"`,
  "g",
);

/**
 * A message as one line of JSON. A metadata value typed "float" whose number is integral is
 * written `2.0`, not `2`: Dagster's `MetadataValue.float` refuses the int Python reads from `2`.
 */
export function serializeMessage(message: PipesMessage): string {
  let marked = false;
  const text = JSON.stringify(message, function (this: unknown, key, value: unknown) {
    if (key === "raw_value" && typeof value === "number" && Number.isInteger(value)) {
      const holder = this as { type?: unknown };
      if (holder.type === "float" && /^-?\d+$/.test(String(value))) {
        marked = true;
        return `${FLOAT_MARK}${String(value)}`;
      }
    }
    return value;
  });
  return marked ? text.replace(FLOAT_MARKED, "$1.0") : text;
}

/** `base64(zlib(json(value)))`, as Dagster encodes bootstrap parameters. */
export function encodeParam(value: unknown): string {
  return zlib.deflateSync(Buffer.from(JSON.stringify(value), "utf8")).toString("base64");
}

/** The inverse of `encodeParam`, with a sentence saying what is wrong when `value` is not one. */
export function decodeParam(value: string, what: string): unknown {
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.from(value, "base64"));
  } catch (error) {
    throw new PipesError(
      `${what} is not a Dagster Pipes parameter (base64 of zlib-compressed JSON): ${(error as Error).message}.`,
    );
  }
  try {
    return JSON.parse(inflated.toString("utf8")) as unknown;
  } catch (error) {
    throw new PipesError(`${what} does not decode to JSON: ${(error as Error).message}.`);
  }
}

/** The frames of a V8 stack text, formatted as Dagster shows them (one per entry, newline-terminated). */
export function stackFrames(stack: string | undefined): string[] {
  return (stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map((line) => `  ${line.trim()}\n`);
}

/** The class name a V8 stack text starts with ("TypeError: ..." gives "TypeError"). */
export function stackErrorName(stack: string | undefined): string | null {
  const first = (stack ?? "").split("\n", 1)[0] ?? "";
  const match = /^([A-Za-z_$][\w$.]*)(?::|$)/.exec(first);
  return match ? match[1]! : null;
}

/** Turns any thrown value into the exception shape Dagster records (cause chains included). */
export function pipesException(error: unknown, seen = new Set<unknown>()): PipesException {
  seen.add(error);
  if (!(error instanceof Error)) {
    return { name: null, message: String(error), stack: [], cause: null, context: null };
  }
  const nested = (value: unknown): PipesException | null =>
    value === undefined || value === null || seen.has(value) ? null : pipesException(value, seen);
  const first = error instanceof AggregateError ? (error.errors as unknown[])[0] : undefined;
  return {
    name: error.name || error.constructor?.name || "Error",
    message: error.message,
    stack: stackFrames(error.stack),
    cause: nested(error.cause),
    context: nested(first),
  };
}
