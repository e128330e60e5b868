// The Tesseract OCR engine behind extract::OcrEngine (ocr.h).
//
// Reading a page:
//  1. decode (Leptonica), honouring the JPEG EXIF orientation; drop alpha over white; 8 bpp gray;
//  2. recognize as the tesseract CLI does by default (automatic page segmentation, no OSD), so that
//     the common case, an upright scan, costs what the CLI costs;
//  3. only when that reading is poor (mean confidence under kRetryBelow), and only on evidence
//     that it helps: read the luminance of a colour image whose text binarisation lost, straighten
//     a page skewed by 1 to 15 degrees, turn a page that orientation detection (the "osd" model)
//     says is turned, or upside down when OSD cannot tell (a line or two of text); keep the
//     reading with the best confidence.
// Han characters come out of Tesseract separated by spaces; those spaces are removed, since Chinese
// is written without them and the index treats a space as a break between characters.
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <sys/stat.h>
#include <tesseract/baseapi.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "extract/ocr.h"
#include "extract/ocr_cache.h"
#include "extract/ocr_image.h"
#include "text/normalize.h"

namespace dossier::extract {
namespace {

constexpr int kRetryBelow = 60;           // mean word confidence under which orientation is checked
constexpr float kOsdSure = 2.0F;          // OSD orientation confidence we act on
constexpr float kMaxSkewDegrees = 15.0F;
constexpr int64_t kMaxPixels = 120'000'000;  // ~ A0 at 300 dpi; larger images are not read

struct TessTextDeleter {
  void operator()(char* p) const { delete[] p; }
};
using TessText = std::unique_ptr<char, TessTextDeleter>;

void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

const char* tessdata_dir() {
  static const std::string dir = [] {
    if (const char* env = std::getenv("TESSDATA_PREFIX"); env != nullptr && *env != '\0') return std::string(env);
    for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                          "/usr/share/tessdata"}) {
      std::error_code ec;
      if (std::filesystem::exists(std::string(d) + "/eng.traineddata", ec)) return std::string(d);
    }
    return std::string("/usr/share/tesseract-ocr/5/tessdata");
  }();
  return dir.c_str();
}

std::string package_for(const std::string& lang) {
  std::string p = "tesseract-ocr-" + lang;
  std::replace(p.begin(), p.end(), '_', '-');
  return p;
}

bool is_space(char32_t c) { return c == ' ' || c == '\t'; }

// Tidies Tesseract's output: no spaces between two CJK characters (or between a CJK character and
// CJK punctuation), no trailing blanks, at most one empty line in a row, no leading/trailing blank lines.
std::string tidy(std::string_view raw) {
  std::u32string u;
  for (size_t i = 0; i < raw.size();) u.push_back(text::decode_utf8(raw, i));
  auto cjkish = [](char32_t c) {
    return text::is_cjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF);
  };
  std::string out;
  std::string line;
  int blank_run = 0;
  auto flush_line = [&] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      out += line;
      blank_run = 0;
    }
    line.clear();
  };
  char32_t prev = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    char32_t c = u[i];
    if (c == '\n' || c == '\f') {
      flush_line();
      prev = 0;
      continue;
    }
    if (is_space(c)) {
      size_t j = i;
      while (j < u.size() && is_space(u[j])) ++j;
      char32_t next = j < u.size() ? u[j] : 0;
      if (!(cjkish(prev) && cjkish(next)) && !line.empty()) line += ' ';
      i = j - 1;
      continue;
    }
    text::append_utf8(c, line);
    prev = c;
  }
  flush_line();
  return out;
}

// Model files opened ahead of time (TesseractEngine::open_models), by the path Tesseract asks for.
// Process-wide because Tesseract takes its file reader as a plain function pointer.
class PreopenedModels {
 public:
  static PreopenedModels& get() {
    static PreopenedModels* models = new PreopenedModels;  // never destroyed: read until exit
    return *models;
  }

