// Runs one SQL statement in DuckDB (npm @duckdb/node-api, a reader Stocktake did not write) and
// prints the rows as JSON: [{column: value, ...}, ...]. BigInts become strings, timestamps ISO.
//   usage: node duckdb_query.mjs "SQL"
import { createRequire } from 'node:module';
import path from 'node:path';
import os from 'node:os';

const cache = process.env.STOCKTAKE_CACHE || path.join(os.homedir(), '.cache', 'stocktake');
const require = createRequire(path.join(cache, 'node', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const sql = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
const rows = reader.getRowObjectsJson();
process.stdout.write(JSON.stringify(rows));
