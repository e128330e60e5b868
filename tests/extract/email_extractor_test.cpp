// EmailExtractor on messages written here: MIME structure, charsets, attachments, nested
// messages, TNEF, S/MIME and malformed input.
#include "extract/email_extractor.h"

#include <gtest/gtest.h>

#include "extract/mime_walker.h"
#include "extract/smime_extractor.h"
#include "extract/tnef_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::all_text;
using testing::meta;
using testing::run;

const char kPdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

// multipart/mixed: an alternative (quoted-printable text/plain + HTML), a base64 PDF, and a
// nested message with its own attachment; subject in GB2312 ("机密文件").
const char kGolden[] =
    "From: \"Zhang Wei\" <zhang@example.cn>\r\n"
    "To: alice@example.com, \"Bob\" <bob@example.com>\r\n"
    "Cc: carol@example.com\r\n"
    "Bcc: dave@example.com\r\n"
    "Subject: =?GB2312?B?u/rD3M7EvP4=?=\r\n"
    "Date: Tue, 02 Mar 2021 10:04:05 +0800\r\n"
    "Message-ID: <1@example.cn>\r\n"
    "Received: from a.example by b.example; Tue, 02 Mar 2021 10:04:05 +0800\r\n"
    "Received: from c.example by d.example; Tue, 02 Mar 2021 10:04:04 +0800\r\n"
    "X-Leak-Id: 42\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
    "\r\n"
    "--alt\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=C3=A9 meeting at noon, this line is soft=\r\n"
    " wrapped.\r\n"
    "--alt\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>HTML version only</p></body></html>\r\n"
    "--alt--\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8Pj4KJSVFT0YK\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "Content-Disposition: attachment\r\n"
    "\r\n"
    "From: inner@example.com\r\n"
    "Subject: Inner note\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "inner body\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; name=\"notes.txt\"\r\n"
    "Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
    "\r\n"
    "inner attachment\r\n"
    "--inner--\r\n"
    "\r\n"
    "--outer--\r\n";

int count_meta(const Extraction& x, std::string_view key) {
  int n = 0;
  for (const MetaField& f : x.metadata)
    n += f.key == key ? 1 : 0;
  return n;
}

TEST(EmailExtractor, SniffsMessagesNotOtherText) {
  EmailExtractor e;
  EXPECT_GT(e.sniff(testing::probe_for(kGolden)), kGoodMatch);
  EXPECT_EQ(testing::chosen(kGolden), "email");
  EXPECT_EQ(testing::chosen("Subject: hi\nFrom: a@b.c\n\nbody\n"), "email");
  EXPECT_EQ(e.sniff(testing::probe_for("Dear reader: this is prose.\nNot mail at all\n")),
            kNoMatch);
  // One message with its mbox envelope line is an email; two are a mailbox.
  const std::string one = "From a@b Mon Jun 01 10:00:00 2009\nSubject: x\nFrom: a@b\n\nb\n";
  EXPECT_EQ(testing::chosen(one), "email");
  EXPECT_EQ(testing::chosen(one + one), "mbox");
  EXPECT_EQ(e.sniff(testing::probe_for("%PDF-1.4\n")), kNoMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("<html><body>x</body></html>")), kNoMatch);
}

TEST(EmailExtractor, GoldenMultipartMessage) {
  auto r = run(EmailExtractor(), kGolden);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  const Extraction& x = *r;
  EXPECT_EQ(x.common.title, "机密文件");
  EXPECT_NE(x.common.from.find("zhang@example.cn"), std::string::npos);
  for (const char* who : {"alice@", "bob@", "carol@", "dave@"})
    EXPECT_NE(x.common.to.find(who), std::string::npos) << x.common.to;
  ASSERT_TRUE(x.common.created.has_value());
  EXPECT_EQ(*x.common.created, 1614650645);
  EXPECT_EQ(count_meta(x, "email:Received"), 2);
  EXPECT_EQ(meta(x, "email:X-Leak-Id"), "42");
  EXPECT_EQ(meta(x, "email:Subject"), "机密文件");
  const std::string text = all_text(x);
  EXPECT_NE(text.find("Café meeting at noon, this line is soft wrapped."), std::string::npos)
      << text;
  EXPECT_NE(text.find("Subject: 机密文件"), std::string::npos) << text;
  EXPECT_EQ(text.find("HTML version only"), std::string::npos) << "plain text is preferred";
  ASSERT_EQ(x.children.size(), 2u);
  EXPECT_EQ(x.children[0].name, "report.pdf");
  EXPECT_EQ(x.children[0].bytes, kPdf);
  EXPECT_EQ(x.children[1].name, "Inner note.eml");
  EXPECT_EQ(x.declared_children, 2u);
  EXPECT_EQ(x.emitted_children, 2u);
  EXPECT_TRUE(x.child_problems.empty());

  // The nested message is itself an email with its own attachment (a grandchild of the file).
  const std::string& nested = x.children[1].bytes;
  EXPECT_EQ(testing::chosen(nested), "email");
  auto inner = run(EmailExtractor(), nested);
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->common.title, "Inner note");
  EXPECT_NE(all_text(*inner).find("inner body"), std::string::npos);
  ASSERT_EQ(inner->children.size(), 1u);
  EXPECT_EQ(inner->children[0].name, "notes.txt");
  EXPECT_EQ(inner->children[0].bytes, "inner attachment");
}

