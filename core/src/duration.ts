/** Durations: in specs (freshness maxLag, retention), and how long a run took. Pure (no Node imports). */

/** Parses "30s", "15m", "24h", "7d", "1w" or an ISO 8601 duration like "PT6H", "P1D", "P1Y". */
export function parseDuration(text: string): number | undefined {
  const simple = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (simple) {
    const n = Number(simple[1]);
    const unit = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[simple[2] as "ms"];
    return n * unit;
  }
  const iso =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
  if (iso && text.trim() !== "P" && !text.trim().endsWith("T")) {
    // Years and months are taken as 365 and 30 days.
    const [, y, mo, w, d, h, m, s] = iso;
    return (
      Number(y ?? 0) * 365 * 864e5 +
      Number(mo ?? 0) * 30 * 864e5 +
      Number(w ?? 0) * 7 * 864e5 +
      Number(d ?? 0) * 864e5 +
      Number(h ?? 0) * 36e5 +
      Number(m ?? 0) * 6e4 +
      Number(s ?? 0) * 1e3
    );
  }
  return undefined;
}

/**
 * How long a run, an asset or a check took, the one way every view says it: "45 ms", "0.9 s",
 * "2 min 5 s", "1 h 4 min". (How long ago something happened is state.ts's `ago`.)
 */
export function runDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "? s";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
