/**
 * The checks of the OpenLineage 2-0-2 RunEvent schema and of the facets Assetline emits, written
 * from the published specification (no registry package here ships OpenLineage.json). Returns the
 * problems found, each with its JSON path; an empty list means the event is valid.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 3339 date-time, as JSON Schema's "date-time" format.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function isUri(v: unknown): boolean {
  if (typeof v !== "string" || !/^[a-z][a-z0-9+.-]*:/i.test(v)) return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

class Checker {
  readonly problems: string[] = [];
  fail(at: string, what: string): void {
    this.problems.push(`${at}: ${what}`);
  }
  obj(v: unknown, at: string): v is Obj {
    if (!isObj(v)) this.fail(at, "must be an object");
    return isObj(v);
  }
  string(o: Obj, key: string, at: string, required = true): void {
    if (o[key] === undefined) {
      if (required) this.fail(`${at}.${key}`, "is required");
    } else if (typeof o[key] !== "string") this.fail(`${at}.${key}`, "must be a string");
  }
  uri(o: Obj, key: string, at: string): void {
    if (!isUri(o[key])) this.fail(`${at}.${key}`, `must be a URI (got ${JSON.stringify(o[key])})`);
  }
  array(o: Obj, key: string, at: string, item: (v: unknown, at: string) => void, required = true): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.fail(`${at}.${key}`, "is required");
      return;
    }
    if (!Array.isArray(v)) return this.fail(`${at}.${key}`, "must be an array");
    v.forEach((x, i) => item(x, `${at}.${key}[${i}]`));
  }
  runRef(v: unknown, at: string): void {
    if (!this.obj(v, at)) return;
    if (this.obj(v.run, `${at}.run`) && !UUID.test(String(v.run.runId)))
      this.fail(`${at}.run.runId`, "must be a UUID");
    if (this.obj(v.job, `${at}.job`)) {
      this.string(v.job, "namespace", `${at}.job`);
      this.string(v.job, "name", `${at}.job`);
    }
  }
}

/** What each facet Assetline emits requires, beyond BaseFacet's `_producer` and `_schemaURL`. */
const FACET_RULES: Record<string, (c: Checker, f: Obj, at: string) => void> = {
  parent: (c, f, at) => {
    c.runRef(f, at);
    if (f.root !== undefined) c.runRef(f.root, `${at}.root`);
  },
  errorMessage: (c, f, at) => {
    c.string(f, "message", at);
    c.string(f, "programmingLanguage", at);
    c.string(f, "stackTrace", at, false);
  },
  jobType: (c, f, at) => {
    c.string(f, "processingType", at);
    c.string(f, "integration", at);
    c.string(f, "jobType", at, false);
  },
  ownership: (c, f, at) =>
    c.array(f, "owners", at, (o, oat) => {
      if (c.obj(o, oat)) c.string(o, "name", oat);
    }),
  documentation: (c, f, at) => c.string(f, "description", at),
  sourceCodeLocation: (c, f, at) => {
    c.string(f, "type", at);
    c.uri(f, "url", at);
  },
  schema: (c, f, at) =>
    c.array(f, "fields", at, (o, oat) => {
      if (c.obj(o, oat)) {
        c.string(o, "name", oat);
        c.string(o, "type", oat, false);
      }
    }),
  dataQualityAssertions: (c, f, at) =>
    c.array(f, "assertions", at, (o, oat) => {
      if (!c.obj(o, oat)) return;
      c.string(o, "assertion", oat);
      if (typeof o.success !== "boolean") c.fail(`${oat}.success`, "must be a boolean");
    }),
};

function facets(c: Checker, v: unknown, at: string): void {
  if (v === undefined) return;
  if (!c.obj(v, at)) return;
  for (const [name, f] of Object.entries(v)) {
    const fat = `${at}.${name}`;
    if (!c.obj(f, fat)) continue;
    // A facet may be a deletion marker ({ _deleted: true }) in run/job/dataset facets.
    if (f._deleted === true) continue;
    c.uri(f, "_producer", fat);
    c.uri(f, "_schemaURL", fat);
    FACET_RULES[name]?.(c, f, fat);
  }
}

function dataset(c: Checker, v: unknown, at: string, kind: "inputFacets" | "outputFacets"): void {
  if (!c.obj(v, at)) return;
  c.string(v, "namespace", at);
  c.string(v, "name", at);
  facets(c, v.facets, `${at}.facets`);
  facets(c, v[kind], `${at}.${kind}`);
}

export function openLineageProblems(event: unknown): string[] {
  const c = new Checker();
  if (!c.obj(event, "$")) return c.problems;
  if (typeof event.eventTime !== "string" || !DATE_TIME.test(event.eventTime))
    c.fail("$.eventTime", "must be an RFC 3339 date-time");
  c.uri(event, "producer", "$");
  c.uri(event, "schemaURL", "$");
  if (!["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"].includes(String(event.eventType)))
    c.fail(
      "$.eventType",
      `must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER (got ${String(event.eventType)})`,
    );
  if (c.obj(event.run, "$.run")) {
    const run = event.run;
    if (!UUID.test(String(run.runId))) c.fail("$.run.runId", "must be a UUID");
    facets(c, run.facets, "$.run.facets");
  }
  if (c.obj(event.job, "$.job")) {
    const job = event.job;
    c.string(job, "namespace", "$.job");
    c.string(job, "name", "$.job");
    facets(c, job.facets, "$.job.facets");
  }
  c.array(event, "inputs", "$", (v, at) => dataset(c, v, at, "inputFacets"), false);
  c.array(event, "outputs", "$", (v, at) => dataset(c, v, at, "outputFacets"), false);
  return c.problems;
}
