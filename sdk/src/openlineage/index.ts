/**
 * OpenLineage run events from an Assetline run: for every materialized asset a START, then a
 * COMPLETE (after its checks, with their results) or a FAIL. The job is the asset (name = its key),
 * the run's parent is the Assetline run. Emission is asynchronous and bounded, never slows or
 * fails the run: the first delivery problem becomes one warning and the rest is dropped.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RunEvent } from "@assetline/core";
import { upstreamKeys, type LoadedDefinitions } from "../definitions";
import type { RunListener } from "../runner/listeners";
import { fsIOManager } from "../io";
import type { AnyAsset, DatasetName, IOManager } from "../types";
import { OpenLineageConfigError, readOpenLineageConfig, type OpenLineageConfig } from "./config";
import { createTransport, type Transport } from "./transport";

export interface OpenLineageOptions {
  root: string;
  definitions: LoadedDefinitions;
  config: OpenLineageConfig;
  /** The IO manager the run stores an asset with (default: its `io`, else the filesystem one). */
  io?: (asset: AnyAsset) => IOManager;
  /** Receives each warning (at most one for delivery problems). */
  warn: (message: string) => void;
  /** The run this Assetline run belongs to (e.g. a Dagster run), as the parent facet's root. */
  rootParent?: { namespace: string; name: string; runId: string };
  /** Events kept waiting at most (default 1000); more are dropped with a warning. */
  maxQueue?: number;
  /** How long `flush` waits for undelivered events (default 3000 ms). */
  flushTimeoutMs?: number;
  /** Where events go (default: the configured transport). Tests only. */
  transport?: Transport;
}

const SPEC = "https://openlineage.io/spec";
export const RUN_EVENT_SCHEMA_URL = `${SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent`;
const FACETS = {
  parent: `${SPEC}/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet`,
  errorMessage: `${SPEC}/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`,
  jobType: `${SPEC}/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
  ownership: `${SPEC}/facets/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet`,
  documentation: `${SPEC}/facets/1-0-1/DocumentationJobFacet.json#/$defs/DocumentationJobFacet`,
  datasetDocumentation: `${SPEC}/facets/1-0-1/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet`,
  sourceCodeLocation: `${SPEC}/facets/1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet`,
  schema: `${SPEC}/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  dataQualityAssertions: `${SPEC}/facets/1-0-1/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet`,
} as const;

let producerUri: string | undefined;
/** The URI identifying this producer: the assetline package at its version. */
export function producer(): string {
  if (producerUri) return producerUri;
  let version = "0.0.0";
  for (const candidate of [
    path.join(__dirname, "..", "package.json"),
    path.join(__dirname, "..", "..", "package.json"),
  ]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "assetline" && pkg.version) {
        version = pkg.version;
        break;
      }
    } catch {
      // not this one
    }
  }
  return (producerUri = `https://www.npmjs.com/package/assetline/v/${version}`);
}

