import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { IOManager } from "../../../sdk/src";

// Loaded at run time (through tsx): the example is its own project, outside the test project's files.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { duckdbIOManager } = require(path.resolve(__dirname, "../../../examples/shop/src/duckdb-io.ts")) as {
  duckdbIOManager: (options?: { file?: string }) => IOManager;
};

describe("example DuckDB IO manager (real database file)", function () {
  this.timeout(30000);
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-duckdb-"))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const ctx = (key: string) => ({ key, runId: "r1", root, metadata: {} });

  it("round-trips rows with numbers, strings, booleans and nulls, and replaces tables", async () => {
    const io = duckdbIOManager();
    const rows = [
      { day: "2026-11-01", revenue: 12.5, ok: true, note: null },
      { day: "2026-11-02", revenue: 3, ok: false, note: "late" },
    ];
    assert.equal(await io.exists!(ctx("t/rows")), false);
    const saved = await io.save(ctx("t/rows"), rows);
    assert.deepEqual(saved, {
      path: ".assetline/warehouse.duckdb#t/rows",
      metadata: { rows: 2, columns: { day: "VARCHAR", revenue: "DOUBLE", ok: "BOOLEAN", note: "VARCHAR" } },
    });
    assert.equal(await io.exists!(ctx("t/rows")), true);
    assert.deepEqual(await io.load(ctx("t/rows")), rows);
    await io.save(ctx("t/rows"), [{ day: "x", revenue: 1, ok: true, note: "n" }]);
    assert.deepEqual(await io.load(ctx("t/rows")), [{ day: "x", revenue: 1, ok: true, note: "n" }]);
    await io.save(ctx("t/empty"), []);
    assert.deepEqual(await io.load(ctx("t/empty")), []);
    // No temp files are left next to the database.
    assert.deepEqual(
      fs.readdirSync(path.join(root, ".assetline")).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });

  it("says what is wrong with values it cannot store, and with missing tables", async () => {
    const io = duckdbIOManager({ file: "other.duckdb" });
    await assert.rejects(
      async () => io.save(ctx("t/scalar"), 42),
      /stores arrays of rows; "t\/scalar" returned number/,
    );
    await assert.rejects(
      async () => io.save(ctx("t/mixed"), [{ a: 1 }, { a: "1" }]),
      /field "a" mixes DOUBLE and VARCHAR/,
    );
    await assert.rejects(
      async () => await io.save(ctx("t/nested"), [{ a: { b: 1 } }]),
      /field "a" is not a number, string or boolean/,
    );
    await assert.rejects(
      async () => await io.load(ctx("t/none")),
      /No table for "t\/none" in other\.duckdb; materialize it first/,
    );
  });

  it("stores partitions as rows of one table with a partition_key column, each replaced on its own", async () => {
    const io = duckdbIOManager({ file: "parts.duckdb" });
    const day = (partition: string) => ({ ...ctx("t/daily"), partition: { key: partition } });
    assert.equal(await io.exists!(day("2024-01-01")), false);
    await io.save(day("2024-01-01"), [
      { id: 1, amount: 5 },
      { id: 2, amount: 7 },
    ]);
    await io.save(day("2024-01-02"), [{ id: 3, amount: 1 }]);
    await io.save(day("2024-01-03"), []);
    assert.equal(await io.exists!(day("2024-01-03")), true, "an empty partition is stored, not missing");
    assert.equal(await io.exists!(day("2024-01-04")), false);
    // Replacing one partition leaves the others.
    await io.save(day("2024-01-01"), [{ id: 9, amount: 2 }]);
    assert.deepEqual(await io.load(day("2024-01-01")), [{ id: 9, amount: 2 }]);
    assert.deepEqual(await io.load(day("2024-01-02")), [{ id: 3, amount: 1 }]);
    assert.deepEqual(await io.load(day("2024-01-03")), []);
    // One table: every partition's rows, with their partition_key.
    const all = (await io.load(ctx("t/daily"))) as { partition_key: string }[];
    assert.deepEqual(all.map((r) => r.partition_key).sort(), ["2024-01-01", "2024-01-02"]);
    // A partition that cannot be stored leaves the stored one as it was (one transaction).
    await assert.rejects(async () => io.save(day("2024-01-02"), [{ id: 4, other: true }]));
    assert.deepEqual(await io.load(day("2024-01-02")), [{ id: 3, amount: 1 }]);
    await assert.rejects(
      async () => await io.load(day("2024-01-09")),
      /No partition 2024-01-09 of "t\/daily"/,
    );
  });
});
