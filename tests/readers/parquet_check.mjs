#!/usr/bin/env node
// Reads the Parquet files Stocktake wrote with two readers it did not write — DuckDB
// (@duckdb/node-api) and hyparquet — and compares them with expected.json from the C++ side
// (tests/readers/parquet_reader_test.cc): every value, the schema and logical types, row groups,
// per-row-group statistics (min/max computed here from the expected values with the Parquet type
// order: byte-wise unsigned for strings, signed for integers and timestamps), null counts,
// compression and encodings.
//
//   usage: node parquet_check.mjs DIR      (DIR holds expected.json and the .parquet files)
// Readers are loaded from $STOCKTAKE_CACHE/node (default ~/.cache/stocktake/node), where
// tests/setup-readers.sh installs them. Exits 1 on the first file with mismatches (all of its
// mismatches, up to a limit, are printed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node parquet_check.mjs DIR');
  process.exit(2);
}
const cache = process.env.STOCKTAKE_CACHE || path.join(os.homedir(), '.cache', 'stocktake');
const require = createRequire(path.join(cache, 'node', 'package.json'));
let duckdb, hyparquet;
try {
  duckdb = require('@duckdb/node-api');
  hyparquet = await import(pathToFileURL(require.resolve('hyparquet')).href);
} catch (e) {
  console.error(`parquet_check: readers not found under ${cache}/node (run tests/setup-readers.sh): ${e.message}`);
  process.exit(2);
}

const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));

// ---- mismatch collection ----
let failures = [];
const kMaxReported = 40;
function fail(msg) {
  failures.push(msg);
}
function eq(actual, want, what) {
  if (actual !== want) fail(`${what}: got ${fmt(actual)}, want ${fmt(want)}`);
}
function fmt(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v);
  return String(v);
}

