/** Where a declaration was written, captured from a stack trace at call time. */
export interface SourceLocation {
  /** Absolute path (or file URL converted to a path). */
  file: string;
  line: number;
  column: number;
  /** The declaration ran inside an array callback (`.map`, `.forEach`, `.flatMap`, `Array.from`). */
  inIteration?: boolean;
}

const FRAME = /\(?((?:file:\/\/)?(?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?$/;

function parseFrame(frame: string): SourceLocation | undefined {
  const match = FRAME.exec(frame.trim());
  if (!match) return undefined;
  let file = match[1]!.replace(/^\s*at\s+(?:.*\()?/, "");
  if (file.startsWith("file://")) file = decodeURIComponent(file.slice("file://".length));
  if (file.startsWith("node:") || file === "native") return undefined;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

/**
 * The location of the code that called `fn` (the library function doing the capturing).
 * Frames inside the library itself are skipped.
 */
export function callerLocation(fn: (...args: never[]) => unknown): SourceLocation | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  Error.captureStackTrace(holder, fn);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? "").split("\n").slice(1);
  for (const [i, line] of lines.entries()) {
    const location = parseFrame(line);
    if (!location) continue;
    if (/^\s*at (?:Array\.(?:map|forEach|flatMap)|Function\.from|Array\.from) /.test(lines[i + 1] ?? ""))
      location.inIteration = true;
    return location;
  }
  return undefined;
}
