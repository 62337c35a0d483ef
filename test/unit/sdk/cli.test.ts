import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  onlyRunId,
  readNdjson,
  removeTemps,
  repoRoot,
  requireBuiltCli,
  runCli,
  tempProject,
} from "./helpers";

interface Event {
  type: string;
  runId: string;
  key?: string;
  [field: string]: unknown;
}

/** The expected report total, computed here independently from the committed CSV. */
function expectedTotal(dir: string): number {
  const [header, ...lines] = fs.readFileSync(path.join(dir, "data/in/orders.csv"), "utf8").trim().split("\n");
  const cols = header!.split(",");
  let total = 0;
  for (const line of lines) {
    const row: Record<string, string> = Object.fromEntries(
      line.split(",").map((v, i) => [cols[i] ?? "", v.trim()]),
    );
    if (row.status === "completed" && row.amount !== "" && Number.isFinite(Number(row.amount)))
      total += Number(row.amount);
  }
  return Math.round(total * 100) / 100;
}

describe("assetline CLI on the example shop (real files)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  it("materializes +reports/revenue: stored values, report file, event log and index", async () => {
    const dir = tempProject({}, true);
    const result = await runCli(["materialize", "--select", "+reports/revenue", "--root", dir]);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /run success/);

    const upstream = [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned_orders",
      "transform/daily_revenue",
      "transform/revenue_by_customer",
      "reports/revenue",
    ];
    // Tabular transforms live in the DuckDB warehouse; the rest are JSON files.
    const inWarehouse = ["transform/cleaned_orders", "transform/daily_revenue"];
    for (const key of upstream.filter((k) => !inWarehouse.includes(k))) {
      assert.ok(fs.existsSync(path.join(dir, ".assetline/storage", key + ".json")), `${key} stored`);
    }
    assert.ok(fs.existsSync(path.join(dir, ".assetline/warehouse.duckdb")));
    assert.ok(
      !fs.existsSync(path.join(dir, ".assetline/storage/dashboards")),
      "dashboards were not selected",
    );

    const report = JSON.parse(fs.readFileSync(path.join(dir, "data/out/report.json"), "utf8")) as {
      total: number;
      days: number;
    };
    assert.equal(report.total, expectedTotal(dir));
    assert.equal(report.days, 7);
    const stored = JSON.parse(
      fs.readFileSync(path.join(dir, ".assetline/storage/reports/revenue.json"), "utf8"),
    ) as unknown;
    assert.deepEqual(stored, report);

    const runId = onlyRunId(dir);
    const events = readNdjson<Event>(path.join(dir, ".assetline/runs", runId, "events.ndjson"));
    assert.equal(events[0]!.type, "run_start");
    assert.deepEqual(events[0]!.assets, upstream);
    assert.equal(events.at(-1)!.type, "run_end");
    assert.equal(events.at(-1)!.status, "success");
    assert.ok(events.every((e) => e.runId === runId));
    const successes = events.filter((e) => e.type === "asset_success").map((e) => e.key);
    const outputs: Record<string, string> = Object.fromEntries(
      events
        .filter((e) => e.type === "asset_success")
        .map((e) => [e.key ?? "", (e.output as { path: string }).path]),
    );
    assert.equal(outputs["transform/daily_revenue"], ".assetline/warehouse.duckdb#transform/daily_revenue");
    assert.equal(outputs["ingest/raw_orders"], ".assetline/storage/ingest/raw_orders.json");
    assert.deepEqual([...successes].sort(), [...upstream].sort());
    // Dependency order: every asset succeeds after its inputs.
    assert.ok(successes.indexOf("transform/cleaned_orders") > successes.indexOf("ingest/raw_orders"));
    assert.ok(successes.indexOf("reports/revenue") > successes.indexOf("transform/daily_revenue"));
    const checks = events.filter((e) => e.type === "check_result");
    assert.deepEqual(checks.map((c) => [c.key, c.check, c.passed]).sort(), [
      ["reports/revenue", "has_days", true],
      ["transform/daily_revenue", "non_negative", true],
    ]);
    assert.ok(
      events.some((e) => e.type === "log" && e.key === "ingest/raw_orders" && e.message === "read 42 orders"),
    );

    const index = JSON.parse(fs.readFileSync(path.join(dir, ".assetline/index.json"), "utf8")) as {
      assets: Record<string, { lastRunId: string; lastStatus: string }>;
    };
    assert.deepEqual(Object.keys(index.assets).sort(), [...upstream].sort());
    for (const entry of Object.values(index.assets)) {
      assert.equal(entry.lastRunId, runId);
      assert.equal(entry.lastStatus, "success");
    }
  });

  it("--json streams the same objects as the event log, one per line", async () => {
    const dir = tempProject({}, true);
    const result = await runCli(["materialize", "--select", "ingest/*", "--json", "--root", dir]);
    assert.equal(result.code, 0, result.stderr);
    const streamed = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Event);
    const logged = readNdjson<Event>(path.join(dir, ".assetline/runs", onlyRunId(dir), "events.ndjson"));
    assert.deepEqual(streamed, logged);
    assert.deepEqual(
      streamed
        .filter((e) => e.type === "asset_success")
        .map((e) => e.key)
        .sort(),
      ["ingest/raw_customers", "ingest/raw_orders"],
    );
  });

  it("a missing upstream is a clear error naming what to materialize first", async () => {
    const dir = tempProject({}, true);
    // The default, as in Dagster: the example opts into "materialize", so take that out.
    const configFile = path.join(dir, "assetline.config.json");
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as Record<string, unknown>;
    assert.equal(config.missingUpstream, "materialize");
    delete config.missingUpstream;
    fs.writeFileSync(configFile, JSON.stringify(config));
    const result = await runCli(["materialize", "--select", "transform/cleaned_orders", "--root", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /input "ingest\/raw_orders" has never been materialized/);
    assert.match(result.stderr, /Materialize "ingest\/raw_orders", "ingest\/raw_customers" first/);
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/warehouse.duckdb")), "nothing ran");
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/runs")), "no run recorded");

    // Once the upstream exists, the same command works and loads it through the IO manager.
    assert.equal((await runCli(["materialize", "--select", "group:ingest", "--root", dir])).code, 0);
    const again = await runCli(["materialize", "--select", "transform/cleaned_orders", "--root", dir]);
    assert.equal(again.code, 0, again.stderr);
    // revenue_by_customer reads cleaned_orders back from the DuckDB warehouse.
    const byCustomer = await runCli([
      "materialize",
      "--select",
      "transform/revenue_by_customer",
      "--root",
      dir,
    ]);
    assert.equal(byCustomer.code, 0, byCustomer.stderr);
    const rows = JSON.parse(
      fs.readFileSync(path.join(dir, ".assetline/storage/transform/revenue_by_customer.json"), "utf8"),
    ) as { revenue: number }[];
    assert.equal(Math.round(rows.reduce((sum, r) => sum + r.revenue, 0) * 100) / 100, expectedTotal(dir));
  });

  it('with missingUpstream: "materialize" a run adds never-materialized upstream assets and says so', async () => {
    const dir = tempProject({}, true);
    const result = await runCli(["materialize", "--select", "reports/revenue", "--json", "--root", dir]);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Event);
    const succeeded = events.filter((e) => e.type === "asset_success").map((e) => e.key);
    for (const key of [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned_orders",
      "reports/revenue",
    ]) {
      assert.ok(succeeded.includes(key), `${key} was materialized (got ${succeeded.join(", ")})`);
    }
    const note = events.find(
      (e) => e.type === "log" && /Never materialized, so added to this run/.test(String(e.message)),
    );
    assert.ok(note, "the run says which upstream assets it added");
    assert.ok(fs.existsSync(path.join(dir, ".assetline/storage/reports/revenue.json")));
    assert.ok(fs.existsSync(path.join(dir, ".assetline/storage/ingest/raw_orders.json")));
  });

  it("an unknown key exits 2 and suggests the closest key, with the column", async () => {
    const dir = tempProject({}, true);
    const result = await runCli([
      "materialize",
      "--select",
      "group:ingest or transform/daily_revenu",
      "--root",
      dir,
    ]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /column 17: No asset has the key "transform\/daily_revenu"\. Did you mean "transform\/daily_revenue"\?/,
    );
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/runs")), "no run recorded");
  });

  it("graph --runtime --json loads definitions without running compute", async () => {
    const dir = tempProject({}, true);
    const result = await runCli(["graph", "--runtime", "--json", "--root", dir]);
    assert.equal(result.code, 0, result.stderr);
    const graph = JSON.parse(result.stdout) as {
      version: number;
      assets: {
        key: string;
        file: string;
        line: number;
        deps: string[];
        ins: Record<string, string>;
        checks: string[];
        generated: boolean;
        external?: boolean;
      }[];
    };
    assert.equal(graph.version, 1);
    const byKey = new Map(graph.assets.map((a) => [a.key, a]));
    assert.equal(byKey.size, 9);
    const daily = byKey.get("transform/daily_revenue")!;
    assert.equal(daily.file, "src/transform.ts");
    assert.deepEqual(daily.deps, ["transform/cleaned_orders", "finance/fx_rates"]);
    assert.deepEqual(daily.ins, { orders: "transform/cleaned_orders" });
    assert.deepEqual(daily.checks, ["non_negative"]);
    const lines = fs.readFileSync(path.join(dir, "src/transform.ts"), "utf8").split("\n");
    assert.match(lines[daily.line - 1]!, /export const dailyRevenue = asset\(/);
    assert.equal(byKey.get("dashboards/sales_overview")!.generated, true);
    assert.equal(byKey.get("ingest/raw_orders")!.generated, false);
    assert.equal(byKey.get("finance/fx_rates")!.external, true);
    assert.ok(!fs.existsSync(path.join(dir, ".assetline")), "nothing was run or stored");
    assert.ok(!fs.existsSync(path.join(dir, "data/out")), "no compute ran");
  });

  it("list --select on the static graph, and status/runs/logs read the records", async () => {
    const dir = tempProject({}, true);
    const list = await runCli(["list", "--select", "group:transform", "--json", "--root", dir]);
    assert.equal(list.code, 0, list.stderr);
    const listed = (JSON.parse(list.stdout) as { assets: { key: string }[] }).assets.map((a) => a.key).sort();
    assert.deepEqual(listed, [
      "transform/cleaned_orders",
      "transform/daily_revenue",
      "transform/revenue_by_customer",
    ]);

    const bad = await runCli(["list", "--select", "group:transform and (", "--json", "--root", dir]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /column 22/);

    assert.equal((await runCli(["materialize", "--select", "ingest/raw_orders", "--root", dir])).code, 0);
    const status = await runCli(["status", "--json", "--root", dir]);
    assert.equal(status.code, 0, status.stderr);
    const states = new Map(
      (JSON.parse(status.stdout) as { assets: { key: string; state: string }[] }).assets.map((s) => [
        s.key,
        s.state,
      ]),
    );
    assert.equal(states.get("ingest/raw_orders"), "fresh");
    assert.equal(states.get("ingest/raw_customers"), "never");

    const runs = await runCli(["runs", "--json", "--root", dir]);
    const listedRuns = (
      JSON.parse(runs.stdout) as { runs: { runId: string; status: string; materialized: number }[] }
    ).runs;
    assert.equal(listedRuns.length, 1);
    assert.equal(listedRuns[0]!.status, "success");
    assert.equal(listedRuns[0]!.materialized, 1);

    const logs = await runCli(["logs", listedRuns[0]!.runId, "ingest/raw_orders", "--root", dir]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /read 42 orders/);
    const missing = await runCli(["logs", "nope", "--root", dir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No run "nope"/);
  });

  it("usage errors exit 2 with a sentence saying what to do", async () => {
    const noSelect = await runCli(["materialize", "--root", tempProject({}, true)]);
    assert.equal(noSelect.code, 2);
    assert.match(noSelect.stderr, /materialize needs --select/);
    const unknown = await runCli(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
    const badRoot = await runCli(["status", "--root", "/definitely/not/here"]);
    assert.equal(badRoot.code, 2);
    assert.match(badRoot.stderr, /is not a folder/);
  });
});

describe("assetline CLI failures (real files)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  const failing = `import { asset } from "assetline";

export const ok = asset("a/ok", {}, () => [1, 2, 3]);

export const boom = asset("a/boom", { ins: { ok } }, (_ctx, { ok }) => {
  if (ok.length > 0) throw new Error("kaboom: the upstream had " + ok.length + " rows");
  return ok;
});

export const after = asset("a/after", { ins: { boom } }, (_ctx, { boom }) => boom);
export const independent = asset("b/independent", {}, () => "fine");
`;

  it("a throwing asset fails the run, records the error with a TypeScript stack, and skips downstream", async () => {
    const dir = tempProject({ "src/definitions.ts": failing });
    const result = await runCli(["materialize", "--select", "*", "--root", dir]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /FAIL a\/boom \(error\): kaboom: the upstream had 3 rows/);
    assert.match(result.stdout, /src\/definitions\.ts:6:\d+/, "stack mapped to the TypeScript source line");
    const events = readNdjson<Event>(path.join(dir, ".assetline/runs", onlyRunId(dir), "events.ndjson"));
    const failure = events.find((e) => e.type === "asset_failure")!;
    assert.equal(failure.key, "a/boom");
    assert.match((failure.error as { message: string }).message, /kaboom/);
    assert.match((failure.error as { stack: string }).stack, /definitions\.ts:6:/);
    assert.deepEqual(
      events.filter((e) => e.type === "asset_skipped").map((e) => e.key),
      ["a/after"],
    );
    assert.deepEqual(
      events
        .filter((e) => e.type === "asset_success")
        .map((e) => e.key)
        .sort(),
      ["a/ok", "b/independent"],
    );
    assert.equal(events.at(-1)!.status, "failure");
    const index = JSON.parse(fs.readFileSync(path.join(dir, ".assetline/index.json"), "utf8")) as {
      assets: Record<string, { lastStatus: string }>;
    };
    assert.equal(index.assets["a/boom"]!.lastStatus, "failure");
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/storage/a/boom.json")));
  });

  it("a hanging asset times out, the run fails and the process ends", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import { asset } from "assetline";
export const hang = asset("h/hang", { timeoutMs: 300 }, () => new Promise(() => setInterval(() => undefined, 1000)));
export const fine = asset("h/fine", {}, () => 1);
`,
    });
    const result = await runCli(["materialize", "--select", "*", "--concurrency", "2", "--root", dir]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /FAIL h\/hang \(timeout\): Asset "h\/hang" timed out after 300 ms \(timeoutMs\)/,
    );
    assert.match(result.stdout, /ok {2}h\/fine/);
    const bad = await runCli(["materialize", "--select", "*", "--concurrency", "0", "--root", dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--concurrency must be a whole number of at least 1/);
  });

  it("an asset waiting on a promise that never settles fails the run by name, exits 1 and records the failure", async () => {
    // Nothing keeps Node's event loop alive: without the runner noticing, the process would end
    // mid-run with exit code 0 and the run would read "interrupted".
    const dir = tempProject({
      "src/definitions.ts": `import { asset, check, resource } from "assetline";
const never = () => new Promise<never>(() => {});
export const up = asset("n/up", {}, () => 1);
export const stuck = asset("n/stuck", { deps: [up] }, () => never());
export const after = asset("n/after", { deps: [stuck] }, () => 2);
// Started after the first stall was reported: the runner notices again.
export const alsoStuck = asset("n/also_stuck", {}, async () => { await never(); return 3; });
const db = resource("db", () => never(), { teardown: () => undefined });
export const viaDb = asset("n/via_db", { resources: { db } }, () => 4);
export const checked = asset("n/checked", {}, () => 5);
export const gate = check(checked, "gate", { blocking: true }, () => never());
`,
    });
    const result = await runCli(["materialize", "--select", "*", "--concurrency", "1", "--root", dir]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /FAIL n\/stuck \(stalled\): Asset "n\/stuck" never finished: its compute returned a promise that never settles/,
    );
    assert.match(result.stdout, /skip n\/after: upstream "n\/stuck" failed/);
    assert.match(
      result.stdout,
      /FAIL n\/also_stuck \(stalled\): .*its compute returned a promise that never settles/,
    );
    assert.match(
      result.stdout,
      /FAIL n\/via_db \(stalled\): .*the factory of resource "db" returned a promise that never settles/,
    );
    assert.match(result.stdout, /FAIL check n\/checked:gate \(blocking\): check "gate" never finished/);
    assert.match(
      result.stdout,
      /Resource "db" was not torn down: its factory returned a promise that never settles/,
    );

    const events = readNdjson<Event>(path.join(dir, ".assetline/runs", onlyRunId(dir), "events.ndjson"));
    const failures = events.filter((e) => e.type === "asset_failure");
    assert.deepEqual(failures.map((e) => [e.key, e.reason]).sort(), [
      ["n/also_stuck", "stalled"],
      ["n/stuck", "stalled"],
      ["n/via_db", "stalled"],
    ]);
    const end = events.at(-1)!;
    assert.equal(end.type, "run_end");
    assert.equal(end.status, "failure");
    const index = JSON.parse(fs.readFileSync(path.join(dir, ".assetline/index.json"), "utf8")) as {
      assets: Record<string, { lastStatus: string; lastFailure?: { reason: string } }>;
    };
    assert.equal(index.assets["n/stuck"]!.lastFailure?.reason, "stalled");
    const runs = await runCli(["runs", "--json", "--root", dir]);
    assert.equal((JSON.parse(runs.stdout) as { runs: { status: string }[] }).runs[0]!.status, "failure");
  });

  it("code awaiting a promise that never settles outside a run still exits non-zero, saying why", async () => {
    const dir = tempProject({
      "package.json": '{ "type": "module" }',
      "src/definitions.ts": `import { asset } from "assetline";
await new Promise(() => {});
export const x = asset("t/x", {}, () => 1);
`,
    });
    const result = await runCli(["materialize", "--select", "*", "--root", dir]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /stopped before finishing: the pipeline's code awaits a promise that never settles/,
    );
  });

  it("a misspelt spec field is refused when the definitions load, and `check` reports it", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import { asset } from "assetline";
// @ts-expect-error the misspelling under test
export const slow = asset("u/slow", { timeout: "2s" }, () => 1);
`,
    });
    const run = await runCli(["materialize", "--select", "*", "--root", dir]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /asset\("u\/slow"\): unknown field `timeout`; did you mean `timeoutMs`\?/);
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/runs")), "nothing ran");
    const checked = await runCli(["check", "--root", dir]);
    assert.equal(checked.code, 1, checked.stdout + checked.stderr);
    assert.match(
      checked.stdout,
      /src\/definitions\.ts:3:39 error unknown-field unknown field `timeout`; did you mean `timeoutMs`\?/,
    );
  });

  it("the CLI bundle leaves TypeScript out (start-up stays fast)", () => {
    const size = fs.statSync(path.join(repoRoot, "sdk", "dist", "cli.js")).size;
    assert.ok(
      size < 2_000_000,
      `sdk/dist/cli.js is ${size} bytes: is a TypeScript/ts-morph package bundled instead of external?`,
    );
  });

  it("loads an ES module project, including one using top-level await", async () => {
    const dir = tempProject({
      "package.json": '{ "type": "module" }',
      "src/helper.ts": "export const rows = await Promise.resolve([1, 2, 3]);\n",
      "src/definitions.ts": `import { asset } from "assetline";
import { rows } from "./helper.js";
export const sum = asset("esm/sum", {}, () => rows.reduce((a, b) => a + b, 0));
`,
    });
    const result = await runCli(["materialize", "--select", "esm/sum", "--root", dir]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, ".assetline/storage/esm/sum.json"), "utf8").trim(), "6");
  });

  it("an invalid key in user code is a clear error", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import { asset } from "assetline";\nexport const x = asset("raw orders", {}, () => 1);\n`,
    });
    const result = await runCli(["materialize", "--select", "*", "--root", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Loading src\/definitions\.ts failed: Asset key "raw orders" contains " "/);
  });

  it("without a definitions module, every module of the project is loaded (as the static graph reads them)", async () => {
    const dir = tempProject({
      "pipeline/ingest.ts": `import { asset } from "assetline";\nexport const raw = asset("ingest/raw", {}, () => [1, 2, 3]);\n`,
      "pipeline/sum.ts":
        `import { asset, check } from "assetline";\nimport { raw } from "./ingest";\n` +
        `export const total = asset("report/total", { ins: { raw } }, (_ctx, { raw }) => raw.reduce((a, b) => a + b, 0));\n` +
        `export const positive = check(total, "positive", (_ctx, value) => value > 0);\n`,
      "pipeline/sum.test.ts": `throw new Error("tests are not definitions");\n`,
    });
    const runtime = await runCli(["graph", "--runtime", "--json", "--root", dir]);
    assert.equal(runtime.code, 0, runtime.stderr);
    const keys = (JSON.parse(runtime.stdout) as { assets: { key: string }[] }).assets
      .map((a) => a.key)
      .sort();
    assert.deepEqual(keys, ["ingest/raw", "report/total"]);
    const run = await runCli(["materialize", "--select", "+report/total", "--root", dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(dir, ".assetline/storage/report/total.json"), "utf8")),
      6,
    );
  });

  it("analyses a project that has not installed assetline with the command's own library", async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "assetline-bare-")));
    try {
      fs.mkdirSync(path.join(dir, "src"));
      fs.writeFileSync(
        path.join(dir, "src", "a.ts"),
        `import { asset as declare } from "assetline";\n` +
          `export const raw = declare("ingest/raw", {}, () => [1]);\n` +
          `export const total = declare("report/total", { ins: { raw }, deps: ["ingest/rw"] }, () => 1);\n` +
          `function asset(key: string) { return key; }\nexport const notAnAsset = asset("local/fake");\n`,
      );
      const result = await runCli(["graph", "--json", "--root", dir]);
      assert.equal(result.code, 0, result.stderr);
      const graph = JSON.parse(result.stdout) as {
        assets: { key: string; deps: string[] }[];
        diagnostics: { code: string }[];
      };
      assert.deepEqual(
        graph.assets.map((a) => [a.key, a.deps]),
        [
          ["ingest/raw", []],
          // The misspelt dep is listed as written; the diagnostic says it names no asset.
          ["report/total", ["ingest/raw", "ingest/rw"]],
        ],
      );
      assert.deepEqual(
        graph.diagnostics.map((d) => d.code),
        ["unknown-asset"],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("missing definitions say what to create", async () => {
    const dir = tempProject({ "README.md": "empty" });
    const result = await runCli(["graph", "--runtime", "--json", "--root", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /create src\/definitions\.ts/);
  });

  it("a string dep that nothing declares is named with its location", async () => {
    const dir = tempProject({
      "definitions.ts": `import { asset } from "assetline";\nexport const x = asset("a/x", { deps: ["a/ghost"] }, () => 1);\n`,
    });
    const result = await runCli(["materialize", "--select", "*", "--root", dir]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /"a\/x" \(.*definitions\.ts:2\) depends on "a\/ghost", which no definition declares/,
    );
  });
});
