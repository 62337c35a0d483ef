/**
 * An asset's recorded failure, read back from its run's events for an editor: the message, the
 * stack and the line of the project's own code that threw (for a diagnostic at that line, and a
 * lens that opens it). Reads files only; never runs the project.
 */
import type { RunEvent } from "@assetline/core";
import { readEvents } from "../runner/events";
import { errorLocation } from "./index";

export interface RecordedFailure {
  key: string;
  partition?: string;
  runId: string;
  time: string;
  reason: string;
  message: string;
  stack?: string;
  /** Where it threw in the project's own code, when the stack says. */
  location?: { file: string; line: number; column: number };
}

/** The latest failure of `key` in run `runId`, or undefined when the run recorded none. */
export function recordedFailure(root: string, runId: string, key: string): RecordedFailure | undefined {
  let events: RunEvent[];
  try {
    events = readEvents(root, runId);
  } catch {
    return undefined;
  }
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type !== "asset_failure" || event.key !== key) continue;
    const location = errorLocation(event.error.stack, root);
    return {
      key,
      ...(event.partition === undefined ? {} : { partition: event.partition }),
      runId,
      time: event.time,
      reason: event.reason,
      message: event.error.message,
      ...(event.error.stack === undefined ? {} : { stack: event.error.stack }),
      ...(location ? { location } : {}),
    };
  }
  return undefined;
}
