// The large shard of docs/benchmarks.md ("Parquet"): the Debian documentation passages (bench/corpus/make_debian_docs.py)
// written as one BRIGHT-style documents shard (id, content), snappy, by DuckDB (npm @duckdb/node-api 1.5.6-r.1).
// Run: node make-shard.mjs out/bench/debian-docs.jsonl out/bench/debian-docs.parquet  (with @duckdb/node-api installed beside it)
import {DuckDBInstance} from "@duckdb/node-api";
const [input, output] = process.argv.slice(2);
const db = await DuckDBInstance.create(":memory:");
const connection = await db.connect();
await connection.run(`COPY (SELECT id, content FROM read_json('${input}', format='newline_delimited', columns={id: 'VARCHAR', content: 'VARCHAR'}))
  TO '${output}' (FORMAT parquet, COMPRESSION snappy)`);
const meta = await connection.runAndReadAll(`SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata('${output}')`);
const [groups, rows] = meta.getRows()[0];
console.log(`${output}: ${groups} row groups of at most ${rows} rows`);
