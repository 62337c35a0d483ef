/**
 * `assetline automation` and `assetline dev` on real projects: conditions, schedules and a
 * sensor evaluated by the real command line over recorded runs, tick records on disk, and a dev
 * loop that runs what is requested, stops cleanly, and resumes after SIGKILL without repeating a
 * run that succeeded.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { listRunIds, readEvents } from "../../../sdk/src";
import { collect, removeTemps, requireBuiltCli, runCli, startCli, tempProject, waitForLine } from "./helpers";

interface Tick {
  id: string;
  at: string;
  since?: string;
  requested: { key: string; partition?: string; reason: string }[];
  skipped: { key: string; reason: string }[];
  schedules: { name: string; requested: boolean; reason: string }[];
  sensors: { name: string; evaluated: boolean; requests: number; reason: string }[];
  runs: {
    select: string;
    keys: string[];
    trigger: { type: string; name?: string; tick: string; request: number };
  }[];
  launch: boolean;
}

const PIPELINE = `import fs from "node:fs";
import path from "node:path";
import { asset, eager, onCron, schedule, sensor } from "assetline";

export const raw = asset("ingest/raw", {}, () => [1, 2, 3]);
export const cleaned = asset("t/cleaned", { ins: { raw }, automation: eager() }, (_ctx, { raw }) => raw.map((n) => n * 2));
export const report = asset(
  "t/report",
  { ins: { cleaned }, automation: onCron("0 6 * * *", { timezone: "Europe/Berlin" }) },
  (_ctx, { cleaned }) => cleaned.length,
);
export const nightly = schedule("nightly", { cron: "0 2 * * *", select: "ingest/raw" });

// A new CSV in inbox/ starts a run of ingest/raw; the cursor is the newest file seen.
export const landing = sensor("landing", { interval: "1s", targets: "ingest/raw" }, (ctx) => {
  const dir = path.join(ctx.root, "inbox");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".csv")).sort() : [];
  const fresh = files.filter((f) => ctx.cursor === undefined || f > ctx.cursor);
  return { runRequests: fresh.map((f) => ({ runKey: f })), cursor: files.at(-1) ?? ctx.cursor };
});
`;

async function automation(root: string, ...args: string[]): Promise<Tick> {
  const result = await runCli(["automation", "--json", "--root", root, ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Tick;
}

function triggers(root: string) {
  return listRunIds(root).flatMap((id) => {
    const events = readEvents(root, id);
    const start = events.find((e) => e.type === "run_start");
    const end = events.find((e) => e.type === "run_end");
    return start?.type === "run_start"
      ? [{ id, trigger: start.trigger, status: end?.type === "run_end" ? end.status : undefined }]
      : [];
  });
}

describe("assetline automation and dev", function () {
  this.timeout(60_000);
  before(requireBuiltCli);
  after(removeTemps);

  it("evaluates conditions, schedules and sensors over a window, says why, and runs nothing", async () => {
    const root = tempProject({ "src/pipeline.ts": PIPELINE });
    const first = await automation(root, "--at", "2024-12-07T04:00:00Z");
    assert.equal(first.since, undefined);
    assert.deepEqual(first.requested, []);
    assert.match(
      first.skipped.find((d) => d.key === "t/cleaned")?.reason ?? "",
      /upstream ingest\/raw is missing/,
    );
    assert.match(first.schedules[0]?.reason ?? "", /first evaluation/);

    assert.equal((await runCli(["materialize", "--select", "ingest/raw", "--root", root])).code, 0);
    // The next evaluation starts where the recorded one ended, and runs over the 06:00 Berlin tick.
    const second = await automation(root, "--at", new Date().toISOString());
    assert.equal(second.since, first.at);
    const cleaned = second.requested.find((d) => d.key === "t/cleaned");
    assert.match(
      cleaned?.reason ?? "",
      /^upstream ingest\/raw was updated at .*; it was never materialized$/,
    );
    assert.match(second.schedules[0]?.reason ?? "", /the tick at 02:00 UTC of 0 2 \* \* \* \(UTC\) passed/);
    assert.deepEqual(
      second.runs.map((r) => [r.trigger.type, r.select]),
      [
        // t/report's 06:00 Berlin tick passed too, and its upstream is requested in the same tick.
        ["automation", 'key:"t/cleaned" or key:"t/report"'],
        ["schedule", "ingest/raw"],
      ],
    );
    assert.match(
      second.requested.find((d) => d.key === "t/report")?.reason ?? "",
      /the cron tick at 06:00 \(0 6 \* \* \*, Europe\/Berlin\) passed; every upstream was updated since the 06:00 tick/,
    );
    // Nothing ran, and the records say so: both ticks are on disk, neither for launching.
    assert.equal(listRunIds(root).length, 1);
    const ticks = fs.readdirSync(path.join(root, ".assetline", "automation", "ticks"));
    assert.equal(ticks.length, 2);
    assert.equal(second.launch, false);
    // Shown, not launched: the request still stands at the next evaluation.
    const third = await automation(root);
    assert.ok(
      third.requested.some((d) => d.key === "t/cleaned"),
      JSON.stringify(third.skipped),
    );
  });

  it("refuses a bad cron string, time zone or time with a sentence", async () => {
    const root = tempProject({
      "src/pipeline.ts": `import { asset, onCron } from "assetline";
export const a = asset("a", { automation: onCron("0 25 * * *") }, () => 1);`,
    });
    const bad = await runCli(["automation", "--root", root]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /asset\("a"\): automation: "0 25 \* \* \*" is not a cron expression \(Invalid value for hour: 25\)/,
    );
    const badTime = await runCli(["automation", "--root", root, "--at", "yesterday"]);
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /--at yesterday is not a time; write ISO 8601/);
    const zone = tempProject({
      "src/pipeline.ts": `import { schedule, asset } from "assetline";
export const a = asset("a", {}, () => 1);
export const s = schedule("s", { cron: "0 6 * * *", timezone: "Europe/Berln", select: "a" });`,
    });
    const zoneResult = await runCli(["automation", "--root", zone]);
    assert.equal(zoneResult.code, 1);
    assert.match(zoneResult.stderr, /schedule "s": "Europe\/Berln" is not a time zone/);
  });

  it("reads a run in progress from the run records: eager() waits for it", async () => {
    const root = tempProject({
      "src/pipeline.ts": `import { asset, eager } from "assetline";
export const slow = asset("s/slow", {}, (ctx) => new Promise((_resolve, reject) => {
  const keepAlive = setInterval(() => undefined, 1000);
  ctx.signal.addEventListener("abort", () => { clearInterval(keepAlive); reject(new Error("stopped")); });
  ctx.log.info("slow started");
}));
export const down = asset("s/down", { deps: [slow], automation: eager() }, () => 1);`,
    });
    const run = startCli(["materialize", "--select", "s/slow", "--json", "--root", root]);
    const finished = collect(run);
    try {
      await waitForLine(run, (l) => l.includes("slow started"));
      const tick = await automation(root);
      assert.equal(
        tick.skipped.find((d) => d.key === "s/down")?.reason,
        "upstream s/slow is being materialized",
      );
    } finally {
      run.kill("SIGINT");
    }
    assert.equal((await finished).code, 130);
  });

  it("dev runs what a new file in the inbox and eager() request, and stops cleanly on SIGTERM", async () => {
    const root = tempProject({ "src/pipeline.ts": PIPELINE });
    const dev = startCli(["dev", "--interval", "1s", "--root", root]);
    const done = collect(dev);
    await waitForLine(dev, (l) => l.includes("assetline dev: evaluating automation"));
    fs.mkdirSync(path.join(root, "inbox"));
    fs.writeFileSync(path.join(root, "inbox", "2024-12-07.csv"), "id\n1\n");
    await waitForLine(dev, (l) => /run for sensor landing success/.test(l));
    await waitForLine(dev, (l) => /run for automation success .*t\/cleaned/.test(l));
    dev.kill("SIGTERM");
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /assetline dev stopped/);
    const runs = triggers(root);
    assert.deepEqual(
      runs.map((r) => [r.trigger?.type, r.trigger?.name, r.status]),
      [
        ["sensor", "landing", "success"],
        ["automation", undefined, "success"],
      ],
    );
    // The sensor's cursor was kept: the same file does not start a second run.
    const again = await automation(root, "--dev");
    assert.equal(again.sensors[0]?.requests, 0);
  });

  it("judges a time-partitioned asset on its latest partition, and dev materializes that partition", async () => {
    const root = tempProject({
      "src/pipeline.ts": `
import { asset, dailyPartitions, eager, onMissing } from "assetline";
const days = dailyPartitions({ start: "2024-01-01" });
export const raw = asset("p/raw", { partitions: days, automation: onMissing() }, (ctx) => ctx.partition!.key);
export const clean = asset("p/clean", { partitions: days, ins: { raw }, automation: eager() }, (ctx, { raw }) => raw + "!");
`,
    });
    const at = "2024-03-10T12:00:00Z";
    const tick = await automation(root, "--at", at);
    assert.deepEqual(
      tick.requested.map((d) => [d.key, d.partition]),
      [
        ["p/raw", "2024-03-09"],
        ["p/clean", "2024-03-09"],
      ],
    );
    // dev runs the latest partition as of now, and records it as that partition's.
    const dev = startCli(["dev", "--interval", "1s", "--root", root]);
    const done = collect(dev);
    await waitForLine(dev, (l) => /run for automation success/.test(l));
    dev.kill("SIGTERM");
    assert.equal((await done).code, 0);
    const latest = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const stored = path.join(root, ".assetline", "storage", "p", "clean", `${latest}.json`);
    assert.equal(JSON.parse(fs.readFileSync(stored, "utf8")), `${latest}!`);
    const status = await runCli(["status", "--root", root]);
    assert.match(status.stdout, /p\/clean .*1\/\d+ materialized/);
  });

  it("dev started again after SIGKILL launches what was planned and never ran, and nothing that succeeded", async () => {
    const root = tempProject({ "src/pipeline.ts": PIPELINE });
    assert.equal((await runCli(["materialize", "--select", "ingest/raw", "--root", root])).code, 0);
    // A tick recorded for launching, whose runs never started (dev was killed right after it).
    const planned = await automation(root, "--dev");
    assert.deepEqual(
      planned.runs.map((r) => r.select),
      ['key:"t/cleaned"'],
    );
    const first = startCli(["dev", "--interval", "1h", "--root", root]);
    const firstDone = collect(first);
    await waitForLine(first, (l) => l.includes(`resuming: ${planned.id}:0 was planned but never started`));
    await waitForLine(first, (l) => /run for automation success/.test(l));
    first.kill("SIGKILL");
    await firstDone;
    const second = startCli(["dev", "--interval", "1h", "--root", root]);
    const secondDone = collect(second);
    await waitForLine(second, (l) => l.includes("assetline dev: evaluating automation"));
    second.kill("SIGINT");
    const result = await secondDone;
    assert.doesNotMatch(result.stdout, /resuming/);
    assert.equal(triggers(root).filter((r) => r.trigger?.tick === planned.id).length, 1);
  });
});
