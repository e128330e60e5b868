// Helpers shared by the extract tests: fixtures, items and running an extractor on bytes.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "extract/extraction.h"
#include "extract/extractor.h"
#include "extract/registry.h"

namespace dossier::extract::testing {

inline std::filesystem::path fixture(std::string_view name) {
  return std::filesystem::path(DOSSIER_FIXTURES) / "extract" / name;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline Probe probe_for(std::string_view bytes, std::string name = {}) {
  Probe p;
  p.head = as_bytes(bytes.substr(0, 65536));
  p.mime = sniff_mime(p.head);
  p.name = std::move(name);
  return p;
}

inline Item item_for(std::string_view bytes, std::string name = {}) {
  Item item;
  item.bytes = as_bytes(bytes);
  item.mime = sniff_mime(item.bytes.first(std::min<size_t>(item.bytes.size(), 65536)));
  item.name = std::move(name);
  return item;
}

// The registry's extractor for these bytes, or "" when none claims them.
inline std::string chosen(std::string_view bytes) {
  const Extractor* e = Registry::instance().find(probe_for(bytes));
  return e == nullptr ? std::string() : e->id().name;
}

inline Result<Extraction> run(const Extractor& e, std::string_view bytes, std::string mime = {}) {
  Item item = item_for(bytes, "test");
  if (!mime.empty())
    item.mime = std::move(mime);
  ExtractContext ctx;
  return e.extract(item, ctx);
}

inline std::string meta(const Extraction& x, std::string_view key) {
  for (const MetaField& f : x.metadata) {
    if (f.key == key)
      return f.value;
  }
  return {};
}

inline std::string all_text(const Extraction& x) {
  std::string out;
  for (const Page& p : x.pages)
    out += p.text;
  return out;
}

}  // namespace dossier::extract::testing
