/**
 * What `assetline pipes` tells Dagster about a materialized value: its row count, its columns
 * as a table schema, and a data version derived from the value itself.
 */
import crypto from "node:crypto";
import { stringify } from "safe-stable-stringify";
import type { StandardSchemaV1 } from "../types";
import type { PipesTableColumn } from "./metadata";

/** A hash of the value's canonical JSON (keys sorted): equal values, equal versions, whatever stored them. */
export function dataVersionOf(value: unknown): string {
  const text = stringify(value) ?? "null";
  return crypto.createHash("sha256").update(text).digest("hex");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function typeOfCell(cell: unknown): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === "number") return Number.isInteger(cell) ? "int" : "float";
  if (typeof cell === "bigint") return "int";
  if (typeof cell === "boolean") return "bool";
  if (typeof cell === "string") return "string";
  if (cell instanceof Date) return "timestamp";
  return "json";
}

/** Columns seen in the first `sample` rows, in first-seen order; a column is nullable when a row lacks it. */
export function columnsFromRows(rows: readonly unknown[], sample = 1000): PipesTableColumn[] | undefined {
  const seen = rows.slice(0, sample);
  if (seen.length === 0 || !seen.every(isRecord)) return undefined;
  const types = new Map<string, Set<string>>();
  const present = new Map<string, number>();
  for (const row of seen) {
    for (const [name, cell] of Object.entries(row)) {
      if (!types.has(name)) types.set(name, new Set());
      const type = typeOfCell(cell);
      if (type) types.get(name)!.add(type);
      if (type) present.set(name, (present.get(name) ?? 0) + 1);
    }
  }
  return [...types].map(([name, set]) => {
    const kinds = set.has("float") ? [...set].filter((t) => t !== "int") : [...set];
    const column: PipesTableColumn = {
      name,
      type: kinds.length === 1 ? kinds[0]! : kinds.length === 0 ? "null" : kinds.sort().join("|"),
    };
    column.constraints = { nullable: (present.get(name) ?? 0) < seen.length };
    return column;
  });
}

interface JsonSchemaNode {
  type?: string | string[];
  format?: string;
  description?: string;
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

/** A JSON Schema type as a column type. */
function columnType(node: JsonSchemaNode): string {
  const types = (Array.isArray(node.type) ? node.type : node.type ? [node.type] : []).filter(
    (t) => t !== "null",
  );
  if (types.length !== 1) return types.length === 0 ? "json" : types.join("|");
  const type = types[0]!;
  if (type === "integer") return "int";
  if (type === "number") return "float";
  if (type === "boolean") return "bool";
  if (type === "string") return node.format === "date-time" ? "timestamp" : "string";
  return "json";
}

/**
 * The columns an output schema declares, when it can say (Standard JSON Schema:
 * `~standard.jsonSchema.output`, implemented by zod 4.2+, arktype and others): an array of objects.
 */
export function columnsFromSchema(schema: StandardSchemaV1 | undefined): PipesTableColumn[] | undefined {
  const standard = schema?.["~standard"] as
    { jsonSchema?: { output?: (options: { target: string }) => unknown } } | undefined;
  const output = standard?.jsonSchema?.output;
  if (typeof output !== "function") return undefined;
  let json: JsonSchemaNode;
  try {
    json = output({ target: "draft-2020-12" }) as JsonSchemaNode;
  } catch {
    return undefined;
  }
  const row = json?.items;
  if (!row?.properties) return undefined;
  const required = new Set(row.required ?? []);
  return Object.entries(row.properties).map(([name, node]) => {
    const column: PipesTableColumn = { name, type: columnType(node) };
    if (node.description) column.description = node.description;
    const nullable = !required.has(name) || (Array.isArray(node.type) && node.type.includes("null"));
    column.constraints = { nullable };
    return column;
  });
}
