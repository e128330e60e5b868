// One extractor (picked by DOSSIER_FUZZ_EXTRACTOR, its id().name) on arbitrary bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string_view>

#include "extract/extractor.h"
#include "extract/registry.h"

#ifndef DOSSIER_FUZZ_EXTRACTOR
#error "define DOSSIER_FUZZ_EXTRACTOR to an extractor name"
#endif

namespace {

const dossier::extract::Extractor* find_extractor() {
  for (const auto* e : dossier::extract::Registry::instance().all())
    if (e->id().name == std::string_view(DOSSIER_FUZZ_EXTRACTOR))
      return e;
  std::fprintf(stderr, "no extractor named %s\n", DOSSIER_FUZZ_EXTRACTOR);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dossier::extract;
  static const Extractor* const extractor = find_extractor();
  Item item;
  item.bytes = std::span<const uint8_t>(data, size);
  item.mime = sniff_mime(item.bytes.first(std::min<size_t>(size, 64 * 1024)));
  item.name = "fuzz-input";
  ExtractContext ctx;
  ctx.limits.max_child_bytes = 8ull << 20;
  ctx.limits.max_children = 1000;
  ctx.limits.max_pages = 200;
  ctx.limits.max_text_bytes = 16ull << 20;
  ctx.item_size = size;
  ctx.on_child = [](Child&&) {};
  auto result = extractor->extract(item, ctx);
  (void)result;
  return 0;
}
