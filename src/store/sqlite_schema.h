// The SQLite catalog's schema: connection settings and versioned migrations
// (docs/formats/catalog.md). Internal to src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>

#include "core/result.h"
#include "store/catalog.h"

namespace dossier::store {

// PRAGMA application_id of a dossier catalog ("DSSR"), so `file` and dossier recognise it.
inline constexpr int32_t kCatalogApplicationId = 0x44535352;

// The schema version this build writes and reads: the number of migration steps it knows.
int current_schema_version();

// Busy timeout, foreign keys, and for read-write connections WAL with synchronous=FULL.
Status configure_connection(sqlite3* db, OpenMode mode);

// Brings the catalog to current_schema_version(), one transaction per step, so an interrupted
// upgrade resumes at the last finished step. Refuses files that are not dossier catalogs and
// catalogs newer than this build. REQUIRES: db opened read-write and configured.
Status migrate(sqlite3* db);

// For read-only connections: fails unless the catalog is exactly at current_schema_version().
Status check_schema(sqlite3* db);

}  // namespace dossier::store
