// Identical images are read once: an OcrEngine that looks each input up in the catalog's OCR cache
// (by the sha256 of the image bytes or of the rendered pixels, and the engine with its languages)
// before asking the real engine, and collects the new readings for the writer to store.
#pragma once

#include <memory>
#include <vector>

#include "extract/ocr.h"
#include "store/catalog.h"

namespace dossier::ingest {

class CachingOcrEngine final : public extract::OcrEngine {
 public:
  // `catalog` is the worker's read connection; both must outlive this.
  CachingOcrEngine(extract::OcrEngine& inner, store::Catalog& catalog) : inner_(inner), catalog_(catalog) {}

  std::string tool() const override { return inner_.tool(); }
  std::string tool_version() const override { return inner_.tool_version(); }
  Status load() override { return inner_.load(); }
  Result<extract::OcrPage> recognize(const extract::OcrPixels& pixels) override;
  Result<std::vector<extract::OcrPage>> recognize_image(std::span<const uint8_t> bytes) override;

  // Readings made since the last call (cache misses), for the writer to store.
  std::vector<store::OcrReading> take_new_readings() { return std::exchange(new_readings_, {}); }
  uint64_t hits() const { return hits_; }

 private:
  std::optional<std::vector<extract::OcrPage>> lookup(const std::string& input);
  void remember(const std::string& input, const std::vector<extract::OcrPage>& pages);

  extract::OcrEngine& inner_;
  store::Catalog& catalog_;
  std::vector<store::OcrReading> new_readings_;
  uint64_t hits_ = 0;
};

}  // namespace dossier::ingest
