import type { StandardSchemaV1 } from "assetline";

type FieldType = "string" | "number" | "boolean";
type Row<S extends Record<string, FieldType>> = {
  [K in keyof S]: S[K] extends "string" ? string : S[K] extends "number" ? number : boolean;
};

/**
 * A tiny output contract: an array of rows with typed fields. It implements Standard Schema, so
 * a zod, valibot or arktype schema can take its place without changing the asset.
 */
export function rowsOf<const S extends Record<string, FieldType>>(
  shape: S,
): StandardSchemaV1<unknown, Row<S>[]> {
  return {
    "~standard": {
      version: 1,
      vendor: "assetline-example",
      validate(value) {
        if (!Array.isArray(value)) return { issues: [{ message: `expected an array, got ${typeof value}` }] };
        const issues: StandardSchemaV1.Issue[] = [];
        value.forEach((row: unknown, i) => {
          for (const [field, type] of Object.entries(shape)) {
            const cell =
              typeof row === "object" && row !== null ? (row as Record<string, unknown>)[field] : undefined;
            if (typeof cell !== type || (type === "number" && !Number.isFinite(cell))) {
              issues.push({
                message: `expected a ${type}, got ${JSON.stringify(cell) ?? "nothing"}`,
                path: [i, field],
              });
            }
          }
        });
        return issues.length > 0 ? { issues } : { value: value as Row<S>[] };
      },
    },
  };
}
