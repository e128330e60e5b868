// The ingest pipeline: walk → hash+store → identify → extract → catalog + index (+ custody).
//
// Threads: one walker, N extraction workers, one writer. The writer alone touches the catalog's
// write connection and the index, committing in batches, so an interrupted ingest resumes at the
// last batch; files already committed with the same size and mtime are skipped without reading.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "extract/ocr.h"
#include "store/catalog.h"

namespace dossier::ingest {

struct IngestOptions {
  int jobs = 0;                 // extraction workers; 0 = one per core
  bool rehash = false;          // hash every file even when size and mtime are unchanged
  Progress::Mode progress = Progress::Mode::kQuiet;
  uint32_t batch_documents = 256;       // commit at least this often
  uint64_t batch_text_bytes = 64 << 20;  // ... or after this much text
  // ... or after this many new locations: a million-member archive of few distinct contents is
  // nearly all locations, whose custody entries and index paths wait in memory for the commit.
  uint32_t batch_locations = 32768;
  double batch_seconds = 5.0;            // ... or after this long
  // OCR mode; the languages come from the project's settings (`dossier config ocr.languages`)
  // unless ocr_languages is set.
  extract::OcrMode ocr_mode = extract::OcrMode::kAuto;
  std::string ocr_languages;
  // Where extractors run: sandboxed worker processes (the default), or threads of the ingest
  // itself (--no-sandbox: for tests and debugging, never for untrusted files).
  enum class Isolation { kSandbox, kThreads };
  Isolation isolation = Isolation::kSandbox;
  // Sandbox only: wall-clock deadline per item, plus one second per MiB of input (0 = none), and
  // each worker's address-space limit (0 = none).
  int timeout_seconds = 120;
  uint64_t memory_limit_bytes = 4ull << 30;
};

struct IngestReport {
  uint64_t files_seen = 0;        // regular files found under the inputs
  uint64_t files_unchanged = 0;   // skipped: same path, size and mtime as a committed location
  uint64_t bytes_read = 0;
  uint64_t new_documents = 0;     // new unique contents (files and embedded items)
  uint64_t new_locations = 0;
  uint64_t embedded = 0;          // children found inside containers
  uint64_t failures = 0;          // new documents whose extraction failed
  uint64_t not_ingested = 0;      // paths that could not be read at all (see `dossier failures`)
  double seconds = 0;
  double custody_seconds = 0;     // of which custody: entries, append + fsync, checkpoint
};

// The project setting that holds the OCR languages ("eng+chi_sim+uig").
inline constexpr std::string_view kOcrLanguagesSetting = "ocr.languages";

// The OCR mode and languages an ingest uses: the options' languages, else the project's setting,
// else extract::kDefaultOcrLanguages; checked to be installed unless OCR is off.
Result<extract::OcrConfig> ocr_config(store::Catalog& catalog, const IngestOptions& options);

// REQUIRES: project_dir holds a project (init_project).
Result<IngestReport> run_ingest(const std::filesystem::path& project_dir,
                                const std::vector<std::filesystem::path>& inputs, const IngestOptions& options);

}  // namespace dossier::ingest
