// Fuzz target: manifest.json parsing (reports fetched from any S3 store by `stocktake report`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "inventory/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::inventory;
  auto manifest = ParseManifestJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!manifest.ok()) return 0;
  // What parses must print and parse back to the same manifest.
  auto again = ParseManifestJson(BuildManifestJson(*manifest));
  if (!again.ok() || !(*again == *manifest)) std::abort();
  return 0;
}
