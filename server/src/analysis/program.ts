/**
 * The compiler program of a pipeline project, kept across edits: the project's own files come
 * from memory (disk contents or unsaved editor buffers), everything else (lib files,
 * node_modules declarations) is parsed once and cached. A new program after an edit reuses
 * every unchanged source file (`oldProgram`), so binding and module resolution stay cheap.
 *
 * This uses the compiler API of the TypeScript that ts-morph bundles, not ts-morph's wrapped
 * Project: on a 5,000-asset workspace, adding files to a ts-morph Project and getting its
 * program cost about 3x the program built here (measured in bench/analysis).
 */
import fs from "node:fs";
import { getLibFiles, libFolderInMemoryPath } from "@ts-morph/common";
import { ts } from "ts-morph";

/** The standard library declarations ts-morph bundles (there is no lib folder on disk). */
let libs: Map<string, string> | undefined;
function libFiles(): Map<string, string> {
  libs ??= new Map(getLibFiles().map((lib) => [`${libFolderInMemoryPath}/${lib.fileName}`, lib.text]));
  return libs;
}

/** Parsed library files, shared by every ProgramHost of the process. */
const sharedLibs = new Map<string, ts.SourceFile>();

interface Entry {
  text: string;
  sourceFile?: ts.SourceFile;
}

export class ProgramHost {
  private readonly entries = new Map<string, Entry>();
  /** Files outside the project (lib, node_modules), parsed once. */
  private readonly external = new Map<string, ts.SourceFile | undefined>();
  private readonly host: ts.CompilerHost;
  private program: ts.Program | undefined;
  private stale = true;

  private readonly options: ts.CompilerOptions;

  constructor(options: ts.CompilerOptions) {
    // Without an explicit `lib`, TypeScript loads the "full" default library, DOM included:
    // the largest file of the program by far, and irrelevant to pipeline code. Use the same
    // ECMAScript library without DOM (a project that needs DOM types can say so in `lib`).
    this.options = options.lib
      ? options
      : { ...options, lib: [ts.getDefaultLibFileName(options).replace(".full.", ".")] };
    const host = ts.createCompilerHost(this.options, true);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    const lib = libFiles();
    host.getDefaultLibLocation = () => libFolderInMemoryPath;
    host.getDefaultLibFileName = (options) => `${libFolderInMemoryPath}/${ts.getDefaultLibFileName(options)}`;
    host.readFile = (file) => this.entries.get(file)?.text ?? lib.get(file) ?? readFile(file);
    host.fileExists = (file) => this.entries.has(file) || lib.has(file) || fileExists(file);
    // JSDoc is not needed to find assets or to compare types: parse only what type errors need.
    host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    host.getSourceFile = (file, languageVersion, onError) => {
      const options: ts.CreateSourceFileOptions =
        typeof languageVersion === "object"
          ? { ...languageVersion, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors }
          : { languageVersion, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors };
      const entry = this.entries.get(file);
      if (entry) {
        // No parent pointers here: binding sets them, and it runs before the analysis reads a node.
        entry.sourceFile ??= ts.createSourceFile(file, entry.text, options, false);
        return entry.sourceFile;
      }
      if (this.external.has(file)) return this.external.get(file);
      const libText = lib.get(file);
      let sourceFile: ts.SourceFile | undefined;
      if (libText !== undefined) {
        // Library files are the same for every project of the process: parse (and bind) once.
        const key = `${file}|${options.languageVersion}`;
        sourceFile = sharedLibs.get(key);
        if (!sourceFile) {
          sourceFile = ts.createSourceFile(file, libText, {
            ...options,
            jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
          });
          sharedLibs.set(key, sourceFile);
        }
      } else {
        sourceFile = getSourceFile(file, options, onError);
      }
      this.external.set(file, sourceFile);
      return sourceFile;
    };
    this.host = host;
  }

  has(file: string): boolean {
    return this.entries.has(file);
  }

  text(file: string): string | undefined {
    return this.entries.get(file)?.text;
  }

  /** Sets a project file's text; returns false when it did not change. */
  set(file: string, text: string): boolean {
    const entry = this.entries.get(file);
    if (entry && entry.text === text) return false;
    this.entries.set(file, { text });
    this.stale = true;
    return true;
  }

  /** Reads a project file from disk; false when it cannot be read. */
  load(file: string): boolean {
    try {
      this.set(file, fs.readFileSync(file, "utf8"));
      return true;
    } catch {
      return false;
    }
  }

  delete(file: string): void {
    if (this.entries.delete(file)) this.stale = true;
  }

  get files(): string[] {
    return [...this.entries.keys()];
  }

  /** The current program (rebuilt, reusing unchanged files, when something changed). */
  getProgram(): ts.Program {
    if (!this.program || this.stale) {
      this.program = ts.createProgram({
        rootNames: [...this.entries.keys()],
        options: this.options,
        host: this.host,
        oldProgram: this.program,
      });
      this.stale = false;
    }
    return this.program;
  }

  /** The parsed source file of a project file (without building a program). */
  sourceFile(file: string): ts.SourceFile | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    entry.sourceFile ??= ts.createSourceFile(
      file,
      entry.text,
      this.options.target ?? ts.ScriptTarget.ES2022,
      true,
    );
    return entry.sourceFile;
  }
}
