/** Durations in specs: freshness maxLag, retention. Pure (no Node imports). */

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

/** How long ago something happened, in the words every view uses ("just now", "3 h ago"). */
export function ago(ms: number): string {
  if (!(ms >= 60_000)) return "just now";
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}
