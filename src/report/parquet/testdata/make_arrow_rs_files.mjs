// Writes the Parquet fixtures of parquet_reader_test.cc with a writer Stocktake did not write:
// arrow-rs's `parquet` crate, as compiled to WebAssembly by the npm package parquet-wasm (0.6.1,
// with apache-arrow 17). The values follow the formulas in ArrowRsExpected() of the test.
//   npm install parquet-wasm@0.6.1 apache-arrow@17 && node make_arrow_rs_files.mjs OUT_DIR
import * as arrow from 'apache-arrow';
import pw from 'parquet-wasm/node';
import fs from 'node:fs';

const n = 2000;
const col = (f) => Array.from({ length: n }, (_, i) => f(i));
const table = new arrow.Table({
  bucket: arrow.vectorFromArray(col(() => 'src'), new arrow.Utf8()),
  key: arrow.vectorFromArray(col((i) => 'k/' + String(i).padStart(6, '0')), new arrow.Utf8()),
  version_id: arrow.vectorFromArray(col((i) => (i % 4 === 0 ? null : 'v' + i)), new arrow.Utf8()),
  size: arrow.vectorFromArray(col((i) => (i % 5 === 0 ? null : BigInt(i * 1000 - 7))),
                              new arrow.Int64()),
  last_modified_date: arrow.vectorFromArray(
      col((i) => (i % 7 === 0 ? null : 1700000000000 + i * 61001)),
      new arrow.TimestampMillisecond('UTC')),
  is_latest: arrow.vectorFromArray(col((i) => (i % 3 === 0 ? null : i % 2 === 0)),
                                   new arrow.Bool()),
  e_tag: arrow.vectorFromArray(col((i) => (i % 6 === 0 ? null : 'etag-' + (i % 50))),
                               new arrow.Utf8()),
});
const variants = {
  'arrow_rs_v2_snappy.parquet': (b) => b.setWriterVersion(pw.WriterVersion.V2)
      .setCompression(pw.Compression.SNAPPY).setDataPageSizeLimit(4096).setMaxRowGroupSize(700),
  'arrow_rs_v2_plain.parquet': (b) => b.setWriterVersion(pw.WriterVersion.V2)
      .setCompression(pw.Compression.UNCOMPRESSED).setDictionaryEnabled(false)
      .setDataPageSizeLimit(8192),
  'arrow_rs_v1_gzip.parquet': (b) => b.setWriterVersion(pw.WriterVersion.V1)
      .setCompression(pw.Compression.GZIP).setMaxRowGroupSize(900),
};
for (const [name, configure] of Object.entries(variants)) {
  const props = configure(new pw.WriterPropertiesBuilder()).build();
  // writeParquet consumes the table: convert it for each file.
  const ipc = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  fs.writeFileSync(process.argv[2] + '/' + name, pw.writeParquet(ipc, props));
}
