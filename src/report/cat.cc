#include "report/cat.h"

#include <vector>

#include "common/exit_code.h"
#include "report/typed_reader.h"

namespace stocktake::report {

int RunCat(const CatOptions& options, std::ostream* out, std::ostream* err) {
  auto report = Report::Open(options.url, options.report);
  if (!report.ok()) {
    *err << "stocktake report cat: " << report.status().message() << "\n";
    return ExitCodeFor(report.status());
  }
  std::vector<std::string> names;
  for (const ReportColumn& c : (*report)->schema().columns) names.push_back(c.name);
  auto printer = NewRowPrinter(options.format, out, options.header);
  printer->Header(names);
  ReportScanner scanner(report->get());
  Row row;
  while (true) {
    auto more = scanner.Next(&row);
    if (!more.ok()) {
      printer->Finish();
      *err << "stocktake report cat: " << more.status().message() << "\n";
      return ExitCodeFor(more.status());
    }
    if (!*more) break;
    printer->Print(row);
  }
  printer->Finish();
  return out->good() ? kExitOk : kExitFailure;
}

}  // namespace stocktake::report
