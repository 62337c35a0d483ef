/**
 * Partitions definitions against Dagster 1.13's keys and windows for the same parameters (each
 * expectation was read off DailyPartitionsDefinition & co. in Dagster; the pytest suite checks a
 * generated battery against real Dagster too).
 */
import assert from "node:assert/strict";
import {
  dailyPartitions,
  defaultMapping,
  hourlyPartitions,
  monthlyPartitions,
  multiPartitions,
  partitionKeyProblem,
  partitionKeys,
  partitionKeysInRange,
  partitionWindow,
  PartitionsDefinitionError,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  timeWindowPartitions,
  upstreamPartitions,
  weeklyPartitions,
  type PartitionsDefinition,
} from "@assetline/core";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function windowOf(d: PartitionsDefinition, key: string): [string, string] {
  const window = partitionWindow(d, key);
  assert.ok(window, `no window for ${key}`);
  return [iso(window.start), iso(window.end)];
}

function problemsOf(make: () => unknown): string[] {
  try {
    make();
  } catch (error) {
    assert.ok(error instanceof PartitionsDefinitionError, String(error));
    return error.problems;
  }
  assert.fail("expected the definition to be refused");
}

describe("partitions (core)", () => {
  const now = at("2024-03-12T10:30:00Z");

  describe("daily", () => {
    it("from the start to the last complete day", () => {
      const keys = partitionKeys(dailyPartitions({ start: "2024-03-01" }), now);
      assert.equal(keys.length, 11);
      assert.deepEqual([keys[0], keys.at(-1)], ["2024-03-01", "2024-03-11"]);
    });

    it("an end is exclusive; it wins over endOffset", () => {
      assert.deepEqual(partitionKeys(dailyPartitions({ start: "2024-03-01", end: "2024-03-05" }), now), [
        "2024-03-01",
        "2024-03-02",
        "2024-03-03",
        "2024-03-04",
      ]);
      const later = at("2024-12-10T00:00:00Z");
      assert.deepEqual(
        partitionKeys(dailyPartitions({ start: "2024-12-01", end: "2024-12-03", endOffset: 2 }), later),
        ["2024-12-01", "2024-12-02"],
      );
    });

    it("endOffset adds the day in progress, or holds back complete ones", () => {
      assert.equal(
        partitionKeys(dailyPartitions({ start: "2024-03-01", endOffset: 1 }), now).at(-1),
        "2024-03-12",
      );
      const midnight = at("2024-12-04T00:00:00Z");
      assert.deepEqual(partitionKeys(dailyPartitions({ start: "2024-12-01", endOffset: -1 }), midnight), [
        "2024-12-01",
        "2024-12-02",
      ]);
    });

    it("a start with a time begins at the next day's tick", () => {
      const d = dailyPartitions({ start: "2024-03-01-05:00", format: "%Y-%m-%d-%H:%M" });
      const keys = partitionKeys(d, now);
      assert.deepEqual([keys.length, keys[0], keys.at(-1)], [10, "2024-03-02-00:00", "2024-03-11-00:00"]);
    });

    it("a day across spring-forward is 23 hours in New York", () => {
      const d = dailyPartitions({ start: "2024-03-09", timezone: "America/New_York" });
      assert.deepEqual(partitionKeys(d, now), ["2024-03-09", "2024-03-10", "2024-03-11"]);
      assert.deepEqual(windowOf(d, "2024-03-10"), ["2024-03-10T05:00:00.000Z", "2024-03-11T04:00:00.000Z"]);
    });

    it("an offset time in the spring gap moves to the gap's end; in the autumn fold, to its later hour", () => {
      const spring = dailyPartitions({
        start: "2024-03-29",
        end: "2024-04-02",
        timezone: "Europe/Berlin",
        hourOffset: 2,
        minuteOffset: 30,
      });
      assert.deepEqual(partitionKeys(spring, now), ["2024-03-29", "2024-03-30", "2024-03-31"]);
      // 02:30 CET, then 03:00 CEST (the gap's end), then 02:30 CEST.
      assert.deepEqual(windowOf(spring, "2024-03-30"), [
        "2024-03-30T01:30:00.000Z",
        "2024-03-31T01:00:00.000Z",
      ]);
      assert.deepEqual(windowOf(spring, "2024-03-31"), [
        "2024-03-31T01:00:00.000Z",
        "2024-04-01T00:30:00.000Z",
      ]);
      const autumn = dailyPartitions({
        start: "2024-10-26",
        end: "2024-10-29",
        timezone: "Europe/Berlin",
        hourOffset: 2,
        minuteOffset: 30,
      });
      // 02:30 CEST on the 26th, then 02:30 CET (the later of the two) on the 27th.
      assert.deepEqual(windowOf(autumn, "2024-10-26"), [
        "2024-10-26T00:30:00.000Z",
        "2024-10-27T01:30:00.000Z",
      ]);
    });
  });

  describe("hourly", () => {
    const later = at("2024-12-12T10:30:00Z");

    it("skips the hour that does not exist at spring-forward", () => {
      const d = hourlyPartitions({
        start: "2024-03-31-00:00",
        end: "2024-03-31-05:00",
        timezone: "Europe/Berlin",
      });
      assert.deepEqual(partitionKeys(d, later), [
        "2024-03-31-00:00",
        "2024-03-31-01:00",
        "2024-03-31-03:00",
        "2024-03-31-04:00",
      ]);
      assert.deepEqual(windowOf(d, "2024-03-31-01:00"), [
        "2024-03-31T00:00:00.000Z",
        "2024-03-31T01:00:00.000Z",
      ]);
    });

    it("has the repeated hour twice at fall-back, the second with its offset", () => {
      const d = hourlyPartitions({
        start: "2023-10-29-00:00",
        end: "2023-10-29-05:00",
        timezone: "Europe/Berlin",
      });
      assert.deepEqual(partitionKeys(d, later), [
        "2023-10-29-00:00",
        "2023-10-29-01:00",
        "2023-10-29-02:00",
        "2023-10-29-02:00+0100",
        "2023-10-29-03:00",
        "2023-10-29-04:00",
      ]);
      assert.deepEqual(windowOf(d, "2023-10-29-02:00"), [
        "2023-10-29T00:00:00.000Z",
        "2023-10-29T01:00:00.000Z",
      ]);
      assert.deepEqual(windowOf(d, "2023-10-29-02:00+0100"), [
        "2023-10-29T01:00:00.000Z",
        "2023-10-29T02:00:00.000Z",
      ]);
    });

    it("with a minute offset in New York's fold", () => {
      const d = hourlyPartitions({
        start: "2024-11-03-00:00",
        end: "2024-11-03-03:00",
        timezone: "America/New_York",
        minuteOffset: 30,
      });
      assert.deepEqual(partitionKeys(d, later), [
        "2024-11-03-00:30",
        "2024-11-03-01:30",
        "2024-11-03-01:30-0500",
      ]);
    });
  });

  describe("weekly and monthly", () => {
    it("weeks start on Sunday, or on dayOffset", () => {
      const sunday = partitionKeys(weeklyPartitions({ start: "2024-01-03" }), now);
      assert.deepEqual([sunday.length, sunday[0], sunday.at(-1)], [9, "2024-01-07", "2024-03-03"]);
      const monday = partitionKeys(weeklyPartitions({ start: "2024-01-03", dayOffset: 1 }), now);
      assert.deepEqual([monday[0], monday.at(-1)], ["2024-01-08", "2024-03-04"]);
    });

    it("a week across the autumn change in Berlin", () => {
      const d = weeklyPartitions({ start: "2024-10-20", end: "2024-11-10", timezone: "Europe/Berlin" });
      assert.deepEqual(partitionKeys(d, at("2024-12-12T00:00:00Z")), [
        "2024-10-20",
        "2024-10-27",
        "2024-11-03",
      ]);
      assert.deepEqual(windowOf(d, "2024-10-27"), ["2024-10-26T22:00:00.000Z", "2024-11-02T23:00:00.000Z"]);
    });

    it("months start on the first, or on dayOffset", () => {
      assert.deepEqual(partitionKeys(monthlyPartitions({ start: "2023-11-15" }), now), [
        "2023-12-01",
        "2024-01-01",
        "2024-02-01",
      ]);
      assert.deepEqual(partitionKeys(monthlyPartitions({ start: "2023-11-15", dayOffset: 5 }), now), [
        "2023-12-05",
        "2024-01-05",
        "2024-02-05",
      ]);
    });
  });

  describe("any cron schedule (Dagster's TimeWindowPartitionsDefinition)", () => {
    it("windows run from tick to tick in the zone, across the autumn change; shifts step a tick", () => {
      const d = timeWindowPartitions({
        cron: "0 0,6,12,18 * * *",
        start: "2024-10-26-12:00",
        end: "2024-10-27-12:00",
        timezone: "Europe/Berlin",
      });
      assert.deepEqual(partitionKeys(d, at("2024-12-01T00:00:00Z")), [
        "2024-10-26-12:00",
        "2024-10-26-18:00",
        "2024-10-27-00:00",
        "2024-10-27-06:00",
      ]);
      // 00:00 to 06:00 on the night the clocks go back is seven hours long.
      assert.deepEqual(windowOf(d, "2024-10-27-00:00"), [
        "2024-10-26T22:00:00.000Z",
        "2024-10-27T05:00:00.000Z",
      ]);
      const weekly = timeWindowPartitions({
        cron: "0 9 * * 1",
        start: "2024-09-02-09:00",
        end: "2024-09-23-09:00",
      });
      assert.deepEqual(
        upstreamPartitions({
          downstream: weekly,
          downstreamKey: "2024-09-09-09:00",
          upstream: weekly,
          mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }),
          now,
        }).keys,
        ["2024-09-02-09:00"],
      );
    });

    it("a bad cron, or an offset the cron decides, is a sentence", () => {
      assert.match(
        problemsOf(() => timeWindowPartitions({ cron: "61 * * * *", start: "2024-01-01-00:00" }))[0]!,
        /"61 \* \* \* \*" is not a cron expression/,
      );
      assert.match(
        problemsOf(() =>
          timeWindowPartitions({
            cron: "0 * * * *",
            start: "2024-01-01-00:00",
            ...({ hourOffset: 2 } as object),
          }),
        )[0]!,
        /hourOffset does not apply to cron partitions/,
      );
    });
  });

  describe("static and multi", () => {
    it("multi keys join the dimensions in name order, the first outermost", () => {
      const later = at("2024-12-12T10:30:00Z");
      const byDate = multiPartitions({
        region: staticPartitions(["us", "eu"]),
        date: dailyPartitions({ start: "2024-12-10" }),
      });
      assert.deepEqual(partitionKeys(byDate, later), [
        "2024-12-10|us",
        "2024-12-10|eu",
        "2024-12-11|us",
        "2024-12-11|eu",
      ]);
      const byA = multiPartitions({
        a: staticPartitions(["us", "eu"]),
        date: dailyPartitions({ start: "2024-12-10" }),
      });
      assert.deepEqual(partitionKeys(byA, later), [
        "us|2024-12-10",
        "us|2024-12-11",
        "eu|2024-12-10",
        "eu|2024-12-11",
      ]);
      assert.deepEqual(windowOf(byA, "eu|2024-12-11"), [
        "2024-12-11T00:00:00.000Z",
        "2024-12-12T00:00:00.000Z",
      ]);
    });
  });

  describe("bad definitions are sentences", () => {
    it("an unparsable start, a bad time zone, an end before the start, duplicate keys", () => {
      assert.match(
        problemsOf(() => dailyPartitions({ start: "2024/03/10" }))[0] ?? "",
        /start "2024\/03\/10" is not a date in the format %Y-%m-%d: write it like 2024-01-31/,
      );
      assert.match(problemsOf(() => dailyPartitions({ start: "2024-02-30" }))[0] ?? "", /is not a date/);
      assert.match(
        problemsOf(() => dailyPartitions({ start: "2024-03-01", timezone: "Not/AZone" }))[0] ?? "",
        /"Not\/AZone" is not a time zone/,
      );
      assert.match(
        problemsOf(() => dailyPartitions({ start: "2024-03-10", end: "2024-03-01" }))[0] ?? "",
        /end 2024-03-01 is not after start 2024-03-10/,
      );
      assert.match(
        problemsOf(() => staticPartitions(["a", "b", "a"]))[0] ?? "",
        /"a" appears more than once/,
      );
      assert.match(
        problemsOf(() => weeklyPartitions({ start: "2024-01-01", dayOffset: 7 }))[0] ?? "",
        /dayOffset \(0 = Sunday\) must be a whole number from 0 to 6/,
      );
      assert.match(
        problemsOf(() =>
          multiPartitions({
            a: dailyPartitions({ start: "2024-01-01" }),
            b: hourlyPartitions({ start: "2024-01-01-00:00" }),
          }),
        )[0] ?? "",
        /at most one dimension/,
      );
    });

    it("a key that does not exist says which do", () => {
      const d = dailyPartitions({ start: "2024-03-01" });
      assert.equal(partitionKeyProblem(d, "2024-03-05", now), undefined);
      assert.match(
        partitionKeyProblem(d, "2024-13-01", now) ?? "",
        /not a daily partition key: keys look like 2024-03-01/,
      );
      assert.match(
        partitionKeyProblem(d, "2024-03-20", now) ?? "",
        /outside the partitions that exist now \(2024-03-01 to 2024-03-11\)/,
      );
      assert.match(
        partitionKeyProblem(staticPartitions(["us", "eu"]), "de", now) ?? "",
        /"de" is not one of the partitions: "us", "eu"/,
      );
      assert.deepEqual(partitionKeysInRange(d, "2024-03-09", "2024-03-11", now), [
        "2024-03-09",
        "2024-03-10",
        "2024-03-11",
      ]);
      assert.match(String(partitionKeysInRange(d, "2024-03-11", "2024-03-09", now)), /runs backwards/);
    });
  });

  describe("mappings", () => {
    const later = at("2024-12-12T10:30:00Z");
    const daily = dailyPartitions({ start: "2024-12-01" });
    const weekly = weeklyPartitions({ start: "2024-12-01" });
    const hourly = hourlyPartitions({ start: "2024-12-01-00:00" });
    const up = (
      downstream: PartitionsDefinition | undefined,
      key: string | undefined,
      upstream: PartitionsDefinition,
      mapping?: Parameters<typeof upstreamPartitions>[0]["mapping"],
    ) => upstreamPartitions({ downstream, downstreamKey: key, upstream, mapping, now: later });

    it("a weekly rollup reads its seven days; a daily asset the 24 hours; an hour its day", () => {
      assert.deepEqual(up(weekly, "2024-12-01", daily).keys, [
        "2024-12-01",
        "2024-12-02",
        "2024-12-03",
        "2024-12-04",
        "2024-12-05",
        "2024-12-06",
        "2024-12-07",
      ]);
      assert.equal(up(daily, "2024-12-02", hourly).keys?.length, 24);
      assert.deepEqual(up(hourly, "2024-12-02-05:00", daily).keys, ["2024-12-02"]);
    });

    it("yesterday, and the last seven days, with offsets", () => {
      assert.deepEqual(
        up(daily, "2024-12-05", daily, timeWindowMapping({ startOffset: -1, endOffset: -1 })).keys,
        ["2024-12-04"],
      );
      const first = up(daily, "2024-12-01", daily, timeWindowMapping({ startOffset: -1, endOffset: -1 }));
      assert.deepEqual(first.keys, []);
      assert.equal(first.missing.length, 1);
      assert.deepEqual(up(daily, "2024-12-08", daily, timeWindowMapping({ startOffset: -6 })).keys, [
        "2024-12-02",
        "2024-12-03",
        "2024-12-04",
        "2024-12-05",
        "2024-12-06",
        "2024-12-07",
        "2024-12-08",
      ]);
    });

    it("unpartitioned downstream reads all; static mappings; mismatches need a mapping", () => {
      assert.equal(up(undefined, undefined, daily).keys?.length, 11);
      const regions = staticPartitions(["us", "eu"]);
      const countries = staticPartitions(["us-ca", "us-ny", "de"]);
      assert.match(
        defaultMapping(countries, regions) as string,
        /do not map to static partitions .* by themselves: give the input a partition mapping/,
      );
      assert.deepEqual(
        up(regions, "us", countries, staticMapping({ "us-ca": "us", "us-ny": "us", de: "eu" })).keys,
        ["us-ca", "us-ny"],
      );
      const multi = multiPartitions({ date: daily, region: regions });
      assert.deepEqual(up(multi, "2024-12-03|eu", daily).keys, ["2024-12-03"]);
      assert.deepEqual(up(daily, "2024-12-03", multi).keys, ["2024-12-03|us", "2024-12-03|eu"]);
    });
  });
});
