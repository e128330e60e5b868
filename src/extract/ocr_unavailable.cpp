// TODO(#5) for the lead: delete this file when the Tesseract engine lands. It stands in for
// make_tesseract_engine only so that the sandbox branch links before that work is merged; a
// second definition of the function will fail the link, which is the reminder.
#include "extract/ocr.h"

namespace dossier::extract {

Result<std::unique_ptr<OcrEngine>> make_tesseract_engine(const std::string& languages) {
  return Error{ErrorCode::kUnsupported, "this build of dossier has no OCR engine yet", languages};
}

}  // namespace dossier::extract
