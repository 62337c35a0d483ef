/**
 * Declarative automation over recorded histories, with the meaning Dagster's
 * AutomationCondition.eager(), on_cron() and on_missing() give (docs: "Declarative automation",
 * and the conditions' definitions in dagster/_core/definitions/declarative_automation).
 */
import assert from "node:assert/strict";
import {
  and,
  anyDepsMissing,
  conditionProblems,
  cronProblem,
  cronTicksBetween,
  describeAutomation,
  describeCondition,
  eager,
  evaluateAutomation,
  not,
  onCron,
  onMissing,
  type AutomationAsset,
  type AutomationCursor,
} from "@assetline/core";

const at = (time: string) => Date.parse(`2024-12-07T${time}:00Z`);

function evaluate(assets: AutomationAsset[], now: string, cursor?: AutomationCursor, since?: string) {
  return evaluateAutomation({
    assets,
    at: at(now),
    cursor,
    since: since === undefined ? undefined : at(since),
  });
}

const decision = (e: ReturnType<typeof evaluate>, key: string) =>
  e.requested.find((d) => d.key === key)
    ? "requested"
    : e.skipped.find((d) => d.key === key)
      ? "skipped"
      : "absent";
const reason = (e: ReturnType<typeof evaluate>, key: string) =>
  [...e.requested, ...e.skipped].find((d) => d.key === key)?.reason ?? "";

