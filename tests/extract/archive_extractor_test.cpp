// ArchiveExtractor on archives built in the test with libarchive's writer.
#include "extract/archive_extractor.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "archive_test_util.h"
#include "extract/archive_zip_directory.h"
#include "extract/registry.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::as_bytes;
using testing::item_for;
using testing::make_archive;
using testing::make_compressed;
using testing::make_zip;
using testing::MemberSpec;
using testing::meta;

Result<Extraction> extract_bytes(const std::string& bytes, const std::string& name = "test.zip") {
  ArchiveExtractor extractor;
  Item item = item_for(bytes, name);
  ExtractContext ctx;
  return extractor.extract(item, ctx);
}

const Child* child(const Extraction& x, std::string_view name) {
  for (const Child& c : x.children) {
    if (c.name == name)
      return &c;
  }
  return nullptr;
}

std::vector<std::string> metas(const Extraction& x, std::string_view key) {
  std::vector<std::string> out;
  for (const MetaField& f : x.metadata) {
    if (f.key == key)
      out.push_back(f.value);
  }
  return out;
}

MatchScore sniff_as(std::string mime, std::string_view head = {}) {
  Probe p;
  p.mime = std::move(mime);
  p.head = as_bytes(head);
  return ArchiveExtractor().sniff(p);
}

TEST(ArchiveExtractor, SniffsArchiveTypesBelowOfficeDocuments) {
  EXPECT_EQ(sniff_as("application/zip"), kGoodMatch);
  EXPECT_LT(sniff_as("application/zip"), kExactMatch);
  EXPECT_EQ(sniff_as("application/x-7z-compressed"), kGoodMatch);
  EXPECT_EQ(sniff_as("application/gzip"), kGoodMatch);
  EXPECT_EQ(sniff_as("application/x-tar"), kGoodMatch);
  EXPECT_EQ(sniff_as("application/x-rar"), kGoodMatch);
  EXPECT_EQ(sniff_as("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            kNoMatch);
  EXPECT_EQ(sniff_as("application/vnd.oasis.opendocument.text"), kNoMatch);
  EXPECT_EQ(sniff_as("application/epub+zip"), kNoMatch);
  EXPECT_EQ(sniff_as("text/plain"), kNoMatch);
  EXPECT_EQ(sniff_as("application/octet-stream", "7z\xbc\xaf\x27\x1c\x00\x04"), kGoodMatch);
  EXPECT_EQ(sniff_as("application/octet-stream", "just some bytes"), kNoMatch);
}

TEST(ArchiveExtractor, RegistryPicksItForBuiltArchives) {
  const std::string zip = make_zip({{"a.txt", "alpha"}});
  const std::string tgz = make_archive(
      {{"a.txt", "alpha"}}, archive_write_set_format_pax_restricted, archive_write_add_filter_gzip);
  EXPECT_EQ(testing::chosen(zip), "archive");
  EXPECT_EQ(testing::chosen(tgz), "archive");
  EXPECT_EQ(type_family(sniff_mime(as_bytes(zip))), "archive");
  EXPECT_EQ(type_family(sniff_mime(as_bytes(tgz))), "archive");
  EXPECT_EQ(type_family("application/x-7z-compressed"), "archive");
  EXPECT_EQ(type_family("application/x-iso9660-image"), "archive");
}

TEST(ArchiveExtractor, ZipWithFilesDirectoryAndNestedZip) {
  const std::string inner = make_zip({{"deep.txt", "the deepest secret"}});
  const std::string zip = make_zip({{"docs/", "", AE_IFDIR},
                                    {"docs/memo.txt", "first memo"},
                                    {"docs/budget.csv", "a,b\n1,2\n"},
                                    {"readme.md", "# readme"},
                                    {"inner.zip", inner}});
  ASSERT_FALSE(zip.empty());
  auto x = extract_bytes(zip);
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 4u);
  EXPECT_EQ(x->emitted_children, 4u);
  ASSERT_NE(child(*x, "docs/memo.txt"), nullptr);
  EXPECT_EQ(child(*x, "docs/memo.txt")->bytes, "first memo");
  EXPECT_EQ(child(*x, "readme.md")->bytes, "# readme");
  ASSERT_NE(child(*x, "inner.zip"), nullptr);
  EXPECT_EQ(child(*x, "inner.zip")->bytes, inner);
  EXPECT_EQ(metas(*x, "archive:directory"), std::vector<std::string>{"docs/"});
  EXPECT_EQ(meta(*x, "archive:entries"), "5");
  EXPECT_EQ(meta(*x, "archive:format").rfind("ZIP", 0), 0u) << meta(*x, "archive:format");
  ASSERT_TRUE(x->declared_children.has_value());
  EXPECT_EQ(*x->declared_children, 4u);
  EXPECT_TRUE(x->child_problems.empty());

  auto nested = extract_bytes(child(*x, "inner.zip")->bytes, "inner.zip");
  ASSERT_TRUE(nested.has_value());
  ASSERT_EQ(nested->children.size(), 1u);
  EXPECT_EQ(nested->children[0].name, "deep.txt");
  EXPECT_EQ(nested->children[0].bytes, "the deepest secret");
}

TEST(ArchiveExtractor, TarGzWithSymlinkAndDotDotName) {
  const std::string tgz =
      make_archive({{"dir/", "", AE_IFDIR},
                    {"dir/a.txt", "alpha"},
                    {"dir/link", "", AE_IFLNK, "a.txt"},
                    {"../../etc/passwd", "root:x:0:0"}},
                   archive_write_set_format_pax_restricted, archive_write_add_filter_gzip);
  auto x = extract_bytes(tgz, "leak.tgz");
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 2u);
  EXPECT_EQ(child(*x, "dir/a.txt")->bytes, "alpha");
  // Only a name: nothing is ever written to disk by it.
  ASSERT_NE(child(*x, "../../etc/passwd"), nullptr);
  EXPECT_EQ(metas(*x, "archive:symlink"), std::vector<std::string>{"dir/link -> a.txt"});
  EXPECT_EQ(meta(*x, "archive:filter"), "gzip");
  EXPECT_NE(meta(*x, "archive:format").find("tar"), std::string::npos);
  EXPECT_FALSE(x->declared_children.has_value());
}

