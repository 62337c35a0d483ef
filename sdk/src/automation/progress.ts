/** Which assets a run in progress has yet to finish: read from the run records, as `assetline runs` does. */
import { processAlive } from "../fsutil";
import { listRunIds, readEvents } from "../runner/events";

/**
 * Key → run id for every asset that a live run (no run_end, its process still alive) selected
 * and has not finished yet. Only the most recent runs are read: an older one has ended or died.
 */
export function assetsInProgress(root: string, recent = 50): Map<string, string> {
  const running = new Map<string, string>();
  for (const runId of listRunIds(root).slice(-recent)) {
    let events;
    try {
      events = readEvents(root, runId);
    } catch {
      continue;
    }
    const start = events.find((e) => e.type === "run_start");
    if (!start || start.type !== "run_start") continue;
    if (events.some((e) => e.type === "run_end") || !processAlive(start.pid)) continue;
    const finished = new Set(
      events.flatMap((e) =>
        e.type === "asset_success" || e.type === "asset_failure" || e.type === "asset_skipped" ? [e.key] : [],
      ),
    );
    for (const key of start.assets) if (!finished.has(key)) running.set(key, runId);
  }
  return running;
}
