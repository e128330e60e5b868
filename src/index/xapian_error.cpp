#include "index/xapian_error.h"

#include <cerrno>
#include <cstring>

#include "index/schema.h"

namespace dossier::index {

Error xapian_error(const Xapian::Error& e, std::string_view what, const std::string& context) {
  // Xapian::Error is not polymorphic (no dynamic_cast); its type name is the stable way to tell.
  std::string_view type = e.get_type();
  ErrorCode code = ErrorCode::kInternal;
  std::string msg = std::string(what) + ": " + e.get_description();
  if (type == "DatabaseLockError") {
    code = ErrorCode::kIo;
    msg += "; another dossier process is writing this project: wait for it to finish";
  } else if (type == "DatabaseNotFoundError") {
    code = ErrorCode::kNotFound;
    msg += "; the project has no index yet: run dossier ingest first";
  } else if (type == "DatabaseOpeningError") {
    code = ErrorCode::kIo;
  } else if (type == "DatabaseCorruptError") {
    code = ErrorCode::kCorrupt;
  } else if (type == "WildcardError") {
    code = ErrorCode::kInvalidInput;
  }
  // Xapian keeps the errno of a failed write only as its text, and a failed commit wraps the
  // write error in its own ("Modifications failed (... No space left on device) ...").
  const char* sys = e.get_error_string();
  const std::string description = e.get_description();
  bool full = false;
  for (int err : {ENOSPC, EDQUOT}) {
    const char* text = std::strerror(err);
    full = full || (sys != nullptr && std::strcmp(sys, text) == 0) ||
           description.find(text) != std::string::npos;
  }
  if (full) {
    code = ErrorCode::kDiskFull;
    msg += "; the disk is full: free space and run the same command again, it resumes";
  } else if ((sys != nullptr && std::strcmp(sys, std::strerror(EIO)) == 0) ||
             description.find(std::strerror(EIO)) != std::string::npos) {
    code = ErrorCode::kIo;
  }
  return Error{code, std::move(msg), context};
}

Status check_schema(const Xapian::Database& db, const std::string& dir) {
  std::string v = db.get_metadata(schema::kSchemaKey);
  if (v.empty() || v == schema::kSchemaVersion)
    return ok_status();
  return Error{ErrorCode::kUnsupported,
               "the search index was built by another dossier version (schema " + v + ", this is " +
                   schema::kSchemaVersion +
                   "); dossier cannot rebuild an index in place yet: ingest the originals into a "
                   "new project (dossier init, then dossier ingest)",
               dir};
}

}  // namespace dossier::index
