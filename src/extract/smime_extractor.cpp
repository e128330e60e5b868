#include "extract/smime_extractor.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <ctime>
#include <memory>

#include "core/time_util.h"

namespace dossier::extract {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct CmsFree {
  void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); }
};
using CmsPtr = std::unique_ptr<CMS_ContentInfo, CmsFree>;
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;
struct BioChainFree {
  void operator()(BIO* b) const { BIO_free_all(b); }
};
using BioChainPtr = std::unique_ptr<BIO, BioChainFree>;
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct OpenSslFree {
  void operator()(char* p) const { OPENSSL_free(p); }
};

// OpenSSL keeps errors in a per-thread queue; take the first reason and leave the queue empty so
// that the next item on this thread starts clean.
std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "not a PKCS #7 / CMS structure";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "OpenSSL error " + std::to_string(code);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string name_string(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || name == nullptr)
    return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return bio_string(bio.get());
}

std::string time_string(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1)
    return {};
  return format_iso8601(static_cast<int64_t>(timegm(&tm)));
}

std::string serial_string(const X509* cert) {
  std::unique_ptr<BIGNUM, BnFree> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (bn == nullptr)
    return {};
  std::unique_ptr<char, OpenSslFree> hex(BN_bn2hex(bn.get()));
  return hex != nullptr ? std::string(hex.get()) : std::string();
}

void add_signers(CMS_ContentInfo* cms, std::vector<MetaField>& meta) {
  X509StackPtr certs(CMS_get1_certs(cms));
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);  // owned by cms
  const int n_infos = infos != nullptr ? sk_CMS_SignerInfo_num(infos) : 0;
  const int n_certs = certs != nullptr ? sk_X509_num(certs.get()) : 0;
  for (int i = 0; i < n_infos; ++i) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, i);
    X509* signer = nullptr;
    for (int c = 0; c < n_certs && signer == nullptr; ++c) {
      if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs.get(), c)) == 0)
        signer = sk_X509_value(certs.get(), c);
    }
    if (signer == nullptr) {
      meta.push_back({"smime:signer:subject", "(certificate not included)"});
      continue;
    }
    meta.push_back({"smime:signer:subject", name_string(X509_get_subject_name(signer))});
    meta.push_back({"smime:signer:issuer", name_string(X509_get_issuer_name(signer))});
    meta.push_back({"smime:signer:serial", serial_string(signer)});
    meta.push_back({"smime:signer:not_before", time_string(X509_get0_notBefore(signer))});
    meta.push_back({"smime:signer:not_after", time_string(X509_get0_notAfter(signer))});
  }
  ERR_clear_error();
}

// S/MIME parts arrive base64-decoded by the MIME layer, but a standalone file may be PEM or bare
// base64; DER is tried first because it is what .p7m/.p7s files almost always are.
CmsPtr parse_cms(std::span<const uint8_t> bytes) {
  if (bytes.size() > INT_MAX)
    return nullptr;
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (bio == nullptr)
    return nullptr;
  CmsPtr cms(d2i_CMS_bio(bio.get(), nullptr));
  if (cms != nullptr)
    return cms;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("-----BEGIN") != std::string_view::npos) {
    BioPtr pem(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long length = 0;
    const int ok = PEM_read_bio(pem.get(), &name, &header, &der, &length);
    std::unique_ptr<char, OpenSslFree> owned_name(name);
    std::unique_ptr<char, OpenSslFree> owned_header(header);
    std::unique_ptr<char, OpenSslFree> owned_der(reinterpret_cast<char*>(der));
    if (ok != 1 || length <= 0)
      return nullptr;
    BioPtr der_bio(BIO_new_mem_buf(der, static_cast<int>(length)));
    cms.reset(d2i_CMS_bio(der_bio.get(), nullptr));
    return cms;
  }
  BioChainPtr b64(BIO_new(BIO_f_base64()));
  BioPtr mem(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (b64 == nullptr || mem == nullptr)
    return nullptr;
  BIO_push(b64.get(), mem.release());  // the chain (freed with BIO_free_all) now owns mem
  cms.reset(d2i_CMS_bio(b64.get(), nullptr));
  return cms;
}

}  // namespace

