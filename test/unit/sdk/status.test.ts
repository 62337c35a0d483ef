import assert from "node:assert/strict";
import { asset, collectDefinitions } from "../../../sdk/src";
import type { RunIndex } from "../../../sdk/src/runner/events";
import { computeStatus, parseDuration } from "../../../sdk/src/status/status";

describe("status: freshness and durations", () => {
  it("parses short and ISO 8601 durations", () => {
    assert.equal(parseDuration("24h"), 24 * 3600e3);
    assert.equal(parseDuration("30m"), 30 * 60e3);
    assert.equal(parseDuration("7d"), 7 * 864e5);
    assert.equal(parseDuration("PT6H"), 6 * 3600e3);
    assert.equal(parseDuration("P1DT30M"), 864e5 + 30 * 60e3);
    assert.equal(parseDuration("soon"), undefined);
    assert.equal(parseDuration("P"), undefined);
  });

  it("flags an asset older than its freshness maxLag", () => {
    const a = asset("f/a", { freshness: { maxLag: "24h" } }, () => 1);
    const defs = collectDefinitions([a]);
    const time = "2026-11-20T00:00:00.000Z";
    const index: RunIndex = {
      version: 1,
      runs: {},
      assets: {
        "f/a": {
          key: "f/a",
          lastRunId: "r1",
          lastStatus: "success",
          lastTime: time,
          lastSuccess: { runId: "r1", time, durationMs: 1 },
        },
      },
    };
    const fresh = computeStatus(defs, index, Date.parse(time) + 23 * 3600e3)[0]!;
    assert.equal(fresh.state, "fresh");
    const stale = computeStatus(defs, index, Date.parse(time) + 25 * 3600e3)[0]!;
    assert.equal(stale.state, "stale");
    assert.equal(stale.reasons[0]!.code, "freshness");
    assert.match(stale.reasons[0]!.message, /older than its freshness maxLag 24h/);
  });
});
