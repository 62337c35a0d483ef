/** The parsed form of an asset selection (Dagster's asset selection language). */

/** Columns are 1-based; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type AttributeName = "key" | "group" | "tag" | "owner" | "kind";

export type SelectionExpr =
  | { type: "all"; span: Span }
  | {
      type: "attr";
      attr: AttributeName;
      /**
       * The key (pattern), group (a pattern when quoted with `*`), owner or kind; for `tag:` the
       * tag's name. Empty for `<null>`.
       */
      value: string;
      /** For `tag:name=value`: the value after `=` (`""` for `=""` and `=<null>`). Absent for `tag:name`. */
      tagValue?: string;
      quoted: boolean;
      /**
       * The value was Dagster's `<null>` (unquoted): the assets without this attribute (no group,
       * no owner, no kind, no tag at all).
       */
      isNull?: true;
      span: Span;
    }
  | { type: "and"; left: SelectionExpr; right: SelectionExpr; span: Span }
  | { type: "or"; left: SelectionExpr; right: SelectionExpr; span: Span }
  | { type: "not"; operand: SelectionExpr; span: Span }
  | {
      type: "traverse";
      operand: SelectionExpr;
      /** Upstream depth: undefined = none, Infinity = all. */
      up?: number;
      /** Downstream depth: undefined = none, Infinity = all. */
      down?: number;
      /**
       * For a bare word like `ingest/*` or `*raw*` whose stars read as Dagster's older
       * traversal: the word as a key pattern, used when the key itself does not exist.
       */
      orPattern?: string;
      span: Span;
    }
  | { type: "function"; name: "roots" | "sinks"; operand: SelectionExpr; span: Span };

/** A selection that cannot be parsed or resolved. `column` is 1-based. */
export class SelectionError extends Error {
  override readonly name = "SelectionError";
  constructor(
    message: string,
    readonly column: number,
    readonly endColumn: number = column + 1,
    /** For an unknown key: the closest existing key, if any is close. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}
