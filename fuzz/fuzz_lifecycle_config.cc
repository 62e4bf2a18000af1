// Fuzz target: the PutBucketLifecycleConfiguration body parser and validator (XML from any
// caller), and the round trip of whatever it accepts through the response XML and the store's
// bucket attribute.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <variant>
#include <vector>

#include "s3/lifecycle_xml.h"
#include "store/lifecycle_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  pugi::xml_document doc;
  if (!doc.load_buffer(data, size, pugi::parse_default, pugi::encoding_utf8)) return 0;
  auto parsed = s3::ParseLifecycleConfiguration(doc);
  auto* rules = std::get_if<std::vector<store::LifecycleRule>>(&parsed);
  if (rules == nullptr) return 0;
  // Anything accepted must render, parse back to the same rules, and store.
  std::string rendered = s3::RenderLifecycleConfiguration(*rules);
  pugi::xml_document again;
  if (!again.load_string(rendered.c_str())) std::abort();
  auto reparsed = s3::ParseLifecycleConfiguration(again);
  auto* rules_again = std::get_if<std::vector<store::LifecycleRule>>(&reparsed);
  if (rules_again == nullptr || s3::RenderLifecycleConfiguration(*rules_again) != rendered) {
    std::abort();
  }
  std::string stored = store::SerializeLifecycleRules(*rules);
  auto decoded = store::ParseLifecycleRules(stored);
  if (!decoded.ok() || store::SerializeLifecycleRules(*decoded) != stored) std::abort();
  return 0;
}
