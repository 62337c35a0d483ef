/** A small argument parser: `command [positionals] --flag value --switch`. */

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ParsedArgs {
  command?: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value; every other `--name` is a switch. */
const VALUE_FLAGS = new Set([
  "root",
  "select",
  "env",
  "concurrency",
  "limit",
  "since",
  "at",
  "interval",
  "trigger",
  "cursor",
  "partition",
  "partition-range",
  "check",
  // The Dagster Pipes bootstrap as arguments (`assetline pipes`).
  "dagster-pipes-context",
  "dagster-pipes-messages",
]);
const SWITCHES = new Set(["json", "runtime", "help", "version", "rebuild", "dev"]);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h") {
      flags.set("help", true);
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq >= 0 ? eq : undefined);
      if (VALUE_FLAGS.has(name)) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value.`);
        flags.set(name, value);
      } else if (SWITCHES.has(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value.`);
        flags.set(name, true);
      } else {
        throw new UsageError(`Unknown option --${name}; run \`assetline --help\` for the options.`);
      }
      continue;
    }
    positionals.push(arg);
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

export function has(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}
