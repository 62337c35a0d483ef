// Partitions benchmark: one asset of 10,000 daily partitions.
//
//   node scripts/build.mjs && node bench/partitions/partitions.bench.mjs [partitions=10000] [runs=5]
//
// 1. A backfill's per-partition overhead with in-memory IO: `materialize` over a range of N
//    partitions of a trivial asset (records written, as the CLI does), divided by N; against the
//    same N steps as N unpartitioned assets in one run (the runner's own cost per step).
//    Target: < 2 ms per partition.
// 2. `assetline status` and `assetline partitions ASSET --json` once all N are recorded, against
//    `assetline status` of the same project with nothing recorded (the process start and the
//    project load, which every command pays). Target: each under 200 ms beyond that baseline;
//    the in-process computation (partitionStatuses over N) is printed too.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(root, "sdk", "bin", "assetline.js");
if (!fs.existsSync(path.join(root, "sdk", "dist", "cli.js"))) {
  console.error("sdk/dist/cli.js is missing: run `node scripts/build.mjs` first.");
  process.exit(2);
}
const count = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 5);
const sdk = await import(pathToFileURL(path.join(root, "sdk", "dist", "index.js")).href);
const core = await import(pathToFileURL(path.join(root, "core", "dist", "index.js")).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const start = "1990-01-01";
const endDate = new Date(Date.UTC(1990, 0, 1) + count * 86_400_000).toISOString().slice(0, 10);
const days = sdk.dailyPartitions({ start, end: endDate });
const keys = core.partitionKeys(days, Date.now());
if (keys.length !== count) throw new Error(`expected ${count} partitions, got ${keys.length}`);

// 1. Per-partition overhead of a backfill, in memory.
async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
const partitionedTimes = [];
const baselineTimes = [];
for (let i = 0; i < runs; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-partitions-bench-"));
  const daily = sdk.asset("bench/daily", { partitions: days }, (ctx) => ctx.partition.key.length);
  const plain = Array.from({ length: count }, (_, j) => sdk.asset(`bench/a${j}`, () => j));
  partitionedTimes.push(
    await timed(() =>
      sdk.materialize({
        root: dir,
        definitions: sdk.collectDefinitions([daily]),
        keys: ["bench/daily"],
        io: sdk.memoryIOManager(),
        partitionRange: { start: keys[0], end: keys.at(-1) },
        concurrency: 4,
      }),
    ),
  );
  const definitions = sdk.collectDefinitions(plain);
  baselineTimes.push(
    await timed(() =>
      sdk.materialize({
        root: fs.mkdtempSync(path.join(os.tmpdir(), "assetline-partitions-bench-")),
        definitions,
        keys: plain.map((a) => a.key),
        io: sdk.memoryIOManager(),
        concurrency: 4,
      }),
    ),
  );
}
const perPartition = median(partitionedTimes) / count;
const perStep = median(baselineTimes) / count;

// 2. status and partitions --json with N partitions recorded, through the real command.
const project = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-partitions-cli-"));
fs.mkdirSync(path.join(project, "src"));
fs.mkdirSync(path.join(project, "node_modules"));
fs.symlinkSync(path.join(root, "sdk"), path.join(project, "node_modules", "assetline"), "dir");
fs.writeFileSync(
  path.join(project, "src", "definitions.ts"),
  `import { asset, dailyPartitions } from "assetline";
export const daily = asset("bench/daily", { partitions: dailyPartitions({ start: "${start}", end: "${endDate}" }) }, (ctx) => ctx.partition!.key);
`,
);
function cliTime(args) {
  const t0 = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, ...args, "--root", project], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}
const baseline = median(Array.from({ length: runs }, () => cliTime(["status"]).ms));
const backfill = cliTime([
  "materialize",
  "--select",
  "bench/daily",
  "--partition-range",
  `${keys[0]}...${keys.at(-1)}`,
]);
const status = median(Array.from({ length: runs }, () => cliTime(["status"]).ms));
const listed = Array.from({ length: runs }, () => cliTime(["partitions", "bench/daily", "--json"]));
const list = median(listed.map((r) => r.ms));
const parsed = JSON.parse(listed[0].stdout);
if (parsed.partitions.length !== count || parsed.partitions.some((p) => p.state !== "materialized")) {
  throw new Error("partitions --json did not list every partition as materialized");
}
const index = sdk.readIndex(project, false);
const facts = { key: "bench/daily", partitions: days, upstreams: {} };
const compute = median(
  Array.from({ length: runs }, () => {
    const t0 = performance.now();
    core.summarizePartitions(core.partitionStatuses(facts, index, Date.now() + Math.random()));
    return performance.now() - t0;
  }),
);

const f = (ms) => `${ms.toFixed(1)} ms`;
console.log(`partitions: ${count} daily partitions of one asset, medians of ${runs}`);
console.log(
  `backfill, in memory: ${f(median(partitionedTimes))} = ${perPartition.toFixed(3)} ms per partition (target < 2 ms)`,
);
console.log(
  `  baseline, ${count} unpartitioned assets in one run: ${perStep.toFixed(3)} ms per step; ratio ${(perPartition / perStep).toFixed(2)}`,
);
console.log(
  `backfill through the CLI with files: ${f(backfill.ms)} (${(backfill.ms / count).toFixed(3)} ms per partition)`,
);
console.log(`assetline status, nothing recorded (baseline: start and load): ${f(baseline)}`);
console.log(
  `assetline status, ${count} recorded: ${f(status)} (+${f(status - baseline)} over the baseline; target < 200 ms)`,
);
console.log(
  `assetline partitions --json: ${f(list)} (+${f(list - baseline)} over the baseline; target < 200 ms)`,
);
console.log(`  partitionStatuses + summary in process: ${f(compute)}`);
const ok = perPartition < 2 && status - baseline < 200 && list - baseline < 200;
console.log(ok ? "within targets" : "OUTSIDE TARGETS");
process.exitCode = ok ? 0 : 1;
