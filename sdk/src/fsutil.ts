/** Small filesystem helpers: atomic writes (temp file + rename) so a killed process never leaves half a file. */
import fs from "node:fs";
import path from "node:path";

let counter = 0;

const madeDirs = new Set<string>();

export function writeFileAtomic(file: string, data: string, retry = true): void {
  const dir = path.dirname(file);
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const temp = `${file}.${process.pid}.${Date.now()}.${counter++}.tmp`;
  try {
    // Rename is atomic: readers and a killed writer see the old file or the new one, never half.
    // (No fsync: that guards against power loss, not process kills, and costs ~1 ms a file.)
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    // The folder may have been removed since we made it: try once more from scratch.
    if (retry && (error as NodeJS.ErrnoException).code === "ENOENT" && madeDirs.delete(dir)) {
      return writeFileAtomic(file, data, false);
    }
    throw error;
  }
}

export function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text) as T;
}

/** Whether a process with this id is alive (on this machine). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temp files left by writers that were killed between writing and renaming
 * (`<file>.<pid>.<time>.<n>.tmp` whose process is gone). Returns how many were removed.
 */
export function sweepStaleTemps(dir: string): number {
  let removed = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "runs") removed += sweepStaleTemps(full);
      continue;
    }
    const match = /\.(\d+)\.\d+\.\d+\.tmp$/.exec(entry.name);
    if (match && !processAlive(Number(match[1]))) {
      fs.rmSync(full, { force: true });
      removed++;
    }
  }
  return removed;
}
