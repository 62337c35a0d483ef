export { SelectionError, type SelectionExpr, type Span, type AttributeName } from "./ast";
export { parseSelection } from "./parser";
export { resolveSelection, trySelect, type SelectableAsset } from "./resolve";
export { describeRunSelection, describeRunTarget, keyList, selectionFor, type RunMode } from "./runs";
export {
  complete,
  quoteValue,
  vocabularyOf,
  type Completion,
  type Completions,
  type Vocabulary,
} from "./complete";