TEST(EmailExtractor, HtmlOnlyBodyIsConvertedToText) {
  const char msg[] =
      "From: a@example.com\nSubject: html\nContent-Type: text/html; charset=iso-8859-1\n\n"
      "<html><head><style>p{}</style></head><body><p>Caf\xe9 <b>bold</b></p>"
      "<script>evil()</script></body></html>\n";
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  const std::string text = all_text(*r);
  EXPECT_NE(text.find("Café bold"), std::string::npos) << text;
  EXPECT_EQ(text.find("evil"), std::string::npos);
  EXPECT_EQ(r->declared_children, 0u);
}

TEST(EmailExtractor, BodyCharsetFromThePart) {
  const char msg[] =
      "From: a@example.com\nSubject: gbk\nContent-Type: text/plain; charset=gb2312\n"
      "Content-Transfer-Encoding: 8bit\n\n\xbb\xfa\xc3\xdc\n";
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(all_text(*r).find("机密"), std::string::npos);
}

TEST(EmailExtractor, TruncatedMessageKeepsWhatIsThereAndSaysSo) {
  const std::string full = kGolden;
  for (size_t cut : {full.size() / 4, full.size() / 2, full.size() - 60}) {
    auto r = run(EmailExtractor(), full.substr(0, cut));
    ASSERT_TRUE(r.has_value()) << cut;
    EXPECT_EQ(r->common.title, "机密文件");
    EXPECT_EQ(r->emitted_children + r->child_problems.size(), *r->declared_children) << cut;
  }
  auto r = run(EmailExtractor(), full.substr(0, full.find("JVBER") + 20));
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->warnings.empty());
}

TEST(EmailExtractor, GarbageIsAnErrorOrEmptyNeverACrash) {
  auto r = run(EmailExtractor(), std::string("\0\1\2\3garbage", 11));
  if (!r.has_value()) {
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  }
  const std::string deep = [] {
    std::string s = "From: a@b.c\nSubject: deep\n";
    for (int i = 0; i < 2000; ++i)
      s += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
           std::to_string(i) + "\n";
    return s;
  }();
  auto d = run(EmailExtractor(), deep);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->common.title, "deep");
}

TEST(EmailExtractor, EncryptedPartsAreAccountedFor) {
  const char msg[] =
      "From: a@example.com\nSubject: secret\nMIME-Version: 1.0\n"
      "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=x\n\n"
      "--x\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
      "--x\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n"
      "--x--\n";
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->declared_children, 1u);
  ASSERT_EQ(r->child_problems.size(), 1u);
  EXPECT_EQ(r->child_problems[0].code, "encrypted");
}

// A TNEF stream: signature, key, then attributes (level, id|type, length, data, checksum).
std::string tnef_attr(uint8_t level, uint32_t id, std::string_view data) {
  std::string out(1, static_cast<char>(level));
  for (uint32_t v : {id, static_cast<uint32_t>(data.size())}) {
    for (int i = 0; i < 4; ++i)
      out += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  out.append(data);
  out += std::string("\0\0", 2);
  return out;
}

std::string tnef_stream() {
  std::string s("\x78\x9f\x3e\x22\x01\x00", 6);
  s += tnef_attr(1, 0x00018004, std::string("TNEF subject\0", 13));
  s += tnef_attr(2, 0x00069002, std::string(14, '\0'));
  s += tnef_attr(2, 0x00018010, std::string("budget.xls\0", 11));
  s += tnef_attr(2, 0x0006800F, "spreadsheet bytes");
  s += tnef_attr(2, 0x00069002, std::string(14, '\0'));
  s += tnef_attr(2, 0x00018010, std::string("memo.doc\0", 9));
  s += tnef_attr(2, 0x0006800F, "memo bytes");
  return s;
}

TEST(EmailExtractor, TnefAttachmentsAreUnpacked) {
  std::string b64;
  {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string in = tnef_stream();
    for (size_t i = 0; i < in.size(); i += 3) {
      uint32_t v = static_cast<uint8_t>(in[i]) << 16;
      if (i + 1 < in.size())
        v |= static_cast<uint8_t>(in[i + 1]) << 8;
      if (i + 2 < in.size())
        v |= static_cast<uint8_t>(in[i + 2]);
      b64 += kAlphabet[(v >> 18) & 63];
      b64 += kAlphabet[(v >> 12) & 63];
      b64 += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
      b64 += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
    }
  }
  const std::string msg =
      "From: a@example.com\nSubject: rich\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nsee att\n"
      "--x\nContent-Type: application/ms-tnef; name=winmail.dat\n"
      "Content-Transfer-Encoding: base64\n\n" +
      b64 + "\n--x--\n";
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->children.size(), 2u);
  EXPECT_EQ(r->children[0].name, "budget.xls");
  EXPECT_EQ(r->children[0].bytes, "spreadsheet bytes");
  EXPECT_EQ(r->children[1].name, "memo.doc");
  EXPECT_EQ(r->declared_children, 2u);

  EXPECT_EQ(testing::chosen(tnef_stream()), "tnef");
  auto t = run(TnefExtractor(), tnef_stream().substr(0, 60));
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->warnings.empty());
}

