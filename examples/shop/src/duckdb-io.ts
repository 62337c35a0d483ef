import path from "node:path";
import fs from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { IOContext, IOManager } from "assetline";

type Column = "DOUBLE" | "VARCHAR" | "BOOLEAN";
const EMPTY_MARKER = "__assetline_empty";
/** A partitioned asset's table has this column; each partition's rows are replaced together. */
export const PARTITION_COLUMN = "partition_key";
/** Which partitions of which assets are stored (a partition may have no rows). */
const PARTITIONS_TABLE = "__assetline_partitions";

function columnsOf(key: string, rows: unknown[]): Record<string, Column> {
  const columns: Record<string, Column> = {};
  rows.forEach((row, i) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new Error(
        `The DuckDB IO manager stores arrays of flat rows; row ${i} of "${key}" is not an object.`,
      );
    }
    for (const [field, cell] of Object.entries(row)) {
      if (cell === null || cell === undefined) continue;
      const type: Column | undefined =
        typeof cell === "number"
          ? "DOUBLE"
          : typeof cell === "string"
            ? "VARCHAR"
            : typeof cell === "boolean"
              ? "BOOLEAN"
              : undefined;
      if (!type)
        throw new Error(
          `The DuckDB IO manager stores flat rows; "${key}" row ${i} field "${field}" is not a number, string or boolean.`,
        );
      const previous = columns[field];
      if (previous && previous !== type) {
        throw new Error(
          `"${key}" field "${field}" mixes ${previous} and ${type} values; give every row the same type.`,
        );
      }
      columns[field] = type;
    }
  });
  return columns;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * Stores each asset's rows as a DuckDB table named by its key, in one database file
 * (default `<root>/.assetline/warehouse.duckdb`). Tables are replaced atomically; values load back
 * as numbers, strings and booleans. A partitioned asset is one table with a `partition_key`
 * column: storing a partition replaces its rows in one transaction, the other partitions stay.
 */
export function duckdbIOManager(options: { file?: string } = {}): IOManager {
  const connections = new Map<string, Promise<DuckDBConnection>>();
  const connect = (ctx: IOContext): Promise<DuckDBConnection> => {
    const file = path.resolve(ctx.root, options.file ?? ".assetline/warehouse.duckdb");
    let connection = connections.get(file);
    if (!connection) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      connection = DuckDBInstance.create(file).then((instance) => instance.connect());
      connections.set(file, connection);
    }
    return connection;
  };
  const fileOf = (ctx: IOContext): string =>
    path.relative(ctx.root, path.resolve(ctx.root, options.file ?? ".assetline/warehouse.duckdb"));

  return {
    name: "duckdb",
    async save(ctx, value) {
      if (!Array.isArray(value))
        throw new Error(
          `The DuckDB IO manager stores arrays of rows; "${ctx.key}" returned ${typeof value}.`,
        );
      const connection = await connect(ctx);
      const columns = columnsOf(ctx.key, value);
      const table = quote(ctx.key);
      if (ctx.partition) {
        await savePartition(connection, ctx, value, columns, (temp) =>
          path.join(path.dirname(path.resolve(ctx.root, fileOf(ctx))), temp),
        );
        return {
          path: `${fileOf(ctx).split(path.sep).join("/")}#${ctx.key}[${ctx.partition.key}]`,
          metadata: { rows: value.length, columns, partition: ctx.partition.key },
        };
      }
      if (Object.keys(columns).length === 0) {
        await connection.run(`CREATE OR REPLACE TABLE ${table} (${quote(EMPTY_MARKER)} BOOLEAN)`);
      } else {
        const temp = path.join(
          path.dirname(path.resolve(ctx.root, fileOf(ctx))),
          `warehouse-load.json.${process.pid}.${Date.now()}.0.tmp`,
        );
        fs.writeFileSync(temp, JSON.stringify(value));
        try {
          const spec = Object.entries(columns)
            .map(([name, type]) => `${literal(name)}: ${literal(type)}`)
            .join(", ");
          await connection.run(
            `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_json(${literal(temp)}, format = 'array', columns = {${spec}})`,
          );
        } finally {
          fs.rmSync(temp, { force: true });
        }
      }
      return {
        path: `${fileOf(ctx).split(path.sep).join("/")}#${ctx.key}`,
        metadata: { rows: value.length, columns },
      };
    },
    async load(ctx) {
      const connection = await connect(ctx);
      if (!(await this.exists!(ctx)))
        throw new Error(
          ctx.partition
            ? `No partition ${ctx.partition.key} of "${ctx.key}" in ${fileOf(ctx)}; materialize it first.`
            : `No table for "${ctx.key}" in ${fileOf(ctx)}; materialize it first.`,
        );
      if (ctx.partition) {
        const reader = await connection.runAndReadAll(
          `SELECT * EXCLUDE (${quote(PARTITION_COLUMN)}) FROM ${quote(ctx.key)} WHERE ${quote(PARTITION_COLUMN)} = ${literal(ctx.partition.key)}`,
        );
        return reader.getRowObjectsJS();
      }
      const reader = await connection.runAndReadAll(`SELECT * FROM ${quote(ctx.key)}`);
      if (reader.columnNames().includes(EMPTY_MARKER)) return [];
      return reader.getRowObjectsJS();
    },
    dataset(ctx) {
      // OpenLineage's naming for DuckDB: the database file as namespace, schema.table as name.
      const file = path.resolve(ctx.root, options.file ?? ".assetline/warehouse.duckdb");
      return { namespace: `duckdb://${file.split(path.sep).join("/")}`, name: `main.${ctx.key}` };
    },
    async exists(ctx) {
      const connection = await connect(ctx);
      if (ctx.partition) {
        if (!(await tableExists(connection, PARTITIONS_TABLE))) return false;
        const stored = await connection.runAndReadAll(
          `SELECT count(*)::INTEGER AS n FROM ${quote(PARTITIONS_TABLE)} WHERE asset = ${literal(ctx.key)} AND partition = ${literal(ctx.partition.key)}`,
        );
        return stored.getRowObjectsJS()[0]?.n === 1;
      }
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ${literal(ctx.key)}`,
      );
      return reader.getRowObjectsJS()[0]?.n === 1;
    },
  };
}

async function tableExists(connection: DuckDBConnection, name: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ${literal(name)}`,
  );
  return reader.getRowObjectsJS()[0]?.n === 1;
}

