/** IO managers: how an asset's value is stored and loaded. */
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./fsutil";
import { partitionId } from "@assetline/core";
import type { IOContext, IOManager } from "./types";

/**
 * Where the filesystem IO manager keeps an asset's value: `<base>/<key>.json`, or for one
 * partition `<base>/<key>/<partition>.json` (the partition key URI-encoded, so that `|` of a
 * multi-partition key or `:` of an hourly one is safe in any file system).
 */
export function storagePath(
  root: string,
  key: string,
  base = ".assetline/storage",
  partition?: string,
): string {
  const folder = path.join(path.resolve(root, base), ...key.split("/"));
  return partition === undefined
    ? `${folder}.json`
    : path.join(folder, `${encodeURIComponent(partition)}.json`);
}

/** How messages name what was stored: "x" or "x" partition 2024-01-01. */
function subject(ctx: IOContext): string {
  return ctx.partition ? `"${ctx.key}" partition ${ctx.partition.key}` : `"${ctx.key}"`;
}

/**
 * The default IO manager: each value is JSON at `<root>/.assetline/storage/<key>.json`, written
 * atomically (temp file + rename).
 */
export function fsIOManager(options: { base?: string } = {}): IOManager {
  return {
    name: "fs",
    save(ctx: IOContext, value: unknown) {
      const file = storagePath(ctx.root, ctx.key, options.base, ctx.partition?.key);
      const text = JSON.stringify(value === undefined ? null : value);
      if (text === undefined)
        throw new Error(`Asset ${subject(ctx)} returned a value that cannot be stored as JSON.`);
      writeFileAtomic(file, text + "\n");
      return {
        path: path.relative(ctx.root, file).split(path.sep).join("/"),
        metadata: { bytes: Buffer.byteLength(text) },
      };
    },
    load(ctx: IOContext) {
      const file = storagePath(ctx.root, ctx.key, options.base, ctx.partition?.key);
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        throw new Error(
          `No stored value for ${subject(ctx)} (${path.relative(ctx.root, file)}); materialize it first.`,
        );
      }
      return JSON.parse(text) as unknown;
    },
    exists(ctx: IOContext) {
      return fs.existsSync(storagePath(ctx.root, ctx.key, options.base, ctx.partition?.key));
    },
    dataset(ctx: IOContext) {
      // OpenLineage's naming for a local file: namespace "file", name its absolute path.
      return {
        namespace: "file",
        name: storagePath(ctx.root, ctx.key, options.base).split(path.sep).join("/"),
      };
    },
  };
}

/** The memory IO manager's entry: the key, or `key[partition]` for one partition. */
function memoryKey(ctx: IOContext): string {
  return partitionId(ctx.key, ctx.partition?.key);
}

/** Keeps values in memory (for tests); pass a Map to inspect or pre-fill it (`key`, or `key[partition]`). */
export function memoryIOManager(
  store: Map<string, unknown> = new Map(),
): IOManager & { store: Map<string, unknown> } {
  return {
    name: "memory",
    store,
    save(ctx, value) {
      store.set(memoryKey(ctx), structuredClone(value));
    },
    load(ctx) {
      if (!store.has(memoryKey(ctx)))
        throw new Error(`No value in memory for ${subject(ctx)}; materialize it first.`);
      return structuredClone(store.get(memoryKey(ctx)));
    },
    exists(ctx) {
      return store.has(memoryKey(ctx));
    },
  };
}
