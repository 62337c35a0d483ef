/**
 * Metadata values on the wire: `{ type, raw_value }`, with `type` one of Dagster's external
 * metadata types. A raw value (a number, a string, an object, ...) travels as `__infer__` and
 * Dagster infers its type; use these constructors where JavaScript would lose the type: a float
 * with an integral value (`1.0` is the number `1`), timestamps, tables, table schemas and column
 * lineage.
 */
import { assetKeyParts } from "./keys";
import { PipesError } from "./protocol";

export const PIPES_METADATA_TYPE_INFER = "__infer__";

export type PipesMetadataType =
  | "__infer__"
  | "text"
  | "url"
  | "path"
  | "notebook"
  | "json"
  | "md"
  | "float"
  | "int"
  | "bool"
  | "dagster_run"
  | "asset"
  | "null"
  | "table"
  | "table_schema"
  | "table_column_lineage"
  | "timestamp";

const METADATA_TYPES: ReadonlySet<string> = new Set<PipesMetadataType>([
  "__infer__",
  "text",
  "url",
  "path",
  "notebook",
  "json",
  "md",
  "float",
  "int",
  "bool",
  "dagster_run",
  "asset",
  "null",
  "table",
  "table_schema",
  "table_column_lineage",
  "timestamp",
]);

export interface PipesMetadataValue {
  type: PipesMetadataType;
  raw_value: unknown;
}

/** A column of a table schema, as Dagster's `TableColumn`. */
export interface PipesTableColumn {
  name: string;
  /** Free text, e.g. "string", "int", "float", "bool", "timestamp". */
  type: string;
  description?: string;
  tags?: Record<string, string>;
  constraints?: { nullable?: boolean; unique?: boolean; other?: string[] };
}

/** Where a column comes from: a column of an upstream asset (an Assetline or escaped Dagster key). */
export interface PipesColumnDep {
  asset: string;
  column: string;
}

function finite(value: number, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new PipesError(`${what} must be a finite number (JSON cannot carry ${String(value)}).`);
  return value;
}

function columns(list: readonly PipesTableColumn[], what: string): PipesTableColumn[] {
  return list.map((column, i) => {
    if (!column || typeof column.name !== "string" || typeof column.type !== "string")
      throw new PipesError(`${what}: column ${i} needs a string "name" and "type".`);
    const out: PipesTableColumn = { name: column.name, type: column.type };
    if (column.description !== undefined) out.description = column.description;
    if (column.tags !== undefined) out.tags = column.tags;
    if (column.constraints !== undefined) out.constraints = column.constraints;
    return out;
  });
}

/** Seconds since the epoch, as Dagster's `MetadataValue.timestamp` takes them. */
function epochSeconds(value: Date | number | string): number {
  if (typeof value === "number") return finite(value, "A timestamp in seconds");
  const date = typeof value === "string" ? new Date(value) : value;
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (!Number.isFinite(ms))
    throw new PipesError(`A timestamp must be a valid Date, ISO string or seconds since the epoch.`);
  return ms / 1000;
}

/** Typed metadata values, named as Dagster's `MetadataValue` constructors. */
export const pipesMetadata = {
  text: (value: string): PipesMetadataValue => ({ type: "text", raw_value: String(value) }),
  url: (value: string): PipesMetadataValue => ({ type: "url", raw_value: String(value) }),
  path: (value: string): PipesMetadataValue => ({ type: "path", raw_value: String(value) }),
  notebook: (value: string): PipesMetadataValue => ({ type: "notebook", raw_value: String(value) }),
  md: (value: string): PipesMetadataValue => ({ type: "md", raw_value: String(value) }),
  json: (value: Record<string, unknown> | unknown[]): PipesMetadataValue => ({
    type: "json",
    raw_value: value,
  }),
  /** A float even when the value is integral (`float(2)` stays 2.0 in Dagster). */
  float: (value: number): PipesMetadataValue => ({ type: "float", raw_value: finite(value, "A float") }),
  int: (value: number | bigint): PipesMetadataValue => {
    const n = typeof value === "bigint" ? Number(value) : value;
    if (!Number.isSafeInteger(n))
      throw new PipesError(`An int metadata value must be a safe integer (got ${String(value)}).`);
    return { type: "int", raw_value: n };
  },
  bool: (value: boolean): PipesMetadataValue => ({ type: "bool", raw_value: Boolean(value) }),
  dagsterRun: (runId: string): PipesMetadataValue => ({ type: "dagster_run", raw_value: runId }),
  /** An asset key ("ingest/raw_orders"), read by Dagster as a user string (parts split on "/"). */
  asset: (key: string): PipesMetadataValue => ({ type: "asset", raw_value: key }),
  null: (): PipesMetadataValue => ({ type: "null", raw_value: null }),
  timestamp: (value: Date | number | string): PipesMetadataValue => ({
    type: "timestamp",
    raw_value: epochSeconds(value),
  }),
  table: (
    records: readonly Record<string, unknown>[],
    schema: readonly PipesTableColumn[],
  ): PipesMetadataValue => ({
    type: "table",
    raw_value: { records: [...records], schema: columns(schema, "A table's schema") },
  }),
  tableSchema: (schema: readonly PipesTableColumn[]): PipesMetadataValue => ({
    type: "table_schema",
    raw_value: { columns: columns(schema, "A table schema") },
  }),
  /** For each output column, the upstream columns it derives from. */
  columnLineage: (depsByColumn: Record<string, readonly PipesColumnDep[]>): PipesMetadataValue => ({
    type: "table_column_lineage",
    raw_value: {
      deps_by_column: Object.fromEntries(
        Object.entries(depsByColumn).map(([column, deps]) => [
          column,
          deps.map((d) => ({ asset_key: assetKeyParts(d.asset), column_name: d.column })),
        ]),
      ),
    },
  }),
};

function isTypedValue(value: unknown): value is PipesMetadataValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes("type") && keys.includes("raw_value");
}

/**
 * Every entry as `{ type, raw_value }` (Dagster's `_normalize_param_metadata`): typed values are
 * checked, raw ones travel as `__infer__`; a `Date` becomes a timestamp, a `bigint` an int;
 * `undefined` entries are left out, as JSON would.
 */
export function normalizeMetadata(
  metadata: Record<string, unknown>,
  method: string,
): Record<string, PipesMetadataValue> {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
    throw new PipesError(`The metadata of ${method} must be an object with string keys.`);
  const out: Record<string, PipesMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    if (isTypedValue(value)) {
      if (!METADATA_TYPES.has(value.type))
        throw new PipesError(
          `Invalid type for metadata "${key}" of ${method}: "${String(value.type)}" is not one of ${[...METADATA_TYPES].join(", ")}.`,
        );
      out[key] = value;
    } else if (value instanceof Date) out[key] = pipesMetadata.timestamp(value);
    else if (typeof value === "bigint") out[key] = pipesMetadata.int(value);
    else if (typeof value === "number")
      out[key] = { type: "__infer__", raw_value: finite(value, `Metadata "${key}"`) };
    else if (typeof value === "function" || typeof value === "symbol")
      throw new PipesError(
        `Metadata "${key}" of ${method} is a ${typeof value}; metadata must be JSON values.`,
      );
    else out[key] = { type: "__infer__", raw_value: value };
  }
  return out;
}
