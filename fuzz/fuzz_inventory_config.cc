// Fuzz target: the PutBucketInventoryConfiguration body parser and validator (XML from any
// caller), and the round trip of whatever it accepts through serialization and storage.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "inventory/config.h"
#include "inventory/config_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::inventory;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = ParsePutInventoryConfiguration(body, "report1");
  if (!parsed.ok()) return 0;
  // Anything accepted must serialize, parse back to the same configuration, and store.
  auto again =
      ParseInventoryConfigurationXml(SerializeInventoryConfigurationXml(parsed.value(), true));
  if (!again.ok() || !(again.value() == parsed.value())) std::abort();
  auto decoded = DecodeInventoryConfiguration(EncodeInventoryConfiguration(parsed.value()));
  if (!decoded.ok() || !(*decoded == parsed.value())) std::abort();
  return 0;
}