Result<SmimeContent> read_smime(std::span<const uint8_t> bytes) {
  ERR_clear_error();
  CmsPtr cms = parse_cms(bytes);
  if (cms == nullptr) {
    return Error{ErrorCode::kCorrupt, "corrupt PKCS #7 / CMS structure: " + openssl_reason(), ""};
  }
  SmimeContent out;
  const int nid = OBJ_obj2nid(CMS_get0_type(cms.get()));
  const char* type_name = OBJ_nid2sn(nid);
  out.metadata.push_back({"smime:type", type_name != nullptr ? type_name : "unknown"});
  if (nid == NID_pkcs7_signed) {
    out.kind = SmimeContent::Kind::kSigned;
    add_signers(cms.get(), out.metadata);
  } else if (nid == NID_pkcs7_enveloped || nid == NID_id_smime_ct_authEnvelopedData ||
             nid == NID_pkcs7_encrypted) {
    out.kind = SmimeContent::Kind::kEnveloped;
    return out;
  } else if (nid == NID_pkcs7_data) {
    out.kind = SmimeContent::Kind::kData;
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());  // owned by cms
  if (content != nullptr && *content != nullptr) {
    out.content = std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(*content)),
                              static_cast<size_t>(ASN1_STRING_length(*content)));
  }
  ERR_clear_error();
  return out;
}

bool add_smime_part(std::span<const uint8_t> bytes, const std::string& part_name,
                    const std::string& content_name, Extraction& out, ExtractContext& ctx) {
  auto smime = read_smime(bytes);
  if (!smime) {
    // Keep the bytes: a damaged signature is still evidence, and maybe not S/MIME at all.
    out.warnings.push_back(part_name + ": " + smime.error().message + "; kept as it is");
    auto st = ctx.emit_child(
        out, Child{part_name, std::string(reinterpret_cast<const char*>(bytes.data()),
                                          bytes.size())});
    if (!st) {
      out.warnings.push_back("stopped emitting attachments: " + st.error().to_string());
      return false;
    }
    return true;
  }
  for (MetaField& f : smime->metadata)
    out.metadata.push_back(std::move(f));
  if (smime->kind == SmimeContent::Kind::kEnveloped) {
    out.child_problems.push_back(
        {part_name, "encrypted", "encrypted S/MIME message: needs the recipient's private key"});
    return true;
  }
  if (!smime->content) {
    out.warnings.push_back(part_name + ": detached S/MIME signature, no content inside");
    return true;
  }
  auto st = ctx.emit_child(out, Child{content_name, std::move(*smime->content)});
  if (!st) {
    out.warnings.push_back("stopped emitting attachments: " + st.error().to_string());
    return false;
  }
  return true;
}

MatchScore SmimeExtractor::sniff(const Probe& probe) const {
  // SEQUENCE, a definite or indefinite length, then OID 1.2.840.113549.1.7.{2,3}.
  static constexpr uint8_t kPkcs7Oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48,
                                          0x86, 0xf7, 0x0d, 0x01, 0x07};
  if (probe.head.size() < 16 || probe.head[0] != 0x30)
    return kNoMatch;
  const auto window = probe.head.first(std::min<size_t>(probe.head.size(), 8 + sizeof kPkcs7Oid));
  auto it = std::search(window.begin(), window.end(), std::begin(kPkcs7Oid), std::end(kPkcs7Oid));
  if (it == window.end() || it - window.begin() > 6)
    return kNoMatch;
  const size_t at = static_cast<size_t>(it - window.begin()) + sizeof kPkcs7Oid;
  if (at >= probe.head.size())
    return kNoMatch;
  const uint8_t kind = probe.head[at];
  return (kind == 0x02 || kind == 0x03) ? kExactMatch : kNoMatch;
}

Result<Extraction> SmimeExtractor::extract(const Item& item, ExtractContext& ctx) const {
  auto smime = read_smime(item.bytes);
  if (!smime) {
    Error e = smime.error();
    e.context = item.name;
    return e;
  }
  if (smime->kind == SmimeContent::Kind::kEnveloped) {
    return Error{ErrorCode::kEncrypted,
                 "encrypted S/MIME message: needs the recipient's private key", item.name};
  }
  Extraction out;
  // A signature has no text of its own; who signed, under which authority, is what people search.
  std::string summary;
  for (const MetaField& f : smime->metadata) {
    if (f.key == "smime:signer:subject")
      summary += "Signed by: " + f.value + "\n";
    else if (f.key == "smime:signer:issuer")
      summary += "Certificate issuer: " + f.value + "\n";
  }
  out.pages.push_back(Page{0, std::move(summary), TextSource::kNative, -1});
  out.metadata = std::move(smime->metadata);
  out.declared_children = smime->content ? 1 : 0;
  if (smime->content) {
    std::string name = item.name;
    const size_t slash = name.find_last_of('/');
    if (slash != std::string::npos)
      name = name.substr(slash + 1);
    for (std::string_view ext : {".p7m", ".P7M", ".p7s", ".P7S"}) {
      if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
        name.resize(name.size() - ext.size());
    }
    if (name.empty() || name == item.name)
      name = "signed-content";
    auto st = ctx.emit_child(out, Child{name, std::move(*smime->content)});
    if (!st)
      out.warnings.push_back("signed content not emitted: " + st.error().to_string());
  }
  return out;
}

}  // namespace dossier::extract
