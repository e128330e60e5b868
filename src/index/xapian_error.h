// Xapian::Error → dossier Error, for the try/catch at every Xapian call. Internal to src/index.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace dossier::index {

// kIo for opening and locking failures (with what to do), kCorrupt for a damaged database,
// kInternal otherwise. `what` says what dossier was doing.
Error xapian_error(const Xapian::Error& e, std::string_view what, const std::string& context);

// Checks the schema version recorded in `db` (an empty database records none yet).
// kUnsupported, saying to rebuild the index, when it differs.
Status check_schema(const Xapian::Database& db, const std::string& dir);

}  // namespace dossier::index
