// Writer orderings that a SIGKILL could otherwise turn into lost data, fed item by item.
#include "ingest/writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "core/sha256.h"
#include "custody/entry.h"

namespace dossier::ingest {
namespace {

namespace fs = std::filesystem;

std::string id_of(const std::string& content) {
  return to_hex(sha256(std::string_view(content)));
}

WriterItem document(const std::string& content, const std::string& parent,
                    const std::string& path) {
  WriterItem item;
  item.doc.id = id_of(content);
  item.doc.size = content.size();
  item.doc.mime = "text/plain";
  item.doc.type = "text";
  item.doc.title = path;
  item.doc.state = store::DocState::kIndexed;
  item.doc.extractor = "text/1";
  item.doc.ingested_at = 1700000000;
  item.pages.push_back({0, content, false, -1});
  item.location.doc_id = item.doc.id;
  item.location.parent_id = parent.empty() ? "" : id_of(parent);
  item.location.path = path;
  item.location.size = content.size();
  item.display_path = path;
  return item;
}

WriterItem location(const std::string& content, const std::string& parent,
                    const std::string& path) {
  store::LocationRecord loc;
  loc.doc_id = id_of(content);
  loc.parent_id = id_of(parent);
  loc.path = path;
  loc.size = content.size();
  return WriterItem::location_only(loc, "/leak/" + path);
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("dossier-writer-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    ASSERT_TRUE(init_project(root_)) << "init";
    options_.batch_documents = 1;  // commit after every document
  }
  void TearDown() override { fs::remove_all(root_); }

  Status drain(std::vector<WriterItem> items) {
    auto writer = Writer::open(ProjectPaths{root_}, options_);
    if (!writer.has_value())
      return writer.error();
    BoundedQueue<WriterItem> queue(items.size() + 1);
    for (auto& i : items)
      queue.push(std::move(i));
    queue.close();
    Progress progress(Progress::Mode::kQuiet);
    return (*writer)->drain(queue, progress);
  }

  bool cataloged(const std::string& content) {
    auto catalog =
        store::open_sqlite_catalog(ProjectPaths{root_}.db().string(), store::OpenMode::kReadOnly);
    EXPECT_TRUE(catalog.has_value());
    auto doc = (*catalog)->find_document(id_of(content));
    return doc.has_value() && doc->has_value();
  }

  fs::path root_;
  IngestOptions options_;
};

// Worker B found `shared` inside z2.zip while worker A was still extracting it inside z1.zip.
// z2.zip must not be committed before that location is: the next run skips an unchanged z2.zip.
TEST_F(WriterTest, ContainerWaitsForTheLocationsOfItsChildren) {
  Status s =
      drain({location("shared", "z2.zip", "shared.txt"), document("z2.zip", "", "/leak/z2.zip"),
             document("other", "", "/leak/other.txt")});
  ASSERT_FALSE(s.has_value());  // shared's document never came: the run stopped early
  EXPECT_NE(s.error().message.find("run it again"), std::string::npos) << s.error().message;
  EXPECT_TRUE(cataloged("other"));
  EXPECT_FALSE(cataloged("z2.zip"));
  EXPECT_FALSE(cataloged("shared"));
}

TEST_F(WriterTest, HeldContainerIsWrittenOnceItsChildArrives) {
  Status s =
      drain({location("shared", "z2.zip", "shared.txt"), document("z2.zip", "outer.zip", "z2.zip"),
             document("outer.zip", "", "/leak/outer.zip"),
             document("shared", "z1.zip", "shared.txt"), document("z1.zip", "", "/leak/z1.zip")});
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  for (const char* c : {"shared", "z2.zip", "outer.zip", "z1.zip"})
    EXPECT_TRUE(cataloged(c)) << c;
  auto catalog =
      store::open_sqlite_catalog(ProjectPaths{root_}.db().string(), store::OpenMode::kReadOnly);
  ASSERT_TRUE(catalog.has_value());
  auto locs = (*catalog)->locations(id_of("shared"));
  ASSERT_TRUE(locs.has_value());
  EXPECT_EQ(locs->size(), 2u);
}

// A batch whose custody entries were logged and whose documents were indexed, but whose catalog
// commit never happened: the next writer reuses the entries and drops the documents from the index.
TEST_F(WriterTest, UnsettledEntriesAreReusedAndTheirDocumentsLeaveTheIndex) {
  ASSERT_TRUE(drain({document("settled", "", "/leak/settled.txt")}).has_value());
  const ProjectPaths paths{root_};
  {
    auto log = custody::CustodyLog::open(paths.custody());
    ASSERT_TRUE(log.has_value());
    custody::IngestEntry e;
    e.sha256 = sha256(std::string_view("lost"));
    e.size = 4;
    e.location.path = "/leak/lost.txt";
    e.received = 1600000000;
    e.dossier_version = "0.1.0";
    ASSERT_TRUE(log->append(custody::encode_entry(e)));
    auto index = index::IndexWriter::open(paths.index().string());
    ASSERT_TRUE(index.has_value());
    index::IndexDocument d;
    d.id = id_of("lost");
    d.paths = {"/leak/lost.txt"};
    ASSERT_TRUE((*index)->replace(d));
    ASSERT_TRUE((*index)->commit());
  }
  uint64_t entries_before = 0;
  {
    auto log = custody::CustodyLog::open(paths.custody());
    entries_before = log->size();
  }
  {
    auto w = Writer::open(paths, options_);
    ASSERT_TRUE(w.has_value()) << w.error().to_string();
  }
  {
    auto index = index::IndexWriter::open(paths.index().string());
    ASSERT_TRUE(index.has_value());
    EXPECT_FALSE(*(*index)->contains(id_of("lost")));
    EXPECT_TRUE(*(*index)->contains(id_of("settled")));
  }
  // Ingesting the file again points its location at the entry already logged.
  WriterItem again = document("lost", "", "/leak/lost.txt");
  again.doc.ingested_at = 1700000000;
  ASSERT_TRUE(drain({std::move(again)}).has_value());
  auto log = custody::CustodyLog::open(paths.custody());
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->size(), entries_before + 1);  // only the DERIVE entry is new
  auto catalog = store::open_sqlite_catalog(paths.db().string(), store::OpenMode::kReadOnly);
  auto doc = (*catalog)->find_document(id_of("lost"));
  ASSERT_TRUE(doc.has_value() && doc->has_value());
  EXPECT_EQ((*doc)->ingested_at, 1600000000);  // the time the entry recorded
  auto locs = (*catalog)->locations(id_of("lost"));
  ASSERT_EQ(locs->size(), 1u);
  EXPECT_EQ(static_cast<uint64_t>(locs->front().custody_index), entries_before - 1);
}

// A scan whose batch was logged but not committed when the ingest died: on resume, each of its
// entries (INGEST, DERIVE text, DERIVE ocr) is reused, none logged twice. Before the fix the OCR
// entry was appended again (found by KillAndResume under the asan preset).
TEST_F(WriterTest, AResumedScanReusesEachOfItsUnsettledEntries) {
  auto scan = [] {
    WriterItem item = document("Orchid Trading received the second payment", "", "/leak/scan.png");
    item.pages[0].ocr = true;
    item.pages[0].ocr_confidence = 91;
    item.metadata.push_back({"ocr:engine", "tesseract 5.3.0 eng"});
    return item;
  };
  // The entries a run logs for the scan, made in a project of their own.
  const fs::path other = root_.string() + "-other";
  fs::remove_all(other);
  ASSERT_TRUE(init_project(other));
  std::vector<std::string> entries;
  {
    auto w = Writer::open(ProjectPaths{other}, options_);
    ASSERT_TRUE(w.has_value()) << w.error().to_string();
    BoundedQueue<WriterItem> queue(2);
    queue.push(scan());
    queue.close();
    Progress progress(Progress::Mode::kQuiet);
    ASSERT_TRUE((*w)->drain(queue, progress).has_value());
  }
  {
    auto log = custody::CustodyLog::open(ProjectPaths{other}.custody());
    ASSERT_TRUE(log.has_value());
    for (uint64_t i = 0; i < log->size(); ++i) entries.push_back(*log->entry(i));
  }
  fs::remove_all(other);
  ASSERT_EQ(entries.size(), 3u);  // INGEST, DERIVE text, DERIVE ocr
  // This project's log got them, but the catalog never committed the batch: the run died.
  {
    auto log = custody::CustodyLog::open(ProjectPaths{root_}.custody());
    ASSERT_TRUE(log.has_value());
    for (const std::string& e : entries) ASSERT_TRUE(log->append(e).has_value());
  }
  ASSERT_TRUE(drain({scan()}).has_value());
  EXPECT_TRUE(cataloged("Orchid Trading received the second payment"));
  auto log = custody::CustodyLog::open(ProjectPaths{root_}.custody());
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->size(), 3u);
}

// droste.zip holds droste.zip: the member's document is the container itself, which is written
// after its members. The member's location must not hold the container back (it used to, and the
// ingest ended with "stopped before every document was written"); it is written after it.
TEST_F(WriterTest, AContainerInsideItselfIsWrittenWithBothLocations) {
  WriterItem inside = location("droste zip bytes", "droste zip bytes", "droste.zip");
  inside.inside_itself = true;
  ASSERT_TRUE(drain({std::move(inside), document("droste zip bytes", "", "/leak/droste.zip")}).has_value());
  EXPECT_TRUE(cataloged("droste zip bytes"));
  auto catalog = store::open_sqlite_catalog(ProjectPaths{root_}.db().string(), store::OpenMode::kReadOnly);
  ASSERT_TRUE(catalog.has_value());
  auto locs = (*catalog)->locations(id_of("droste zip bytes"));
  ASSERT_TRUE(locs.has_value());
  EXPECT_EQ(locs->size(), 2u);
}

}  // namespace
}  // namespace dossier::ingest
