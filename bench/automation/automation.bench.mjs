// Automation benchmark: one evaluation over 5,000 assets with 1,000 runs of history.
//
//   node scripts/build.mjs && node bench/automation/automation.bench.mjs [assets=5000] [runs=1000] [repeat=7]
//
// The graph: chains of ten assets (an onMissing() root, eager() transforms, an onCron() report),
// their history folded from 1,000 recorded runs (the index the evaluator reads). Measured: the
// evaluation's inputs from the records (core automationAssets) and the evaluation itself
// (evaluateAutomation), chained from a previous evaluation's cursor as `assetline dev` does.
// Baseline in the same run: the same graph at a tenth of the size, times ten (linear would be
// a ratio of 1). Target: under 100 ms.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const core = await import(pathToFileURL(path.join(root, "core", "dist", "index.js")).href);
const count = Number(process.argv[2] ?? 5000);
const runCount = Number(process.argv[3] ?? 1000);
const repeat = Number(process.argv[4] ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const at = Date.parse("2026-12-07T12:00:00Z");

function scenario(size) {
  const nodes = [];
  for (let i = 0; i < size; i++) {
    const chain = Math.floor(i / 10);
    const place = i % 10;
    const key = `c${chain}/a${place}`;
    const deps = place === 0 ? [] : [`c${chain}/a${place - 1}`];
    const automation =
      place === 0
        ? core.onMissing()
        : place === 9
          ? core.onCron("0 6 * * *", { timezone: "Europe/Berlin" })
          : core.eager();
    nodes.push({ key, deps, automation });
  }
  // History: each run materializes a chain's first five assets, an hour apart.
  const index = core.emptyIndex();
  const runs = Math.round((runCount * size) / count);
  for (let r = 0; r < runs; r++) {
    const runId = `run${r}`;
    const time = (t) => new Date(at - (runs - r) * 3_600_000 + t).toISOString();
    const chain = r % Math.ceil(size / 10);
    core.applyToIndex(index, {
      type: "run_start",
      runId,
      time: time(0),
      selection: "",
      assets: [],
      env: "local",
      pid: 1,
      concurrency: 4,
    });
    for (let p = 0; p < 5; p++) {
      const key = `c${chain}/a${p}`;
      core.applyToIndex(index, { type: "asset_start", runId, time: time(p), key });
      core.applyToIndex(index, {
        type: "asset_success",
        runId,
        time: time(p + 1),
        key,
        durationMs: 1,
        output: {},
      });
    }
    core.applyToIndex(index, {
      type: "run_end",
      runId,
      time: time(9),
      status: "success",
      durationMs: 9,
      materialized: [],
      failed: [],
      skipped: [],
      failedChecks: [],
    });
  }
  const first = core.evaluateAutomation({
    assets: core.automationAssets(nodes, index, at - 60_000),
    at: at - 60_000,
  });
  return { nodes, index, cursor: first.cursor };
}

function measure({ nodes, index, cursor }) {
  const times = [];
  let requested = 0;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const evaluation = core.evaluateAutomation({
      assets: core.automationAssets(nodes, index, at),
      at,
      since: cursor.evaluatedAt,
      cursor,
    });
    times.push(performance.now() - t0);
    requested = evaluation.requested.length;
  }
  return { ms: median(times), requested };
}

const full = measure(scenario(count));
const small = measure(scenario(Math.round(count / 10)));
console.log(`automation: one evaluation, medians of ${repeat}`);
console.log(
  `${count} assets, ${runCount} runs of history: ${full.ms.toFixed(1)} ms (${full.requested} requested; target < 100 ms)`,
);
console.log(
  `baseline, ${Math.round(count / 10)} assets: ${small.ms.toFixed(1)} ms; ratio to 10x that: ${(full.ms / (small.ms * 10)).toFixed(2)}`,
);
const ok = full.ms < 100;
console.log(ok ? "within target" : "OUTSIDE TARGET");
process.exitCode = ok ? 0 : 1;
