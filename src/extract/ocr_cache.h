// Identical images are read once: an OcrEngine that remembers its readings by what it read (the
// sha256 of the image bytes, or of the rendered pixels with their shape) and answers a repeat
// from memory. The same document is extracted once anyway (content addressing); this catches the
// same scan inside different containers, such as one page in two versions of a PDF.
// make_tesseract_engine() returns its engine wrapped in one. Not thread-safe, like every engine.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "extract/ocr.h"

namespace dossier::extract {

class CachingOcrEngine final : public OcrEngine {
 public:
  // Remembers up to `max_entries` readings (oldest forgotten first); a reading is a few KiB.
  explicit CachingOcrEngine(std::unique_ptr<OcrEngine> inner, size_t max_entries = 4096)
      : inner_(std::move(inner)), max_entries_(max_entries) {}

  std::string tool() const override { return inner_->tool(); }
  std::string tool_version() const override { return inner_->tool_version(); }
  Status load() override { return inner_->load(); }
  Status open_models() override { return inner_->open_models(); }
  void set_on_page(std::function<void()> on_page) override { inner_->set_on_page(std::move(on_page)); }
  Result<OcrPage> recognize(const OcrPixels& pixels) override;
  Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t> bytes) override;

  uint64_t hits() const { return hits_; }

 private:
  const std::vector<OcrPage>* lookup(const std::string& key);
  void remember(std::string key, std::vector<OcrPage> pages);

  std::unique_ptr<OcrEngine> inner_;
  size_t max_entries_;
  std::unordered_map<std::string, std::vector<OcrPage>> readings_;
  std::deque<std::string> order_;  // keys, oldest first
  uint64_t hits_ = 0;
};

}  // namespace dossier::extract