// A cheap fuzz pass (run it under the asan preset): damaged copies of the golden message and of a
// TNEF stream must come back as values, with every declared part accounted for.
TEST(EmailExtractor, MutatedMessagesNeverCrash) {
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
  };
  const std::string golden = kGolden;
  const std::string tnef = tnef_stream();
  for (int i = 0; i < 300; ++i) {
    std::string m = golden;
    for (int k = 0; k < 1 + static_cast<int>(next() % 8); ++k)
      m[next() % m.size()] = static_cast<char>(next() & 0xFF);
    m.resize(next() % (m.size() + 1));
    auto r = run(EmailExtractor(), m);
    if (r.has_value() && r->declared_children) {
      EXPECT_EQ(r->emitted_children + r->child_problems.size(), *r->declared_children);
    }
    std::string t = tnef;
    t[6 + next() % (t.size() - 6)] = static_cast<char>(next() & 0xFF);
    t.resize(6 + next() % (t.size() - 5));
    (void)run(TnefExtractor(), t);
  }
}

TEST(SmimeExtractor, GarbageIsCorruptNotACrash) {
  const std::string fake("\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x80\x30", 16);
  EXPECT_EQ(SmimeExtractor().sniff(testing::probe_for(fake)), kExactMatch);
  auto r = run(SmimeExtractor(), fake);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace dossier::extract

namespace dossier::extract {
namespace {

std::string many_parts(int attachments, const char* boundary_param) {
  std::string m =
      "From: a@example.org\r\nTo: b@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; " +
      std::string(boundary_param) + "\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nthe body\r\n";
  for (int i = 0; i < attachments; ++i) {
    m += "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a" +
         std::to_string(i) + ".bin\"\r\n\r\n-- not a delimiter\r\n--b1x is not one either\r\n";
  }
  return m + "--b1--\r\n";
}

TEST(MimePartsCut, CountsTheDelimitersOfDeclaredBoundariesOnly) {
  const std::string m = many_parts(9, "boundary=\"b1\"");
  uint64_t parts = 0;
  EXPECT_EQ(mime_parts_cut(m, 10, parts), std::string_view::npos);
  EXPECT_EQ(parts, 10u);  // the body and nine attachments; the closing delimiter opens nothing
  const size_t cut = mime_parts_cut(m, 4, parts);
  ASSERT_NE(cut, std::string_view::npos);
  EXPECT_EQ(parts, 10u);
  EXPECT_EQ(m.compare(cut, 6, "--b1\r\n"), 0);
  EXPECT_NE(m.substr(0, cut).find("a2.bin"), std::string::npos);
  EXPECT_EQ(m.substr(0, cut).find("a3.bin"), std::string::npos);
  // An unquoted, upper-case parameter is a boundary too; no boundary, no parts.
  EXPECT_EQ(mime_parts_cut(many_parts(3, "BOUNDARY=b1; charset=x"), 1, parts) != std::string_view::npos, true);
  EXPECT_EQ(parts, 4u);
  EXPECT_EQ(mime_parts_cut("Subject: x\r\n\r\n--b1\r\n", 0, parts), std::string_view::npos);
  EXPECT_EQ(parts, 0u);
}

TEST(EmailExtractor, MessageOverThePartLimitIsReadUpToItAndSaysSo) {
  const std::string m = many_parts(50, "boundary=\"b1\"");
  Item item = testing::item_for(m, "many.eml");
  ExtractContext ctx;
  ctx.limits.max_mime_parts = 11;
  auto x = EmailExtractor().extract(item, ctx);
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  EXPECT_EQ(x->children.size(), 10u);  // eleven parts: the body and ten attachments
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].code, "limit");
  EXPECT_EQ(x->child_problems[0].reason, "the message has 51 MIME parts; only the first 11 were read");
  EXPECT_NE(all_text(*x).find("the body"), std::string::npos);
}

}  // namespace
}  // namespace dossier::extract
