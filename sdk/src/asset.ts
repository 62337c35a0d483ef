/** Declaring assets, checks, external assets, resources and definition sets. */
import { SPEC_FIELDS, isSpecField, unknownFieldMessage, type SpecDeclaration } from "@assetline/core";
import {
  conditionProblems,
  NOT_A_PARTITIONS_DEFINITION,
  parseDuration,
  partitionsProblems,
  unknownMappingNameProblem,
  NOT_PARTITION_MAPPINGS,
} from "@assetline/core";
import { callerLocation } from "./location";
import { validateKey, InvalidKeyError } from "@assetline/core";
import {
  ASSET_BRAND,
  BRAND_VERSION,
  CHECK_BRAND,
  DEFINITIONS_BRAND,
  RESOURCE_BRAND,
  isAsset,
  isCheck,
  type AnyAsset,
  type AnyCheck,
  type Asset,
  type AssetCheck,
  type AssetContext,
  type AssetSpec,
  type CheckFn,
  type CheckSpec,
  type Definitions,
  type InputValues,
  type Resource,
  type ResourceFactory,
  type ResourceValues,
} from "./types";

type Compute<Ins, R, T> = (ctx: AssetContext<ResourceValues<R>>, inputs: InputValues<Ins>) => T | Promise<T>;

/**
 * Refuses a field the declaration does not take: a misspelt one (`timeout` for `timeoutMs`)
 * would otherwise be ignored without a word. The static analysis reports the same (unknown-field).
 */
function refuseUnknownFields(declaration: SpecDeclaration, label: string, spec: object): void {
  for (const field of Object.keys(spec)) {
    if (isSpecField(declaration, field)) continue;
    throw new TypeError(`${label}: ${unknownFieldMessage(declaration, field)}`);
  }
}

// The spec types and SPEC_FIELDS name the same fields: changing one alone fails to compile.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
type Fields<D extends SpecDeclaration> = (typeof SPEC_FIELDS)[D][number];
const specTypesMatchFields: [
  SameKeys<keyof AssetSpec, Fields<"asset">>,
  SameKeys<keyof NonNullable<Parameters<typeof externalAsset>[1]>, Fields<"externalAsset">>,
  SameKeys<keyof CheckSpec, Fields<"check">>,
  SameKeys<keyof NonNullable<Parameters<typeof resource>[2]>, Fields<"resource">>,
  SameKeys<keyof Parameters<typeof defineAssets>[0], Fields<"defineAssets">>,
] = [true, true, true, true, true];
void specTypesMatchFields;

