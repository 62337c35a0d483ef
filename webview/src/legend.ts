/**
 * The legend: one entry for every mark the view draws, as data, so that a test can hold the
 * renderer and the legend together. Pure.
 */
import { STATE_LABEL, STATES } from "./status";

export interface LegendItem {
  /** The swatch's classes (styled in lineage.css). */
  swatch: string;
  label: string;
}

export interface LegendSection {
  title: string;
  items: LegendItem[];
}

const STATE_MEANING: Record<(typeof STATES)[number], string> = {
  never: "not materialized yet",
  fresh: "materialized, up to date",
  stale: "an upstream changed, or older than its freshness",
  running: "being materialized now",
  failed: "the last run failed",
  "check-failed": "materialized, but a check failed",
};

export function legendSections(): LegendSection[] {
  return [
    {
      title: "Run state (left stripe and border)",
      items: STATES.map((state) => ({
        swatch: `swatch state-${state}`,
        label: `${STATE_LABEL[state]}: ${STATE_MEANING[state]}`,
      })),
    },
    {
      title: "Marks",
      items: [
        { swatch: "swatch mark-focus", label: "focus: the asset at the editor's cursor (ring)" },
        { swatch: "swatch mark-external", label: "external asset (dashed): declared, not run here" },
        { swatch: "swatch mark-edge", label: "A → B: B depends on A (hover a node to trace it)" },
        { swatch: "swatch mark-group", label: "group (click its label to collapse it)" },
        { swatch: "swatch mark-collapsed", label: "collapsed group (click to expand)" },
        { swatch: "swatch mark-expand", label: "+ hidden neighbours: click to show them" },
        { swatch: "swatch mark-kind", label: "kind: the storage or tool, e.g. duckdb" },
        { swatch: "swatch mark-generated", label: "generated: made by a factory (.map, loop)" },
        { swatch: "swatch mark-checks-passed", label: "✓ checks passed in the last run" },
        { swatch: "swatch mark-checks-failed", label: "✗ a check failed in the last run" },
        { swatch: "swatch mark-time", label: "3 h ago: when it was last materialized" },
        {
          swatch: "swatch mark-failure",
          label: "failed · go to error: click it to open the line that threw",
        },
        {
          swatch: "swatch mark-auto",
          label: "⚡: automation would request it now (assetline dev runs it; hover for why)",
        },
        {
          swatch: "swatch mark-health",
          label: "bar under a partitioned asset: its partitions materialized, stale, failed, missing",
        },
      ],
    },
  ];
}
