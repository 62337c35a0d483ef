import assert from "node:assert/strict";
import {
  applyToIndex,
  assetStatus,
  assetStatuses,
  describeStates,
  emptyIndex,
  endRun,
  statusFromEvent,
  type RunEvent,
  type StateFacts,
} from "@assetline/core";
import { EXPECTED, scenarioIndex, scenarioRuns } from "../../support/run-records";

const now = Date.parse("2026-12-01T12:00:00.000Z");
const FACTS: StateFacts[] = [
  { key: "s/never", upstreams: [] },
  { key: "s/up", upstreams: [] },
  { key: "s/down", upstreams: ["s/up"] },
  { key: "s/monthly", upstreams: [], maxLag: "P1M" },
  { key: "s/running", upstreams: [] },
  { key: "s/failed", upstreams: [] },
  { key: "s/checked", upstreams: [], checks: { non_negative: { blocking: true } } },
];

describe("core: the run state of an asset (core/src/state.ts)", () => {
  const index = scenarioIndex(scenarioRuns(now, 1));
  const states = assetStatuses(FACTS, index, now);

  it("says never, fresh, stale (upstream, freshness), running, failed and check failed, with their words", () => {
    for (const [key, expected] of Object.entries(EXPECTED)) {
      assert.equal(states[key]!.state, expected.state, key);
      assert.match(states[key]!.title!, expected.title, key);
    }
  });

  it("gives the reasons as data: which upstream, by how much maxLag passed, which check, which error", () => {
    assert.deepEqual(
      states["s/down"]!.reasons!.map((reason) => reason.code === "upstream-newer" && reason.upstream),
      ["s/up"],
    );
    const freshness = states["s/monthly"]!.reasons![0]!;
    assert.ok(freshness.code === "freshness");
    assert.equal(freshness.maxLag, "P1M");
    assert.equal(freshness.ageMs, 40 * 864e5);
    assert.equal(freshness.overByMs, 10 * 864e5);
    const check = states["s/checked"]!.reasons![0]!;
    assert.ok(check.code === "check-failed");
    assert.deepEqual([check.check, check.blocking, check.runId], ["non_negative", true, "r2"]);
    assert.match(states["s/failed"]!.reason!, /The latest run \(r2\) failed: boom/);
    assert.equal(states["s/up"]!.reasons!.length, 0);
    assert.equal(states["s/running"]!.runId, "r3");
  });

  it("stops saying running once the run ends, or its process is gone", () => {
    const runs = scenarioRuns(now, 1);
    const ended = scenarioIndex({ ...runs, r3: [...runs.r3!] });
    endRun(ended, "r3");
    assert.equal(assetStatus(FACTS[4]!, ended, now).state, "never");
    const cancelled = scenarioIndex(runs);
    applyToIndex(cancelled, {
      type: "run_end",
      runId: "r3",
      time: new Date(now).toISOString(),
      status: "cancelled",
      durationMs: 1,
      materialized: [],
      failed: [],
      skipped: [],
      failedChecks: [],
    });
    assert.equal(assetStatus(FACTS[4]!, cancelled, now).state, "never");
  });

  it("an asset a cancelled run stopped keeps the state it had (cancelling is not a failure)", () => {
    const index = scenarioIndex(scenarioRuns(now, 1));
    const at = (offset: number) => new Date(now + offset).toISOString();
    for (const [key, run] of [
      ["s/up", "r9"],
      ["s/never", "r9"],
    ] as const) {
      applyToIndex(index, { type: "asset_start", runId: run, time: at(1), key });
      applyToIndex(index, {
        type: "asset_failure",
        runId: run,
        time: at(2),
        key,
        reason: "cancelled",
        durationMs: 1,
        error: { message: `Asset "${key}" was cancelled.` },
      });
    }
    assert.equal(assetStatus(FACTS[1]!, index, now + 3).state, "fresh");
    assert.equal(assetStatus(FACTS[0]!, index, now + 3).state, "never");
    const live: RunEvent = {
      type: "asset_failure",
      runId: "r9",
      time: at(2),
      key: "s/up",
      reason: "cancelled",
      durationMs: 1,
      error: { message: "cancelled" },
    };
    assert.equal(statusFromEvent(live, now), undefined, "a live cancel changes nothing shown");
    // A real failure still fails it.
    applyToIndex(index, { ...live, time: at(4), reason: "error", error: { message: "boom" } });
    assert.equal(assetStatus(FACTS[1]!, index, now + 5).state, "failed");
  });

  it("an older asset_start folded again never makes a finished asset running", () => {
    const again = scenarioIndex(scenarioRuns(now, 1));
    for (const event of scenarioRuns(now, 1).r2!) applyToIndex(again, event);
    assert.equal(assetStatus(FACTS[1]!, again, now).state, "fresh");
  });

  it("forgets a failed check once the asset is materialized again; takes blocking from the facts", () => {
    const later = scenarioIndex(scenarioRuns(now, 1));
    const time = new Date(now - 1000).toISOString();
    applyToIndex(later, {
      type: "asset_success",
      runId: "r4",
      time,
      key: "s/checked",
      durationMs: 1,
      output: {},
    });
    assert.equal(assetStatus(FACTS[6]!, later, now).state, "fresh");
    const warned = assetStatus({ ...FACTS[6]!, checks: { non_negative: { blocking: false } } }, index, now);
    assert.equal(warned.title, "✗ check failed: non_negative");
    // Without the facts (the editor), the recorded blocking decides.
    assert.equal(
      assetStatus({ key: "s/checked", upstreams: [] }, index, now).title,
      "✗ check failed: non_negative (blocking)",
    );
  });

  it("says the code changed only when the code is known", () => {
    const index = emptyIndex();
    const time = new Date(now - 1000).toISOString();
    applyToIndex(index, {
      type: "asset_success",
      runId: "r1",
      time,
      key: "c/a",
      durationMs: 1,
      output: {},
      codeVersion: "1",
    });
    applyToIndex(index, {
      type: "asset_success",
      runId: "r1",
      time,
      key: "c/b",
      durationMs: 1,
      output: {},
      sourceHash: "abc",
    });
    assert.equal(assetStatus({ key: "c/a", upstreams: [] }, index, now).state, "fresh");
    const changed = assetStatus({ key: "c/a", upstreams: [], code: { codeVersion: "2" } }, index, now);
    assert.deepEqual(
      changed.reasons!.map((reason) => reason.code),
      ["code-version-changed"],
    );
    assert.equal(changed.title, "⚠ stale: codeVersion changed");
    assert.equal(
      assetStatus({ key: "c/b", upstreams: [], code: { sourceHash: "abc" } }, index, now).state,
      "fresh",
    );
    assert.equal(
      assetStatus({ key: "c/b", upstreams: [], code: { sourceHash: "def" } }, index, now).title,
      "⚠ stale: code changed",
    );
  });

  it("sums up several states, most urgent first", () => {
    assert.equal(
      describeStates(Object.values(states).map((status) => status.state)),
      "⟳ 1 running · ✗ 1 failed · ✗ 1 check failed · ⚠ 2 stale · ✓ 1 fresh · 1 never materialized",
    );
  });

  it("says what a live event says, in the same words", () => {
    const events = scenarioRuns(now, 1).r2!;
    const words = events
      .map((event: RunEvent) => statusFromEvent(event, now)?.title)
      .filter((title) => title !== undefined);
    assert.deepEqual(words, [
      "⟳ running…",
      "✓ fresh (1 h ago)",
      "⟳ running…",
      "✗ failed (1 h ago)",
      "⟳ running…",
      "✓ fresh (1 h ago)",
      "✗ check failed: non_negative (blocking)",
    ]);
  });
});
