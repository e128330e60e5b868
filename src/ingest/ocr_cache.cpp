#include "ingest/ocr_cache.h"

#include "core/sha256.h"

namespace dossier::ingest {

std::optional<std::vector<extract::OcrPage>> CachingOcrEngine::lookup(const std::string& input) {
  auto cached = catalog_.ocr_reading(input, inner_.tool_version());
  if (!cached.has_value() || cached->empty()) {
    // Readings made earlier in this run but not yet committed.
    for (const auto& r : new_readings_) {
      if (r.input == input) {
        cached = r.pages;
        break;
      }
    }
    if (!cached.has_value() || cached->empty()) return std::nullopt;
  }
  ++hits_;
  std::vector<extract::OcrPage> pages;
  for (auto& p : *cached) pages.push_back({std::move(p.text), p.confidence, p.rotation});
  return pages;
}

void CachingOcrEngine::remember(const std::string& input, const std::vector<extract::OcrPage>& pages) {
  store::OcrReading r;
  r.input = input;
  r.engine = inner_.tool_version();
  for (const auto& p : pages) r.pages.push_back({p.text, p.confidence, p.rotation});
  new_readings_.push_back(std::move(r));
}

Result<extract::OcrPage> CachingOcrEngine::recognize(const extract::OcrPixels& px) {
  Sha256 h;
  std::string shape = std::to_string(px.width) + "x" + std::to_string(px.height) + "x" + std::to_string(px.channels) +
                      "@" + std::to_string(px.dpi);
  h.update(std::string_view(shape));
  for (int y = 0; y < px.height; ++y) {
    h.update(std::span<const uint8_t>(px.data + static_cast<size_t>(y) * px.stride,
                                      static_cast<size_t>(px.width) * px.channels));
  }
  std::string input = to_hex(h.finish());
  if (auto hit = lookup(input); hit.has_value() && hit->size() == 1) return std::move(hit->front());
  DOSSIER_ASSIGN_OR_RETURN(extract::OcrPage page, inner_.recognize(px));
  remember(input, {page});
  return page;
}

Result<std::vector<extract::OcrPage>> CachingOcrEngine::recognize_image(std::span<const uint8_t> bytes) {
  Sha256 h;
  h.update(bytes);
  std::string input = to_hex(h.finish());
  if (auto hit = lookup(input); hit.has_value()) return std::move(hit).value();
  DOSSIER_ASSIGN_OR_RETURN(auto pages, inner_.recognize_image(bytes));
  remember(input, pages);
  return pages;
}

}  // namespace dossier::ingest
