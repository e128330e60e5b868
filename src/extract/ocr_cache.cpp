#include "extract/ocr_cache.h"

#include "core/sha256.h"

namespace dossier::extract {

const std::vector<OcrPage>* CachingOcrEngine::lookup(const std::string& key) {
  auto it = readings_.find(key);
  if (it == readings_.end()) return nullptr;
  ++hits_;
  return &it->second;
}

void CachingOcrEngine::remember(std::string key, std::vector<OcrPage> pages) {
  if (max_entries_ == 0 || readings_.count(key) != 0) return;
  while (readings_.size() >= max_entries_) {
    readings_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  readings_.emplace(std::move(key), std::move(pages));
}

Result<OcrPage> CachingOcrEngine::recognize(const OcrPixels& px) {
  Sha256 h;
  std::string shape = "pixels " + std::to_string(px.width) + "x" + std::to_string(px.height) + "x" +
                      std::to_string(px.channels) + "@" + std::to_string(px.dpi) + "\n";
  h.update(std::string_view(shape));
  if (px.data != nullptr) {
    for (int y = 0; y < px.height; ++y) {
      h.update(std::span<const uint8_t>(px.data + static_cast<size_t>(y) * px.stride,
                                        static_cast<size_t>(px.width) * px.channels));
    }
  }
  std::string key = to_hex(h.finish());
  if (const auto* hit = lookup(key); hit != nullptr && hit->size() == 1) return hit->front();
  DOSSIER_ASSIGN_OR_RETURN(OcrPage page, inner_->recognize(px));
  remember(std::move(key), {page});
  return page;
}

Result<std::vector<OcrPage>> CachingOcrEngine::recognize_image(std::span<const uint8_t> bytes) {
  Sha256 h;
  h.update(std::string_view("image\n"));
  h.update(bytes);
  std::string key = to_hex(h.finish());
  if (const auto* hit = lookup(key); hit != nullptr) return *hit;
  DOSSIER_ASSIGN_OR_RETURN(auto pages, inner_->recognize_image(bytes));
  remember(std::move(key), pages);
  return pages;
}

}  // namespace dossier::extract