function validateSpec(
  fn: "asset" | "externalAsset",
  key: string,
  spec: AssetSpec<Record<string, unknown>, unknown, unknown>,
): void {
  if (typeof spec !== "object" || spec === null)
    throw new TypeError(`${fn}("${key}"): the spec must be an object.`);
  refuseUnknownFields(fn, `${fn}("${key}")`, spec);
  if (spec.automation !== undefined) {
    const problems =
      typeof spec.automation === "object" && spec.automation !== null && "type" in spec.automation
        ? conditionProblems(spec.automation)
        : ["it is not a condition; write eager(), onCron(...), onMissing() or a combination of them."];
    if (problems.length > 0) throw new TypeError(`${fn}("${key}"): automation: ${problems.join(" ")}`);
  }
  if (spec.partitions !== undefined) {
    const definition = spec.partitions;
    const problems =
      typeof definition === "object" && definition !== null && "type" in definition
        ? partitionsProblems(definition)
        : [NOT_A_PARTITIONS_DEFINITION];
    if (problems.length > 0) throw new TypeError(`${fn}("${key}"): partitions: ${problems.join(" ")}`);
  }
  if (spec.partitionMappings !== undefined) {
    if (typeof spec.partitionMappings !== "object" || spec.partitionMappings === null)
      throw new TypeError(`${fn}("${key}"): ${NOT_PARTITION_MAPPINGS}`);
    const upstream = new Set([
      ...Object.keys(spec.ins ?? {}),
      ...(spec.deps ?? []).map((d) => (typeof d === "string" ? d : d.key)),
    ]);
    for (const name of Object.keys(spec.partitionMappings)) {
      if (!upstream.has(name)) {
        throw new TypeError(`${fn}("${key}"): ${unknownMappingNameProblem(name)}`);
      }
    }
  }
  for (const [name, input] of Object.entries(spec.ins ?? {})) {
    if (!isAsset(input)) {
      throw new TypeError(
        `asset("${key}"): input "${name}" is not an asset; pass the upstream asset object (for a key string use deps).`,
      );
    }
  }
  for (const dep of spec.deps ?? []) {
    if (typeof dep === "string") {
      try {
        validateKey(dep);
      } catch (error) {
        throw new InvalidKeyError(`asset("${key}") deps: ${(error as Error).message}`, dep);
      }
    } else if (!isAsset(dep)) {
      throw new TypeError(`asset("${key}"): every entry of deps must be an asset or a key string.`);
    }
  }
  if (spec.timeoutMs !== undefined && !(typeof spec.timeoutMs === "number" && spec.timeoutMs > 0)) {
    throw new TypeError(`asset("${key}"): timeoutMs must be a positive number of milliseconds.`);
  }
  const strings = (field: string, value: unknown): void => {
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) {
      throw new TypeError(`asset("${key}"): ${field} must be an array of strings.`);
    }
  };
  strings("owners", spec.owners);
  strings("kinds", spec.kinds);
  if (spec.tags !== undefined) {
    const bad = Object.entries(spec.tags ?? {}).find(([, v]) => typeof v !== "string");
    if (typeof spec.tags !== "object" || spec.tags === null || bad) {
      throw new TypeError(
        `asset("${key}"): tags must map names to strings${bad ? ` (tag "${bad[0]}" is ${typeof bad[1]})` : ""}.`,
      );
    }
  }
  for (const field of ["group", "description", "codeVersion"] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== "string") {
      throw new TypeError(`asset("${key}"): ${field} must be a string.`);
    }
  }
  if (spec.freshness !== undefined && parseDuration(String(spec.freshness?.maxLag)) === undefined) {
    throw new TypeError(
      `asset("${key}"): freshness.maxLag ${JSON.stringify(spec.freshness?.maxLag)} is not a duration; use e.g. "30m", "24h", "7d" or "PT6H".`,
    );
  }
  const metadata = spec.metadata;
  if (metadata !== undefined) {
    if (typeof metadata !== "object" || metadata === null)
      throw new TypeError(`asset("${key}"): metadata must be an object.`);
    if (metadata.pii !== undefined && typeof metadata.pii !== "boolean") {
      throw new TypeError(`asset("${key}"): metadata.pii must be true or false.`);
    }
    if (metadata.securityClass !== undefined && typeof metadata.securityClass !== "string") {
      throw new TypeError(
        `asset("${key}"): metadata.securityClass must be a string such as "internal" or "confidential".`,
      );
    }
    if (
      metadata.retention !== undefined &&
      (typeof metadata.retention !== "string" ||
        !/^P/.test(metadata.retention) ||
        parseDuration(metadata.retention) === undefined)
    ) {
      throw new TypeError(
        `asset("${key}"): metadata.retention ${JSON.stringify(metadata.retention)} is not an ISO 8601 duration; use e.g. "P30D" or "P1Y".`,
      );
    }
  }
}

/**
 * Declares an asset: a piece of data the pipeline produces, with the function that computes it.
 * `spec.ins` values are loaded through their upstream's IO manager and passed as `inputs`.
 */
export function asset<
  T,
  const Ins extends Record<string, AnyAsset> = Record<never, never>,
  const R extends Record<string, unknown> = Record<never, never>,
>(key: string, spec: AssetSpec<Ins, R, Awaited<T>>, compute: Compute<Ins, R, T>): Asset<Awaited<T>>;
export function asset<T>(
  key: string,
  compute: Compute<Record<never, never>, Record<never, never>, T>,
): Asset<Awaited<T>>;
export function asset(key: string, specOrCompute: unknown, maybeCompute?: unknown): AnyAsset {
  const location = callerLocation(asset);
  validateKey(key);
  const spec = (typeof specOrCompute === "function" ? {} : specOrCompute) as AssetSpec;
  const compute = typeof specOrCompute === "function" ? specOrCompute : maybeCompute;
  validateSpec("asset", key, spec as never);
  if (typeof compute !== "function") {
    throw new TypeError(
      `asset("${key}"): the third argument must be the compute function (ctx, inputs) => value.`,
    );
  }
  return {
    [ASSET_BRAND]: BRAND_VERSION,
    key,
    external: false,
    spec,
    compute: compute as AnyAsset["compute"],
    checks: [],
    location,
  };
}