describe("automation (core)", () => {
  describe("eager()", () => {
    const raw = { key: "ingest/raw", deps: [], lastMaterialized: at("06:02") };

    it("requests an asset whose upstream was updated after it, and says when", () => {
      const cleaned = {
        key: "t/cleaned",
        deps: ["ingest/raw"],
        automation: eager(),
        lastMaterialized: at("05:00"),
      };
      const e = evaluate([raw, cleaned], "06:30", undefined, "06:00");
      assert.deepEqual(e.requested, [
        {
          key: "t/cleaned",
          reason: "upstream ingest/raw was updated at 06:02 UTC, after the last materialization at 05:00 UTC",
        },
      ]);
    });

    it("requests a missing asset once its upstreams exist, and the whole missing chain in one evaluation", () => {
      const a = { key: "a", deps: ["ingest/raw"], automation: eager() };
      const b = { key: "b", deps: ["a"], automation: eager() };
      const e = evaluate([b, a, raw], "06:30");
      assert.deepEqual(
        e.requested.map((d) => d.key),
        ["a", "b"],
      );
      assert.equal(reason(e, "b"), "it was never materialized");
    });

    it("waits while an upstream is missing or in progress, or a run of it is", () => {
      const missingUp = { key: "up", deps: [] };
      const down = { key: "down", deps: ["up"], automation: eager() };
      assert.equal(
        reason(evaluate([missingUp, down], "06:30"), "down"),
        "upstream up is missing (never materialized)",
      );
      const running = { key: "up", deps: [], lastMaterialized: at("06:10"), inProgress: true };
      const stale = { ...down, lastMaterialized: at("05:00") };
      assert.equal(
        reason(evaluate([running, stale], "06:30", undefined, "06:00"), "down"),
        "upstream up is being materialized",
      );
      const self = { ...stale, inProgress: true };
      assert.equal(
        reason(evaluate([raw, { ...self, deps: ["ingest/raw"] }], "06:30", undefined, "06:00"), "down"),
        "a run of it is in progress",
      );
    });

    it("an external upstream (declared, never materialized here) does not count as missing", () => {
      const fx = { key: "finance/fx", deps: [], external: true };
      const daily = {
        key: "t/daily",
        deps: ["ingest/raw", "finance/fx"],
        automation: eager(),
        lastMaterialized: at("05:00"),
      };
      assert.equal(decision(evaluate([raw, fx, daily], "06:30", undefined, "06:00"), "t/daily"), "requested");
    });

    it("is handled by its request: the next evaluation does not ask again for the same update", () => {
      const cleaned = {
        key: "t/cleaned",
        deps: ["ingest/raw"],
        automation: eager(),
        lastMaterialized: at("05:00"),
      };
      const first = evaluate([raw, cleaned], "06:30", undefined, "06:00");
      assert.equal(decision(first, "t/cleaned"), "requested");
      const second = evaluate([raw, cleaned], "07:00", first.cursor);
      assert.equal(decision(second, "t/cleaned"), "skipped");
      assert.equal(reason(second, "t/cleaned"), "no upstream was updated since the evaluation at 06:30 UTC");
    });

    it("does not re-run an asset materialized after its upstream", () => {
      const fresh = {
        key: "t/cleaned",
        deps: ["ingest/raw"],
        automation: eager(),
        lastMaterialized: at("06:10"),
      };
      assert.equal(decision(evaluate([raw, fresh], "06:30", undefined, "06:00"), "t/cleaned"), "skipped");
    });
  });

  describe("onCron()", () => {
    const cron = onCron("0 6 * * *", { timezone: "Europe/Berlin" }); // 05:00 UTC in winter

    it("once per tick, after every upstream was updated since the tick", () => {
      const up = { key: "up", deps: [], lastMaterialized: at("04:00") };
      const report = { key: "report", deps: ["up"], automation: cron, lastMaterialized: at("03:00") };
      const waiting = evaluate([up, report], "05:10", undefined, "04:50");
      assert.equal(reason(waiting, "report"), "waiting for upstream up to be updated since the 06:00 tick");
      // The upstream arrives after the tick's window has passed: the tick is remembered.
      const arrived = { ...up, lastMaterialized: at("05:20") };
      const later = evaluate([arrived, report], "05:30", waiting.cursor);
      assert.equal(decision(later, "report"), "requested");
      assert.equal(
        reason(later, "report"),
        "the cron tick at 06:00 (0 6 * * *, Europe/Berlin) passed; every upstream was updated since the 06:00 tick",
      );
      // Requested once; the next evaluation waits for the next tick.
      const after = evaluate([arrived, report], "06:00", later.cursor);
      assert.equal(decision(after, "report"), "skipped");
      assert.match(
        reason(after, "report"),
        /no cron tick since 06:30; next: 2024-12-08 06:00 \(0 6 \* \* \*, Europe\/Berlin\)/,
      );
    });

    it("ticks as Dagster's schedules do across daylight-saving changes", () => {
      const ticks = cronTicksBetween(
        "30 2 * * *",
        "Europe/Berlin",
        Date.parse("2024-10-26T00:00:00Z"),
        Date.parse("2024-10-28T12:00:00Z"),
      );
      assert.deepEqual(
        ticks.map((t) => new Date(t).toISOString()),
        [
          "2024-10-26T00:30:00.000Z",
          "2024-10-27T01:30:00.000Z", // the later 02:30 of the fold
          "2024-10-28T01:30:00.000Z",
        ],
      );
      const spring = cronTicksBetween(
        "30 2 * * *",
        "Europe/Berlin",
        Date.parse("2024-03-30T00:00:00Z"),
        Date.parse("2024-04-01T12:00:00Z"),
      );
      assert.equal(new Date(spring[1] as number).toISOString(), "2024-03-31T01:00:00.000Z"); // the gap's end, 03:00
      const hourly = cronTicksBetween(
        "0 * * * *",
        "Europe/Berlin",
        Date.parse("2023-10-28T23:30:00Z"),
        Date.parse("2023-10-29T02:30:00Z"),
      );
      assert.equal(hourly.length, 3); // 02:00 CEST and 02:00 CET both fire
    });
  });

  describe("onMissing() and combinations", () => {
    it("fills a missing asset once, and not one that exists", () => {
      const up = { key: "up", deps: [], lastMaterialized: at("01:00") };
      const gap = { key: "gap", deps: ["up"], automation: onMissing() };
      const first = evaluate([up, gap], "06:00");
      assert.equal(decision(first, "gap"), "requested");
      assert.equal(decision(evaluate([up, gap], "06:30", first.cursor), "gap"), "skipped");
      assert.equal(
        decision(evaluate([up, { ...gap, lastMaterialized: at("02:00") }], "06:00"), "gap"),
        "skipped",
      );
    });

    it("and/not compose building blocks, and read back as written", () => {
      const condition = and(eager(), not(anyDepsMissing()));
      assert.equal(describeCondition(condition), "and(eager(), not(anyDepsMissing()))");
      assert.equal(
        describeCondition(onCron("0 6 * * *", { timezone: "Europe/Berlin" })),
        'onCron("0 6 * * *", "Europe/Berlin")',
      );
    });

    it("describeAutomation says eager, on missing, or the next tick in the cron's time zone", () => {
      const now = Date.parse("2024-12-07T04:00:00Z"); // 05:00 in Berlin
      assert.equal(describeAutomation(eager(), now), "eager");
      assert.equal(describeAutomation(onMissing(), now), "on missing");
      const cron = onCron("0 6 * * *", { timezone: "Europe/Berlin" });
      assert.equal(describeAutomation(cron, now), "next: 06:00 (0 6 * * *, Europe/Berlin)");
      assert.equal(
        describeAutomation(cron, Date.parse("2024-12-07T06:00:00Z")),
        "next: 2024-12-08 06:00 (0 6 * * *, Europe/Berlin)",
      );
    });

    it("an unparsable cron or time zone is a sentence", () => {
      assert.deepEqual(conditionProblems(onCron("0 25 * * *")), [
        '"0 25 * * *" is not a cron expression (Invalid value for hour: 25): write five fields, e.g. "0 6 * * *" for 06:00 daily.',
      ]);
      assert.match(
        conditionProblems(onCron("0 6 * * *", { timezone: "Europe/Berln" }))[0] ?? "",
        /"Europe\/Berln" is not a time zone/,
      );
      assert.match(cronProblem("0 6 * *") ?? "", /write five fields/);
    });
  });
});