TEST(ArchiveExtractor, ReadsEveryWritableFormat) {
  struct Case {
    const char* label;
    testing::FormatSetter format;
    testing::FormatSetter filter;
  };
  const Case cases[] = {
      {"7z", archive_write_set_format_7zip, nullptr},
      {"cpio", archive_write_set_format_cpio_newc, nullptr},
      {"odc cpio", archive_write_set_format_cpio, nullptr},
      {"tar.bz2", archive_write_set_format_gnutar, archive_write_add_filter_bzip2},
      {"tar.xz", archive_write_set_format_ustar, archive_write_add_filter_xz},
      {"tar.zst", archive_write_set_format_pax_restricted, archive_write_add_filter_zstd},
      {"iso9660", archive_write_set_format_iso9660, nullptr},
      {"xar", archive_write_set_format_xar, nullptr},
      {"ar", archive_write_set_format_ar_svr4, nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    const bool ar = std::string_view(c.label) == "ar";
    std::vector<MemberSpec> members = {{"a.txt", "alpha text"}, {"b.txt", "bravo text"}};
    if (!ar)
      members.insert(members.begin(), {"sub/", "", AE_IFDIR});
    const std::string bytes = make_archive(members, c.format, c.filter);
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(testing::chosen(bytes), "archive") << sniff_mime(as_bytes(bytes));
    auto x = extract_bytes(bytes, "x");
    ASSERT_TRUE(x.has_value()) << x.error().to_string();
    ASSERT_NE(child(*x, "a.txt"), nullptr);
    EXPECT_EQ(child(*x, "a.txt")->bytes, "alpha text");
    // libarchive's xar writer pads the last member with NULs.
    EXPECT_EQ(child(*x, "b.txt")->bytes.substr(0, 10), "bravo text");
    EXPECT_EQ(x->children.size(), 2u);
    EXPECT_TRUE(x->child_problems.empty());
  }
}

TEST(ArchiveExtractor, SingleCompressedFileIsOneChildNamedAfterTheArchive) {
  const std::string text = "a compressed report\n";
  const testing::FormatSetter filters[] = {
      archive_write_add_filter_gzip, archive_write_add_filter_bzip2,
      archive_write_add_filter_xz,   archive_write_add_filter_zstd,
      archive_write_add_filter_lz4,  archive_write_add_filter_lzip,
      archive_write_add_filter_lzma, archive_write_add_filter_compress};
  for (testing::FormatSetter filter : filters) {
    const std::string bytes = make_compressed(text, filter);
    ASSERT_FALSE(bytes.empty());
    SCOPED_TRACE(sniff_mime(as_bytes(bytes)));
    EXPECT_EQ(testing::chosen(bytes), "archive");
    auto x = extract_bytes(bytes, "report.txt.gz");
    ASSERT_TRUE(x.has_value()) << x.error().to_string();
    ASSERT_EQ(x->children.size(), 1u);
    EXPECT_EQ(x->children[0].name, "report.txt");
    EXPECT_EQ(x->children[0].bytes, text);
    EXPECT_FALSE(meta(*x, "archive:filter").empty());
  }
  auto tgz = extract_bytes(make_compressed(text, archive_write_add_filter_gzip), "dump.tgz");
  ASSERT_TRUE(tgz.has_value());
  EXPECT_EQ(tgz->children.at(0).name, "dump.tar");
}

TEST(ArchiveExtractor, EncryptedMemberIsAProblemAndThePlainOneIsRead) {
  const std::string zip =
      testing::splice_zips({make_zip({{"plain.txt", "open text"}}),
                            make_zip({{"secret.txt", "hidden text", AE_IFREG, "", true}}),
                            make_zip({{"after.txt", "more open text"}})});
  ASSERT_FALSE(zip.empty());
  auto x = extract_bytes(zip);
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 2u);
  EXPECT_EQ(child(*x, "plain.txt")->bytes, "open text");
  EXPECT_EQ(child(*x, "after.txt")->bytes, "more open text");
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].name, "secret.txt");
  EXPECT_EQ(x->child_problems[0].code, "encrypted");
  EXPECT_EQ(x->child_problems[0].reason, "encrypted zip member: needs a password");
  EXPECT_EQ(x->declared_children, 3u);
}

