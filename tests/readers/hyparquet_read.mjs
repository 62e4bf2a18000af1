// Reads one Parquet file with hyparquet (npm, pure JavaScript, a reader Stocktake did not write)
// and prints {"schema": [...], "rows": [...]}: BigInts as decimal strings, Dates as epoch ms.
//   usage: node hyparquet_read.mjs FILE
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const cache = process.env.STOCKTAKE_CACHE || path.join(os.homedir(), '.cache', 'stocktake');
const require = createRequire(path.join(cache, 'node', 'package.json'));
const hyparquet = await import(pathToFileURL(require.resolve('hyparquet')).href);

const bytes = fs.readFileSync(process.argv[2]);
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const metadata = hyparquet.parquetMetadata(file);
const rows = await hyparquet.parquetReadObjects({ file });
const schema = metadata.schema.slice(1).map((e) => ({
  name: e.name, type: e.type, repetition: e.repetition_type,
  logical: e.logical_type ? e.logical_type.type : null, converted: e.converted_type || null,
}));
const replacer = (k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.getTime() : v);
process.stdout.write(JSON.stringify({ schema, num_rows: Number(metadata.num_rows), rows }, replacer));
