// orc_seek_check: reads an ORC file with Apache ORC's own C++ library, exercising what the
// command-line tools do not: seeking through the row index and skipping row groups by their
// statistics. Built only when the library from shared/tools/build-orc-tools.sh is present.
//
//   orc_seek_check FILE seek ROW COUNT [ROW COUNT ...]
//       for each pair: seekToRow(ROW), then print COUNT rows as orc-contents does (JSON lines)
//   orc_seek_check FILE key-eq COLUMN VALUE
//       reads with the search argument COLUMN = VALUE (string) and prints
//       "<rows read> <rows equal to VALUE>"
#include <cstdlib>
#include <iostream>
#include <orc/ColumnPrinter.hh>
#include <orc/OrcFile.hh>
#include <orc/sargs/SearchArgument.hh>
#include <string>

namespace {

int Seek(orc::Reader& reader, int argc, char** argv) {
  orc::RowReaderOptions options;
  auto rows = reader.createRowReader(options);
  auto batch = rows->createRowBatch(1000);
  std::string line;
  auto printer = orc::createColumnPrinter(line, &rows->getSelectedType());
  for (int i = 3; i + 1 < argc; i += 2) {
    const uint64_t row = std::stoull(argv[i]);
    const uint64_t count = std::stoull(argv[i + 1]);
    rows->seekToRow(row);
    uint64_t printed = 0;
    while (printed < count && rows->next(*batch)) {
      printer->reset(*batch);
      for (uint64_t j = 0; j < batch->numElements && printed < count; ++j, ++printed) {
        line.clear();
        printer->printRow(j);
        std::cout << line << "\n";
      }
    }
  }
  return 0;
}

int KeyEquals(orc::Reader& reader, const std::string& column, const std::string& value) {
  orc::RowReaderOptions options;
  options.searchArgument(
      orc::SearchArgumentFactory::newBuilder()
          ->equals(column, orc::PredicateDataType::STRING, orc::Literal(value.data(), value.size()))
          .build());
  options.include(std::list<std::string>{column});
  auto rows = reader.createRowReader(options);
  auto batch = rows->createRowBatch(1000);
  uint64_t read = 0;
  uint64_t equal = 0;
  while (rows->next(*batch)) {
    auto& root = dynamic_cast<orc::StructVectorBatch&>(*batch);
    auto& strings = dynamic_cast<orc::StringVectorBatch&>(*root.fields[0]);
    for (uint64_t j = 0; j < batch->numElements; ++j) {
      if ((!strings.hasNulls || strings.notNull[j]) &&
          std::string(strings.data[j], static_cast<size_t>(strings.length[j])) == value) {
        ++equal;
      }
    }
    read += batch->numElements;
  }
  std::cout << read << " " << equal << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: orc_seek_check FILE seek ROW COUNT... | FILE key-eq COLUMN VALUE\n";
    return 2;
  }
  try {
    auto reader = orc::createReader(orc::readLocalFile(argv[1]), orc::ReaderOptions());
    const std::string mode = argv[2];
    if (mode == "seek") return Seek(*reader, argc, argv);
    if (mode == "key-eq" && argc == 5) return KeyEquals(*reader, argv[3], argv[4]);
    std::cerr << "unknown mode " << mode << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "orc error: " << e.what() << "\n";
    return 1;
  }
}