/** Declares an asset that exists outside Assetline (never computed); usable in deps and ins. */
export function externalAsset<T = unknown>(
  key: string,
  spec: Omit<
    AssetSpec<never, never, T>,
    "ins" | "resources" | "timeoutMs" | "automation" | "partitionMappings"
  > = {},
): Asset<T> {
  const location = callerLocation(externalAsset);
  validateKey(key);
  validateSpec("externalAsset", key, spec);
  return { [ASSET_BRAND]: BRAND_VERSION, key, external: true, spec: spec as AssetSpec, checks: [], location };
}

/** Attaches a data-quality check to an asset; `fn` gets the asset's value. */
export function check<T>(target: Asset<T>, name: string, fn: CheckFn<T>): AssetCheck<T>;
export function check<T>(target: Asset<T>, name: string, spec: CheckSpec, fn: CheckFn<T>): AssetCheck<T>;
export function check<T>(
  target: Asset<T>,
  name: string,
  specOrFn: CheckSpec | CheckFn<T>,
  maybeFn?: CheckFn<T>,
): AssetCheck<T> {
  const location = callerLocation(check);
  if (!isAsset(target)) throw new TypeError(`check("${name}"): the first argument must be an asset.`);
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new TypeError(
      `check on "${target.key}": the name must use letters, digits, "_", "." or "-" (got ${JSON.stringify(name)}).`,
    );
  }
  const spec: CheckSpec = typeof specOrFn === "function" ? {} : specOrFn;
  const fn = typeof specOrFn === "function" ? specOrFn : maybeFn;
  if (typeof spec !== "object" || spec === null)
    throw new TypeError(`check("${name}") on "${target.key}": the spec must be an object.`);
  refuseUnknownFields("check", `check("${name}") on "${target.key}"`, spec);
  if (typeof fn !== "function")
    throw new TypeError(
      `check("${name}") on "${target.key}": pass the check function (ctx, value) => result.`,
    );
  if (target.checks.some((c) => c.name === name)) {
    throw new Error(
      `Asset "${target.key}" already has a check named "${name}"; give each check a distinct name.`,
    );
  }
  const result: AssetCheck<T> = {
    [CHECK_BRAND]: BRAND_VERSION,
    name,
    assetKey: target.key,
    asset: target,
    blocking: spec.blocking ?? false,
    severity: spec.severity ?? "error",
    description: spec.description,
    fn,
    location,
  };
  target.checks.push(result);
  return result;
}

/**
 * Declares a resource: an external system injected into assets. Give one factory, or one per
 * environment name (`{ local: ..., prod: ... }`); the environment is chosen by configuration.
 */
export function resource<T>(
  name: string,
  factory: ResourceFactory<T> | Record<string, ResourceFactory<T>>,
  options: { teardown?: (value: Awaited<T>) => void | Promise<void>; description?: string } = {},
): Resource<Awaited<T>> {
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new TypeError(
      `resource(${JSON.stringify(name)}): the name must use letters, digits, "_", "." or "-".`,
    );
  }
  if (typeof options !== "object" || options === null)
    throw new TypeError(`resource("${name}"): the options must be an object.`);
  refuseUnknownFields("resource", `resource("${name}")`, options);
  return {
    [RESOURCE_BRAND]: BRAND_VERSION,
    name,
    factory: factory as Resource<Awaited<T>>["factory"],
    teardown: options.teardown,
    description: options.description,
  };
}

/** Groups assets and checks, e.g. `export default defineAssets({ assets: [...], checks: [...] })`. */
export function defineAssets(defs: {
  assets?: ReadonlyArray<AnyAsset | readonly AnyAsset[]>;
  checks?: ReadonlyArray<AnyCheck>;
}): Definitions {
  if (typeof defs !== "object" || defs === null)
    throw new TypeError("defineAssets: pass an object like { assets: [...], checks: [...] }.");
  refuseUnknownFields("defineAssets", "defineAssets", defs);
  const assets = (defs.assets ?? []).flat();
  for (const a of assets)
    if (!isAsset(a)) throw new TypeError("defineAssets: every entry of assets must be an asset.");
  for (const c of defs.checks ?? [])
    if (!isCheck(c)) throw new TypeError("defineAssets: every entry of checks must be a check.");
  return { [DEFINITIONS_BRAND]: BRAND_VERSION, assets, checks: defs.checks ?? [] };
}
