/**
 * The compiler programs of a pipeline project, kept across edits: the project's own files come
 * from memory (disk contents or unsaved editor buffers), everything else (lib files,
 * node_modules declarations) is parsed once and cached. A new program after an edit reuses
 * every unchanged source file (`oldProgram`), so binding and module resolution stay cheap.
 *
 * Two programs share the same parsed (and bound) source files:
 * - the structural program, built with `noLib`: finding assets needs symbols (imports,
 *   aliases, re-exports, declarations), never the standard library's types, and the library
 *   is most of the cost of a cold start (parse, bind, global merge: ~40% of the first graph
 *   at 5,000 assets). A name only the library declares (`Math`, `console`) does not resolve
 *   there: the evaluator then asks the typed program (see `EvaluatorHost.typedChecker`).
 * - the typed program, with the library, built on demand from a structural program's files
 *   (a snapshot: an edit in between does not change what it sees), for the type checks.
 *
 * This uses the compiler API of the TypeScript that ts-morph bundles, not ts-morph's wrapped
 * Project: on a 5,000-asset workspace, adding files to a ts-morph Project and getting its
 * program cost about 3x the program built here (measured in bench/analysis).
 */
import fs from "node:fs";
import path from "node:path";
import { getLibFiles, libFolderInMemoryPath } from "@ts-morph/common";
import { ts } from "ts-morph";

/** The standard library declarations ts-morph bundles (there is no lib folder on disk). */
let libs: Map<string, string> | undefined;
function libFiles(): Map<string, string> {
  libs ??= new Map(getLibFiles().map((lib) => [`${libFolderInMemoryPath}/${lib.fileName}`, lib.text]));
  return libs;
}

/** The text of a bundled library file; loads the bundle (~100 ms) only when a lib path is asked for. */
function libText(file: string): string | undefined {
  return file.startsWith(libFolderInMemoryPath) ? libFiles().get(file) : undefined;
}

/** TypeScript source extensions a relative import may name or imply. */
const tsExtensions = new Map([
  ["ts", ts.Extension.Ts],
  ["tsx", ts.Extension.Tsx],
  ["mts", ts.Extension.Mts],
  ["cts", ts.Extension.Cts],
]);

/** The TypeScript source extension an import's JavaScript extension stands for. */
const sourceExtensionOf = new Map([
  ["js", "ts"],
  ["jsx", "tsx"],
  ["mjs", "mts"],
  ["cjs", "cts"],
]);

/**
 * The file a relative import names first, by the rules of TypeScript's resolution: `./x` and
 * `./x.js` are tried as `x.ts` first, `./x.mjs` as `x.mts`, and so on. When that file is one of
 * the project's own (in memory), it is the answer, found without a file-system probe; otherwise
 * the compiler's resolver decides (folders, `index` files, declarations, JavaScript, JSON).
 */
function firstCandidate(
  specifier: string,
  containingFile: string,
  extensionless: boolean,
): { file: string; extension: ts.Extension; written: boolean } | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const match = /\.([cm]?[jt]sx?)$/.exec(specifier);
  let stem = specifier;
  let source = "ts";
  if (!match) {
    if (!extensionless) return undefined;
  } else {
    const extension = match[1]!;
    stem = specifier.slice(0, -extension.length - 1);
    source = sourceExtensionOf.get(extension) ?? extension;
  }
  const extension = tsExtensions.get(source);
  if (extension === undefined) return undefined;
  return {
    file: joinRelative(containingFile, `${stem}.${source}`),
    extension,
    written: match !== null && match[1] === source,
  };
}

/** `relative` (starting with `./` or `../`) from the folder of `file`, by string operations. */
function joinRelative(file: string, relative: string): string {
  const slash = file.lastIndexOf("/");
  if (slash < 0) return path.resolve(path.dirname(file), relative);
  let folder = file.slice(0, slash);
  let rest = relative;
  for (;;) {
    if (rest.startsWith("./")) rest = rest.slice(2);
    else if (rest.startsWith("../")) {
      rest = rest.slice(3);
      folder = folder.slice(0, folder.lastIndexOf("/"));
    } else break;
  }
  // Anything unusual (`a/../b`, `a//b`, back slashes) is normalised the slow way.
  if (folder === "" || rest.includes("/.") || rest.includes("//") || rest.includes("\\"))
    return path.resolve(path.dirname(file), relative);
  return `${folder}/${rest}`;
}

