#include "custody/entry.h"

#include <gtest/gtest.h>

namespace dossier::custody {
namespace {

IngestEntry sample_ingest() {
  IngestEntry e;
  e.sha256 = sha256(std::string_view("hello"));
  e.size = 5;
  e.location.path = "/leak/财务 报表\n2017%.pdf";
  e.received = 1488449045;  // 2017-03-02T10:04:05Z
  e.dossier_version = "0.1.0";
  return e;
}

DeriveEntry sample_derive() {
  DeriveEntry d;
  d.derivation = "ocr";
  d.input = sha256(std::string_view("in"));
  d.output = sha256(std::string_view("out"));
  d.output_size = 3;
  d.tool = "tesseract";
  d.tool_version = "5.3.0 (chi_sim+eng)";
  d.time = 1488449046;
  d.dossier_version = "0.1.0";
  return d;
}

TEST(Entry, IngestEncodingIsTheDocumentedLayout) {
  std::string bytes = encode_entry(sample_ingest());
  EXPECT_EQ(bytes,
            "dossier-custody-entry v1\n"
            "kind INGEST\n"
            "sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n"
            "size 5\n"
            "path /leak/财务%20报表%0A2017%25.pdf\n"
            "received 2017-03-02T10:04:05Z\n"
            "dossier 0.1.0\n");
}

TEST(Entry, RoundTripsBothWays) {
  IngestEntry member = sample_ingest();
  member.location.parent = sha256(std::string_view("archive"));
  member.location.path = std::string("dir/\xff\x00name", 10);  // invalid UTF-8 and a NUL
  for (const Entry& e : {Entry(sample_ingest()), Entry(member), Entry(sample_derive())}) {
    std::string bytes = encode_entry(e);
    auto back = parse_entry(bytes);
    ASSERT_TRUE(back.has_value()) << back.error().to_string() << "\n" << bytes;
    EXPECT_EQ(*back, e);
    EXPECT_EQ(encode_entry(*back), bytes);
  }
  EXPECT_NE(encode_entry(member).find("parent "), std::string::npos);
  EXPECT_NE(encode_entry(member).find("name dir/%FF%00name\n"), std::string::npos);
}

TEST(Entry, RejectsNonCanonicalBytes) {
  std::string good = encode_entry(sample_ingest());
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    size_t p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return s.replace(p, from.size(), to);
  };
  const std::vector<std::string> bad = {
      good.substr(0, good.size() - 1),                 // no final newline
      good + "\n",                                     // trailing empty line
      good + "extra 1\n",                              // unknown field
      replace("v1\n", "v2\n"),                         // other version
      replace("size 5", "size 05"),                    // leading zero
      replace("size 5", "size  5"),                    // double space
      replace("2cf24dba", "2CF24DBA"),                 // uppercase hex
      replace("%20", "%2a"),                           // lowercase escape
      replace("%20", " "),                             // unescaped space
      replace("%25", "%"),                             // bare percent
      replace("报表", "%E6%8A%A5表"),                  // escaping what needs none
      replace("10:04:05Z", "10:04:05+00:00"),          // other time form
      replace("kind INGEST", "kind ingest"),           // unknown kind
      replace("\n", "\r\n"),                           // CRLF
      replace("received 2017-03-02T10:04:05Z\n", ""),  // missing field
      replace("dossier 0.1.0", "dossier 0.1 .0"),      // space in version
  };
  for (const std::string& b : bad) {
    EXPECT_FALSE(parse_entry(b).has_value()) << b;
  }
  // Field order is fixed.
  EXPECT_FALSE(parse_entry(replace("size 5\npath", "pathX")).has_value());
  EXPECT_TRUE(parse_entry(good).has_value());
}

TEST(Entry, EscapingIsCanonical) {
  EXPECT_EQ(escape_field("a b"), "a%20b");
  EXPECT_EQ(escape_field("\xe2\x80"), "%E2%80");         // truncated UTF-8
  EXPECT_EQ(escape_field("\xed\xa0\x80"), "%ED%A0%80");  // surrogate
  EXPECT_EQ(escape_field("\xc0\xaf"), "%C0%AF");         // overlong
  EXPECT_EQ(unescape_field("a%20b").value(), "a b");
  EXPECT_FALSE(unescape_field("a%2").has_value());
  EXPECT_FALSE(unescape_field("%41").has_value());  // 'A' needs no escape
  EXPECT_EQ(escape_field(""), "");
}

}  // namespace
}  // namespace dossier::custody
