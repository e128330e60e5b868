#include "sandbox/extraction_runner.h"

#include <new>

namespace dossier::sandbox {
namespace {

class InProcessRunner final : public ExtractionRunner {
 public:
  explicit InProcessRunner(const extract::OcrConfig& ocr) : ocr_(ocr) {}

  Status start() override {
    if (ocr_.mode != extract::OcrMode::kOff) {
      auto engine = extract::make_tesseract_engine(ocr_.languages);
      engine_ = engine.has_value() ? std::move(engine).value() : extract::make_unavailable_ocr_engine(engine.error());
    }
    return ok_status();
  }

  Status wait_ready() override { return ok_status(); }

  Result<extract::Extraction> run(const ExtractJob& job, extract::ExtractContext& ctx) override {
    ctx.ocr = engine_.get();
    ctx.ocr_mode = ocr_.mode;
    return extract_here(*job.extractor, job.item, ctx);
  }

 private:
  extract::OcrConfig ocr_;
  std::unique_ptr<extract::OcrEngine> engine_;  // null without OCR
};

}  // namespace

std::unique_ptr<ExtractionRunner> make_in_process_runner(const extract::OcrConfig& ocr) {
  return std::make_unique<InProcessRunner>(ocr);
}

Result<extract::Extraction> extract_here(const extract::Extractor& extractor, const extract::Item& item,
                                         extract::ExtractContext& ctx) {
  try {
    return extractor.extract(item, ctx);
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::kLimit, "out of memory while extracting", item.name};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("extractor failed unexpectedly: ") + e.what(), item.name};
  }
}

std::string human_size(uint64_t bytes) {
  constexpr uint64_t kKiB = 1024;
  constexpr uint64_t kMiB = kKiB * 1024;
  constexpr uint64_t kGiB = kMiB * 1024;
  if (bytes >= kGiB && bytes % kGiB == 0) return std::to_string(bytes / kGiB) + " GiB";
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace dossier::sandbox
