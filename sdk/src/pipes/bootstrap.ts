/**
 * The bootstrap: where the process finds its Pipes parameters (params loaders: environment
 * variables, CLI arguments, any mapping such as a Lambda event) and how the context parameters
 * become the context data (a file `path`, inline `data`, or an S3 `bucket`/`key`).
 */
import fs from "node:fs";
import {
  DAGSTER_PIPES_CONTEXT_CLI_ARGUMENT,
  DAGSTER_PIPES_CONTEXT_ENV_VAR,
  DAGSTER_PIPES_MESSAGES_CLI_ARGUMENT,
  DAGSTER_PIPES_MESSAGES_ENV_VAR,
  decodeParam,
  PipesError,
  type PipesContextData,
  type PipesEnvironment,
  type PipesParams,
} from "./protocol";
import { s3ClientFromEnv, type PipesS3Client } from "./s3";

export interface PipesParamsLoader {
  /** Whether the orchestrator launched this process with Pipes parameters. */
  isDagsterPipesProcess(): boolean;
  loadContextParams(): PipesParams;
  loadMessagesParams(): PipesParams;
}

function asParams(value: unknown, what: string): PipesParams {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new PipesError(`${what} must decode to a JSON object, not ${JSON.stringify(value)}.`);
  return value as PipesParams;
}

/** Parameters from a mapping of the two names (a Lambda event, a notebook's widgets, an environment). */
export function mappingParamsLoader(
  mapping: Readonly<Record<string, unknown>>,
  source = "the mapping",
): PipesParamsLoader {
  const read = (name: string): PipesParams => {
    const raw = mapping[name];
    if (typeof raw !== "string" || raw === "")
      throw new PipesError(
        `${name} is missing from ${source}; Dagster sets it when it launches the process.`,
      );
    return asParams(decodeParam(raw, `${name} (${source})`), name);
  };
  return {
    isDagsterPipesProcess: () => typeof mapping[DAGSTER_PIPES_CONTEXT_ENV_VAR] === "string",
    loadContextParams: () => read(DAGSTER_PIPES_CONTEXT_ENV_VAR),
    loadMessagesParams: () => read(DAGSTER_PIPES_MESSAGES_ENV_VAR),
  };
}

/** Parameters from `DAGSTER_PIPES_CONTEXT` and `DAGSTER_PIPES_MESSAGES` (the default). */
export function envParamsLoader(env: PipesEnvironment = process.env): PipesParamsLoader {
  return mappingParamsLoader(env, "the environment");
}

/** The value of `--name VALUE` or `--name=VALUE` in `argv`. */
function argValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** Parameters from `--dagster-pipes-context` and `--dagster-pipes-messages` arguments. */
export function cliArgsParamsLoader(argv: readonly string[] = process.argv): PipesParamsLoader {
  const read = (name: string): PipesParams => {
    const raw = argValue(argv, name);
    if (raw === undefined || raw === "")
      throw new PipesError(
        `The argument ${name} is missing or empty; Dagster passes it when it launches the process.`,
      );
    return asParams(decodeParam(raw, `the argument ${name}`), name);
  };
  return {
    isDagsterPipesProcess: () => argValue(argv, DAGSTER_PIPES_CONTEXT_CLI_ARGUMENT) !== undefined,
    loadContextParams: () => read(DAGSTER_PIPES_CONTEXT_CLI_ARGUMENT),
    loadMessagesParams: () => read(DAGSTER_PIPES_MESSAGES_CLI_ARGUMENT),
  };
}

/** The environment when it carries the bootstrap, else the CLI arguments. */
export function defaultParamsLoader(
  env: PipesEnvironment = process.env,
  argv: readonly string[] = process.argv,
): PipesParamsLoader {
  const fromEnv = envParamsLoader(env);
  return fromEnv.isDagsterPipesProcess() ? fromEnv : cliArgsParamsLoader(argv);
}

export interface PipesContextLoader {
  loadContext(params: PipesParams): Promise<PipesContextData>;
}

function stringParam(params: PipesParams, key: string, who: string): string {
  const value = params[key];
  if (typeof value !== "string")
    throw new PipesError(
      `Invalid type for parameter "${key}" passed from the orchestration side to ${who}: expected a string, got ${JSON.stringify(value)}.`,
    );
  return value;
}

/** Checks the fields the process relies on; absent optional fields read as null. */
export function asContextData(value: unknown, where: string): PipesContextData {
  const data = asParams(value, `The Pipes context (${where})`);
  const assetKeys = data.asset_keys ?? null;
  if (assetKeys !== null && !(Array.isArray(assetKeys) && assetKeys.every((k) => typeof k === "string")))
    throw new PipesError(`The Pipes context (${where}) has "asset_keys" that is not a list of strings.`);
  if (typeof data.run_id !== "string")
    throw new PipesError(`The Pipes context (${where}) has no "run_id"; is it a Dagster Pipes context?`);
  const extras = data.extras ?? {};
  if (typeof extras !== "object" || extras === null || Array.isArray(extras))
    throw new PipesError(`The Pipes context (${where}) has "extras" that is not an object.`);
  return {
    asset_keys: assetKeys,
    code_version_by_asset_key: (data.code_version_by_asset_key ??
      null) as PipesContextData["code_version_by_asset_key"],
    provenance_by_asset_key: (data.provenance_by_asset_key ??
      null) as PipesContextData["provenance_by_asset_key"],
    partition_key: (data.partition_key ?? null) as string | null,
    partition_key_range: (data.partition_key_range ?? null) as PipesContextData["partition_key_range"],
    partition_time_window: (data.partition_time_window ?? null) as PipesContextData["partition_time_window"],
    run_id: data.run_id,
    job_name: (data.job_name ?? null) as string | null,
    retry_number: typeof data.retry_number === "number" ? data.retry_number : 0,
    extras: extras as Record<string, unknown>,
  };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PipesError(`The Pipes context at ${where} is not JSON: ${(error as Error).message}.`);
  }
}

/**
 * The context from a file (`path`, Dagster's temp-file injector), inline (`data`, the env
 * injector that Kubernetes, Docker and ECS clients use) or S3 (`bucket` and `key`).
 */
export function defaultContextLoader(s3?: () => PipesS3Client): PipesContextLoader {
  const who = "the context loader";
  return {
    async loadContext(params) {
      if ("path" in params) {
        const file = stringParam(params, "path", who);
        let text: string;
        try {
          text = fs.readFileSync(file, "utf8");
        } catch (error) {
          throw new PipesError(
            `Cannot read the Pipes context file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
          );
        }
        return asContextData(parseJson(text, file), file);
      }
      if ("data" in params) return asContextData(params.data, "inline data");
      if ("bucket" in params && "key" in params) {
        const bucket = stringParam(params, "bucket", who);
        const key = stringParam(params, "key", who);
        const client = (s3 ?? s3ClientFromEnv)();
        const where = `s3://${bucket}/${key}`;
        return asContextData(parseJson(await client.getObject(bucket, key), where), where);
      }
      throw new PipesError(
        `Invalid context parameters: expected "path", "data" or "bucket" and "key", received ${JSON.stringify(params)}.`,
      );
    },
  };
}
