import assert from "node:assert/strict";
import { parseLag, runStatusTitle } from "../../../server/src/handlers/runStatus";

describe("run status lenses (server/src/handlers/runStatus.ts)", function () {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const at = (minutesAgo: number): string => new Date(now - minutesAgo * 60_000).toISOString();

  it("parses freshness lags: short units and ISO 8601 durations", function () {
    assert.equal(parseLag("24h"), 24 * 3_600_000);
    assert.equal(parseLag("30m"), 30 * 60_000);
    assert.equal(parseLag("7d"), 7 * 86_400_000);
    assert.equal(parseLag("P1DT2H"), 26 * 3_600_000);
    assert.equal(parseLag("PT90S"), 90_000);
    assert.equal(parseLag("soon"), undefined);
    assert.equal(parseLag("P"), undefined);
  });

  it("says never run, failed, fresh or stale", function () {
    assert.equal(runStatusTitle(undefined, "1h", now), "never run");
    assert.equal(
      runStatusTitle({ lastStatus: "failure", lastTime: at(5) }, undefined, now),
      "✗ failed 5 min ago",
    );
    const success = { lastStatus: "success" as const, lastTime: at(90), lastSuccess: { time: at(90) } };
    assert.equal(runStatusTitle(success, undefined, now), "✓ 2 h ago");
    assert.equal(runStatusTitle(success, "2h", now), "✓ fresh (2 h ago)");
    assert.equal(runStatusTitle(success, "1h", now), "⚠ stale: 2 h ago, max lag 1h");
  });
});