TEST(ArchiveExtractor, GarbageIsCorrupt) {
  ArchiveExtractor extractor;
  const std::string junk(4096, '\x42');
  Item item = item_for(junk, "fake.zip");
  item.mime = "application/zip";
  ExtractContext ctx;
  auto x = extractor.extract(item, ctx);
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(x.error().message.rfind("corrupt zip archive: ", 0), 0u) << x.error().message;
}

TEST(ArchiveExtractor, NonAsciiNamesSurviveAsUtf8) {
  const std::string tar = make_archive(
      {{"\xe6\x96\xb0\xe7\x96\x86/\xe6\x96\x87\xe4\xbb\xb6.txt", "x"}, {"caf\xc3\xa9.txt", "y"}},
      archive_write_set_format_gnutar);
  auto x = extract_bytes(tar, "names.tar");
  ASSERT_TRUE(x.has_value());
  EXPECT_NE(child(*x, "\xe6\x96\xb0\xe7\x96\x86/\xe6\x96\x87\xe4\xbb\xb6.txt"), nullptr);
  EXPECT_NE(child(*x, "caf\xc3\xa9.txt"), nullptr);
  // CP437 bytes as an old DOS zip stores them: 0x82 is "é".
  const std::string zip = testing::make_raw_zip("caf\x82.txt", "y", 0, 1, 0xfbdb2615);
  auto dos = extract_bytes(zip, "dos.zip");
  ASSERT_TRUE(dos.has_value()) << dos.error().to_string();
  ASSERT_EQ(dos->children.size(), 1u);
  EXPECT_EQ(dos->children[0].name, "caf\xc3\xa9.txt");
}

TEST(ArchiveExtractor, TenDeepNestedZipEmitsOneChildPerLevel) {
  std::string bytes = make_zip({{"deep.txt", "bottom"}});
  for (int level = 9; level >= 1; --level)
    bytes = make_zip({{"level" + std::to_string(level) + ".zip", bytes}});
  for (int level = 1; level <= 10; ++level) {
    SCOPED_TRACE(level);
    auto x = extract_bytes(bytes, "x.zip");
    ASSERT_TRUE(x.has_value()) << x.error().to_string();
    ASSERT_EQ(x->children.size(), 1u);
    const std::string expected =
        level == 10 ? "deep.txt" : "level" + std::to_string(level) + ".zip";
    EXPECT_EQ(x->children[0].name, expected);
    bytes = x->children[0].bytes;
  }
  EXPECT_EQ(bytes, "bottom");
}