/** Parsed library files, shared by every ProgramHost of the process. */
const sharedLibs = new Map<string, ts.SourceFile>();

/** A compiler host whose module resolution cache is dropped before each new program. */
interface Host extends ts.CompilerHost {
  resetResolutionCache(): void;
}

interface Entry {
  text: string;
  sourceFile?: ts.SourceFile;
}

export class ProgramHost {
  private readonly entries = new Map<string, Entry>();
  /** Files outside the project (lib, node_modules), parsed once. */
  private readonly external = new Map<string, ts.SourceFile | undefined>();
  private readonly host: Host;
  private readonly typedHost: Host;
  private program: ts.Program | undefined;
  private stale = true;
  /** The typed program and the structural program whose files it was built from. */
  private typed: { from: ts.Program; program: ts.Program } | undefined;
  /** While a typed program is built: the structural program it takes the project's files from. */
  private snapshot: { program: ts.Program; roots: Set<string> } | undefined;

  /** Options of the typed program (the project's, without DOM by default). */
  private readonly options: ts.CompilerOptions;
  /** Options of the structural program: the same without the standard library. */
  private readonly structuralOptions: ts.CompilerOptions;

  constructor(options: ts.CompilerOptions) {
    // Without an explicit `lib`, TypeScript loads the "full" default library, DOM included:
    // the largest file of the program by far, and irrelevant to pipeline code. Use the same
    // ECMAScript library without DOM (a project that needs DOM types can say so in `lib`).
    this.options = options.lib
      ? options
      : { ...options, lib: [ts.getDefaultLibFileName(options).replace(".full.", ".")] };
    // Its diagnostics are never shown (the typed program's are), so it skips the check that two
    // imports of one file agree on the casing of its name (two path normalisations per import).
    this.structuralOptions = { ...this.options, noLib: true, forceConsistentCasingInFileNames: false };
    this.host = this.createHost(this.structuralOptions, false);
    this.typedHost = this.createHost(this.options, true);
  }

