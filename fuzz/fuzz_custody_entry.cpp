// Custody entries: parse_entry accepts only canonical bytes, so encode(parse(b)) == b.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "custody/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = dossier::custody::parse_entry(bytes);
  if (!parsed.has_value())
    return 0;
  if (dossier::custody::encode_entry(*parsed) != bytes) {
    std::fprintf(stderr, "parse_entry accepted non-canonical bytes\n");
    __builtin_trap();
  }
  auto again = dossier::custody::parse_entry(dossier::custody::encode_entry(*parsed));
  if (!again.has_value() || !(*again == *parsed))
    __builtin_trap();
  return 0;
}
