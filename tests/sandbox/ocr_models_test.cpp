// A sandboxed worker opens its OCR model files before its seccomp filter and loads the models at
// the first image, so a worker that never reads one never holds them. This checks both halves in
// a forked child that installs the real filter: with the files opened beforehand the models load
// and the scan reads; without, loading fails, since no file can be opened any more.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "../extract/ocr_test_util.h"
#include "extract/ocr.h"
#include "sandbox/seccomp_policy.h"

namespace dossier::sandbox {
namespace {

namespace ext = dossier::extract;

// Exit codes of the child, so that a failure says which step went wrong.
enum ChildExit : int {
  kRead = 0,          // the scan was read and says what it should
  kNoEngine = 10,     // make_tesseract_engine failed (language pack missing)
  kOpenFailed = 11,   // open_models failed
  kNoFilter = 12,     // the filter could not be installed
  kCouldOpen = 13,    // the filter let a path be opened
  kLoadFailed = 14,   // recognize_image failed (models could not be loaded)
  kWrongText = 15,    // read, but not the expected words
};

int read_scan_in_sandbox(const std::string& png, bool open_models_first) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto engine = ext::make_tesseract_engine("eng");
    if (!engine.has_value()) ::_exit(kNoEngine);
    if (open_models_first && !(*engine)->open_models().has_value()) ::_exit(kOpenFailed);
    if (!install_worker_filter(SeccompMode::kEnforce).has_value()) ::_exit(kNoFilter);
    if (::open("/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0) ::_exit(kCouldOpen);
    auto pages = (*engine)->recognize_image(
        std::span(reinterpret_cast<const uint8_t*>(png.data()), png.size()));
    if (!pages.has_value() || pages->empty()) ::_exit(kLoadFailed);
    ::_exit(pages->front().text.find("Meridian") != std::string::npos ? kRead : kWrongText);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class OcrModelsInSandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ext::check_ocr_languages("eng").has_value()) GTEST_SKIP() << "tesseract-ocr-eng is not installed";
    ext::testing::Pix scan = ext::testing::scan_of({"Payment through Meridian Bank"});
    ASSERT_NE(scan, nullptr);
    png_ = ext::testing::encode(scan.get(), IFF_PNG);
    ASSERT_FALSE(png_.empty());
  }
  std::string png_;
};

TEST_F(OcrModelsInSandbox, ModelsOpenedBeforeTheFilterLoadAtTheFirstImage) {
  EXPECT_EQ(read_scan_in_sandbox(png_, true), kRead);
}

TEST_F(OcrModelsInSandbox, WithoutThemTheModelsCannotLoad) {
  EXPECT_EQ(read_scan_in_sandbox(png_, false), kLoadFailed);
}

}  // namespace
}  // namespace dossier::sandbox
