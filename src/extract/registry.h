// The single table of extractors, and content-based type identification.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"

namespace dossier::extract {

// Identifies content with libmagic (never by extension). Thread-safe: one magic handle per thread.
// Returns "application/octet-stream" when nothing matches.
std::string sniff_mime(std::span<const uint8_t> head);

// A short family name for search filters and stats: "pdf", "html", "text", "image", "xml", ...
// Derived from the MIME type; "other" when unknown.
std::string type_family(std::string_view mime);

// Every extractor dossier has, in one table (registry.cpp). Thread-safe; lives for the program.
// Makes every library the extractors use read its data files now: GMime, libxml2, Exiv2, glibc's
// time zone and iconv modules. A sandboxed worker calls it before its seccomp filter forbids
// opening files; elsewhere it is never needed. Not thread-safe against running extractions.
void warm_up_libraries();

class Registry {
 public:
  static const Registry& instance();

  // The best extractor for the probe, or nullptr when none claims it.
  const Extractor* find(const Probe& probe) const;
  // The extractor whose id().name is `name`, or nullptr. A sandboxed worker runs the one the
  // ingest chose by name.
  const Extractor* by_name(std::string_view name) const;
  const std::vector<const Extractor*>& all() const { return extractors_; }

 private:
  Registry();
  std::vector<const Extractor*> extractors_;
};

}  // namespace dossier::extract
