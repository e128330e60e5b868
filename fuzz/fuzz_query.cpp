// The query parser on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "index/query_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  auto parsed = dossier::index::parse_query(query);
  if (parsed.has_value()) {
    (void)dossier::index::to_string(*parsed);
    (void)dossier::index::highlight_spec(*parsed);
  }
  return 0;
}
