// Outlook MSG through hand-built compound files: properties, recipients, attachments, an
// embedded message, a compressed RTF body.
#include <gtest/gtest.h>

#include "cfb_test_util.h"
#include "extract/ole_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::add16;
using testing::add32;
using testing::utf16;

std::string str_stream(uint16_t id) {
  char name[40];
  std::snprintf(name, sizeof name, "__substg1.0_%04X001F", id);
  return name;
}

// __properties_version1.0 with one PT_SYSTIME and one PT_LONG.
std::string fixed_props(size_t header, uint16_t time_id, uint64_t filetime) {
  std::string s(header, '\0');
  add16(s, 0x0040);
  add16(s, time_id);
  add32(s, 6);
  add32(s, static_cast<uint32_t>(filetime));
  add32(s, static_cast<uint32_t>(filetime >> 32));
  add16(s, 0x0003);
  add16(s, 0x0C15);  // recipient type, read only for recipients
  add32(s, 6);
  add32(s, 2);
  add32(s, 0);
  return s;
}

std::string build_msg(bool rtf_only) {
  testing::CfbWriter w;
  const uint64_t ft = (1577934245ull + 11644473600ull) * 10000000ull;
  w.add("__properties_version1.0", fixed_props(32, 0x0039, ft));
  w.add(str_stream(0x0037), utf16("Quarterly numbers"));
  w.add(str_stream(0x0C1A), utf16("Alice Sender"));
  w.add(str_stream(0x5D01), utf16("alice@example.com"));
  w.add(str_stream(0x0E04), utf16("Bob"));
  w.add(str_stream(0x007D),
        utf16("Received: from mx\r\n\tby host\r\nDKIM-Signature: v=1; a=rsa-sha256;\r\n"
              " d=example.com\r\nDate: Thu, 2 Jan 2020 03:04:05 +0000\r\n"));
  if (rtf_only) {
    // MS-OXRTFCP's example: "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n".
    const unsigned char kRtf[] = {0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a,
                                  0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00,
                                  0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a,
                                  0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77,
                                  0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
    w.add("__substg1.0_10090102", std::string(reinterpret_cast<const char*>(kRtf), sizeof kRtf));
  } else {
    w.add(str_stream(0x1000), utf16("Plain body text"));
  }
  const std::string r0 = "__recip_version1.0_#00000000/";
  w.add(r0 + "__properties_version1.0", fixed_props(8, 0x0039, 0));
  w.add(r0 + str_stream(0x3001), utf16("Bob Receiver"));
  w.add(r0 + str_stream(0x39FE), utf16("bob@example.com"));
  const std::string a0 = "__attach_version1.0_#00000000/";
  w.add(a0 + str_stream(0x3707), utf16("report.txt"));
  w.add(a0 + "__substg1.0_37010102", "attachment bytes");
  const std::string a1 = "__attach_version1.0_#00000001/";
  w.add(a1 + str_stream(0x3001), utf16("Forwarded"));
  const std::string inner = a1 + "__substg1.0_3701000D/";
  w.add(inner + "__properties_version1.0", std::string(24, '\0'));
  w.add(inner + str_stream(0x0037), utf16("Inner subject"));
  w.add(inner + str_stream(0x1000), utf16("Inner body"));
  w.add(inner + "__attach_version1.0_#00000000/" + str_stream(0x3707), utf16("inner.bin"));
  w.add(inner + "__attach_version1.0_#00000000/__substg1.0_37010102", "inner bytes");
  return w.build().bytes;
}

TEST(MsgExtractor, PropertiesRecipientsAttachmentsAndHeaders) {
  auto r = testing::run(OleExtractor(), build_msg(false));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const std::string text = testing::all_text(*r);
  EXPECT_NE(text.find("Subject: Quarterly numbers"), std::string::npos) << text;
  EXPECT_NE(text.find("Plain body text"), std::string::npos);
  EXPECT_EQ(text.find("Inner body"), std::string::npos);  // it is a child of its own
  EXPECT_EQ(r->common.title, "Quarterly numbers");
  EXPECT_EQ(r->common.from, "Alice Sender <alice@example.com>");
  EXPECT_EQ(r->common.to, "Bob Receiver <bob@example.com>");
  ASSERT_TRUE(r->common.created.has_value());
  EXPECT_EQ(*r->common.created, 1577934245);
  EXPECT_EQ(testing::meta(*r, "msg:RecipientCc"), "Bob Receiver <bob@example.com>");
  EXPECT_EQ(testing::meta(*r, "email:DKIM-Signature"), "v=1; a=rsa-sha256; d=example.com");
  EXPECT_EQ(testing::meta(*r, "email:Received"), "from mx by host");
  ASSERT_EQ(r->children.size(), 2u);
  EXPECT_EQ(r->children[0].name, "report.txt");
  EXPECT_EQ(r->children[0].bytes, "attachment bytes");
  EXPECT_EQ(r->children[1].name, "Forwarded.msg");
  ASSERT_TRUE(r->declared_children.has_value());
  EXPECT_EQ(*r->declared_children, 2u);
  EXPECT_EQ(r->emitted_children, 2u);
  // The attached message is a .msg of its own, with its own attachment.
  EXPECT_EQ(testing::chosen(r->children[1].bytes), "ole");
  auto inner = testing::run(OleExtractor(), r->children[1].bytes);
  ASSERT_TRUE(inner.has_value()) << inner.error().message;
  EXPECT_EQ(inner->common.title, "Inner subject");
  EXPECT_NE(testing::all_text(*inner).find("Inner body"), std::string::npos);
  ASSERT_EQ(inner->children.size(), 1u);
  EXPECT_EQ(inner->children[0].name, "inner.bin");
  EXPECT_EQ(inner->children[0].bytes, "inner bytes");
}

TEST(MsgExtractor, CompressedRtfBodyWhenNoPlainBody) {
  auto r = testing::run(OleExtractor(), build_msg(true));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_NE(testing::all_text(*r).find("hello world"), std::string::npos);
}

TEST(MsgExtractor, DamagedMessageNeverCrashes) {
  std::string bytes = build_msg(false);
  for (size_t i = 512; i < bytes.size(); i += 61) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0xA5);
    (void)testing::run(OleExtractor(), bad);
  }
}

}  // namespace
}  // namespace dossier::extract
