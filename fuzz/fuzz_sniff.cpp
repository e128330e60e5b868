// Content sniffing and extractor selection on arbitrary bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "extract/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dossier::extract;
  std::span<const uint8_t> head(data, std::min<size_t>(size, 64 * 1024));
  Probe probe;
  probe.head = head;
  probe.mime = sniff_mime(head);
  probe.name = "fuzz-input";
  const Extractor* e = Registry::instance().find(probe);
  if (e != nullptr)
    (void)e->id();
  (void)type_family(probe.mime);
  return 0;
}
