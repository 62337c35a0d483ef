/**
 * The general partial evaluator of TypeScript, as its users see it: the `Evaluator`, the hooks
 * its host implements (`EvaluatorHost`), and the values it computes. It knows no library: a host
 * (for Assetline, `../assetline/`) recognises the calls it cares about through
 * `EvaluatorHost.call`, evaluates their arguments with `Evaluator.eval`, and returns its own
 * values as subclasses of `HostValue`.
 */
export {
  Evaluator,
  NOT_RECOGNISED,
  emptyMarks,
  type CodeMarks,
  type EvaluatorHost,
  type ModuleRecord,
  type ModuleState,
  type PreviousRound,
} from "./evaluator";
export { isStop } from "./budget";
export { shortText } from "./expressions";
export { Scope } from "./scope";
export {
  HostValue,
  Unknown,
  describe,
  isPlainObject,
  iterate,
  knownJson,
  newObject,
  toJson,
  type Value,
} from "./values";
