/**
 * What every editor feature of ./ide shares: the asset key under an offset, from the analysis's
 * model (the occurrence index, the records), never from names in the text.
 */
import { ts } from "ts-morph";
import type { AnalysisSession } from "../index";
import type { AssetRecord, SourceSpan } from "../model";
import type { Occurrence } from "../occurrences";

/** A replacement of a span of a file's analysed text. */
export interface SpanEdit {
  span: SourceSpan;
  newText: string;
}

export function occurrenceAt(session: AnalysisSession, file: string, offset: number): Occurrence | undefined {
  return session.occurrences()?.at(file, offset);
}

/** The record an asset key refers to (the first declaration when duplicated). */
export function recordOf(session: AnalysisSession, key: string): AssetRecord | undefined {
  return session.lastResult?.built.byKey.get(key);
}

/** The asset declared by the call under the cursor (the name it is assigned to, the callee, the key). */
export function declarationAt(
  session: AnalysisSession,
  file: string,
  offset: number,
): AssetRecord | undefined {
  let best: AssetRecord | undefined;
  for (const record of session.lastResult?.records ?? []) {
    const call = record.call;
    if (call.file !== file) continue;
    // The name it is assigned to (`export const orders = asset(...)`), as on its uses.
    const declaration = record.callNode.parent;
    if (
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer === record.callNode &&
      offset >= declaration.name.getStart() &&
      offset <= declaration.name.end
    )
      return record;
    if (offset < call.start || offset > record.keySpan.end) continue;
    if (!best || call.start > best.call.start) best = record;
  }
  return best;
}

/** The key under the cursor: a key written anywhere, or the asset whose declaration it is on. */
export function keyAt(session: AnalysisSession, file: string, offset: number): string | undefined {
  return occurrenceAt(session, file, offset)?.key ?? declarationAt(session, file, offset)?.key;
}

/** The inside of a string literal's span (without its quotes). */
export function inside(span: SourceSpan): SourceSpan {
  return { file: span.file, start: span.start + 1, end: span.end - 1 };
}
