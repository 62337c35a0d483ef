/** The file and in-memory IO managers keep one value per partition, beside the unpartitioned one. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fsIOManager, memoryIOManager, type IOContext } from "../../../sdk/src";

describe("IO managers per partition", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-io-"));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const ctx = (partition?: string): IOContext => ({
    key: "sales/daily",
    runId: "r",
    root,
    metadata: {},
    ...(partition === undefined ? {} : { partition: { key: partition } }),
  });

  it("the file IO manager writes <key>/<partition>.json, keys encoded, and loads each back", async () => {
    const io = fsIOManager();
    const saved = await io.save(ctx("2024-01-01"), [1]);
    assert.equal(saved && saved.path, ".assetline/storage/sales/daily/2024-01-01.json");
    await io.save(ctx("2024-01-01|eu"), [2]);
    await io.save(ctx(), [3]);
    assert.deepEqual(await io.load(ctx("2024-01-01")), [1]);
    assert.deepEqual(await io.load(ctx("2024-01-01|eu")), [2]);
    assert.deepEqual(await io.load(ctx()), [3]);
    assert.ok(fs.existsSync(path.join(root, ".assetline/storage/sales/daily/2024-01-01%7Ceu.json")));
    assert.equal(await io.exists?.(ctx("2024-01-02")), false);
    await assert.rejects(
      Promise.resolve().then(() => io.load(ctx("2024-01-02"))),
      /No stored value for "sales\/daily" partition 2024-01-02 \(.assetline\/storage\/sales\/daily\/2024-01-02.json\); materialize it first/,
    );
  });

  it("the memory IO manager keeps key[partition] entries", async () => {
    const io = memoryIOManager();
    await io.save(ctx("us"), "a");
    await io.save(ctx(), "b");
    assert.deepEqual([...io.store.keys()].sort(), ["sales/daily", "sales/daily[us]"]);
    assert.equal(await io.load(ctx("us")), "a");
    await assert.rejects(
      Promise.resolve().then(() => io.load(ctx("eu"))),
      /No value in memory for "sales\/daily" partition eu/,
    );
  });
});
