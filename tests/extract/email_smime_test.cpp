// S/MIME inside mail and on its own, with signatures and encryption made here by OpenSSL:
// opaque-signed content becomes a child, detached signatures and signers become metadata,
// encrypted messages are accounted for as problems.
#include <gtest/gtest.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "extract/email_extractor.h"
#include "extract/smime_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::meta;
using testing::run;

struct Free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  void operator()(X509* x) const { X509_free(x); }
  void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); }
  void operator()(BIO* b) const { BIO_free(b); }
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};

struct Signer {
  std::unique_ptr<EVP_PKEY, Free> key;
  std::unique_ptr<X509, Free> cert;
};

Signer make_signer() {
  Signer s;
  s.key.reset(EVP_EC_gen("P-256"));
  s.cert.reset(X509_new());
  ASN1_INTEGER_set(X509_get_serialNumber(s.cert.get()), 0x1234);
  X509_gmtime_adj(X509_getm_notBefore(s.cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(s.cert.get()), 86400L * 365);
  X509_NAME* name = X509_get_subject_name(s.cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Whistle Blower"), -1, -1, 0);
  X509_set_issuer_name(s.cert.get(), name);
  X509_set_pubkey(s.cert.get(), s.key.get());
  X509_sign(s.cert.get(), s.key.get(), EVP_sha256());
  return s;
}

std::string der(CMS_ContentInfo* cms) {
  std::unique_ptr<BIO, Free> out(BIO_new(BIO_s_mem()));
  i2d_CMS_bio(out.get(), cms);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string signed_data(const std::string& content, bool detached) {
  Signer s = make_signer();
  std::unique_ptr<BIO, Free> in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  std::unique_ptr<CMS_ContentInfo, Free> cms(CMS_sign(s.cert.get(), s.key.get(), nullptr, in.get(),
                                                      CMS_BINARY | (detached ? CMS_DETACHED : 0)));
  return der(cms.get());
}

std::string enveloped_data(const std::string& content) {
  Signer s = make_signer();
  std::unique_ptr<STACK_OF(X509), Free> recipients(sk_X509_new_null());
  sk_X509_push(recipients.get(), s.cert.get());
  std::unique_ptr<BIO, Free> in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  std::unique_ptr<CMS_ContentInfo, Free> cms(
      CMS_encrypt(recipients.get(), in.get(), EVP_aes_128_cbc(), CMS_BINARY));
  return der(cms.get());
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  std::string wrapped;
  for (size_t at = 0; at < out.size(); at += 76)
    wrapped += out.substr(at, 76) + "\r\n";
  return wrapped;
}

const char kInner[] = "Content-Type: text/plain\r\n\r\nThe signed words.\r\n";

TEST(EmailSmime, OpaqueSignedMessageGivesItsContentAndSigner) {
  const std::string msg =
      "From: a@example.com\r\nSubject: signed\r\nMIME-Version: 1.0\r\n"
      "Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      base64(signed_data(kInner, false));
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->declared_children, 1u);
  ASSERT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->children[0].name, "smime-content.eml");
  EXPECT_EQ(r->children[0].bytes, kInner);
  EXPECT_EQ(meta(*r, "smime:signer:subject"), "CN=Whistle Blower");
  EXPECT_EQ(meta(*r, "smime:signer:serial"), "1234");
  EXPECT_EQ(testing::chosen(r->children[0].bytes), "email");
}

TEST(EmailSmime, DetachedSignatureIsMetadataNotAChild) {
  const std::string msg =
      "From: a@example.com\r\nSubject: signed\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
      "micalg=sha-256; boundary=sig\r\n\r\n--sig\r\n" +
      std::string(kInner) +
      "--sig\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      base64(signed_data(kInner, true)) + "--sig--\r\n";
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->declared_children, 0u);
  EXPECT_TRUE(r->children.empty());
  EXPECT_EQ(meta(*r, "smime:signer:subject"), "CN=Whistle Blower");
  EXPECT_NE(testing::all_text(*r).find("The signed words."), std::string::npos);
}

TEST(EmailSmime, EncryptedMessageIsAnEncryptedProblem) {
  const std::string msg =
      "From: a@example.com\r\nSubject: sealed\r\nMIME-Version: 1.0\r\n"
      "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      base64(enveloped_data(kInner));
  auto r = run(EmailExtractor(), msg);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->declared_children, 1u);
  ASSERT_EQ(r->child_problems.size(), 1u);
  EXPECT_EQ(r->child_problems[0].code, "encrypted");
  EXPECT_EQ(r->child_problems[0].reason,
            "encrypted S/MIME message: needs the recipient's private key");
}

TEST(SmimeExtractor, StandaloneFiles) {
  const std::string p7m = signed_data("<xml>payload</xml>", false);
  EXPECT_EQ(testing::chosen(p7m), "smime");
  Item item = testing::item_for(p7m, "invoice.xml.p7m");
  ExtractContext ctx;
  auto r = SmimeExtractor().extract(item, ctx);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->children[0].name, "invoice.xml");
  EXPECT_EQ(r->children[0].bytes, "<xml>payload</xml>");
  EXPECT_NE(testing::all_text(*r).find("Signed by: CN=Whistle Blower"), std::string::npos);

  auto p7s = run(SmimeExtractor(), signed_data("x", true));
  ASSERT_TRUE(p7s.has_value());
  EXPECT_EQ(p7s->declared_children, 0u);
  EXPECT_EQ(meta(*p7s, "smime:type"), "pkcs7-signedData");

  auto sealed = run(SmimeExtractor(), enveloped_data("x"));
  ASSERT_FALSE(sealed.has_value());
  EXPECT_EQ(sealed.error().code, ErrorCode::kEncrypted);

  const std::string cut = p7m.substr(0, p7m.size() / 2);
  auto truncated = run(SmimeExtractor(), cut);
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace dossier::extract
