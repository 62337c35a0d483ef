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
  const id = `next\u0000${expression}\u0000${timezone}\u0000${after}`;
  if (memo.has(id)) return memo.get(id);
  let found: number | undefined;
  for (const tick of cronTicks(expression, timezone, after + 1)) {
    found = tick;
    break;
  }
  remember(id, found);
  return found;
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
  const id = `latest\u0000${expression}\u0000${timezone}\u0000${at}\u0000${lookBack}`;
  if (memo.has(id)) return memo.get(id);
  const cron = cronOf(expression);
  const everyHour = repeatsEveryHour(expression);
  const wallAt = naiveOf(wallClock(at, timezone));
  // Croner walks backwards over wall-clock slots, one at a time (most answers are a slot or two
  // away); the first whose instants reach back to `at` wins.
  let found: number | undefined;
  let cursor: Date = new Date(wallAt + DAY);
  for (let step = 0; step < 400; step++) {
    const [slot] = cron.previousRuns(1, cursor);
    if (slot === undefined || slot.getTime() < wallAt - lookBack) break;
    const instants = instantsOfSlot(wallOfNaive(slot.getTime()), timezone, everyHour).filter((t) => t <= at);
    if (instants.length > 0) {
      found = instants[instants.length - 1];
      break;
    }
    cursor = slot;
  }
  remember(id, found);
  return found;
}

/**
 * Ticks already computed, by schedule and instant: an evaluation asks once per asset with a
 * cron condition, for the same few schedules at the same instants (a tick is a pure function
 * of its arguments, so a remembered one is never wrong).
 */
const memo = new Map<string, number | undefined>();
function remember(id: string, tick: number | undefined): void {
  if (memo.size >= 1000) memo.clear();
  memo.set(id, tick);
}
