/**
 * Partitions through the real command line on real files: `materialize --partition` and
 * `--partition-range` (one run, each partition recorded on its own), a 365-day backfill killed
 * with SIGKILL half way and started again, `assetline partitions --json` and `status`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  collect,
  readNdjson,
  removeTemps,
  requireBuiltCli,
  runCli,
  startCli,
  tempProject,
  waitForLine,
} from "./helpers";

/** A two-asset daily chain for 2023, a weekly rollup of it, and an unpartitioned total. */
const PIPELINE = `
import { asset, dailyPartitions, weeklyPartitions, staticPartitions } from "assetline";
import fs from "node:fs";

const days = dailyPartitions({ start: "2023-01-01", end: "2024-01-01" });

export const rawOrders = asset("shop/raw_orders", { partitions: days }, (ctx) => {
  if (process.env.FAIL_DAY === ctx.partition!.key) throw new Error("the source had no file for " + ctx.partition!.key);
  if (process.env.MARK) fs.appendFileSync(process.env.MARK, "raw " + ctx.partition!.key + "\\n");
  return { day: ctx.partition!.key, start: ctx.partition!.window!.start.toISOString(), range: ctx.partition!.range ?? null };
});

export const dailyRevenue = asset("shop/daily_revenue", { partitions: days, ins: { raw: rawOrders } }, async (ctx, { raw }) => {
  if (process.env.MARK) fs.appendFileSync(process.env.MARK, "daily " + ctx.partition!.key + "\\n");
  if (process.env.SLOW_AFTER && ctx.partition!.key > process.env.SLOW_AFTER) await new Promise((r) => setTimeout(r, 50));
  return { day: raw.day, revenue: raw.day.length };
});

export const weekly = asset(
  "shop/weekly_revenue",
  { partitions: weeklyPartitions({ start: "2023-01-01", end: "2024-01-07" }), ins: { days: dailyRevenue } },
  (ctx, { days }) => ({ week: ctx.partition!.key, days: Object.keys(days) }),
);

export const total = asset("shop/total", { ins: { days: dailyRevenue } }, (ctx, { days }) => Object.keys(days).length);

export const regions = asset("shop/regions", { partitions: staticPartitions(["eu", "us"]) }, (ctx) => ctx.partition!.key);
`;

function project(): string {
  return tempProject({ "src/pipeline.ts": PIPELINE });
}

