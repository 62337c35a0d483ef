/** `assetline run-checks`: the selection's checks on the stored values, as tests; nothing is materialized. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { readEvents } from "../../../sdk/src";
import { removeTemps, requireBuiltCli, runCli, tempProject } from "./helpers";

const PIPELINE = `
import { asset, check } from "assetline";
import fs from "node:fs";
export const days = asset("t/days", () => {
  if (process.env.MARK) fs.appendFileSync(process.env.MARK, "computed\\n");
  return [{ day: "2024-01-01", revenue: 5 }, { day: "2024-01-02", revenue: Number(process.env.REVENUE ?? 3) }];
});
export const positive = check(days, "positive", { description: "no day loses money" }, (ctx, rows) => ({
  passed: rows.every((r) => r.revenue >= 0),
  metadata: { worst: Math.min(...rows.map((r) => r.revenue)) },
}));
export const two = check(days, "two_days", (ctx, rows) => rows.length === 2);
export const never = asset("t/never", () => 1);
export const neverChecked = check(never, "is_one", (ctx, v) => v === 1);
`;

describe("assetline run-checks", function () {
  this.timeout(60_000);
  before(requireBuiltCli);
  after(removeTemps);

  it("runs checks on the stored value without computing or writing it, and fails on a failing check", async () => {
    const root = tempProject({ "src/pipeline.ts": PIPELINE });
    const mark = path.join(root, "marks.txt");
    assert.equal(
      (
        await runCli(["materialize", "--root", root, "--select", "t/days"], {
          env: { MARK: mark, REVENUE: "-2" },
        })
      ).code,
      0,
    );
    const stored = path.join(root, ".assetline", "storage", "t", "days.json");
    const before = fs.statSync(stored).mtimeMs;
    const checked = await runCli(["run-checks", "--root", root, "--select", "t/days", "--json"], {
      env: { MARK: mark },
    });
    assert.equal(checked.code, 1, "a failing check of severity error fails the run");
    assert.equal(fs.readFileSync(mark, "utf8"), "computed\n", "the asset was not computed again");
    assert.equal(fs.statSync(stored).mtimeMs, before, "nothing was written");
    const events = checked.stdout
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            checksOnly?: boolean;
            check?: string;
            passed?: boolean;
            metadata?: unknown;
            description?: string;
          },
      );
    assert.equal(events[0]!.type, "run_start");
    assert.equal(events[0]!.checksOnly, true);
    assert.deepEqual(
      events.filter((e) => e.type === "asset_success" || e.type === "asset_start"),
      [],
    );
    const results = events.filter((e) => e.type === "check_result");
    assert.deepEqual(
      results.map((e) => [e.check, e.passed]),
      [
        ["positive", false],
        ["two_days", true],
      ],
    );
    assert.deepEqual(results[0]!.metadata, { worst: -2 });

    // --check runs one of them; a passing one exits 0. The run is recorded with its results.
    const one = await runCli(["run-checks", "--root", root, "--select", "t/days", "--check", "two_days"]);
    assert.equal(one.code, 0, one.stderr + one.stdout);
    assert.match(one.stdout, /checking the stored values of 1 asset\(s\)/);
    assert.match(one.stdout, /pass check t\/days:two_days/);
    const runs = fs.readdirSync(path.join(root, ".assetline", "runs")).sort();
    assert.equal(runs.length, 3);
    assert.ok(readEvents(root, runs[2]!).some((e) => e.type === "check_result" && e.check === "two_days"));
    const typo = await runCli(["run-checks", "--root", root, "--select", "t/days", "--check", "two_day"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /No check "two_day" on the selection; did you mean "two_days"\?/);
  });

  it("says when there is nothing stored to check, and what to run first", async () => {
    const root = tempProject({ "src/pipeline.ts": PIPELINE });
    const result = await runCli(["run-checks", "--root", root, "--select", "t/never"]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /Nothing stored to check for "t\/never": its checks run on the stored value\. Materialize it first \(assetline materialize --select t\/never\)/,
    );
    assert.ok(!fs.existsSync(path.join(root, ".assetline", "runs")), "no run was recorded");
  });
});
