/**
 * Prints what @assetline/core computes for a battery of partitions definitions and cron
 * schedules, as JSON, for integrations/dagster/tests/test_core_parity.py to compare with real
 * Dagster (through the bridge's own mapping of each definition).
 *
 *   node --conditions=assetline-source --import tsx test/support/dagster-parity.ts
 */
import {
  cronTicksBetween,
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  multiPartitions,
  partitionKeys,
  partitionWindow,
  staticPartitions,
  timeWindowPartitions,
  weeklyPartitions,
  type PartitionsDefinition,
} from "@assetline/core";

const zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"];
const now = Date.parse("2024-11-20T10:30:00Z");

const definitions: PartitionsDefinition[] = [];
for (const timezone of zones) {
  definitions.push(
    dailyPartitions({ start: "2024-01-01", timezone }),
    dailyPartitions({ start: "2024-03-20", end: "2024-11-10", timezone, hourOffset: 2, minuteOffset: 30 }),
    dailyPartitions({ start: "2024-10-01", timezone, endOffset: 1 }),
    hourlyPartitions({ start: "2024-03-09-00:00", end: "2024-04-08-00:00", timezone }),
    hourlyPartitions({ start: "2024-10-25-00:00", end: "2024-11-06-00:00", timezone, minuteOffset: 30 }),
    weeklyPartitions({ start: "2024-01-01", timezone }),
    weeklyPartitions({ start: "2024-01-01", timezone, dayOffset: 3, hourOffset: 6 }),
    monthlyPartitions({ start: "2023-01-15", timezone }),
    monthlyPartitions({ start: "2023-01-15", timezone, dayOffset: 31 }),
    // Any cron schedule (Dagster's TimeWindowPartitionsDefinition), across the autumn change.
    timeWindowPartitions({
      cron: "0 0,6,12,18 * * *",
      start: "2024-10-20-00:00",
      end: "2024-11-10-00:00",
      timezone,
    }),
    timeWindowPartitions({ cron: "30 9 * * 1-5", start: "2024-09-02-09:30", timezone }),
  );
}
definitions.push(
  staticPartitions(["us", "eu", "apac"]),
  multiPartitions({ date: dailyPartitions({ start: "2024-11-01" }), region: staticPartitions(["us", "eu"]) }),
  multiPartitions({ color: staticPartitions(["red", "blue"]), size: staticPartitions(["s", "m", "l"]) }),
);

const partitions = definitions.map((definition) => {
  const keys = partitionKeys(definition, now);
  const windows = Object.fromEntries(
    keys.flatMap((key) => {
      const window = partitionWindow(definition, key);
      return window ? [[key, [window.start / 1000, window.end / 1000]]] : [];
    }),
  );
  return { definition, keys, windows };
});

const crons = ["0 * * * *", "30 2 * * *", "*/20 1-3 * * *", "0 6 * * 1-5", "15 3 1 * *", "0 0 * * 0"];
const schedules = zones.flatMap((timezone) =>
  crons.map((cron) => {
    const after = Date.parse("2024-03-08T00:00:00Z");
    const upTo = Date.parse("2024-04-08T00:00:00Z");
    const autumn = [Date.parse("2024-10-24T00:00:00Z"), Date.parse("2024-11-06T00:00:00Z")] as const;
    return {
      cron,
      timezone,
      windows: [
        {
          after: after / 1000,
          upTo: upTo / 1000,
          ticks: cronTicksBetween(cron, timezone, after, upTo).map((t) => t / 1000),
        },
        {
          after: autumn[0] / 1000,
          upTo: autumn[1] / 1000,
          ticks: cronTicksBetween(cron, timezone, autumn[0], autumn[1]).map((t) => t / 1000),
        },
      ],
    };
  }),
);

process.stdout.write(JSON.stringify({ now: now / 1000, partitions, schedules }));
