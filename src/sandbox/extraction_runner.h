// Where extraction runs. The ingest hands each item to one ExtractionRunner per pipeline thread:
// either in-process (--no-sandbox: tests and debugging) or in a sandboxed worker process (the
// default; docs/design-notes.md "Sandbox"). Both return what the extractor returned, and both
// stream children to ExtractContext::on_child as they are found, so the pipeline does not care
// which one it has.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"
#include "extract/extractor.h"
#include "extract/ocr.h"

namespace dossier::sandbox {

struct ExtractJob {
  const extract::Extractor* extractor = nullptr;  // chosen by the caller from the registry
  extract::Item item;                             // the bytes, mapped by the caller
  std::filesystem::path blob;                     // the same bytes on disk, handed to a worker read-only
};

class ExtractionRunner {
 public:
  virtual ~ExtractionRunner() = default;
  // Prepares the runner (starts a worker process) without waiting for it. Call it on a thread
  // that outlives the runner's work: a worker dies with the thread that started it.
  virtual Status start() = 0;
  // Waits until what start() began is ready (the worker is sandboxed). An Error says why the
  // sandbox cannot work here and what to do. May run on another thread than start().
  virtual Status wait_ready() = 0;
  // Extracts one item. Not thread-safe: one runner per thread. May be re-entered from
  // ctx.on_child (an archive member is extracted while its archive is still being read).
  // REQUIRES: job.extractor != nullptr.
  virtual Result<extract::Extraction> run(const ExtractJob& job, extract::ExtractContext& ctx) = 0;
};

struct SandboxConfig {
  // The dossier binary the workers are started from; tests point it elsewhere.
  std::filesystem::path executable = "/proc/self/exe";
  // Wall-clock deadline per item: timeout plus seconds_per_mib for each MiB of input. Time the
  // ingest spends storing and extracting an item's children does not count. 0 = no deadline.
  std::chrono::seconds timeout{120};
  double seconds_per_mib = 1.0;
  // RLIMIT_AS of each worker; 0 = none.
  uint64_t address_space_bytes = 4ull << 30;
  extract::OcrConfig ocr;
};

std::unique_ptr<ExtractionRunner> make_in_process_runner(const extract::OcrConfig& ocr);
std::unique_ptr<ExtractionRunner> make_sandbox_runner(const SandboxConfig& config);

// Runs the extractor in this process, turning an escaping exception into an Error (std::bad_alloc
// into kLimit). Both runners end up here; the sandboxed one inside its worker.
Result<extract::Extraction> extract_here(const extract::Extractor& extractor, const extract::Item& item,
                                         extract::ExtractContext& ctx);

// "4 GiB", "512 MiB", "1536 KiB": limits as people set them.
std::string human_size(uint64_t bytes);

}  // namespace dossier::sandbox
