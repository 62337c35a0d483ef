/**
 * Where each asset key is written in the source: declarations (the key argument) and
 * references (string keys in `deps`/`ins`, references to asset values, check targets). The
 * editor features (definition, references, rename, hover) are answered from this index.
 */
import type { AssetRecord, CheckRecord, SourceSpan } from "./model";

export type OccurrenceKind = "declaration" | "reference" | "check-target";

export interface Occurrence {
  key: string;
  kind: OccurrenceKind;
  span: SourceSpan;
  /** True when the span is a plain string literal holding exactly the key (renamable). */
  literal: boolean;
  /** The asset whose spec holds the reference (for references). */
  from?: AssetRecord;
  /** The declaring record (for declarations). */
  record?: AssetRecord;
}

export class OccurrenceIndex {
  private readonly byFile = new Map<string, Occurrence[]>();
  private readonly byKey = new Map<string, Occurrence[]>();

  constructor(
    records: readonly AssetRecord[],
    checks: readonly CheckRecord[],
    text: (file: string) => string | undefined,
  ) {
    const isLiteral = (span: SourceSpan, key: string): boolean => {
      const source = text(span.file);
      if (source === undefined) return false;
      const written = source.slice(span.start, span.end);
      if (written.length !== key.length + 2) return false;
      const quote = written[0];
      return (
        (quote === '"' || quote === "'" || quote === "`") &&
        written.endsWith(quote) &&
        written.slice(1, -1) === key
      );
    };
    const seen = new Set<string>();
    const add = (occurrence: Occurrence): void => {
      const id = `${occurrence.span.file}:${occurrence.span.start}:${occurrence.span.end}:${occurrence.key}:${occurrence.kind}`;
      if (seen.has(id)) return;
      seen.add(id);
      const inFile = this.byFile.get(occurrence.span.file) ?? [];
      inFile.push(occurrence);
      this.byFile.set(occurrence.span.file, inFile);
      const forKey = this.byKey.get(occurrence.key) ?? [];
      forKey.push(occurrence);
      this.byKey.set(occurrence.key, forKey);
    };
    for (const record of records) {
      if (record.key === undefined) continue;
      add({
        key: record.key,
        kind: "declaration",
        span: record.keySpan,
        literal: isLiteral(record.keySpan, record.key),
        record,
      });
      for (const dep of record.deps) {
        if (dep.key === undefined) continue;
        add({
          key: dep.key,
          kind: "reference",
          span: dep.span,
          literal: isLiteral(dep.span, dep.key),
          from: record,
        });
      }
    }
    for (const check of checks) {
      const key = check.target?.key ?? check.targetKey;
      if (key === undefined) continue;
      add({ key, kind: "check-target", span: check.targetSpan, literal: isLiteral(check.targetSpan, key) });
    }
  }

  /** The innermost occurrence at an offset of a file. */
  at(file: string, offset: number): Occurrence | undefined {
    let best: Occurrence | undefined;
    for (const occurrence of this.byFile.get(file) ?? []) {
      if (offset < occurrence.span.start || offset > occurrence.span.end) continue;
      if (!best || occurrence.span.end - occurrence.span.start < best.span.end - best.span.start)
        best = occurrence;
    }
    return best;
  }

  of(key: string): readonly Occurrence[] {
    return this.byKey.get(key) ?? [];
  }

  inFile(file: string): readonly Occurrence[] {
    return this.byFile.get(file) ?? [];
  }
}
