/**
 * OpenLineage configuration, read the way the OpenLineage clients read it: `OPENLINEAGE_CONFIG`
 * (an openlineage.yml, YAML or JSON), then `OPENLINEAGE__A__B=value` variables over it, then
 * `OPENLINEAGE_URL` / `OPENLINEAGE_ENDPOINT` / `OPENLINEAGE_API_KEY` for an HTTP transport;
 * `OPENLINEAGE_DISABLED=true` turns everything off. Without any of these nothing is emitted.
 */
import fs from "node:fs";
import path from "node:path";

export type TransportConfig =
  | {
      type: "http";
      url: string;
      endpoint: string;
      apiKey?: string;
      timeoutMs: number;
      headers: Record<string, string>;
    }
  | { type: "file"; path: string; append: boolean }
  | { type: "console" }
  | { type: "composite"; transports: TransportConfig[] };

export interface OpenLineageConfig {
  /** The job namespace (default `assetline`). */
  namespace: string;
  transport: TransportConfig;
}

/** A configuration that cannot be used; the message says what to change. */
export class OpenLineageConfigError extends Error {
  override readonly name = "OpenLineageConfigError";
}

const DEFAULT_ENDPOINT = "api/v1/lineage";
const DEFAULT_TIMEOUT_MS = 5000;

type Env = Record<string, string | undefined>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const truthy = (v: string | undefined): boolean => /^(true|1|yes|on)$/i.test((v ?? "").trim());

function parseFile(file: string): Obj {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new OpenLineageConfigError(
      `OPENLINEAGE_CONFIG points at ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); give the path of an openlineage.yml.`,
    );
  }
  let value: unknown;
  try {
    if (/\.json$/i.test(file)) value = JSON.parse(text);
    else {
      // YAML is a superset of JSON; loaded only when a config file is used.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const yaml = require("js-yaml") as typeof import("js-yaml");
      value = yaml.load(text);
    }
  } catch (error) {
    throw new OpenLineageConfigError(
      `OPENLINEAGE_CONFIG ${file} is not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (value === undefined || value === null) return {};
  if (!isObj(value))
    throw new OpenLineageConfigError(
      `OPENLINEAGE_CONFIG ${file} must hold a mapping with a "transport" key, e.g. transport: { type: http, url: http://localhost:5000 }.`,
    );
  return value;
}

/** `OPENLINEAGE__TRANSPORT__TYPE=http` → `{ transport: { type: "http" } }`, values parsed as JSON where they are JSON. */
function nestedEnv(env: Env): Obj {
  const out: Obj = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("OPENLINEAGE__") || raw === undefined) continue;
    const parts = name.slice("OPENLINEAGE__".length).toLowerCase().split("__").filter(Boolean);
    if (parts.length === 0) continue;
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    let at = out;
    for (const part of parts.slice(0, -1)) {
      if (!isObj(at[part])) at[part] = {};
      at = at[part] as Obj;
    }
    at[parts[parts.length - 1]!] = value;
  }
  return out;
}

function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? merge(out[k], v) : v;
  return out;
}

/** Reads a key written in any of the clients' spellings (api_key, apiKey, apikey). */
function pick(obj: Obj, ...names: string[]): unknown {
  const wanted = new Set(names.map((n) => n.replace(/_/g, "").toLowerCase()));
  for (const [k, v] of Object.entries(obj)) if (wanted.has(k.replace(/_/g, "").toLowerCase())) return v;
  return undefined;
}

function str(obj: Obj, where: string, ...names: string[]): string | undefined {
  const v = pick(obj, ...names);
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string" && typeof v !== "number")
    throw new OpenLineageConfigError(`OpenLineage ${where}.${names[0]} must be a string.`);
  return String(v);
}

