#include "store/sqlite_schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <string>

#include "store/catalog.h"
#include "store/sqlite_handles.h"
#include "temp_dir.h"

namespace dossier::store {
namespace {

// A raw connection, to look at the file the way another tool (or an attacker) would.
SqliteDb raw_open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db(raw);
  EXPECT_EQ(rc, SQLITE_OK);
  return db;
}

int64_t query_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr), SQLITE_OK) << sql;
  SqliteStmt stmt(raw);
  EXPECT_EQ(sqlite3_step(stmt.get()), SQLITE_ROW) << sql;
  return sqlite3_column_int64(stmt.get(), 0);
}

std::string query_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr), SQLITE_OK) << sql;
  SqliteStmt stmt(raw);
  EXPECT_EQ(sqlite3_step(stmt.get()), SQLITE_ROW) << sql;
  return reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
}

class SchemaTest : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_.path() / "dossier.db").string(); }
  testing::TempDir dir_;
};

TEST_F(SchemaTest, FreshCatalogIsMigratedToCurrentVersion) {
  {
    auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadWrite);
    ASSERT_TRUE(cat.has_value()) << cat.error().to_string();
  }
  SqliteDb db = raw_open(db_path());
  EXPECT_EQ(query_int(db.get(), "PRAGMA user_version"), current_schema_version());
  EXPECT_EQ(query_int(db.get(), "PRAGMA application_id"), kCatalogApplicationId);
  EXPECT_EQ(query_text(db.get(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_int(db.get(), "SELECT count(*) FROM schema_history"), current_schema_version());
  for (const char* table :
       {"documents", "locations", "pages", "metadata", "settings", "ingest_problems"}) {
    std::string sql = std::string(
                          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                          "name = '") +
                      table + "'";
    EXPECT_EQ(query_int(db.get(), sql.c_str()), 1) << table;
  }
}

TEST_F(SchemaTest, ReopeningDoesNotMigrateAgainAndKeepsData) {
  {
    auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadWrite);
    ASSERT_TRUE(cat.has_value());
    ASSERT_TRUE((*cat)->set_setting("origin", "test").has_value());
  }
  for (int i = 0; i < 2; ++i) {
    auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadWrite);
    ASSERT_TRUE(cat.has_value()) << cat.error().to_string();
    EXPECT_EQ(*(*cat)->setting("origin"), std::optional<std::string>("test"));
  }
  SqliteDb db = raw_open(db_path());
  EXPECT_EQ(query_int(db.get(), "SELECT count(*) FROM schema_history"), current_schema_version());
}

TEST_F(SchemaTest, NewerCatalogAsksToUpgradeDossier) {
  { ASSERT_TRUE(open_sqlite_catalog(db_path(), OpenMode::kReadWrite).has_value()); }
  {
    SqliteDb db = raw_open(db_path());
    std::string sql = "PRAGMA user_version = " + std::to_string(current_schema_version() + 1);
    ASSERT_EQ(sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  for (OpenMode mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto cat = open_sqlite_catalog(db_path(), mode);
    ASSERT_FALSE(cat.has_value());
    EXPECT_EQ(cat.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(cat.error().message.find("upgrade dossier"), std::string::npos)
        << cat.error().message;
  }
}

TEST_F(SchemaTest, ForeignSqliteFileIsRefusedUntouched) {
  {
    SqliteDb db = raw_open(db_path());
    ASSERT_EQ(sqlite3_exec(db.get(), "CREATE TABLE photos (id INTEGER)", nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadWrite);
  ASSERT_FALSE(cat.has_value());
  EXPECT_NE(cat.error().message.find("not a dossier catalog"), std::string::npos);
  SqliteDb db = raw_open(db_path());
  EXPECT_EQ(query_int(db.get(), "PRAGMA user_version"), 0);
  EXPECT_EQ(query_text(db.get(), "PRAGMA journal_mode"), "delete");
  EXPECT_EQ(query_int(db.get(), "SELECT count(*) FROM sqlite_schema WHERE name = 'documents'"), 0);
}

TEST_F(SchemaTest, ReadOnlyOpenOfMissingCatalogIsNotFound) {
  auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadOnly);
  ASSERT_FALSE(cat.has_value());
  EXPECT_EQ(cat.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(db_path()));  // read-only never creates the file
}

TEST_F(SchemaTest, ReadOnlyOpenOfEmptyFileSaysToInit) {
  { SqliteDb db = raw_open(db_path()); }
  auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadOnly);
  ASSERT_FALSE(cat.has_value());
  EXPECT_NE(cat.error().message.find("dossier init"), std::string::npos) << cat.error().message;
}

TEST_F(SchemaTest, GarbageFileIsCorrupt) {
  {
    std::ofstream out(db_path(), std::ios::binary);
    out << std::string(8192, 'x');
  }
  auto cat = open_sqlite_catalog(db_path(), OpenMode::kReadWrite);
  ASSERT_FALSE(cat.has_value());
  EXPECT_EQ(cat.error().code, ErrorCode::kCorrupt) << cat.error().to_string();
}

TEST(DocState, NamesRoundTrip) {
  for (DocState s : {DocState::kPending, DocState::kIndexed, DocState::kFailed}) {
    EXPECT_EQ(doc_state_from_name(doc_state_name(s)), s);
  }
  EXPECT_EQ(doc_state_from_name("bogus"), std::nullopt);
}

}  // namespace
}  // namespace dossier::store
