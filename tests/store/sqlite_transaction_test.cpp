// Transactions and read-only connections: what survives a reopen, what readers see.
#include <gtest/gtest.h>

#include "catalog_fixture.h"
#include "store/catalog.h"

namespace dossier::store {
namespace {

using testing::CatalogTest;
using testing::make_doc;

TEST_F(CatalogTest, CommittedTransactionSurvivesReopen) {
  DocumentRecord d = make_doc("committed");
  ASSERT_TRUE(catalog_->begin().has_value());
  put(d);
  ASSERT_TRUE(catalog_->add_location({d.id, "", "/c", 9, 1}).has_value());
  ASSERT_TRUE(catalog_->commit().has_value());
  reopen();
  EXPECT_TRUE(catalog_->find_document(d.id)->has_value());
  EXPECT_EQ(catalog_->locations(d.id)->size(), 1u);
}

TEST_F(CatalogTest, RolledBackTransactionLeavesNoTrace) {
  DocumentRecord d = make_doc("rolled back");
  ASSERT_TRUE(catalog_->begin().has_value());
  put(d);
  ASSERT_TRUE(catalog_->rollback().has_value());
  EXPECT_FALSE(catalog_->find_document(d.id)->has_value());
  reopen();
  EXPECT_FALSE(catalog_->find_document(d.id)->has_value());
}

TEST_F(CatalogTest, UncommittedTransactionIsLostWhenTheCatalogCloses) {
  DocumentRecord d = make_doc("interrupted");
  ASSERT_TRUE(catalog_->begin().has_value());
  put(d);
  reopen();  // closing without commit, as a killed ingest would
  EXPECT_FALSE(catalog_->find_document(d.id)->has_value());
}

TEST_F(CatalogTest, ReaderSeesCommittedWritesWhileWriterIsOpen) {
  DocumentRecord d = make_doc("shared");
  put(d);
  auto reader = open_sqlite_catalog(db_path_, OpenMode::kReadOnly);
  ASSERT_TRUE(reader.has_value()) << reader.error().to_string();
  EXPECT_TRUE((*reader)->find_document(d.id)->has_value());
  ASSERT_TRUE(catalog_->begin().has_value());
  DocumentRecord later = make_doc("later");
  put(later);
  EXPECT_FALSE((*reader)->find_document(later.id)->has_value());  // not yet committed
  ASSERT_TRUE(catalog_->commit().has_value());
  EXPECT_TRUE((*reader)->find_document(later.id)->has_value());
}

TEST_F(CatalogTest, ReadOnlyCatalogCannotWrite) {
  DocumentRecord d = make_doc("before");
  put(d);
  reopen(OpenMode::kReadOnly);
  EXPECT_TRUE(catalog_->find_document(d.id)->has_value());
  auto st = catalog_->put_document(make_doc("after"));
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().message.find("read-only"), std::string::npos) << st.error().message;
  EXPECT_FALSE(catalog_->set_setting("k", "v").has_value());
  EXPECT_TRUE(catalog_->stats().has_value());
}

TEST_F(CatalogTest, ReadOnlyTransactionIsAStableSnapshot) {
  auto reader = open_sqlite_catalog(db_path_, OpenMode::kReadOnly);
  ASSERT_TRUE(reader.has_value()) << reader.error().to_string();
  Catalog& r = **reader;
  ASSERT_TRUE(r.begin().has_value());
  EXPECT_EQ(r.stats()->documents, 0u);
  put(make_doc("written meanwhile"));
  EXPECT_EQ(r.stats()->documents, 0u);  // the snapshot does not move
  ASSERT_TRUE(r.commit().has_value());
  EXPECT_EQ(r.stats()->documents, 1u);
}

}  // namespace
}  // namespace dossier::store