function transportOf(raw: unknown, where: string, base: string): TransportConfig {
  if (!isObj(raw))
    throw new OpenLineageConfigError(
      `OpenLineage ${where} must be a mapping with a "type" (http, file, console or composite).`,
    );
  const type = str(raw, where, "type")?.toLowerCase();
  switch (type) {
    case "http": {
      const url = str(raw, where, "url");
      if (!url)
        throw new OpenLineageConfigError(
          `OpenLineage ${where} is an http transport without a url; set ${where}.url (e.g. http://localhost:5000).`,
        );
      try {
        new URL(url);
      } catch {
        throw new OpenLineageConfigError(
          `OpenLineage ${where}.url "${url}" is not a URL; write e.g. http://localhost:5000.`,
        );
      }
      const auth = pick(raw, "auth");
      let apiKey: string | undefined;
      if (isObj(auth)) {
        const authType = str(auth, `${where}.auth`, "type") ?? "api_key";
        if (authType.toLowerCase().replace(/_/g, "") !== "apikey")
          throw new OpenLineageConfigError(
            `OpenLineage ${where}.auth.type "${authType}" is not supported here; use api_key (sent as a Bearer token).`,
          );
        apiKey = str(auth, `${where}.auth`, "api_key", "apiKey");
      }
      const seconds = pick(raw, "timeout");
      const millis = pick(raw, "timeoutInMillis", "timeout_ms");
      const timeoutMs =
        typeof millis === "number"
          ? millis
          : typeof seconds === "number"
            ? seconds * 1000
            : DEFAULT_TIMEOUT_MS;
      if (!(timeoutMs > 0))
        throw new OpenLineageConfigError(
          `OpenLineage ${where}.timeout must be a positive number of seconds.`,
        );
      const headers: Record<string, string> = {};
      const given = pick(raw, "custom_headers", "headers");
      if (isObj(given)) for (const [k, v] of Object.entries(given)) headers[k] = String(v);
      const transport: TransportConfig = {
        type: "http",
        url,
        endpoint: str(raw, where, "endpoint") ?? DEFAULT_ENDPOINT,
        timeoutMs,
        headers,
      };
      if (apiKey) transport.apiKey = apiKey;
      return transport;
    }
    case "file": {
      // The Python client's log_file_path (one file per event unless append), the Java client's location (appends).
      const pythonPath = str(raw, where, "log_file_path");
      const javaPath = str(raw, where, "location");
      const file = pythonPath ?? javaPath;
      if (!file)
        throw new OpenLineageConfigError(
          `OpenLineage ${where} is a file transport without log_file_path; set ${where}.log_file_path.`,
        );
      const append = pick(raw, "append");
      return {
        type: "file",
        path: path.resolve(base, file),
        append: typeof append === "boolean" ? append : pythonPath === undefined,
      };
    }
    case "console":
      return { type: "console" };
    case "composite": {
      const list = pick(raw, "transports");
      const items = Array.isArray(list) ? list : isObj(list) ? Object.values(list) : undefined;
      if (!items || items.length === 0)
        throw new OpenLineageConfigError(`OpenLineage ${where} is a composite transport without transports.`);
      return {
        type: "composite",
        transports: items.map((t, i) => transportOf(t, `${where}.transports[${i}]`, base)),
      };
    }
    default:
      throw new OpenLineageConfigError(
        type === undefined
          ? `OpenLineage ${where} has no type; set ${where}.type to http, file, console or composite.`
          : `OpenLineage ${where}.type "${type}" is not supported; use http, file, console or composite.`,
      );
  }
}

/**
 * The configuration in `env`, or undefined when OpenLineage is off (disabled, or nothing configured).
 * Throws OpenLineageConfigError for a configuration that cannot be used.
 */
export function readOpenLineageConfig(
  env: Env = process.env,
  cwd = process.cwd(),
): OpenLineageConfig | undefined {
  if (truthy(env.OPENLINEAGE_DISABLED)) return undefined;
  let raw: Obj = {};
  let base = cwd;
  const file = env.OPENLINEAGE_CONFIG?.trim();
  if (file) {
    const resolved = path.resolve(cwd, file);
    raw = parseFile(resolved);
    base = path.dirname(resolved);
  }
  raw = merge(raw, nestedEnv(env));
  if (raw.disabled === true || (typeof raw.disabled === "string" && truthy(raw.disabled))) return undefined;
  const url = env.OPENLINEAGE_URL?.trim();
  if (url && raw.transport === undefined) {
    const http: Obj = { type: "http", url };
    if (env.OPENLINEAGE_ENDPOINT?.trim()) http.endpoint = env.OPENLINEAGE_ENDPOINT.trim();
    if (env.OPENLINEAGE_API_KEY?.trim())
      http.auth = { type: "api_key", apiKey: env.OPENLINEAGE_API_KEY.trim() };
    raw.transport = http;
  }
  if (raw.transport === undefined) {
    if (file)
      throw new OpenLineageConfigError(
        `OPENLINEAGE_CONFIG ${file} has no "transport"; add e.g. transport: { type: http, url: http://localhost:5000 }.`,
      );
    return undefined;
  }
  const fromFile = isObj(raw.job) ? str(raw.job, "job", "namespace") : undefined;
  const namespace =
    env.OPENLINEAGE_NAMESPACE?.trim() || str(raw, "config", "namespace") || fromFile || "assetline";
  return { namespace, transport: transportOf(raw.transport, "transport", base) };
}
