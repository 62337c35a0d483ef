/**
 * Cron schedules in a time zone, ticking as Dagster's schedules tick. Croner parses the
 * expression and walks its wall-clock slots (in UTC, so that no time zone rule of its own
 * applies); `instantsOfSlot` turns each slot into instants with Dagster's daylight-saving rule,
 * the same rule hourly and daily partitions use.
 */
import { Cron } from "croner";
import { instantsOfSlot, isTimeZone, wallClock, wallOfNaive, naiveOf } from "./partitions/zone";

const DAY = 86_400_000;
const parsed = new Map<string, Cron>();

function cronOf(expression: string): Cron {
  let found = parsed.get(expression);
  if (found === undefined) {
    found = new Cron(expression.trim(), { timezone: "UTC", paused: true, mode: "5-part" });
    parsed.set(expression, found);
  }
  return found;
}

/** Why a cron expression or time zone cannot be used, in a sentence; undefined when both can. */
export function cronProblem(expression: string, timezone = "UTC"): string | undefined {
  if (!isTimeZone(timezone)) {
    return `"${timezone}" is not a time zone: use an IANA name such as "Europe/Berlin", or "UTC".`;
  }
  if (expression.trim().split(/\s+/).length !== 5 && !expression.trim().startsWith("@")) {
    return `"${expression}" is not a cron expression: write five fields, minute hour day-of-month month day-of-week (e.g. "0 6 * * *" for 06:00 daily).`;
  }
  try {
    cronOf(expression);
    return undefined;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
    return `"${expression}" is not a cron expression (${reason}): write five fields, e.g. "0 6 * * *" for 06:00 daily.`;
  }
}

/** Whether the schedule fires every hour (its hour field is `*`), which changes its daylight-saving rule. */
function repeatsEveryHour(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  return fields.length === 5 ? fields[1] === "*" : expression.trim() === "@hourly";
}

/** The schedule's ticks at or after `from`, ascending, without end (instants in milliseconds). */
export function* cronTicks(expression: string, timezone: string, from: number): Generator<number> {
  const cron = cronOf(expression);
  const everyHour = repeatsEveryHour(expression);
  // Start a day early in wall-clock time: a slot in a gap or a fold can land after its wall time.
  let slot: Date | null = new Date(naiveOf(wallClock(from, timezone)) - DAY);
  let last = -Infinity;
  for (;;) {
    slot = cron.nextRun(slot);
    if (slot === null) return;
    for (const instant of instantsOfSlot(wallOfNaive(slot.getTime()), timezone, everyHour)) {
      if (instant >= from && instant > last) {
        last = instant;
        yield instant;
      }
    }
  }
}

/** The first tick after `after`. */
export function nextCronTick(expression: string, timezone: string, after: number): number | undefined {
  for (const tick of cronTicks(expression, timezone, after + 1)) return tick;
  return undefined;
}

/** The ticks in the window (after, upTo], ascending. */
export function cronTicksBetween(
  expression: string,
  timezone: string,
  after: number,
  upTo: number,
): number[] {
  const ticks: number[] = [];
  for (const tick of cronTicks(expression, timezone, after + 1)) {
    if (tick > upTo) break;
    ticks.push(tick);
  }
  return ticks;
}

/** The latest tick at or before `at`, looking back at most `lookBack` (default: a year and a day). */
export function latestCronTick(
  expression: string,
  timezone: string,
  at: number,
  lookBack = 367 * DAY,
): number | undefined {
  const cron = cronOf(expression);
  const everyHour = repeatsEveryHour(expression);
  const wallAt = naiveOf(wallClock(at, timezone));
  // Croner walks backwards over wall-clock slots; the first whose instants reach back to `at` wins.
  for (const slot of cron.previousRuns(400, new Date(wallAt + DAY))) {
    if (slot.getTime() < wallAt - lookBack) break;
    const instants = instantsOfSlot(wallOfNaive(slot.getTime()), timezone, everyHour).filter((t) => t <= at);
    if (instants.length > 0) return instants[instants.length - 1];
  }
  return undefined;
}