function stored(root: string, key: string, partition: string): unknown {
  const file = path.join(root, ".assetline", "storage", key, `${encodeURIComponent(partition)}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

describe("partitions on the command line", function () {
  this.timeout(120_000);
  before(requireBuiltCli);
  after(removeTemps);

  it("--partition materializes one partition; ctx.partition has its key and window", async () => {
    const root = project();
    const result = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/raw_orders",
      "--partition",
      "2023-03-26",
    ]);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /materializing 1 asset\(s\), 1 partition \(2023-03-26\)/);
    assert.match(result.stdout, /ok {2}shop\/raw_orders\[2023-03-26\]/);
    assert.deepEqual(stored(root, "shop/raw_orders", "2023-03-26"), {
      day: "2023-03-26",
      start: "2023-03-26T00:00:00.000Z",
      range: null,
    });
  });

  it("refuses a partitioned asset without a partition, a key that does not exist and a bad range, with what to do", async () => {
    const root = project();
    const none = await runCli(["materialize", "--root", root, "--select", "shop/raw_orders"]);
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /"shop\/raw_orders" is partitioned: say which partitions to materialize with --partition KEY \(the latest of "shop\/raw_orders" is 2023-12-31\)/,
    );
    const bad = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/raw_orders",
      "--partition",
      "2024-02-30",
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"2024-02-30" is not a daily partition key|outside the partitions/);
    const range = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/raw_orders",
      "--partition-range",
      "2023-01-05..2023-01-01",
    ]);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /--partition-range takes START\.\.\.END/);
    const backwards = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/raw_orders",
      "--partition-range",
      "2023-01-05...2023-01-01",
    ]);
    assert.equal(backwards.code, 1);
    assert.match(backwards.stderr, /runs backwards/);
    const missing = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/daily_revenue",
      "--partition",
      "2023-01-02",
    ]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /reads partition 2023-01-02 of "shop\/raw_orders", which has never been materialized/,
    );
    assert.ok(
      !fs.existsSync(path.join(root, ".assetline", "storage", "shop", "daily_revenue")),
      "nothing was written",
    );
  });

  it("a 365-day backfill killed with SIGKILL half way, started again, runs only what is missing", async () => {
    const root = project();
    const mark = path.join(root, "marks.txt");
    const args = [
      "materialize",
      "--root",
      root,
      "--select",
      "shop/raw_orders or shop/daily_revenue",
      "--partition-range",
      "2023-01-01...2023-12-31",
      "--json",
      "--concurrency",
      "2",
    ];
    const first = startCli(args, { env: { MARK: mark, SLOW_AFTER: "2023-06-01" } });
    const done = collect(first);
    // Kill it once a partition past the middle of the year has materialized.
    await waitForLine(
      first,
      (line) =>
        line.includes('"asset_success"') &&
        line.includes('"shop/daily_revenue"') &&
        line.includes('"2023-07-'),
    );
    first.kill("SIGKILL");
    const killed = await done;
    assert.equal(killed.signal, "SIGKILL");
    const succeededFirst = new Set(
      killed.stdout
        .split("\n")
        .filter((l) => l.includes('"asset_success"'))
        .map((l) => JSON.parse(l) as { key: string; partition: string })
        .map((e) => `${e.key === "shop/raw_orders" ? "raw" : "daily"} ${e.partition}`),
    );
    assert.ok(
      succeededFirst.size > 180 && succeededFirst.size < 730,
      `killed half way: ${succeededFirst.size} of 730 done`,
    );

    fs.writeFileSync(mark, "");
    const second = await runCli(args, { env: { MARK: mark } });
    assert.equal(second.code, 0, second.stderr);
    const ranSecond = fs.readFileSync(mark, "utf8").trim().split("\n");
    // Nothing that had succeeded ran again; everything else ran once.
    assert.deepEqual(
      ranSecond.filter((line) => succeededFirst.has(line)),
      [],
    );
    assert.equal(new Set(ranSecond).size, ranSecond.length, "no partition ran twice");
    assert.equal(
      succeededFirst.size + ranSecond.length,
      730,
      `${succeededFirst.size} + ${ranSecond.length} = 730 steps`,
    );

    // Every partition recorded, and stored whole.
    const listed = await runCli(["partitions", "shop/daily_revenue", "--root", root, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const report = JSON.parse(listed.stdout) as {
      key: string;
      definition: { type: string; start: string };
      partitions: { key: string; state: string }[];
    };
    assert.equal(report.key, "shop/daily_revenue");
    assert.equal(report.definition.type, "daily");
    assert.equal(report.definition.start, "2023-01-01");
    assert.equal(report.partitions.length, 365);
    assert.deepEqual([...new Set(report.partitions.map((p) => p.state))], ["materialized"]);
    for (const day of ["2023-01-01", "2023-07-15", "2023-12-31"])
      assert.deepEqual(stored(root, "shop/daily_revenue", day), { day, revenue: 10 });
    const runsDir = path.join(root, ".assetline", "runs");
    for (const run of fs.readdirSync(runsDir)) readNdjson(path.join(runsDir, run, "events.ndjson"));

    // A third start has nothing left to do.
    const third = await runCli(
      args.filter((a) => a !== "--json"),
      { env: { MARK: mark } },
    );
    assert.equal(third.code, 0);
    assert.match(third.stdout, /730 partitions of the range already hold current data and are left out/);
  });

  it("a failed partition is recorded on its own; status sums up; partitions lists it; the range resumes it", async () => {
    const root = project();
    const range = ["--partition-range", "2023-01-01...2023-01-14"];
    const first = await runCli(
      ["materialize", "--root", root, "--select", "shop/raw_orders or shop/daily_revenue", ...range],
      {
        env: { FAIL_DAY: "2023-01-05" },
      },
    );
    assert.equal(first.code, 1, "a run with a failed partition fails");
    assert.match(
      first.stdout,
      /FAIL shop\/raw_orders\[2023-01-05\] \(error\): the source had no file for 2023-01-05/,
    );
    assert.match(
      first.stdout,
      /skip shop\/daily_revenue\[2023-01-05\]: upstream "shop\/raw_orders" partition 2023-01-05 failed/,
    );
    const status = await runCli(["status", "--root", root]);
    assert.match(status.stdout, /failed\s+shop\/raw_orders ▮▯▯▯ 13\/365 materialized, 1 failed/);
    const listed = JSON.parse(
      (await runCli(["partitions", "shop/raw_orders", "--root", root, "--json"])).stdout,
    ) as {
      partitions: { key: string; state: string; reason?: string }[];
    };
    const failed = listed.partitions.filter((p) => p.state === "failed");
    assert.deepEqual(
      failed.map((p) => [p.key, p.reason]),
      [["2023-01-05", "the source had no file for 2023-01-05"]],
    );
    assert.equal(listed.partitions.filter((p) => p.state === "materialized").length, 13);

    const again = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/raw_orders or shop/daily_revenue",
      ...range,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /ok {2}shop\/raw_orders\[2023-01-05\]/);
    assert.match(again.stdout, /ok {2}shop\/daily_revenue\[2023-01-05\]/);
    assert.equal((again.stdout.match(/ ok {2}/g) ?? []).length, 2, again.stdout);

    // A partition materialized again makes what read it stale; the range runs it again.
    await runCli(["materialize", "--root", root, "--select", "shop/raw_orders", "--partition", "2023-01-03"]);
    const stale = JSON.parse(
      (await runCli(["partitions", "shop/daily_revenue", "--root", root, "--json"])).stdout,
    ) as {
      partitions: { key: string; state: string }[];
    };
    assert.deepEqual(
      stale.partitions.filter((p) => p.state === "stale").map((p) => p.key),
      ["2023-01-03"],
    );
    const third = await runCli(["materialize", "--root", root, "--select", "shop/daily_revenue", ...range]);
    assert.equal((third.stdout.match(/ ok {2}/g) ?? []).length, 1, third.stdout);
    assert.match(third.stdout, /ok {2}shop\/daily_revenue\[2023-01-03\]/);
  });

  it("a weekly rollup gets the weeks the range makes whole, keyed by day; an unpartitioned total reads every stored day", async () => {
    const root = project();
    const result = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "*",
      "--partition-range",
      "2023-01-01...2023-01-17",
    ]);
    assert.notEqual(result.code, 0, "shop/regions has no partition 2023-01-01: said, not ignored");
    assert.match(
      result.stderr,
      /Cannot materialize "shop\/regions" for partitions 2023-01-01\.\.\.2023-01-17/,
    );
    const ok = await runCli([
      "materialize",
      "--root",
      root,
      "--select",
      "shop/* and not shop/regions",
      "--partition-range",
      "2023-01-01...2023-01-17",
    ]);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.deepEqual(stored(root, "shop/weekly_revenue", "2023-01-08"), {
      week: "2023-01-08",
      days: [
        "2023-01-08",
        "2023-01-09",
        "2023-01-10",
        "2023-01-11",
        "2023-01-12",
        "2023-01-13",
        "2023-01-14",
      ],
    });
    assert.ok(
      !fs.existsSync(path.join(root, ".assetline", "storage", "shop", "weekly_revenue", "2023-01-15.json")),
      "the week of the 15th is not whole",
    );
    const total = JSON.parse(
      fs.readFileSync(path.join(root, ".assetline", "storage", "shop", "total.json"), "utf8"),
    ) as number;
    assert.equal(total, 17);
  });
});