/**
 * Replaces one partition's rows of the asset's table, in one transaction: the table (created
 * from the first partition's columns, plus `partition_key`) never shows half a partition.
 */
async function savePartition(
  connection: DuckDBConnection,
  ctx: IOContext,
  rows: unknown[],
  columns: Record<string, Column>,
  tempPath: (name: string) => string,
): Promise<void> {
  const partition = ctx.partition!.key;
  const table = quote(ctx.key);
  const temp = tempPath(`warehouse-load.json.${process.pid}.${Date.now()}.0.tmp`);
  fs.writeFileSync(temp, JSON.stringify(rows));
  const spec = Object.entries(columns)
    .map(([name, type]) => `${literal(name)}: ${literal(type)}`)
    .join(", ");
  const source =
    rows.length === 0 || spec === ""
      ? undefined
      : `SELECT *, ${literal(partition)} AS ${quote(PARTITION_COLUMN)} FROM read_json(${literal(temp)}, format = 'array', columns = {${spec}})`;
  await connection.run("BEGIN TRANSACTION");
  try {
    await connection.run(
      `CREATE TABLE IF NOT EXISTS ${quote(PARTITIONS_TABLE)} (asset VARCHAR, partition VARCHAR)`,
    );
    if (!(await tableExists(connection, ctx.key))) {
      if (source) await connection.run(`CREATE TABLE ${table} AS ${source}`);
      else await connection.run(`CREATE TABLE ${table} (${quote(PARTITION_COLUMN)} VARCHAR)`);
    } else {
      await connection.run(`DELETE FROM ${table} WHERE ${quote(PARTITION_COLUMN)} = ${literal(partition)}`);
      if (source) await connection.run(`INSERT INTO ${table} BY NAME ${source}`);
    }
    await connection.run(
      `DELETE FROM ${quote(PARTITIONS_TABLE)} WHERE asset = ${literal(ctx.key)} AND partition = ${literal(partition)}`,
    );
    await connection.run(
      `INSERT INTO ${quote(PARTITIONS_TABLE)} VALUES (${literal(ctx.key)}, ${literal(partition)})`,
    );
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK");
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The example's warehouse: tabular assets live here instead of JSON files. */
export const warehouse = duckdbIOManager();
