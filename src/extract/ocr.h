// Optical character recognition as extractors see it: an engine handed to them through the
// ExtractContext, never a global. The image extractor reads images through it; the PDF extractor
// reads pages that have no usable text layer, rendered at 300 dpi.
//
// An engine is stateful (Tesseract keeps its models loaded) and not thread-safe: each extraction
// worker owns one, initialised once, and lends it to one extraction at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace dossier::extract {

enum class OcrMode {
  kOff,    // never OCR
  kAuto,   // images, and PDF pages without a usable text layer (the default)
  kForce,  // also PDF pages that carry text
};

// Tesseract language codes joined with '+', as the CLI takes them: "eng+chi_sim".
inline constexpr const char* kDefaultOcrLanguages = "eng+chi_sim";

// What a worker needs to build its engine; plain data so that it crosses to sandboxed workers.
struct OcrConfig {
  OcrMode mode = OcrMode::kAuto;
  std::string languages = kDefaultOcrLanguages;
};

// Decoded pixels, rows top to bottom.
struct OcrPixels {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int channels = 1;  // 1 gray, 3 RGB, 4 RGBA
  int stride = 0;    // bytes per row
  int dpi = 300;
};

struct OcrPage {
  std::string text;         // UTF-8, '\n' line ends
  float confidence = -1;    // mean word confidence 0..100; -1 when no word was found
  int rotation = 0;         // degrees the image was turned before reading (orientation detection)
};

class OcrEngine {
 public:
  virtual ~OcrEngine() = default;
  // For custody DERIVE entries and the cache key: "tesseract", "5.3.0 eng+chi_sim".
  virtual std::string tool() const = 0;
  virtual std::string tool_version() const = 0;
  // Loads the models now rather than at the first page. Idempotent.
  virtual Status load() = 0;
  // Makes sure the models can be loaded later by a process that has lost the right to open
  // files: the sandboxed worker calls it before its seccomp filter. Tesseract opens the model
  // files and keeps their descriptors, so the models (about 150 MB for eng+chi_sim) load at the
  // first image and a worker that never reads one never holds them. An engine that cannot do
  // that loads now.
  virtual Status open_models() { return load(); }
  // Called after each page or frame the engine has read, a second or more of work each: the
  // sandboxed worker turns it into the heartbeat of ExtractContext::on_progress, so that a long
  // multi-page TIFF is not mistaken for a hang. Unset by default.
  virtual void set_on_page(std::function<void()> on_page) { (void)on_page; }
  // Reads pixels (a rendered PDF page). Orientation is detected and corrected first.
  virtual Result<OcrPage> recognize(const OcrPixels& pixels) = 0;
  // Reads an encoded image (PNG, JPEG, TIFF incl. multi-page, BMP, GIF, WebP, PNM): one OcrPage
  // per frame. Honours the EXIF orientation, then detects orientation as for recognize().
  virtual Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t> bytes) = 0;
};

// The Tesseract engine (libtesseract, LSTM models from the Debian language packs), with
// orientation and script detection from the "osd" pack when installed, behind a
// CachingOcrEngine (ocr_cache.h) so that an identical image is read once per worker. kUnsupported when a
// language's traineddata is missing, naming the package to install.
Result<std::unique_ptr<OcrEngine>> make_tesseract_engine(const std::string& languages);

// An engine that could not be set up (its models would not open or load): every reading fails
// with "OCR engine unavailable: <why>", so that each image or scan it is asked to read says so in
// a warning instead of silently going without text.
std::unique_ptr<OcrEngine> make_unavailable_ocr_engine(Error why);

// Checks that every language's model is installed, without loading any: kUnsupported naming the
// Debian packages to install, kInvalidInput when `languages` is not of the form eng+chi_sim.
Status check_ocr_languages(const std::string& languages);

}  // namespace dossier::extract
