/**
 * assetline/launch, what the editor starts runs with: the real CLI in a real project, its
 * result read from the run's events (how long it took, what failed and where).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runDuration } from "@assetline/core";
import { describeRunResult, startRun } from "assetline/launch";
import { removeTemps, requireBuiltCli, tempProject } from "./helpers";

const PIPELINE = `import { asset } from "assetline";
export const raw = asset("l/raw", {}, () => [1, 2, 3]);
export const total = asset("l/total", { ins: { raw } }, (ctx, { raw }) => raw.reduce((a, b) => a + b, 0));
`;

function runEnd(root: string, runId: string): { durationMs: number } {
  const lines = fs
    .readFileSync(path.join(root, ".assetline", "runs", runId, "events.ndjson"), "utf8")
    .split("\n");
  const end = lines
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { type: string; durationMs: number });
  return end.find((event) => event.type === "run_end")!;
}

describe("assetline/launch: a run started as the editor starts it", function () {
  this.timeout(60_000);
  before(requireBuiltCli);
  after(removeTemps);

  it("reports the run's own duration, the one its record and Recent Runs show", async function () {
    const root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({ name: "launch", private: true, dependencies: { assetline: "*" } }),
        "src/definitions.ts": PIPELINE,
      }),
    );
    const result = await startRun({ root, selection: "+l/total" }).result;
    assert.equal(result.status, "success");
    assert.ok(result.runId, "the result names its run");
    // Not the process's wall time (Node and the project's loading come first).
    assert.equal(result.durationMs, runEnd(root, result.runId).durationMs);
    // Without the asked-for keys, the selection's own words.
    assert.match(
      describeRunResult(result),
      /^Assetline: materialized l\/total and 1 upstream asset · local · /,
    );
    assert.match(
      describeRunResult(result, ["l/total"]),
      new RegExp(
        `^Assetline: materialized l/total and 1 upstream asset · local · ${runDuration(result.durationMs).replace(".", "\\.")}$`,
      ),
    );
  });

  it("says what a failing blocking check stopped, and nothing when it stopped nothing", async function () {
    const root = fs.realpathSync(
      tempProject({
        "package.json": JSON.stringify({
          name: "launch-blocking",
          private: true,
          dependencies: { assetline: "*" },
        }),
        "src/definitions.ts": `${PIPELINE}import { check } from "assetline";
export const positive = check(total, "positive", { blocking: true }, () => false);
export const report = asset("l/report", { ins: { total } }, (ctx, { total }) => String(total));
`,
      }),
    );
    const stopped = await startRun({ root, selection: "+l/report" }).result;
    assert.equal(stopped.status, "failure");
    assert.equal(
      describeRunResult(stopped),
      "Assetline: blocking check l/total:positive failed, so l/report did not run.",
    );
    const alone = await startRun({ root, selection: "l/total" }).result;
    assert.equal(describeRunResult(alone), "Assetline: blocking check l/total:positive failed.");
  });
});