/** A name-based (version 5) UUID: the same Assetline run and asset always give the same OpenLineage run id. */
export function runUuid(name: string): string {
  const bytes = crypto.createHash("sha1").update(`assetline:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Field = { name: string; type?: string; description?: string };

/** Fields from a JSON Schema of rows (an array of objects) or of one object. */
function fieldsFromJsonSchema(schema: unknown): Field[] | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const s = schema as { type?: unknown; items?: unknown; properties?: Record<string, unknown> };
  if (s.type === "array" && s.items) return fieldsFromJsonSchema(s.items);
  if (!s.properties) return undefined;
  return Object.entries(s.properties).map(([name, p]) => {
    const field: Field = { name };
    const prop = (p ?? {}) as { type?: unknown; description?: unknown; format?: unknown };
    const type: unknown = Array.isArray(prop.type)
      ? (prop.type as unknown[]).find((t) => t !== "null")
      : prop.type;
    if (typeof type === "string")
      field.type = typeof prop.format === "string" ? `${type}(${prop.format})` : type;
    if (typeof prop.description === "string") field.description = prop.description;
    return field;
  });
}

/** The fields of an asset's output schema, where its Standard Schema can describe itself as JSON Schema. */
function declaredFields(asset: AnyAsset): Field[] | undefined {
  const standard = asset.spec.schema?.["~standard"] as
    { jsonSchema?: { output?: (options: { target: string }) => unknown } } | undefined;
  const describe = standard?.jsonSchema?.output;
  if (typeof describe !== "function") return undefined;
  try {
    return fieldsFromJsonSchema(describe.call(standard?.jsonSchema, { target: "draft-2020-12" }));
  } catch {
    return undefined;
  }
}

/** Fields from what an IO manager reported on save: `metadata.columns` as { name: type }. */
function savedFields(metadata: Record<string, unknown> | undefined): Field[] | undefined {
  const columns = metadata?.columns;
  if (typeof columns !== "object" || columns === null || Array.isArray(columns)) return undefined;
  return Object.entries(columns as Record<string, unknown>).map(([name, type]) =>
    typeof type === "string" ? { name, type } : { name },
  );
}

/** A run listener (`materialize({ listeners })`) that turns the run's events into OpenLineage events. */
export function openLineageListener(options: OpenLineageOptions): RunListener & { flush(): Promise<void> } {
  const { definitions, config, root } = options;
  const namespace = config.namespace;
  const defaultIO = fsIOManager();
  const ioOf = options.io ?? ((a: AnyAsset) => a.spec.io ?? defaultIO);
  const transport = options.transport ?? createTransport(config.transport);
  const maxQueue = options.maxQueue ?? 1000;
  const facet = <T extends object>(
    schemaURL: string,
    body: T,
  ): T & { _producer: string; _schemaURL: string } => ({
    _producer: producer(),
    _schemaURL: schemaURL,
    ...body,
  });

  // Delivery in the background: a job's events in order (START before COMPLETE), a few jobs' at
  // once; the first failure stops delivery with one warning.
  const maxInFlight = 4;
  let inFlight = 0;
  const slots: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (inFlight < maxInFlight) {
      inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => slots.push(resolve));
  };
  const release = (): void => {
    const next = slots.shift();
    if (next) next();
    else inFlight--;
  };
  const lastOfJob = new Map<string, Promise<void>>();
  const whenIdle: (() => void)[] = [];
  let pending = 0;
  let broken = false;
  let droppedWarned = false;
  const enqueue = (event: object, job: string): void => {
    if (broken) return;
    if (pending >= maxQueue) {
      if (!droppedWarned) {
        droppedWarned = true;
        options.warn(
          `OpenLineage: more than ${maxQueue} events waiting to be sent; dropping the rest of this run's.`,
        );
      }
      return;
    }
    pending++;
    const sent = (lastOfJob.get(job) ?? Promise.resolve())
      .then(async () => {
        await acquire();
        try {
          if (!broken) await transport.send(event);
        } catch (error) {
          if (!broken) {
            broken = true;
            options.warn(
              `OpenLineage: events not delivered (${(error as Error).message}); the run goes on without lineage. Check OPENLINEAGE_URL / OPENLINEAGE_CONFIG, or set OPENLINEAGE_DISABLED=true.`,
            );
          }
        } finally {
          release();
        }
      })
      .finally(() => {
        pending--;
        if (pending === 0) for (const resolve of whenIdle.splice(0)) resolve();
      });
    lastOfJob.set(job, sent);
  };
  const drained = (): Promise<void> =>
    pending === 0 ? Promise.resolve() : new Promise((resolve) => whenIdle.push(resolve));

  const datasetOf = (key: string): DatasetName => {
    const a = definitions.byKey.get(key);
    if (a) {
      const io = ioOf(a);
      try {
        const named = io.dataset?.({ key, runId: runId ?? "", root, metadata: a.spec.metadata ?? {} });
        if (named && typeof named.namespace === "string" && typeof named.name === "string") return named;
      } catch {
        // fall back to the key
      }
    }
    return { namespace, name: key };
  };

  let runId: string | undefined;
  let parentFacet: object | undefined;
  const checksOf = (key: string): number => definitions.checks.filter((c) => c.assetKey === key).length;
  /** COMPLETE waits for the asset's checks, so that their results travel with it. */
  const completing = new Map<
    string,
    {
      time: string;
      output: Extract<RunEvent, { type: "asset_success" }>["output"];
      assertions: { assertion: string; success: boolean }[];
    }
  >();

  const jobOf = (a: AnyAsset | undefined, key: string): object => {
    const facets: Record<string, object> = {
      jobType: facet(FACETS.jobType, { processingType: "BATCH", integration: "ASSETLINE", jobType: "ASSET" }),
    };
    if (a?.spec.owners && a.spec.owners.length > 0)
      facets.ownership = facet(FACETS.ownership, { owners: a.spec.owners.map((name) => ({ name })) });
    if (a?.spec.description)
      facets.documentation = facet(FACETS.documentation, { description: a.spec.description });
    const file = a?.location?.file;
    if (file) {
      const relative = path.relative(root, file).split(path.sep).join("/");
      facets.sourceCodeLocation = facet(FACETS.sourceCodeLocation, {
        type: "file",
        url: `file://${encodeURI(path.resolve(file).split(path.sep).join("/"))}#L${a.location.line}`,
        path: relative.startsWith("..") ? path.resolve(file) : relative,
      });
    }
    return { namespace, name: key, facets };
  };

  const outputOf = (
    a: AnyAsset | undefined,
    key: string,
    saved?: Record<string, unknown>,
    assertions?: { assertion: string; success: boolean }[],
  ): object => {
    const facets: Record<string, object> = {};
    const fields = savedFields(saved) ?? (a ? declaredFields(a) : undefined);
    if (fields && fields.length > 0) facets.schema = facet(FACETS.schema, { fields });
    if (a?.spec.description)
      facets.documentation = facet(FACETS.datasetDocumentation, { description: a.spec.description });
    if (assertions && assertions.length > 0)
      facets.dataQualityAssertions = facet(FACETS.dataQualityAssertions, { assertions });
    return { ...datasetOf(key), facets };
  };

  const runEvent = (
    eventType: "START" | "COMPLETE" | "FAIL",
    key: string,
    time: string,
    extra: { runFacets?: Record<string, object>; output?: object },
  ): object => {
    const a = definitions.byKey.get(key);
    const runFacets: Record<string, object> = {
      ...(parentFacet ? { parent: parentFacet } : {}),
      ...extra.runFacets,
    };
    const inputs = a ? upstreamKeys(a).map((k) => ({ ...datasetOf(k), facets: {} })) : [];
    return {
      eventType,
      eventTime: time,
      producer: producer(),
      schemaURL: RUN_EVENT_SCHEMA_URL,
      run: { runId: runUuid(`${runId}/${key}`), facets: runFacets },
      job: jobOf(a, key),
      inputs,
      outputs: [extra.output ?? outputOf(a, key)],
    };
  };

  const complete = (key: string): void => {
    const done = completing.get(key);
    if (!done) return;
    completing.delete(key);
    const a = definitions.byKey.get(key);
    enqueue(
      runEvent("COMPLETE", key, done.time, {
        output: outputOf(a, key, done.output.metadata, done.assertions),
      }),
      key,
    );
  };

  return {
    name: "openlineage",
    onEvent(event) {
      try {
        switch (event.type) {
          case "run_start": {
            runId = event.runId;
            const body: Record<string, unknown> = {
              run: { runId: runUuid(event.runId) },
              job: { namespace, name: "run" },
            };
            if (options.rootParent)
              body.root = {
                run: { runId: options.rootParent.runId },
                job: { namespace: options.rootParent.namespace, name: options.rootParent.name },
              };
            parentFacet = facet(FACETS.parent, body);
            break;
          }
          case "asset_start":
            enqueue(runEvent("START", event.key, event.time, {}), event.key);
            break;
          case "asset_success":
            completing.set(event.key, { time: event.time, output: event.output, assertions: [] });
            if (checksOf(event.key) === 0) complete(event.key);
            break;
          case "check_result": {
            const done = completing.get(event.key);
            if (!done) break;
            done.assertions.push({ assertion: event.check, success: event.passed });
            if (done.assertions.length >= checksOf(event.key)) complete(event.key);
            break;
          }
          case "asset_failure":
            enqueue(
              runEvent("FAIL", event.key, event.time, {
                runFacets: {
                  errorMessage: facet(FACETS.errorMessage, {
                    message: event.error.message,
                    programmingLanguage: "JavaScript",
                    ...(event.error.stack ? { stackTrace: event.error.stack } : {}),
                  }),
                },
              }),
              event.key,
            );
            break;
          case "run_end":
            for (const key of [...completing.keys()]) complete(key);
            break;
          default:
            break;
        }
      } catch (error) {
        // Lineage must never break the run.
        if (!broken) {
          broken = true;
          options.warn(
            `OpenLineage: could not build an event (${(error as Error).message}); no more lineage for this run.`,
          );
        }
      }
    },
    async flush() {
      const ms = options.flushTimeoutMs ?? 3000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), ms);
      });
      const late = await Promise.race([drained().then(() => false), timedOut]);
      clearTimeout(timer);
      transport.close?.();
      if (late && !broken) {
        broken = true;
        options.warn(
          `OpenLineage: ${pending} event(s) not delivered within ${ms} ms of the run's end; they are dropped.`,
        );
      }
    },
  };
}

