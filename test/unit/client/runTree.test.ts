/** The Recent Runs tree's model: a recorded run's title, steps and details, from its events. */
import assert from "node:assert/strict";
import type { RunEvent } from "@assetline/core";
import { runTree } from "../../../client/src/views/runTree";

const base = { runId: "r1", time: "2026-12-07T10:00:00.000Z" };

describe("Recent Runs: a run as a tree", () => {
  it("titles a run by what ran and what started it, with each partition's outcome, checks and logs", () => {
    const events: RunEvent[] = [
      {
        ...base,
        type: "run_start",
        selection: "sales/daily",
        assets: ["sales/daily"],
        env: "prod",
        pid: 1,
        concurrency: 2,
        partitions: { start: "2024-01-01", end: "2024-01-02", count: 2 },
        trigger: { type: "schedule", name: "nightly", reason: "the tick at 02:00", tick: "t", request: 0 },
      },
      { ...base, type: "asset_start", key: "sales/daily", partition: "2024-01-01" },
      { ...base, type: "log", key: "sales/daily", level: "info", message: "read 3 rows" },
      {
        ...base,
        type: "asset_success",
        key: "sales/daily",
        partition: "2024-01-01",
        durationMs: 12,
        output: {},
      },
      {
        ...base,
        type: "check_result",
        key: "sales/daily",
        partition: "2024-01-01",
        check: "positive",
        passed: false,
        blocking: false,
        severity: "error",
        description: "a day lost money",
      },
      { ...base, type: "asset_start", key: "sales/daily", partition: "2024-01-02" },
      {
        ...base,
        type: "asset_failure",
        key: "sales/daily",
        partition: "2024-01-02",
        durationMs: 3,
        reason: "error",
        error: { message: "no file" },
      },
      {
        ...base,
        type: "run_end",
        status: "failure",
        durationMs: 900,
        materialized: ["sales/daily[2024-01-01]"],
        failed: ["sales/daily[2024-01-02]"],
        skipped: [],
        failedChecks: [],
      },
    ];
    const run = runTree("r1", events);
    assert.equal(run.title, "schedule nightly: sales/daily [2024-01-01...2024-01-02]");
    assert.equal(run.status, "failure");
    assert.equal(run.env, "prod");
    assert.deepEqual(
      run.steps.map((s) => [s.id, s.outcome, s.durationMs]),
      [
        ["sales/daily[2024-01-01]", "materialized", 12],
        ["sales/daily[2024-01-02]", "failed", 3],
      ],
    );
    assert.deepEqual(run.steps[0]!.details, [
      { label: "[info] read 3 rows", kind: "log" },
      { label: "check positive: failed", description: "a day lost money", kind: "check-failed" },
    ]);
    assert.deepEqual(run.steps[1]!.details, [{ label: "error: no file", kind: "error" }]);
  });

  it("a run killed half way: what never finished is running or interrupted; a checks-only run says so", () => {
    const killed = runTree("r2", [
      {
        ...base,
        type: "run_start",
        selection: "a",
        assets: ["a", "b"],
        env: "local",
        pid: 1,
        concurrency: 1,
      },
      { ...base, type: "asset_start", key: "a" },
    ]);
    assert.equal(killed.status, "running or interrupted");
    assert.equal(killed.title, "a and b");
    assert.deepEqual(
      killed.steps.map((s) => s.outcome),
      ["running"],
    );
    const checks = runTree("r3", [
      {
        ...base,
        type: "run_start",
        selection: "a",
        assets: ["a"],
        env: "local",
        pid: 1,
        concurrency: 1,
        checksOnly: true,
      },
      {
        ...base,
        type: "check_result",
        key: "a",
        check: "c",
        passed: true,
        blocking: false,
        severity: "error",
      },
    ]);
    assert.equal(checks.title, "checks of a");
    const upstream = runTree("r4", [
      {
        ...base,
        type: "run_start",
        selection: '+key:"b"',
        assets: ["a", "b"],
        env: "local",
        pid: 1,
        concurrency: 1,
      },
    ]);
    assert.equal(
      upstream.title,
      "b and 1 upstream asset",
      "an asset run with its upstream is named by that asset",
    );
    assert.equal(checks.steps[0]!.outcome, "materialized");
  });
});