// ---- expected values and their Parquet type order ----
// Expected cells: string | boolean | decimal string (int64, timestamp millis) | null.
function compare(type, a, b) {
  if (type === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  if (type === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  const x = BigInt(a), y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
function expectedStats(col, values, start, end) {
  let min = null, max = null, nulls = 0;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (v === null) { nulls++; continue; }
    if (min === null || compare(col.type, v, min) < 0) min = v;
    if (max === null || compare(col.type, v, max) > 0) max = v;
  }
  return { min, max, nulls };
}

const kParquetType = { string: 'BYTE_ARRAY', boolean: 'BOOLEAN', int64: 'INT64', timestamp_millis: 'INT64' };
const kConverted = { string: 'UTF8', boolean: null, int64: null, timestamp_millis: 'TIMESTAMP_MILLIS' };
const kDuckType = { string: 'VARCHAR', boolean: 'BOOLEAN', int64: 'BIGINT', timestamp_millis: 'TIMESTAMP WITH TIME ZONE' };

// ---- DuckDB ----
async function checkDuckDb(con, file) {
  const p = path.join(dir, file.name).replaceAll("'", "''");
  const cols = file.columns;
  const N = file.num_rows;
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS();

  const [fm] = await rows(`SELECT created_by, num_rows, num_row_groups, format_version, column_orders FROM parquet_file_metadata('${p}')`);
  eq(fm.created_by, expected.created_by, 'duckdb created_by');
  eq(Number(fm.num_rows), N, 'duckdb num_rows');
  eq(String(fm.format_version), '1', 'duckdb format_version');
  // TypeDefinedOrder for every column, so readers trust min_value/max_value.
  eq(fm.column_orders?.length, cols.length, 'duckdb column_orders');
  for (const o of fm.column_orders ?? []) eq(o, 'ColumnOrder(TYPE_ORDER=TypeDefinedOrder())', 'duckdb column order');

  // Schema: root + one leaf per column, physical/converted/logical types.
  const schema = await rows(`SELECT name, type, repetition_type, num_children, converted_type, logical_type, duckdb_type FROM parquet_schema('${p}')`);
  eq(schema.length, cols.length + 1, 'duckdb schema elements');
  eq(schema[0].name, 's3.inventory', 'duckdb root name');
  eq(Number(schema[0].num_children), cols.length, 'duckdb root num_children');
  eq(schema[0].repetition_type, null, 'duckdb root repetition');
  cols.forEach((c, i) => {
    const e = schema[i + 1] || {};
    const what = `duckdb schema ${c.name}`;
    eq(e.name, c.name, `${what} name`);
    eq(e.type, kParquetType[c.type], `${what} type`);
    eq(e.repetition_type, c.required ? 'REQUIRED' : 'OPTIONAL', `${what} repetition`);
    eq(e.converted_type, kConverted[c.type], `${what} converted_type`);
    eq(e.duckdb_type, kDuckType[c.type], `${what} duckdb_type`);
    if (c.type === 'string') eq(e.logical_type, 'StringType()', `${what} logical_type`);
    else if (c.type === 'timestamp_millis') {
      const lt = String(e.logical_type);
      if (!lt.startsWith('TimestampType(isAdjustedToUTC=1') || !lt.includes('MILLIS=MilliSeconds()')) {
        fail(`${what} logical_type: ${lt}`);
      }
    } else eq(e.logical_type, null, `${what} logical_type`);
  });
  const described = await rows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
  cols.forEach((c, i) => {
    eq(described[i]?.column_name, c.name, `duckdb describe ${i} name`);
    eq(described[i]?.column_type, kDuckType[c.type], `duckdb describe ${c.name} type`);
  });

  // Every value, in file order. Integers and timestamps come back as exact decimal strings.
  const exprs = cols.map((c) => {
    const q = `"${c.name}"`;
    if (c.type === 'int64') return `CAST(${q} AS VARCHAR)`;
    if (c.type === 'timestamp_millis') return `CAST(epoch_ms(${q}) AS VARCHAR)`;
    return q;
  });
  const reader = await con.runAndReadAll(
    `SELECT ${exprs.join(', ')} FROM read_parquet('${p}', file_row_number=true) ORDER BY file_row_number`);
  const got = reader.getRowsJS();
  eq(got.length, N, 'duckdb row count');
  for (let r = 0; r < Math.min(N, got.length) && failures.length < kMaxReported; r++) {
    cols.forEach((c, i) => eq(got[r][i], file.data[c.name][r], `duckdb row ${r} ${c.name}`));
  }

  // Row groups, statistics, compression, encodings.
  const meta = await rows(`
    SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, num_values, compression,
           encodings, dictionary_page_offset, data_page_offset,
           stats_null_count, stats_min_value, stats_max_value,
           CAST(epoch_ms(TRY_CAST(stats_min_value AS TIMESTAMPTZ)) AS VARCHAR) AS ts_min,
           CAST(epoch_ms(TRY_CAST(stats_max_value AS TIMESTAMPTZ)) AS VARCHAR) AS ts_max
    FROM parquet_metadata('${p}') ORDER BY row_group_id, column_id`);
  const groups = Number(fm.num_row_groups);
  if (N === 0) eq(groups, 0, 'duckdb row groups of an empty file');
  if (groups < file.min_row_groups) fail(`duckdb row groups: ${groups} < ${file.min_row_groups}`);
  eq(meta.length, groups * cols.length, 'duckdb column chunks');
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const chunkRows = meta.slice(g * cols.length, (g + 1) * cols.length);
    const n = Number(chunkRows[0].row_group_num_rows);
    cols.forEach((c, i) => {
      const m = chunkRows[i];
      const what = `duckdb rg ${g} ${c.name}`;
      eq(m.path_in_schema, c.name, `${what} path`);
      eq(Number(m.num_values), n, `${what} num_values`);
      eq(m.compression, 'SNAPPY', `${what} compression`);
      const want = expectedStats(c, file.data[c.name], start, start + n);
      eq(Number(m.stats_null_count), want.nulls, `${what} null_count`);
      let min = m.stats_min_value, max = m.stats_max_value;
      if (c.type === 'timestamp_millis') { min = m.ts_min; max = m.ts_max; }
      if (c.type === 'boolean') { want.min = want.min === null ? null : String(want.min); want.max = want.max === null ? null : String(want.max); }
      eq(min, want.min, `${what} min`);
      eq(max, want.max, `${what} max`);
      const encodings = String(m.encodings).split(', ');
      if (file.dictionary_columns.includes(c.name)) {
        if (!encodings.includes('RLE_DICTIONARY') || m.dictionary_page_offset === null) {
          fail(`${what}: expected dictionary encoding, got ${m.encodings}`);
        }
      }
      if (file.plain_columns.includes(c.name)) {
        if (encodings.includes('RLE_DICTIONARY') || m.dictionary_page_offset !== null) {
          fail(`${what}: expected PLAIN only, got ${m.encodings}`);
        }
      }
    });
    // The key column: sorted, so its min/max are the group's first and last keys.
    const k = cols.findIndex((c) => c.name === 'key');
    if (k >= 0 && n > 0) {
      eq(chunkRows[k].stats_min_value, file.data.key[start], `duckdb rg ${g} key min = first key`);
      eq(chunkRows[k].stats_max_value, file.data.key[start + n - 1], `duckdb rg ${g} key max = last key`);
    }
    start += n;
  }
  eq(start, N, 'duckdb rows over all row groups');

  // A filter on key must use the statistics and still find the right rows.
  if (N > 0) {
    const key = file.data.key[Math.floor(N / 2)].replaceAll("'", "''");
    const [c] = await rows(`SELECT count(*) AS n FROM read_parquet('${p}') WHERE key = '${key}'`);
    const want = file.data.key.filter((k) => k === file.data.key[Math.floor(N / 2)]).length;
    eq(Number(c.n), want, 'duckdb key filter');
  }
}

// ---- hyparquet ----
// Timestamps as exact decimal strings (hyparquet's default parser makes Dates).
const parsers = { timestampFromMilliseconds: (ms) => String(ms) };

function hyValue(col, v) {
  if (v === null || v === undefined) return null;
  if (col.type === 'int64') return String(v);
  return v;
}

async function checkHyparquet(file) {
  const buf = fs.readFileSync(path.join(dir, file.name));
  const arrayBuffer = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const cols = file.columns;
  const N = file.num_rows;
  const md = hyparquet.parquetMetadata(arrayBuffer, { parsers });
  eq(md.version, 1, 'hyparquet version');
  eq(md.created_by, expected.created_by, 'hyparquet created_by');
  eq(Number(md.num_rows), N, 'hyparquet num_rows');
  eq(md.schema[0].name, 's3.inventory', 'hyparquet root name');
  eq(md.schema[0].num_children, cols.length, 'hyparquet root num_children');
  cols.forEach((c, i) => {
    const e = md.schema[i + 1] || {};
    const what = `hyparquet schema ${c.name}`;
    eq(e.name, c.name, `${what} name`);
    eq(e.type, kParquetType[c.type], `${what} type`);
    eq(e.repetition_type, c.required ? 'REQUIRED' : 'OPTIONAL', `${what} repetition`);
    eq(e.converted_type, kConverted[c.type] ?? undefined, `${what} converted_type`);
    if (c.type === 'string') eq(e.logical_type?.type, 'STRING', `${what} logical_type`);
    else if (c.type === 'timestamp_millis') {
      eq(e.logical_type?.type, 'TIMESTAMP', `${what} logical_type`);
      eq(e.logical_type?.isAdjustedToUTC, true, `${what} isAdjustedToUTC`);
      eq(e.logical_type?.unit, 'MILLIS', `${what} unit`);
    } else eq(e.logical_type, undefined, `${what} logical_type`);
  });

  let start = 0;
  md.row_groups.forEach((rg, g) => {
    const n = Number(rg.num_rows);
    eq(rg.ordinal, g, `hyparquet rg ${g} ordinal`);
    let uncompressed = 0n, compressed = 0n;
    rg.columns.forEach((chunk, i) => {
      const c = cols[i];
      const m = chunk.meta_data;
      const what = `hyparquet rg ${g} ${c.name}`;
      eq(m.codec, 'SNAPPY', `${what} codec`);
      eq(Number(m.num_values), n, `${what} num_values`);
      eq(m.path_in_schema.join('.'), c.name, `${what} path`);
      uncompressed += BigInt(m.total_uncompressed_size);
      compressed += BigInt(m.total_compressed_size);
      const want = expectedStats(c, file.data[c.name], start, start + n);
      const s = m.statistics;
      eq(Number(s.null_count), want.nulls, `${what} null_count`);
      eq(hyValue(c, s.min_value) ?? null, want.min, `${what} min_value`);
      eq(hyValue(c, s.max_value) ?? null, want.max, `${what} max_value`);
      if (want.min !== null) {
        eq(s.is_min_value_exact, true, `${what} is_min_value_exact`);
        eq(s.is_max_value_exact, true, `${what} is_max_value_exact`);
      }
      const pages = (type, enc) => (m.encoding_stats ?? [])
        .filter((e) => e.page_type === type && e.encoding === enc).reduce((a, e) => a + e.count, 0);
      if (file.mixed_columns.includes(c.name)) {
        // Dictionary overflow inside the chunk: dictionary pages first, then PLAIN pages.
        if (!(pages('DICTIONARY_PAGE', 'PLAIN') === 1 && pages('DATA_PAGE', 'RLE_DICTIONARY') > 0 &&
              pages('DATA_PAGE', 'PLAIN') > 0)) {
          fail(`${what}: expected dictionary then PLAIN pages, got ${JSON.stringify(m.encoding_stats)}`);
        }
      }
      if (file.dictionary_columns.includes(c.name) && pages('DATA_PAGE', 'PLAIN') > 0 &&
          want.nulls < n) {
        fail(`${what}: PLAIN data pages in a dictionary column: ${JSON.stringify(m.encoding_stats)}`);
      }
    });
    eq(BigInt(rg.total_byte_size), uncompressed, `hyparquet rg ${g} total_byte_size`);
    eq(BigInt(rg.total_compressed_size), compressed, `hyparquet rg ${g} total_compressed_size`);
    start += n;
  });
  eq(start, N, 'hyparquet rows over all row groups');

  const rows = await hyparquet.parquetReadObjects({ file: arrayBuffer, parsers });
  eq(rows.length, N, 'hyparquet row count');
  for (let r = 0; r < Math.min(N, rows.length) && failures.length < kMaxReported; r++) {
    for (const c of cols) eq(hyValue(c, rows[r][c.name]), file.data[c.name][r], `hyparquet row ${r} ${c.name}`);
  }
}

// ---- main ----
const instance = await duckdb.DuckDBInstance.create(':memory:');
const con = await instance.connect();
let ok = 0;
for (const file of expected.files) {
  for (const [reader, run] of [['duckdb', () => checkDuckDb(con, file)], ['hyparquet', () => checkHyparquet(file)]]) {
    failures = [];
    try {
      await run();
    } catch (e) {
      fail(`${reader} threw: ${e.stack || e}`);
    }
    if (failures.length > 0) {
      console.error(`parquet_check: ${file.name} (${reader}): ${failures.length} mismatches`);
      for (const f of failures.slice(0, kMaxReported)) console.error(`  ${f}`);
      process.exit(1);
    }
    console.log(`parquet_check: ${file.name}: ${reader} OK (${file.num_rows} rows x ${file.columns.length} columns)`);
  }
  ok++;
}
console.log(`parquet_check: ${ok} files OK`);
