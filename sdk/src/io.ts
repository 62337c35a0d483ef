/** IO managers: how an asset's value is stored and loaded. */
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./fsutil";
import type { IOContext, IOManager } from "./types";

/** Where the filesystem IO manager keeps an asset's value. */
export function storagePath(root: string, key: string, base = ".assetline/storage"): string {
  return path.join(path.resolve(root, base), ...key.split("/")) + ".json";
}

/**
 * The default IO manager: each value is JSON at `<root>/.assetline/storage/<key>.json`, written
 * atomically (temp file + rename).
 */
export function fsIOManager(options: { base?: string } = {}): IOManager {
  return {
    name: "fs",
    save(ctx: IOContext, value: unknown) {
      const file = storagePath(ctx.root, ctx.key, options.base);
      const text = JSON.stringify(value === undefined ? null : value);
      if (text === undefined)
        throw new Error(`Asset "${ctx.key}" returned a value that cannot be stored as JSON.`);
      writeFileAtomic(file, text + "\n");
      return {
        path: path.relative(ctx.root, file).split(path.sep).join("/"),
        metadata: { bytes: Buffer.byteLength(text) },
      };
    },
    load(ctx: IOContext) {
      const file = storagePath(ctx.root, ctx.key, options.base);
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        throw new Error(
          `No stored value for "${ctx.key}" (${path.relative(ctx.root, file)}); materialize it first.`,
        );
      }
      return JSON.parse(text) as unknown;
    },
    exists(ctx: IOContext) {
      return fs.existsSync(storagePath(ctx.root, ctx.key, options.base));
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

/** Keeps values in memory (for tests); pass a Map to inspect or pre-fill it. */
export function memoryIOManager(
  store: Map<string, unknown> = new Map(),
): IOManager & { store: Map<string, unknown> } {
  return {
    name: "memory",
    store,
    save(ctx, value) {
      store.set(ctx.key, structuredClone(value));
    },
    load(ctx) {
      if (!store.has(ctx.key)) throw new Error(`No value in memory for "${ctx.key}"; materialize it first.`);
      return structuredClone(store.get(ctx.key));
    },
    exists(ctx) {
      return store.has(ctx.key);
    },
  };
}
