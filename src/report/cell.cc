#include "report/cell.h"

namespace stocktake::report {

const char* CellKindName(CellKind kind) {
  switch (kind) {
    case CellKind::kNull:
      return "null";
    case CellKind::kBool:
      return "bool";
    case CellKind::kInt:
      return "int";
    case CellKind::kDouble:
      return "double";
    case CellKind::kString:
      return "string";
    case CellKind::kBinary:
      return "binary";
    case CellKind::kTimestamp:
      return "timestamp";
  }
  return "unknown";
}

}  // namespace stocktake::report