  // Paths are compared in normal form: Tesseract joins its data path and the file name itself
  // (a TESSDATA_PREFIX ending in '/' must still match).
  static std::string key(const std::string& path) { return std::filesystem::path(path).lexically_normal().string(); }

  Status open(const std::string& path) {
    std::lock_guard lock(mu_);
    if (fds_.count(key(path)) != 0) return ok_status();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Error{ErrorCode::kIo, "cannot open the OCR model " + path + ": " + std::strerror(errno), {}};
    }
    fds_.emplace(key(path), fd);
    return ok_status();
  }

  bool empty() {
    std::lock_guard lock(mu_);
    return fds_.empty();
  }

  // Tesseract's FileReader: the whole file, read from the descriptor opened earlier; a path that
  // was not opened earlier is read from the file system (which a sandboxed worker cannot do).
  static bool read(const char* filename, std::vector<char>* data) {
    int fd = -1;
    {
      PreopenedModels& self = get();
      std::lock_guard lock(self.mu_);
      auto it = self.fds_.find(key(filename));
      if (it != self.fds_.end()) fd = it->second;
    }
    if (fd < 0) {
      std::ifstream in(filename, std::ios::binary);
      if (!in) return false;
      data->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      return true;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) return false;
    data->resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < data->size()) {
      ssize_t n = ::pread(fd, data->data() + done, data->size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> fds_;
};

std::string model_path(const std::string& lang) { return std::string(tessdata_dir()) + "/" + lang + ".traineddata"; }

bool has_osd_model() {
  std::error_code ec;
  return std::filesystem::exists(model_path("osd"), ec);
}

// Tesseract's Init, reading the models through PreopenedModels::read.
int init_api(tesseract::TessBaseAPI& api, const std::string& languages, tesseract::OcrEngineMode mode) {
  return api.Init(tessdata_dir(), 0, languages.c_str(), mode, nullptr, 0, nullptr, nullptr, false,
                  &PreopenedModels::read);
}

class TesseractEngine final : public OcrEngine {
 public:
  explicit TesseractEngine(std::string languages) : languages_(std::move(languages)) {}
  ~TesseractEngine() override {
    if (main_) main_->End();
    if (osd_) osd_->End();
  }

  std::string tool() const override { return "tesseract"; }
  std::string tool_version() const override { return std::string(tesseract::TessBaseAPI::Version()) + " " + languages_; }

  Status load() override {
    if (main_) return ok_status();
    if (!load_error_.message.empty()) return load_error_;
    quiet_leptonica();
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    // Tesseract prints notes ("Estimating resolution as ...") to stderr; they mean nothing to a
    // journalist and would interleave with the progress line.
    api->SetVariable("debug_file", "/dev/null");
    if (init_api(*api, languages_, tesseract::OEM_DEFAULT) != 0) {
      // A missing model is the usual cause, and check_ocr_languages names its package.
      Status check = check_ocr_languages(languages_);
      load_error_ = !check.has_value() ? check.error()
                                       : Error{ErrorCode::kUnsupported,
                                               "Tesseract could not load the OCR languages '" + languages_ + "' from " +
                                                   tessdata_dir() + ": reinstall them (scripts/install-deps.sh)",
                                               {}};
      return load_error_;
    }
    api->SetPageSegMode(tesseract::PSM_AUTO);
    main_ = std::move(api);
    if (has_osd_model()) {
      auto osd = std::make_unique<tesseract::TessBaseAPI>();
      osd->SetVariable("debug_file", "/dev/null");
      if (init_api(*osd, "osd", tesseract::OEM_TESSERACT_ONLY) == 0) {
        osd->SetPageSegMode(tesseract::PSM_OSD_ONLY);
        osd_ = std::move(osd);
      }
    }
    return ok_status();
  }

  Status open_models() override {
    DOSSIER_RETURN_IF_ERROR(check_ocr_languages(languages_));
    size_t start = 0;
    for (;;) {
      size_t plus = languages_.find('+', start);
      DOSSIER_RETURN_IF_ERROR(PreopenedModels::get().open(model_path(languages_.substr(start, plus - start))));
      if (plus == std::string::npos) break;
      start = plus + 1;
    }
    if (has_osd_model()) DOSSIER_RETURN_IF_ERROR(PreopenedModels::get().open(model_path("osd")));
    return ok_status();
  }

  Result<OcrPage> recognize(const OcrPixels& px) override {
    if (px.data == nullptr || px.width <= 0 || px.height <= 0 || (px.channels != 1 && px.channels != 3 && px.channels != 4))
      return Error{ErrorCode::kInvalidInput, "no pixels to read", {}};
    if (static_cast<int64_t>(px.width) * px.height > kMaxPixels) return ocr_image_too_large(px.width, px.height);
    PixPtr pix(pixCreate(px.width, px.height, 8));
    if (pix == nullptr) return Error{ErrorCode::kLimit, "out of memory for a page image", {}};
    pixSetResolution(pix.get(), px.dpi, px.dpi);
    l_uint32* data = pixGetData(pix.get());
    int wpl = pixGetWpl(pix.get());
    for (int y = 0; y < px.height; ++y) {
      const uint8_t* row = px.data + static_cast<size_t>(y) * px.stride;
      l_uint32* line = data + static_cast<size_t>(y) * wpl;
      for (int x = 0; x < px.width; ++x) {
        const uint8_t* p = row + static_cast<size_t>(x) * px.channels;
        int v = px.channels == 1 ? p[0] : (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;
        SET_DATA_BYTE(line, x, v);
      }
    }
    return read_pix(pix.get());
  }

  Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t> bytes) override {
    quiet_leptonica();
    std::vector<OcrPage> pages;
    DOSSIER_RETURN_IF_ERROR(for_each_ocr_frame(bytes, kMaxPixels, [&](Pix* frame) -> Status {
      DOSSIER_ASSIGN_OR_RETURN(OcrPage page, read_pix(frame));
      pages.push_back(std::move(page));
      return ok_status();
    }));
    return pages;
  }


 private:



  Result<OcrPage> read_once(PIX* pix, int rotation) {
    main_->SetImage(pix);
    TessText text(main_->GetUTF8Text());
    OcrPage page;
    page.rotation = rotation;
    if (text == nullptr) return Error{ErrorCode::kInternal, "tesseract failed to read the image", {}};
    page.text = tidy(text.get());
    page.confidence = page.text.empty() ? -1.0F : static_cast<float>(main_->MeanTextConf());
    main_->Clear();
    return page;
  }

  // Quarter turns OSD says the page needs (clockwise), or -1 when it cannot tell.
  int osd_quarters(PIX* pix) {
    if (!osd_) return -1;
    osd_->SetImage(pix);
    int deg = 0;
    float conf = 0;
    const char* script = nullptr;
    float script_conf = 0;
    bool ok = osd_->DetectOrientationScript(&deg, &conf, &script, &script_conf);
    osd_->Clear();
    if (!ok || conf < kOsdSure) return -1;
    return ((360 - deg) % 360) / 90;
  }

  void set_on_page(std::function<void()> on_page) override { on_page_ = std::move(on_page); }

  // One page or frame: read, then report the work done.
  Result<OcrPage> read_pix(PIX* pix) {
    Result<OcrPage> page = read_best(pix);
    if (on_page_) on_page_();
    return page;
  }

  Result<OcrPage> read_best(PIX* pix) {
    DOSSIER_RETURN_IF_ERROR(load());
    DOSSIER_ASSIGN_OR_RETURN(OcrPage best, read_once(pix, 0));
    if (best.confidence >= kRetryBelow) return best;
    auto consider = [&](Result<OcrPage> page) {
      if (page.has_value() && page->confidence > best.confidence + 5) best = std::move(page).value();
    };
    // Each retry runs only on evidence that it can help, so that a page in a script the
    // languages do not cover costs little more than one reading.
    // Colour that Tesseract's binarisation lost entirely (small coloured text): read luminance.
    PixPtr gray;
    if (pixGetDepth(pix) == 32 && best.confidence < kRetryBelow / 2) {
      gray.reset(pixConvertRGBToLuminance(pix));
      if (gray != nullptr) consider(read_once(gray.get(), 0));
      if (best.confidence >= kRetryBelow) return best;
    }
    PIX* source = gray != nullptr ? gray.get() : pix;
    // A page fed in askew (phone photos, hand-placed scans): Tesseract copes with a few degrees,
    // Leptonica's skew search with up to 15.
    float angle = 0, conf = 0;
    PixPtr deskewed(pixDeskewGeneral(source, 0, kMaxSkewDegrees, 0, 0, 0, &angle, &conf));
    if (deskewed != nullptr && std::abs(angle) >= 1.0F && conf >= 2.0F) {
      consider(read_once(deskewed.get(), 0));
      source = deskewed.get();
      if (best.confidence >= kRetryBelow) return best;
    }
    // Turned pages: as OSD says; when it cannot say (a line or two), try upside down.
    int q = osd_quarters(source);
    int turn = q > 0 ? q : q < 0 ? 2 : 0;
    if (turn != 0) {
      PixPtr turned(pixRotateOrth(source, turn));
      if (turned != nullptr) consider(read_once(turned.get(), turn * 90));
    }
    return best;
  }

  std::string languages_;
  std::unique_ptr<tesseract::TessBaseAPI> main_;
  std::unique_ptr<tesseract::TessBaseAPI> osd_;
  std::function<void()> on_page_;
  Error load_error_{ErrorCode::kInternal, "", {}};
};

}  // namespace

