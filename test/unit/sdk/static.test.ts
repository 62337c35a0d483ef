import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cliBin, removeTemps, requireBuiltCli, runCli, tempProject } from "./helpers";

interface Graph {
  version: number;
  assets: { key: string; [field: string]: unknown }[];
  diagnostics: { severity: string; code: string }[];
  schedules?: { name: string; cron: string; timezone: string; select: string }[];
  sensors?: { name: string }[];
}

describe("static graph and check (CLI with the bundled analyser)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  it("graph --json through a slow pipe is complete however large (a held-out workspace: ~110 KB)", () => {
    // The reader waits before reading: the CLI fills the pipe's buffer (64 KiB) and must not
    // exit before the rest is written.
    const root = path.resolve(__dirname, "..", "..", "fixtures", "heldout5");
    const command = `"${process.execPath}" "${cliBin}" graph --json --root "${root}" | (sleep 0.5; cat)`;
    const stdout = execFileSync("sh", ["-c", command], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    assert.ok(stdout.length > 65_536, `only ${stdout.length} bytes`);
    const graph = JSON.parse(stdout) as Graph;
    const expected = JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8")) as {
      assets: unknown[];
    };
    assert.ok(graph.assets.length >= expected.assets.length);
  });

  it("the static graph of the example equals the graph loaded at run time", async () => {
    const dir = tempProject({}, true);
    const staticResult = await runCli(["graph", "--json", "--root", dir]);
    assert.equal(staticResult.code, 0, staticResult.stderr);
    const runtimeResult = await runCli(["graph", "--runtime", "--json", "--root", dir]);
    assert.equal(runtimeResult.code, 0, runtimeResult.stderr);
    const staticGraph = JSON.parse(staticResult.stdout) as Graph;
    const runtimeGraph = JSON.parse(runtimeResult.stdout) as Graph;
    assert.deepEqual(staticGraph.diagnostics, []);
    const byKey = (g: Graph) => new Map(g.assets.map((a) => [a.key, a]));
    const s = byKey(staticGraph);
    const r = byKey(runtimeGraph);
    assert.deepEqual([...s.keys()].sort(), [...r.keys()].sort());
    for (const [key, node] of s) assert.deepEqual(r.get(key), node, `asset ${key}`);
    // Schedules and sensors too: the Dagster bridge builds its own from the static graph.
    assert.deepEqual(staticGraph.schedules, runtimeGraph.schedules);
    assert.deepEqual(staticGraph.sensors, runtimeGraph.sensors);
    assert.deepEqual(
      staticGraph.schedules?.map((x) => [x.name, x.cron, x.timezone, x.select]),
      [["nightly_ingest", "0 2 * * *", "Europe/Berlin", "group:ingest"]],
    );
    assert.deepEqual(
      staticGraph.sensors?.map((x) => x.name),
      ["new_shop_files"],
    );
    assert.deepEqual(s.get("dashboards/customer_health")!.deps, [
      "transform/revenue_by_customer",
      "transform/cleaned_orders",
    ]);
  });

  it("partitions and mappings read statically equal the graph loaded at run time (test/fixtures/partitions)", async () => {
    // Daily, static and multi partitions, a weekly rollup whose mapping is a constant of another
    // module, a factory's definition: the analysis calls the library's own constructors.
    const fixture = path.resolve(__dirname, "..", "..", "fixtures", "partitions");
    const files: Record<string, string> = {};
    for (const name of ["assetline.config.json", "tsconfig.json", "src/calendar.ts", "src/pipeline.ts"]) {
      files[name] = fs.readFileSync(path.join(fixture, name), "utf8");
    }
    const dir = tempProject(files);
    const staticResult = await runCli(["graph", "--json", "--root", dir]);
    assert.equal(staticResult.code, 0, staticResult.stderr);
    const runtimeResult = await runCli(["graph", "--runtime", "--json", "--root", dir]);
    assert.equal(runtimeResult.code, 0, runtimeResult.stderr);
    const staticGraph = JSON.parse(staticResult.stdout) as Graph;
    const runtimeGraph = JSON.parse(runtimeResult.stdout) as Graph;
    assert.deepEqual(staticGraph.diagnostics, []);
    const byKey = (g: Graph) => new Map(g.assets.map((a) => [a.key, a]));
    const s = byKey(staticGraph);
    const r = byKey(runtimeGraph);
    assert.deepEqual([...s.keys()].sort(), [...r.keys()].sort());
    for (const [key, node] of r) {
      assert.deepEqual(s.get(key)?.partitions, node.partitions, `partitions of ${key}`);
      assert.deepEqual(s.get(key)?.partitionMappings, node.partitionMappings, `partitionMappings of ${key}`);
    }
    for (const [key, node] of s) assert.deepEqual(r.get(key), node, `asset ${key}`);
    const partitioned = [...s.values()].filter((a) => a.partitions !== undefined).map((a) => a.key);
    assert.equal(partitioned.length, 7, partitioned.join(", "));
    assert.deepEqual(s.get("part/weekly")!.partitionMappings, {
      days: { type: "timeWindow", startOffset: -6, endOffset: 0 },
    });
    assert.deepEqual(
      (
        s.get("part/regional")!.partitions as { dimensions: { name: string; partitions: { type: string } }[] }
      ).dimensions.map((d) => [d.name, d.partitions.type]),
      [
        ["date", "daily"],
        ["region", "static"],
      ],
    );
    assert.deepEqual(s.get("part/by_region")!.partitions, { type: "static", keys: ["eu", "us", "apac"] });
  });

  it("check prints file:line:column severity code message and exits 1 on an error", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import { asset } from "assetline";

export const a = asset("x/a", {}, () => 1);
export const b = asset("x/b", { deps: ["x/aa"] }, () => 2);
`,
    });
    const result = await runCli(["check", "--root", dir]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /^src\/definitions\.ts:4:\d+ error unknown-asset Unknown asset "x\/aa"\. Did you mean "x\/a"\?$/m,
    );
    const clean = await runCli(["check", "--root", tempProject({}, true)]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.equal(clean.stdout, "");
  });

  it("graph --runtime neither runs compute nor creates resources", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import fs from "node:fs";
import { asset, resource } from "assetline";

const touch = (name: string) => fs.writeFileSync(name, "x");
const db = resource("db", ({ root }) => touch(root + "/resource-created"));
export const a = asset("r/a", { resources: { db } }, (ctx) => touch(ctx.root + "/compute-ran"));
`,
    });
    const result = await runCli(["graph", "--runtime", "--json", "--root", dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      (JSON.parse(result.stdout) as Graph).assets.map((a) => a.key),
      ["r/a"],
    );
    assert.ok(!fs.existsSync(path.join(dir, "resource-created")));
    assert.ok(!fs.existsSync(path.join(dir, "compute-ran")));
    // ...whereas materializing does both.
    assert.equal((await runCli(["materialize", "--select", "r/a", "--root", dir])).code, 0);
    assert.ok(fs.existsSync(path.join(dir, "resource-created")));
    assert.ok(fs.existsSync(path.join(dir, "compute-ran")));
  });

  it("list --runtime selects on the loaded graph", async () => {
    const dir = tempProject({}, true);
    const result = await runCli([
      "list",
      "--runtime",
      "--select",
      "sinks(*) and not kind:tableau",
      "--json",
      "--root",
      dir,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const keys = (JSON.parse(result.stdout) as Graph).assets.map((a) => a.key);
    assert.deepEqual(keys, ["reports/revenue"]);
  });
});