/** `OPENLINEAGE_PARENT_ID` as the dbt and Spark integrations read it: `namespace/name/runId`. */
function parentFromEnv(value: string | undefined): OpenLineageOptions["rootParent"] {
  const match = /^(.+)\/([^/]+)\/([0-9a-f-]{36})$/i.exec(value?.trim() ?? "");
  return match ? { namespace: match[1]!, name: match[2]!, runId: match[3]! } : undefined;
}

/**
 * The OpenLineage listener the environment asks for, or undefined when OpenLineage is off. A
 * configuration that cannot be used becomes a warning, never a failed run.
 */
export function openLineageFromEnv(
  options: Omit<OpenLineageOptions, "config"> & { env?: Record<string, string | undefined> },
): (RunListener & { flush(): Promise<void> }) | undefined {
  const env = options.env ?? process.env;
  let config: OpenLineageConfig | undefined;
  try {
    config = readOpenLineageConfig(env);
  } catch (error) {
    if (!(error instanceof OpenLineageConfigError)) throw error;
    options.warn(`${error.message} (no lineage is emitted for this run)`);
    return undefined;
  }
  if (!config) return undefined;
  const parent = options.rootParent ?? parentFromEnv(env.OPENLINEAGE_PARENT_ID);
  return openLineageListener({ ...options, config, ...(parent ? { rootParent: parent } : {}) });
}
