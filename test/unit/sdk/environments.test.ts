import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { onlyRunId, readNdjson, removeTemps, requireBuiltCli, runCli, tempProject } from "./helpers";

interface Status {
  key: string;
  state: string;
  reasons: { code: string; message: string; upstream?: string }[];
}

async function status(dir: string): Promise<Map<string, Status>> {
  const result = await runCli(["status", "--json", "--root", dir]);
  assert.equal(result.code, 0, result.stderr);
  return new Map((JSON.parse(result.stdout) as { assets: Status[] }).assets.map((s) => [s.key, s]));
}

function edit(dir: string, file: string, from: string, to: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, "utf8");
  assert.ok(text.includes(from), `${file} contains ${from}`);
  fs.writeFileSync(full, text.replace(from, to));
}

describe("environments, contracts and status (real CLI on the example)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  it("local and prod differ by configuration only: --env, ASSETLINE_ENV, defaultEnv", async () => {
    const dir = tempProject({}, true);
    const local = await runCli(["materialize", "--select", "+reports/revenue", "--root", dir]);
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /environment "local"/);
    assert.ok(fs.existsSync(path.join(dir, "data/out/report.json")));
    assert.ok(!fs.existsSync(path.join(dir, "data/out/prod")));

    const prod = await runCli(["materialize", "--select", "reports/revenue", "--env", "prod", "--root", dir]);
    assert.equal(prod.code, 0, prod.stderr);
    assert.match(prod.stdout, /environment "prod"/);
    assert.deepEqual(
      JSON.parse(fs.readFileSync(path.join(dir, "data/out/prod/report.json"), "utf8")),
      JSON.parse(fs.readFileSync(path.join(dir, "data/out/report.json"), "utf8")),
    );
    // The notifier has one factory per environment: local logs, prod writes to an outbox.
    assert.match(local.stdout, /\(local\) would notify: Revenue report/);
    assert.ok(!fs.existsSync(path.join(dir, "data/out/outbox")));
    const sent = JSON.parse(
      fs.readFileSync(path.join(dir, "data/out/prod/outbox/revenue-report.json"), "utf8"),
    ) as {
      subject: string;
      total: number;
    };
    assert.equal(sent.subject, "Revenue report");
    assert.equal(
      sent.total,
      (JSON.parse(fs.readFileSync(path.join(dir, "data/out/report.json"), "utf8")) as { total: number })
        .total,
    );

    fs.rmSync(path.join(dir, "data/out/prod"), { recursive: true });
    const viaEnv = await runCli(["materialize", "--select", "reports/revenue", "--root", dir], {
      env: { ASSETLINE_ENV: "prod" },
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.ok(fs.existsSync(path.join(dir, "data/out/prod/report.json")));

    edit(dir, "assetline.config.json", '"defaultEnv": "local"', '"defaultEnv": "prod"');
    const viaDefault = await runCli([
      "materialize",
      "--select",
      "ingest/raw_orders",
      "--json",
      "--root",
      dir,
    ]);
    assert.equal(viaDefault.code, 0, viaDefault.stderr);
    assert.equal((JSON.parse(viaDefault.stdout.split("\n")[0]!) as { env: string }).env, "prod");

    const unknown = await runCli(["materialize", "--select", "*", "--env", "staging", "--root", dir]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /Unknown environment "staging"; assetline\.config\.json defines "local", "prod"\./,
    );
  });

  it("a resource that fails to start fails its assets with a sentence naming the resource and environment", async () => {
    const dir = tempProject({}, true);
    edit(
      dir,
      "assetline.config.json",
      '"inputDir": "data/in", "outputDir": "data/out/prod"',
      '"inputDir": "data/missing", "outputDir": "data/out/prod"',
    );
    const result = await runCli(["materialize", "--select", "group:ingest", "--env", "prod", "--root", dir]);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /Resource "shop_files" failed to start in environment "prod": input folder data\/missing does not exist/,
    );
  });

  it("an output that breaks its schema fails the asset, naming the asset and the field", async () => {
    const dir = tempProject({}, true);
    edit(dir, "src/transform.ts", 'revenue: "number"', 'revenue: "string"');
    const result = await runCli(["materialize", "--select", "+transform/daily_revenue", "--root", dir]);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /FAIL transform\/daily_revenue \(schema\): Asset "transform\/daily_revenue" returned a value that does not match its schema: \[0\]\.revenue: expected a string, got [\d.]+/,
    );
    assert.equal((await status(dir)).get("transform/daily_revenue")!.state, "failed", "nothing was stored");
    const events = readNdjson<{ type: string; key?: string }>(
      path.join(dir, ".assetline/runs", onlyRunId(dir), "events.ndjson"),
    );
    assert.ok(
      !events.some((e) => e.type === "check_result" && e.key === "transform/daily_revenue"),
      "checks do not run on an invalid value",
    );
  });

  it("a failing blocking check skips downstream, fails the run, and shows in status", async () => {
    const dir = tempProject({}, true);
    edit(dir, "src/report.ts", "rows.every((r) => r.revenue >= 0)", "rows.every((r) => r.revenue >= 1e9)");
    const result = await runCli(["materialize", "--select", "+reports/revenue", "--root", dir]);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /FAIL check transform\/daily_revenue:non_negative \(blocking\)/);
    assert.match(
      result.stdout,
      /skip reports\/revenue: a blocking check on "transform\/daily_revenue" failed/,
    );
    assert.ok(!fs.existsSync(path.join(dir, "data/out/report.json")), "the report did not run");
    const s = await status(dir);
    assert.deepEqual(
      s.get("transform/daily_revenue")!.reasons.map((r) => r.code),
      ["check-failed"],
    );
    assert.equal(s.get("reports/revenue")!.state, "never");
  });

  it("status explains staleness: never, upstream newer, code version and source changes, failures", async () => {
    const dir = tempProject({}, true);
    let s = await status(dir);
    assert.equal(s.get("ingest/raw_orders")!.state, "never");
    assert.equal(s.get("ingest/raw_orders")!.reasons[0]!.code, "never-materialized");
    assert.equal(s.get("finance/fx_rates")!.state, "external");

    assert.equal(
      (await runCli(["materialize", "--select", "+transform/cleaned_orders", "--root", dir])).code,
      0,
    );
    s = await status(dir);
    assert.equal(s.get("transform/cleaned_orders")!.state, "fresh");
    assert.deepEqual(s.get("transform/cleaned_orders")!.reasons, []);

    assert.equal((await runCli(["materialize", "--select", "ingest/raw_orders", "--root", dir])).code, 0);
    s = await status(dir);
    const cleaned = s.get("transform/cleaned_orders")!;
    assert.equal(cleaned.state, "stale");
    assert.deepEqual(
      cleaned.reasons.map((r) => [r.code, r.upstream]),
      [["upstream-newer", "ingest/raw_orders"]],
    );

    edit(dir, "src/transform.ts", 'codeVersion: "1"', 'codeVersion: "2"');
    s = await status(dir);
    assert.ok(
      s
        .get("transform/cleaned_orders")!
        .reasons.some((r) => r.code === "code-version-changed" && /from 1 to 2/.test(r.message)),
    );

    edit(dir, "src/ingest.ts", "read ${rows.length} orders", "read ${rows.length} order rows");
    s = await status(dir);
    assert.deepEqual(
      s.get("ingest/raw_orders")!.reasons.map((r) => r.code),
      ["source-changed"],
    );
    assert.equal(s.get("ingest/raw_customers")!.state, "stale", "same file, so also flagged");

    edit(
      dir,
      "src/ingest.ts",
      'ctx.resources.files.readCsv("customers.csv")',
      'ctx.resources.files.readCsv("nope.csv")',
    );
    assert.equal((await runCli(["materialize", "--select", "ingest/raw_customers", "--root", dir])).code, 1);
    s = await status(dir);
    assert.equal(s.get("ingest/raw_customers")!.state, "failed");
    assert.ok(
      s.get("ingest/raw_customers")!.reasons.some((r) => r.code === "failed" && /nope\.csv/.test(r.message)),
    );

    // The index is derived data: rebuilt from the logs, it gives the same answers.
    fs.rmSync(path.join(dir, ".assetline/index.json"));
    const rebuilt = await status(dir);
    assert.deepEqual([...rebuilt.entries()], [...s.entries()]);
  });
});
