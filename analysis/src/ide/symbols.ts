/** The assets as symbols: those of a file (placed where the graph places them) and a search over all. */
import type { AnalysisSession } from "../index";
import type { AssetRecord, SourceSpan } from "../model";

export interface AssetSymbol {
  key: string;
  record: AssetRecord;
  /** The whole declaration (the call, or the factory's call that made it). */
  span: SourceSpan;
  /** The part to select: the key, or the factory's call. */
  selection: SourceSpan;
  /** Export name, "generated", group: what a symbol list shows next to the key. */
  detail?: string;
  /** The group, else the file relative to the project root. */
  container: string;
}

function symbolOf(session: AnalysisSession, record: AssetRecord & { key: string }): AssetSymbol {
  const symbol: AssetSymbol = {
    key: record.key,
    record,
    span: record.site ?? record.call,
    selection: record.site ?? record.keySpan,
    container: record.group ?? session.relative((record.site ?? record.call).file),
  };
  const detail = [record.exportName, record.generated ? "generated" : undefined, record.group]
    .filter(Boolean)
    .join(" · ");
  if (detail) symbol.detail = detail;
  return symbol;
}

function hasKey(record: AssetRecord): record is AssetRecord & { key: string } {
  return record.key !== undefined;
}

/** The assets a file declares: an asset a factory made is listed where the factory is called. */
export function documentSymbols(session: AnalysisSession, file: string): AssetSymbol[] {
  return (session.lastResult?.records ?? [])
    .filter(hasKey)
    .filter((record) => (record.site ?? record.call).file === file)
    .map((record) => symbolOf(session, record));
}

/** The assets whose key holds the query's characters in order (case-insensitive), at most `limit`. */
export function workspaceSymbols(session: AnalysisSession, query: string, limit: number): AssetSymbol[] {
  const needle = query.toLowerCase();
  const found: AssetSymbol[] = [];
  for (const record of session.lastResult?.records ?? []) {
    if (found.length >= limit) break;
    if (!hasKey(record) || (needle && !fuzzy(record.key.toLowerCase(), needle))) continue;
    found.push(symbolOf(session, record));
  }
  return found;
}

/** The query's characters appear in order in the text. */
function fuzzy(text: string, query: string): boolean {
  let index = 0;
  for (const char of query) {
    index = text.indexOf(char, index);
    if (index < 0) return false;
    index++;
  }
  return true;
}
