#include "core/result.h"

namespace dossier {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kInvalidInput: return "invalid_input";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kEncrypted: return "encrypted";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kDiskFull: return "disk_full";
    case ErrorCode::kLimit: return "limit";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::to_string() const {
  if (context.empty()) return message;
  return message + " (" + context + ")";
}

void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "dossier: internal check failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace dossier
