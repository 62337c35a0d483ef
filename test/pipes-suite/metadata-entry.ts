/** Reports one materialization with every metadata type JavaScript's JSON would lose (test_in_dagster.py). */
import { pipesMetadata, withDagsterPipes } from "assetline";

void withDagsterPipes((pipes) => {
  pipes.reportAssetMaterialization({
    metadata: {
      integral_float: pipesMetadata.float(2),
      inferred_int: 2,
      when: pipesMetadata.timestamp(new Date("2026-01-02T03:04:05.500Z")),
      raw_date: new Date("2026-01-02T03:04:05.500Z"),
      big: 9007199254740991n,
      rows: pipesMetadata.table(
        [{ id: 1, name: "a" }],
        [
          { name: "id", type: "int" },
          { name: "name", type: "string", constraints: { nullable: false } },
        ],
      ),
      schema: pipesMetadata.tableSchema([{ name: "total", type: "float", description: "sum of amounts" }]),
      lineage: pipesMetadata.columnLineage({ total: [{ asset: "ingest/orders", column: "amount" }] }),
      upstream: pipesMetadata.asset("ingest/orders"),
    },
    dataVersion: "v1",
  });
}).catch(() => {
  process.exitCode = 1;
});