  /**
   * A compiler host over the project's files in memory. The typed host takes the project's
   * files from the structural program being extended (`snapshot`), so both programs hold the
   * very same source files (bound once) and agree on what the project contains.
   */
  private createHost(options: ts.CompilerOptions, typed: boolean): Host {
    const host: Host = Object.assign(ts.createCompilerHost(options, true), { resetResolutionCache() {} });
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    const projectText = (file: string): string | undefined => {
      if (!typed) return this.entries.get(file)?.text;
      const snapshot = this.snapshot;
      return snapshot?.roots.has(file) ? snapshot.program.getSourceFile(file)?.text : undefined;
    };
    const isProjectFile = (file: string): boolean =>
      typed ? this.snapshot?.roots.has(file) === true : this.entries.has(file);
    // Resolution of imports, with a fast path for relative imports of the project's own files
    // (the common case: tens of thousands at a few thousand files). Options that change how a
    // relative import resolves (`rootDirs`, `moduleSuffixes`) turn the fast path off.
    // Node16/NodeNext need the extension in ECMAScript modules: there, `./x` goes to the resolver.
    const nodeNext = (kind: ts.ModuleKind | undefined): boolean =>
      kind !== undefined && kind >= ts.ModuleKind.Node16 && kind <= ts.ModuleKind.NodeNext;
    const extensionless =
      options.moduleResolution !== undefined
        ? options.moduleResolution !== ts.ModuleResolutionKind.Node16 &&
          options.moduleResolution !== ts.ModuleResolutionKind.NodeNext
        : !nodeNext(options.module);
    const fastPath = !options.rootDirs && !options.moduleSuffixes;
    // A fresh cache per program (what the compiler does without this hook): files may have
    // appeared or gone since the last one.
    let cache: ts.ModuleResolutionCache | undefined;
    host.resetResolutionCache = () => (cache = undefined);
    host.resolveModuleNameLiterals = (
      literals,
      containingFile,
      redirected,
      compilerOptions,
      containingSourceFile,
    ) => {
      cache ??= ts.createModuleResolutionCache(
        host.getCurrentDirectory(),
        (file) => host.getCanonicalFileName(file),
        compilerOptions,
      );
      return literals.map((literal) => {
        const candidate = fastPath ? firstCandidate(literal.text, containingFile, extensionless) : undefined;
        if (candidate !== undefined && isProjectFile(candidate.file)) {
          return {
            resolvedModule: {
              resolvedFileName: candidate.file,
              extension: candidate.extension,
              isExternalLibraryImport: false,
              resolvedUsingTsExtension: candidate.written,
            },
          };
        }
        const mode = ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions);
        return ts.resolveModuleName(
          literal.text,
          containingFile,
          compilerOptions,
          host,
          cache,
          redirected,
          mode,
        );
      });
    };
    host.getDefaultLibLocation = () => libFolderInMemoryPath;
    host.getDefaultLibFileName = (options) => `${libFolderInMemoryPath}/${ts.getDefaultLibFileName(options)}`;
    host.readFile = (file) => projectText(file) ?? libText(file) ?? readFile(file);
    host.fileExists = (file) => isProjectFile(file) || libText(file) !== undefined || fileExists(file);
    // JSDoc is not needed to find assets or to compare types: parse only what type errors need.
    host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    host.getSourceFile = (file, languageVersion, onError) => {
      const options: ts.CreateSourceFileOptions =
        typeof languageVersion === "object"
          ? { ...languageVersion, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors }
          : { languageVersion, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors };
      if (typed) {
        const snapshot = this.snapshot;
        if (snapshot?.roots.has(file)) return snapshot.program.getSourceFile(file);
      } else {
        const entry = this.entries.get(file);
        if (entry) {
          // No parent pointers here: binding sets them, and it runs before the analysis reads a node.
          entry.sourceFile ??= this.parse(file, entry.text, options);
          return entry.sourceFile;
        }
      }
      if (this.external.has(file)) return this.external.get(file);
      const lib = libText(file);
      let sourceFile: ts.SourceFile | undefined;
      if (lib !== undefined) {
        // Library files are the same for every project of the process: parse (and bind) once.
        const key = `${file}|${options.languageVersion}`;
        sourceFile = sharedLibs.get(key);
        if (!sourceFile) {
          sourceFile = ts.createSourceFile(file, lib, {
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
    return host;
  }

  /**
   * Project files the parser could not read (nesting so deep that its call stack overflowed),
   * each standing in the program as an empty file so that the others are analysed.
   */
  readonly unreadable = new Set<string>();

  private parse(file: string, text: string, options: ts.CreateSourceFileOptions): ts.SourceFile {
    try {
      const sourceFile = ts.createSourceFile(file, text, options, false);
      this.unreadable.delete(file);
      return sourceFile;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.unreadable.add(file);
      return ts.createSourceFile(file, "", options, false);
    }
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
    this.unreadable.delete(file);
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
    this.unreadable.delete(file);
  }

  get files(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The current structural program (no standard library), rebuilt when something changed,
   * reusing unchanged files.
   */
  getProgram(): ts.Program {
    if (!this.program || this.stale) {
      this.host.resetResolutionCache();
      this.program = ts.createProgram({
        rootNames: [...this.entries.keys()],
        options: this.structuralOptions,
        host: this.host,
        oldProgram: this.program,
      });
      this.stale = false;
    }
    return this.program;
  }

  /**
   * The program with the standard library over the same source files as `structural` (by
   * default the current structural program), for the type checker. Built on first use.
   */
  typedProgram(structural: ts.Program = this.getProgram()): ts.Program {
    if (this.options.noLib) return structural;
    if (this.typed?.from === structural) return this.typed.program;
    this.snapshot = { program: structural, roots: new Set(structural.getRootFileNames()) };
    try {
      this.typedHost.resetResolutionCache();
      const program = ts.createProgram({
        rootNames: structural.getRootFileNames(),
        options: this.options,
        host: this.typedHost,
        oldProgram: this.typed?.program,
      });
      this.typed = { from: structural, program };
      return program;
    } finally {
      this.snapshot = undefined;
    }
  }

  /** The parsed source file of a project file (without building a program). */
  sourceFile(file: string): ts.SourceFile | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    try {
      entry.sourceFile ??= ts.createSourceFile(
        file,
        entry.text,
        this.options.target ?? ts.ScriptTarget.ES2022,
        true,
      );
    } catch (error) {
      // Too deeply nested for the parser (see `unreadable`): no tree to offer.
      if (!(error instanceof RangeError)) throw error;
      return undefined;
    }
    return entry.sourceFile;
  }
}