TEST(ZipDirectory, CountsFilesNotDirectoriesOrSymlinks) {
  const std::string zip = make_zip({{"a/", "", AE_IFDIR},
                                    {"a/b/", "", AE_IFDIR},
                                    {"a/one.txt", "1"},
                                    {"a/b/two.txt", "2"},
                                    {"three.txt", "3"},
                                    {"link", "", AE_IFLNK, "three.txt"}});
  auto dir = read_zip_directory(as_bytes(zip));
  ASSERT_TRUE(dir.has_value());
  EXPECT_TRUE(dir->walked);
  EXPECT_EQ(dir->entries, 6u);
  EXPECT_EQ(dir->files, 3u);
  EXPECT_EQ(dir->disk, 0u);
  EXPECT_FALSE(read_zip_directory(as_bytes("PK\x03\x04 no end")).has_value());
  // A stub in front (a self-extracting .exe) shifts every offset.
  auto shifted = read_zip_directory(as_bytes(std::string(1000, 'M') + zip));
  ASSERT_TRUE(shifted.has_value());
  EXPECT_TRUE(shifted->walked);
  EXPECT_EQ(shifted->files, 3u);
}

// The central directory entry of a one-member zip repeated `copies` times, every copy pointing at
// the one local header: the overlapping-file ("flat") zip bomb.
std::string overlapping_zip(const std::string& one_member_zip, uint32_t copies) {
  const size_t cd = one_member_zip.find("PK\x01\x02");
  const size_t eocd = one_member_zip.rfind("PK\x05\x06");
  const std::string entry = one_member_zip.substr(cd, eocd - cd);
  std::string out = one_member_zip.substr(0, cd);
  for (uint32_t i = 0; i < copies; ++i) out += entry;
  std::string end = one_member_zip.substr(eocd);
  const auto put = [&end](size_t at, uint32_t v, int n) {
    for (int k = 0; k < n; ++k) end[at + static_cast<size_t>(k)] = static_cast<char>((v >> (8 * k)) & 0xff);
  };
  put(8, copies, 2);
  put(10, copies, 2);
  put(12, static_cast<uint32_t>(entry.size() * copies), 4);
  return out + end;
}

TEST(ArchiveExtractor, ZipWhoseFirstMemberIsAStoredPdfIsAnArchive) {
  // The PDF header is 40 bytes in: the PDF extractor used to claim the zip and hide the rest.
  const std::string pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : pdf) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  const std::string zip = testing::splice_zips(
      {testing::make_raw_zip("first.pdf", pdf, 0, pdf.size(), ~crc), make_zip({{"second.txt", "the second member"}})});
  EXPECT_EQ(testing::chosen(zip), "archive");
  auto x = testing::run(ArchiveExtractor(), zip);
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 2u);
  EXPECT_EQ(x->children[0].bytes, pdf);
}

TEST(ZipDirectory, CountsEntriesThatShareALocalHeader) {
  const std::string zip = overlapping_zip(make_zip({{"zeros.bin", std::string(1 << 16, '\0')}}), 300);
  auto dir = read_zip_directory(as_bytes(zip));
  ASSERT_TRUE(dir.has_value());
  EXPECT_TRUE(dir->walked);
  EXPECT_EQ(dir->files, 300u);
  EXPECT_EQ(dir->shared_offsets, 299u);
  auto plain = read_zip_directory(as_bytes(make_zip({{"a", "1"}, {"b", "2"}})));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->shared_offsets, 0u);
}

TEST(ArchiveExtractor, OverlappingEntriesAreReadOnceAndAccountedFor) {
  const std::string zip = overlapping_zip(make_zip({{"zeros.bin", std::string(1 << 16, '\0')}}), 300);
  auto x = testing::run(ArchiveExtractor(), zip);
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  EXPECT_EQ(x->children.size(), 1u);
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].code, "limit");
  EXPECT_NE(x->child_problems[0].reason.find("299 central directory entries point at a member"), std::string::npos);
}

}  // namespace
}  // namespace dossier::extract
