/**
 * Where each asset key is written in the source: declarations (the key argument), references
 * (string keys in `deps`/`ins`, references to asset values, check targets) and mentions (any
 * other string that is exactly a known key: a metadata table a factory reads, a constant). The
 * editor features (definition, references, rename, hover) are answered from this index.
 */
import { ts } from "ts-morph";
import type { AssetRecord, CheckRecord, SourceSpan } from "./model";

export type OccurrenceKind = "declaration" | "reference" | "check-target" | "mention";

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

  /** Mentions by key, found on first use. */
  private readonly mentions = new Map<string, Occurrence[]>();
  private readonly keys = new Set<string>();

  constructor(
    records: readonly AssetRecord[],
    checks: readonly CheckRecord[],
    private readonly sourceFiles: ReadonlyMap<string, ts.SourceFile>,
  ) {
    const text = (file: string): string | undefined => sourceFiles.get(file)?.text;
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
      this.keys.add(record.key);
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

  /** The innermost occurrence at an offset of a file (a string naming a known key included). */
  at(file: string, offset: number): Occurrence | undefined {
    let best: Occurrence | undefined;
    for (const occurrence of this.byFile.get(file) ?? []) {
      if (offset < occurrence.span.start || offset > occurrence.span.end) continue;
      if (!best || occurrence.span.end - occurrence.span.start < best.span.end - best.span.start)
        best = occurrence;
    }
    if (best?.literal) return best;
    const sourceFile = this.sourceFiles.get(file);
    const literal = sourceFile && stringAt(sourceFile, offset);
    if (!literal || !this.keys.has(literal.text)) return best;
    return (
      this.mentionsOf(literal.text).find(
        (mention) => mention.span.file === file && mention.span.start === literal.getStart(sourceFile),
      ) ?? best
    );
  }

  /** Every place a key is written: declarations, references, check targets and mentions. */
  of(key: string): readonly Occurrence[] {
    const known = this.byKey.get(key) ?? [];
    const mentions = this.mentionsOf(key);
    return mentions.length === 0 ? known : [...known, ...mentions];
  }

  /**
   * Strings that are exactly the key, where the index has no occurrence yet. Found through the
   * text (a fast search), each confirmed as a string literal of the syntax tree.
   */
  private mentionsOf(key: string): Occurrence[] {
    return this.keys.has(key) ? this.stringsNaming(key) : [];
  }

  /**
   * Strings that are exactly the key (known or not: a misspelt key in a table a factory reads),
   * where the index has no occurrence yet.
   */
  stringsNaming(key: string): Occurrence[] {
    let found = this.mentions.get(key);
    if (found) return found;
    found = [];
    {
      const taken = new Set(
        (this.byKey.get(key) ?? []).map((item) => `${item.span.file}:${item.span.start}:${item.span.end}`),
      );
      for (const [file, sourceFile] of this.sourceFiles) {
        const text = sourceFile.text;
        for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
          const quote = text[at - 1];
          if ((quote !== '"' && quote !== "'" && quote !== "`") || text[at + key.length] !== quote) continue;
          const literal = stringAt(sourceFile, at);
          if (!literal || literal.text !== key || literal.getStart(sourceFile) !== at - 1) continue;
          const span = { file, start: at - 1, end: at + key.length + 1 };
          if (taken.has(`${file}:${span.start}:${span.end}`)) continue;
          found.push({ key, kind: "mention", span, literal: true });
        }
      }
    }
    this.mentions.set(key, found);
    return found;
  }

  inFile(file: string): readonly Occurrence[] {
    return this.byFile.get(file) ?? [];
  }
}

/** The string literal (or template without substitutions) of a file at an offset. */
function stringAt(
  sourceFile: ts.SourceFile,
  offset: number,
): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | undefined {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child: ts.Node | undefined = ts.forEachChild(node, (each) =>
      each.pos <= offset && offset < each.end ? each : undefined,
    );
    if (!child) break;
    node = child;
  }
  if (!ts.isStringLiteral(node) && !ts.isNoSubstitutionTemplateLiteral(node)) return undefined;
  return offset >= node.getStart(sourceFile) && offset <= node.end ? node : undefined;
}
