/**
 * `unknown-field`: a property of a declaration's spec object that the library does not take
 * (`timeout` for `timeoutMs`), which it refuses when the definitions load. The fields come from
 * SPEC_FIELDS (protocol), the same list the library checks. Syntactic: the properties written in
 * the spec's object literal (names, no checker), cheap enough for every keystroke.
 */
import { ts } from "ts-morph";
import { isSpecField, unknownFieldMessage, type CheckSpecInfo, type SpecDeclaration } from "@assetline/core";
import type { RawDiagnostic } from "./model";
import { unwrap } from "./syntax";

// The compiler API's members, read once (every `ts.x` is a chain of getters through ts-morph).
const {
  isIdentifier,
  isNoSubstitutionTemplateLiteral,
  isNumericLiteral,
  isObjectLiteralExpression,
  isSpreadAssignment,
  isStringLiteral,
} = ts;

/** One diagnostic per property of a spec object literal that `declaration` does not take. */
export function unknownFieldDiagnostics(
  declaration: SpecDeclaration,
  spec: ts.Expression | undefined,
): RawDiagnostic[] {
  if (!spec) return [];
  const literal = unwrap(spec);
  const diagnostics: RawDiagnostic[] = [];
  if (isObjectLiteralExpression(literal)) {
    const sourceFile = literal.getSourceFile();
    for (const property of literal.properties) {
      if (isSpreadAssignment(property)) continue;
      const name = property.name;
      // Computed names (`[field]: ...`) are known only at run time.
      if (
        !name ||
        !(
          isIdentifier(name) ||
          isStringLiteral(name) ||
          isNoSubstitutionTemplateLiteral(name) ||
          isNumericLiteral(name)
        )
      )
        continue;
      const field = name.text;
      if (isSpecField(declaration, field)) continue;
      diagnostics.push({
        span: { file: sourceFile.fileName, start: name.getStart(sourceFile), end: name.getEnd() },
        severity: "error",
        code: "unknown-field",
        // The library's own sentence, as `assetline materialize` prints it when the module loads.
        message: unknownFieldMessage(declaration, field),
      });
    }
  }
  return diagnostics;
}

/**
 * What a check's spec says, from its evaluated value (`toJson` of it): the fields of the
 * library's `CheckSpec` that differ from the defaults (`blocking: true`, `severity: "warn"`, a
 * description), as the runtime graph lists them too; undefined when none does.
 */
export function checkSpecInfo(spec: unknown): CheckSpecInfo | undefined {
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return undefined;
  const fields = spec as Record<string, unknown>;
  const info: CheckSpecInfo = {};
  if (fields.blocking === true) info.blocking = true;
  if (fields.severity === "warn") info.severity = "warn";
  if (typeof fields.description === "string") info.description = fields.description;
  return Object.keys(info).length > 0 ? info : undefined;
}
