/**
 * Schedules and sensors: what starts runs besides a person and the assets' own automation
 * conditions. A schedule runs a selection at each tick of a cron expression; a sensor is a
 * function that looks at the outside world (a file landing, an API) and returns run requests and
 * a cursor that the next evaluation receives.
 */
import { cronProblem, parseDuration, parseSelection, SelectionError } from "@assetline/core";
import { callerLocation, type SourceLocation } from "../location";
import type { Logger } from "../types";

const SCHEDULE = Symbol.for("assetline.schedule");
const SENSOR = Symbol.for("assetline.sensor");

export interface ScheduleSpec {
  /** Five-field cron expression, e.g. "0 6 * * *". */
  cron: string;
  /** IANA time zone of the cron expression; default "UTC". */
  timezone?: string;
  /** The assets each tick materializes (selection syntax). */
  select: string;
  description?: string;
}

export interface Schedule {
  readonly [SCHEDULE]: true;
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly select: string;
  readonly description?: string;
  readonly location?: SourceLocation;
}

export interface SensorContext {
  /** What the previous evaluation returned as its cursor (undefined the first time). */
  cursor?: string;
  /** When the sensor was last evaluated. */
  lastEvaluatedAt?: Date;
  /** The pipeline project's root folder (absolute). */
  root: string;
  log: Logger;
  /** Aborted when the evaluation times out or `assetline dev` stops. */
  signal: AbortSignal;
}

export interface SensorRunRequest {
  /** The assets to run (selection syntax); default: the sensor's targets. */
  select?: string;
  /** A request whose runKey was already used is not run again (as in Dagster). */
  runKey?: string;
}

export interface SensorResult {
  runRequests?: SensorRunRequest[];
  /** Kept for the next evaluation (`ctx.cursor`). */
  cursor?: string;
  /** Why nothing was requested, for the record. */
  skipReason?: string;
}

export type SensorFn = (ctx: SensorContext) => SensorResult | void | Promise<SensorResult | void>;

export interface SensorSpec {
  /** Least time between evaluations, e.g. "30s" (default), "5m". */
  interval?: string;
  /** The assets a run request materializes when it names none (selection syntax). */
  targets: string;
  /** An evaluation running longer fails with a timeout (default "60s"). */
  timeout?: string;
  description?: string;
}

export interface Sensor {
  readonly [SENSOR]: true;
  readonly name: string;
  readonly intervalMs: number;
  readonly interval: string;
  readonly targets: string;
  readonly timeoutMs: number;
  readonly description?: string;
  readonly fn: SensorFn;
  readonly location?: SourceLocation;
}

/** A schedule, sensor or spec that cannot be used. */
export class AutomationDefinitionError extends Error {
  override readonly name = "AutomationDefinitionError";
}

function checkName(kind: string, name: string): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new AutomationDefinitionError(
      `A ${kind} needs a name of letters, digits, "_", "-" or "." (got ${JSON.stringify(name)}).`,
    );
  }
}

function checkSelection(kind: string, name: string, field: string, selection: string): void {
  try {
    parseSelection(selection);
  } catch (error) {
    const reason = error instanceof SelectionError ? error.message : String(error);
    throw new AutomationDefinitionError(
      `${kind} "${name}": ${field} "${selection}" is not a selection (${reason}).`,
    );
  }
}

function duration(kind: string, name: string, field: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new AutomationDefinitionError(
      `${kind} "${name}": ${field} "${text}" is not a duration; write e.g. "30s", "5m" or "PT1H".`,
    );
  }
  return ms;
}

/** Runs `select` at every tick of `cron` (in `timezone`). */
export function schedule(name: string, spec: ScheduleSpec): Schedule {
  checkName("schedule", name);
  const timezone = spec.timezone ?? "UTC";
  const problem = cronProblem(spec.cron, timezone);
  if (problem !== undefined) throw new AutomationDefinitionError(`schedule "${name}": ${problem}`);
  checkSelection("schedule", name, "select", spec.select);
  const location = callerLocation(schedule);
  return {
    [SCHEDULE]: true,
    name,
    cron: spec.cron,
    timezone,
    select: spec.select,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(location ? { location } : {}),
  };
}

/** Evaluates `fn` at most every `interval`; its run requests start runs of `targets` (or their own selection). */
export function sensor(name: string, spec: SensorSpec, fn: SensorFn): Sensor {
  checkName("sensor", name);
  if (typeof fn !== "function")
    throw new AutomationDefinitionError(`sensor "${name}" needs a function as its third argument.`);
  checkSelection("sensor", name, "targets", spec.targets);
  const interval = spec.interval ?? "30s";
  const location = callerLocation(sensor);
  return {
    [SENSOR]: true,
    name,
    interval,
    intervalMs: duration("sensor", name, "interval", interval),
    targets: spec.targets,
    timeoutMs: duration("sensor", name, "timeout", spec.timeout ?? "60s"),
    fn,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(location ? { location } : {}),
  };
}

export function isSchedule(value: unknown): value is Schedule {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SCHEDULE] === true;
}

export function isSensor(value: unknown): value is Sensor {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SENSOR] === true;
}