Status check_ocr_languages(const std::string& languages) {
  if (languages.empty() || languages.front() == '+' || languages.back() == '+' ||
      languages.find("++") != std::string::npos)
    return Error{ErrorCode::kInvalidInput, "OCR languages look like eng+chi_sim, not '" + languages + "'", {}};
  for (char c : languages) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+'))
      return Error{ErrorCode::kInvalidInput, "OCR languages look like eng+chi_sim, not '" + languages + "'", {}};
  }
  std::string missing;
  size_t start = 0;
  for (;;) {
    size_t plus = languages.find('+', start);
    std::string lang = languages.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    std::error_code ec;
    if (!std::filesystem::exists(std::string(tessdata_dir()) + "/" + lang + ".traineddata", ec))
      missing += (missing.empty() ? "" : " ") + package_for(lang);
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  if (!missing.empty()) {
    return Error{ErrorCode::kUnsupported,
                 "OCR language model not installed in " + std::string(tessdata_dir()) + ": install " + missing +
                     ", or choose other languages with `dossier config ocr.languages`",
                 languages};
  }
  return ok_status();
}

namespace {

class UnavailableOcrEngine final : public OcrEngine {
 public:
  explicit UnavailableOcrEngine(Error why) : why_(std::move(why)) {
    why_.message = "OCR engine unavailable: " + why_.message;
  }
  std::string tool() const override { return "tesseract"; }
  std::string tool_version() const override { return "unavailable"; }
  Status load() override { return why_; }
  Status open_models() override { return why_; }
  Result<OcrPage> recognize(const OcrPixels&) override { return why_; }
  Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t>) override { return why_; }

 private:
  Error why_;
};

}  // namespace

std::unique_ptr<OcrEngine> make_unavailable_ocr_engine(Error why) {
  return std::make_unique<UnavailableOcrEngine>(std::move(why));
}

Result<std::unique_ptr<OcrEngine>> make_tesseract_engine(const std::string& languages) {
  DOSSIER_RETURN_IF_ERROR(check_ocr_languages(languages));
  return std::unique_ptr<OcrEngine>(std::make_unique<CachingOcrEngine>(std::make_unique<TesseractEngine>(languages)));
}

}  // namespace dossier::extract
