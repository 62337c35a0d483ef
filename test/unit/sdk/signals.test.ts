import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  collect,
  onlyRunId,
  readNdjson,
  removeTemps,
  requireBuiltCli,
  runCli,
  startCli,
  tempProject,
  waitForLine,
} from "./helpers";

interface Event {
  type: string;
  key?: string;
  [field: string]: unknown;
}

// s/quick finishes at once; s/slow logs "slow started" and then waits until it is aborted.
const definitions = `import { asset } from "assetline";

export const quick = asset("s/quick", {}, () => ({ rows: [1, 2, 3] }));

export const slow = asset("s/slow", { deps: [quick] }, (ctx) =>
  new Promise((_resolve, reject) => {
    const keepAlive = setInterval(() => undefined, 1000);
    ctx.signal.addEventListener("abort", () => {
      clearInterval(keepAlive);
      reject(new Error("stopped"));
    });
    ctx.log.info("slow started");
  }),
);

export const last = asset("s/last", { deps: [slow] }, () => 1);
`;

const slowStarted = (line: string): boolean => line.includes('"type":"log"') && line.includes("slow started");

describe("cancellation and kills (real child processes)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} marks the run cancelled and keeps what finished`, async () => {
      const dir = tempProject({ "src/definitions.ts": definitions });
      const child = startCli(["materialize", "--select", "*", "--json", "--root", dir]);
      const done = collect(child);
      await waitForLine(child, slowStarted);
      child.kill(signal);
      const result = await done;
      assert.equal(result.code, 130, result.stderr);

      const events = readNdjson<Event>(path.join(dir, ".assetline/runs", onlyRunId(dir), "events.ndjson"));
      const end = events.at(-1)!;
      assert.equal(end.type, "run_end");
      assert.equal(end.status, "cancelled");
      assert.deepEqual(end.materialized, ["s/quick"]);
      const failure = events.find((e) => e.type === "asset_failure")!;
      assert.equal(failure.key, "s/slow");
      assert.equal(failure.reason, "cancelled");
      assert.deepEqual(
        events.filter((e) => e.type === "asset_skipped").map((e) => e.key),
        ["s/last"],
      );
      assert.deepEqual(
        JSON.parse(fs.readFileSync(path.join(dir, ".assetline/storage/s/quick.json"), "utf8")),
        { rows: [1, 2, 3] },
      );
      assert.ok(!fs.existsSync(path.join(dir, ".assetline/storage/s/slow.json")));

      const runs = await runCli(["runs", "--json", "--root", dir]);
      assert.equal((JSON.parse(runs.stdout) as { runs: { status: string }[] }).runs[0]!.status, "cancelled");
    });
  }

  it("two runs at once both end up in the index", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import { asset } from "assetline";
export const many = Array.from({ length: 40 }, (_, i) => asset(\`p/a\${i}\`, {}, () => i));
export const others = Array.from({ length: 40 }, (_, i) => asset(\`q/b\${i}\`, {}, () => i));
`,
    });
    const [first, second] = await Promise.all([
      collect(startCli(["materialize", "--select", "p/*", "--concurrency", "16", "--root", dir])),
      collect(startCli(["materialize", "--select", "q/*", "--root", dir])),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(first.stderr + second.stderr, "", "no warnings (e.g. listener leaks) on stderr");
    // Read through the index (brought up to date from the logs): every asset of both runs is there.
    const status = await runCli(["status", "--json", "--root", dir]);
    const states = (JSON.parse(status.stdout) as { assets: { key: string; state: string }[] }).assets;
    assert.equal(states.length, 80);
    assert.deepEqual(
      states.filter((s) => s.state !== "fresh"),
      [],
    );
    const index = JSON.parse(fs.readFileSync(path.join(dir, ".assetline/index.json"), "utf8")) as {
      assets: Record<string, unknown>;
      runs: Record<string, string>;
    };
    assert.equal(Object.keys(index.assets).length, 80);
    assert.equal(Object.keys(index.runs).length, 2);
  });

  it("SIGKILL leaves no half-written output or record, and the next run works", async () => {
    const dir = tempProject({ "src/definitions.ts": definitions });
    // A stale temp file from an earlier killed writer (pid 999999 does not exist).
    fs.mkdirSync(path.join(dir, ".assetline/storage/s"), { recursive: true });
    const stale = path.join(dir, ".assetline/storage/s/slow.json.999999.1.0.tmp");
    fs.writeFileSync(stale, '{"half": ');

    const child = startCli(["materialize", "--select", "*", "--json", "--root", dir]);
    const done = collect(child);
    await waitForLine(child, slowStarted);
    child.kill("SIGKILL");
    const killed = await done;
    assert.equal(killed.signal, "SIGKILL");

    const runId = onlyRunId(dir);
    const logFile = path.join(dir, ".assetline/runs", runId, "events.ndjson");
    const text = fs.readFileSync(logFile, "utf8");
    assert.ok(text.endsWith("\n"), "every event line is complete");
    const events = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Event);
    assert.ok(!events.some((e) => e.type === "run_end"));
    // Whatever is stored or indexed is whole JSON.
    const index = JSON.parse(fs.readFileSync(path.join(dir, ".assetline/index.json"), "utf8")) as {
      assets: Record<string, { lastStatus: string }>;
    };
    assert.deepEqual(Object.keys(index.assets), ["s/quick"]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, ".assetline/storage/s/quick.json"), "utf8")), {
      rows: [1, 2, 3],
    });
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/storage/s/slow.json")));

    const runs = await runCli(["runs", "--json", "--root", dir]);
    assert.equal(
      (JSON.parse(runs.stdout) as { runs: { runId: string; status: string }[] }).runs[0]!.status,
      "interrupted",
    );

    // The next run works, and clears the stale temp file.
    const next = await runCli(["materialize", "--select", "s/quick", "--root", dir]);
    assert.equal(next.code, 0, next.stderr);
    assert.ok(!fs.existsSync(stale), "stale temp file removed");
    const status = await runCli(["status", "--json", "--root", dir]);
    const states = new Map(
      (JSON.parse(status.stdout) as { assets: { key: string; state: string }[] }).assets.map((s) => [
        s.key,
        s.state,
      ]),
    );
    assert.equal(states.get("s/quick"), "fresh");
    assert.equal(states.get("s/slow"), "never");
  });
});
