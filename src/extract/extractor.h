// The one interface every format sits behind. See DESIGN.md "Extractor contract".
//
// Extractors are pure: bytes and hints in, an Extraction or an Error out. No globals, no I/O beyond
// the input, no state between calls, so each is thread-safe and can run inside a sandboxed worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "extract/extraction.h"
#include "extract/ocr.h"

namespace dossier::extract {

// Name and version for the custody log; bump the version when output may change.
struct ExtractorId {
  std::string name;
  int version = 1;
};

// What sniff() may look at: cheap facts only.
struct Probe {
  std::span<const uint8_t> head;  // the first bytes of the item (up to 64 KiB)
  std::string mime;               // from content sniffing (libmagic), e.g. "application/pdf"
  std::string name;               // file name, a hint only: content decides
};

// 0 means "not mine"; the registry picks the highest score.
using MatchScore = int;
inline constexpr MatchScore kNoMatch = 0;
inline constexpr MatchScore kFallbackMatch = 10;  // would take it if nobody better does
inline constexpr MatchScore kGoodMatch = 50;      // the sniffed MIME type is one this extractor owns
inline constexpr MatchScore kExactMatch = 100;    // magic bytes confirm the format

struct Item {
  std::span<const uint8_t> bytes;  // the whole original, byte-exact
  std::string mime;                // sniffed MIME type
  std::string name;                // file or member name
  int depth = 0;                   // 0 for files on disk, parent depth + 1 for children
};

struct Limits {
  // Stop collecting text past this, with a warning. Indexing a document takes about 14 times its
  // text in memory (Xapian's posting buffers), so this bounds the ingest's peak resident size:
  // 64 MiB of text peaks near 1 GB however large the file (256 MiB reached 3.4 GB).
  uint64_t max_text_bytes = 64ull << 20;
  uint64_t max_child_bytes = 4ull << 30;    // total bytes of children per item
  uint64_t max_ratio = 200;                 // children bytes / item bytes (zip bombs), above 1 MiB
  // Per item. A mailbox or archive of a million items is ordinary in a leak: they stream through
  // one at a time, so this only stops the absurd.
  uint32_t max_children = 10000000;
  uint32_t max_depth = 32;                  // nesting of containers
  uint32_t max_pages = 100000;              // per document
  // Per email: GMime builds the whole part tree in memory (about 3 KB a part, 400 MB for a
  // message of 100,000 parts), so a message is cut before the part past this one.
  uint32_t max_mime_parts = 10000;
};

// Per-call limits, cancellation and the child sink. Owned by the caller.
struct ExtractContext {
  Limits limits;
  const std::atomic<bool>* cancelled = nullptr;  // may be null
  // Receives each child as soon as the extractor has its bytes, so that a 2 GB mailbox never holds
  // more than one message in memory. When unset, children are collected in Extraction::children.
  std::function<void(Child&&)> on_child;
  uint64_t item_size = 0;  // bytes of the item being extracted, for the expansion-ratio limit
  // The worker's OCR engine, lent for this call; null means no OCR (tests, --ocr=off).
  OcrEngine* ocr = nullptr;
  OcrMode ocr_mode = OcrMode::kAuto;
  // Called after each unit of slow work that advanced (a page read by OCR), so that a sandboxed
  // run's deadline counts from the last sign of progress rather than from the start: a 500-page
  // scan is slow, not hung. May be unset; call progress().
  std::function<void()> on_progress;

  void progress() const {
    if (on_progress) on_progress();
  }

  bool is_cancelled() const { return cancelled != nullptr && cancelled->load(std::memory_order_relaxed); }

  // Every extractor hands children over through this: it enforces max_children, max_child_bytes
  // and max_ratio, counts the child in x.emitted_children, and passes it on. Returns kLimit once
  // a limit is hit (the child is not emitted); the extractor should stop producing children, keep
  // what it has, and add a warning or return the error.
  Status emit_child(Extraction& x, Child child);

 private:
  uint64_t child_bytes_ = 0;
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  virtual ExtractorId id() const = 0;
  // Cheap: magic bytes and sniffed MIME type only.
  virtual MatchScore sniff(const Probe& probe) const = 0;
  // Text, metadata and child items. Expected failures (encrypted, truncated, unsupported variant)
  // are returned as an Error whose message is the reason a person reads in `dossier failures`.
  virtual Result<Extraction> extract(const Item& item, ExtractContext& ctx) const = 0;
};

}  // namespace dossier::extract
