export { SelectionError, type SelectionExpr, type Span, type AttributeName } from "./ast";
export { parseSelection } from "./parser";
export { resolveSelection, trySelect, closest, editDistance, type SelectableAsset } from "./resolve";
