#include "sandbox/wire.h"

#include <bit>
#include <cstring>

namespace dossier::sandbox {
namespace {

Error truncated(const char* what) { return Error{ErrorCode::kCorrupt, std::string("truncated ") + what, ""}; }

}  // namespace

// --- primitives ---------------------------------------------------------------------------------

void WireWriter::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void WireWriter::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void WireWriter::f32(float v) { u32(std::bit_cast<uint32_t>(v)); }

void WireWriter::str(std::string_view s) {
  DOSSIER_CHECK(s.size() <= UINT32_MAX);
  u32(static_cast<uint32_t>(s.size()));
  out_.append(s);
}

void WireWriter::opt_i64(const std::optional<int64_t>& v) {
  boolean(v.has_value());
  if (v) i64(*v);
}

void WireWriter::opt_u64(const std::optional<uint64_t>& v) {
  boolean(v.has_value());
  if (v) u64(*v);
}

Result<std::string_view> WireReader::take(size_t n) {
  if (n > remaining()) return truncated("message");
  std::string_view s = in_.substr(pos_, n);
  pos_ += n;
  return s;
}

Result<uint8_t> WireReader::u8() {
  DOSSIER_ASSIGN_OR_RETURN(auto s, take(1));
  return static_cast<uint8_t>(s[0]);
}

Result<uint32_t> WireReader::u32() {
  DOSSIER_ASSIGN_OR_RETURN(auto s, take(4));
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(s[static_cast<size_t>(i)])) << (8 * i);
  return v;
}

Result<uint64_t> WireReader::u64() {
  DOSSIER_ASSIGN_OR_RETURN(auto s, take(8));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s[static_cast<size_t>(i)])) << (8 * i);
  return v;
}

Result<int32_t> WireReader::i32() {
  DOSSIER_ASSIGN_OR_RETURN(uint32_t v, u32());
  return static_cast<int32_t>(v);
}

Result<int64_t> WireReader::i64() {
  DOSSIER_ASSIGN_OR_RETURN(uint64_t v, u64());
  return static_cast<int64_t>(v);
}

Result<float> WireReader::f32() {
  DOSSIER_ASSIGN_OR_RETURN(uint32_t v, u32());
  return std::bit_cast<float>(v);
}

Result<bool> WireReader::boolean() {
  DOSSIER_ASSIGN_OR_RETURN(uint8_t v, u8());
  if (v > 1) return Error{ErrorCode::kCorrupt, "boolean out of range", ""};
  return v == 1;
}

Result<std::string> WireReader::str() {
  DOSSIER_ASSIGN_OR_RETURN(uint32_t n, u32());
  DOSSIER_ASSIGN_OR_RETURN(auto s, take(n));
  return std::string(s);
}

Result<std::optional<int64_t>> WireReader::opt_i64() {
  DOSSIER_ASSIGN_OR_RETURN(bool has, boolean());
  if (!has) return std::optional<int64_t>();
  DOSSIER_ASSIGN_OR_RETURN(int64_t v, i64());
  return std::optional<int64_t>(v);
}

Result<std::optional<uint64_t>> WireReader::opt_u64() {
  DOSSIER_ASSIGN_OR_RETURN(bool has, boolean());
  if (!has) return std::optional<uint64_t>();
  DOSSIER_ASSIGN_OR_RETURN(uint64_t v, u64());
  return std::optional<uint64_t>(v);
}

Result<uint32_t> WireReader::count(size_t min_element_bytes) {
  DOSSIER_ASSIGN_OR_RETURN(uint32_t n, u32());
  if (min_element_bytes > 0 && n > remaining() / min_element_bytes) return truncated("list");
  return n;
}

Status WireReader::expect_end() const {
  if (remaining() != 0) {
    return Error{ErrorCode::kCorrupt, std::to_string(remaining()) + " unexpected bytes at the end of a message", ""};
  }
  return ok_status();
}

// --- start-up -----------------------------------------------------------------------------------

std::string encode_settings(const WorkerSettings& s) {
  WireWriter w;
  w.u32(s.protocol);
  w.u64(s.address_space_bytes);
  w.u8(static_cast<uint8_t>(s.ocr.mode));
  w.str(s.ocr.languages);
  return w.take();
}

Result<WorkerSettings> decode_settings(std::string_view payload) {
  WireReader r(payload);
  WorkerSettings s;
  DOSSIER_ASSIGN_OR_RETURN(s.protocol, r.u32());
  DOSSIER_ASSIGN_OR_RETURN(s.address_space_bytes, r.u64());
  DOSSIER_ASSIGN_OR_RETURN(uint8_t mode, r.u8());
  if (mode > static_cast<uint8_t>(extract::OcrMode::kForce)) return Error{ErrorCode::kCorrupt, "unknown OCR mode", ""};
  s.ocr.mode = static_cast<extract::OcrMode>(mode);
  DOSSIER_ASSIGN_OR_RETURN(s.ocr.languages, r.str());
  DOSSIER_RETURN_IF_ERROR(r.expect_end());
  return s;
}

std::string encode_ready(const WorkerReady& ready) {
  WireWriter w;
  w.u32(ready.protocol);
  w.str(ready.ocr_status);
  return w.take();
}

Result<WorkerReady> decode_ready(std::string_view payload) {
  WireReader r(payload);
  WorkerReady ready;
  DOSSIER_ASSIGN_OR_RETURN(ready.protocol, r.u32());
  DOSSIER_ASSIGN_OR_RETURN(ready.ocr_status, r.str());
  DOSSIER_RETURN_IF_ERROR(r.expect_end());
  return ready;
}

// --- one item -----------------------------------------------------------------------------------

std::string encode_request(const ExtractRequest& q) {
  WireWriter w;
  w.str(q.extractor);
  w.str(q.mime);
  w.str(q.name);
  w.i32(q.depth);
  w.u64(q.item_size);
  w.u64(q.limits.max_text_bytes);
  w.u64(q.limits.max_child_bytes);
  w.u64(q.limits.max_ratio);
  w.u32(q.limits.max_children);
  w.u32(q.limits.max_depth);
  w.u32(q.limits.max_pages);
  w.u32(q.cpu_seconds);
  return w.take();
}

Result<ExtractRequest> decode_request(std::string_view payload) {
  WireReader r(payload);
  ExtractRequest q;
  DOSSIER_ASSIGN_OR_RETURN(q.extractor, r.str());
  DOSSIER_ASSIGN_OR_RETURN(q.mime, r.str());
  DOSSIER_ASSIGN_OR_RETURN(q.name, r.str());
  DOSSIER_ASSIGN_OR_RETURN(q.depth, r.i32());
  DOSSIER_ASSIGN_OR_RETURN(q.item_size, r.u64());
  DOSSIER_ASSIGN_OR_RETURN(q.limits.max_text_bytes, r.u64());
  DOSSIER_ASSIGN_OR_RETURN(q.limits.max_child_bytes, r.u64());
  DOSSIER_ASSIGN_OR_RETURN(q.limits.max_ratio, r.u64());
  DOSSIER_ASSIGN_OR_RETURN(q.limits.max_children, r.u32());
  DOSSIER_ASSIGN_OR_RETURN(q.limits.max_depth, r.u32());
  DOSSIER_ASSIGN_OR_RETURN(q.limits.max_pages, r.u32());
  DOSSIER_ASSIGN_OR_RETURN(q.cpu_seconds, r.u32());
  DOSSIER_RETURN_IF_ERROR(r.expect_end());
  return q;
}

void encode_child_head(WireWriter& w, const std::string& name) { w.str(name); }

Result<extract::Child> decode_child(std::string&& message) {
  WireReader r(message);
  extract::Child c;
  DOSSIER_ASSIGN_OR_RETURN(c.name, r.str());
  message.erase(0, r.offset());  // in place: a 1 GB member is not copied again
  c.bytes = std::move(message);
  return c;
}

void encode_page_head(WireWriter& w, const extract::Page& page) {
  w.i32(page.number);
  w.u8(static_cast<uint8_t>(page.source));
  w.f32(page.ocr_confidence);
}

Result<extract::Page> decode_page(std::string&& message) {
  WireReader r(message);
  extract::Page p;
  DOSSIER_ASSIGN_OR_RETURN(p.number, r.i32());
  DOSSIER_ASSIGN_OR_RETURN(uint8_t source, r.u8());
  if (source > static_cast<uint8_t>(extract::TextSource::kOcr)) return Error{ErrorCode::kCorrupt, "unknown text source", ""};
  p.source = static_cast<extract::TextSource>(source);
  DOSSIER_ASSIGN_OR_RETURN(p.ocr_confidence, r.f32());
  message.erase(0, r.offset());
  p.text = std::move(message);
  return p;
}

void encode_error(WireWriter& w, const Error& e) {
  w.u8(static_cast<uint8_t>(e.code));
  w.str(e.message);
  w.str(e.context);
}

Status decode_error(WireReader& r, Error& e) {
  DOSSIER_ASSIGN_OR_RETURN(uint8_t code, r.u8());
  if (code > static_cast<uint8_t>(ErrorCode::kInternal)) return Error{ErrorCode::kCorrupt, "unknown error code", ""};
  e.code = static_cast<ErrorCode>(code);
  DOSSIER_ASSIGN_OR_RETURN(e.message, r.str());
  DOSSIER_ASSIGN_OR_RETURN(e.context, r.str());
  return ok_status();
}

void encode_extraction(WireWriter& w, const extract::Extraction& x) {
  w.u32(static_cast<uint32_t>(x.pages.size()));
  for (const auto& p : x.pages) {
    encode_page_head(w, p);
    w.str(p.text);
  }
  w.i32(x.page_count);
  w.u32(static_cast<uint32_t>(x.metadata.size()));
  for (const auto& m : x.metadata) {
    w.str(m.key);
    w.str(m.value);
  }
  w.str(x.common.title);
  w.str(x.common.author);
  w.str(x.common.application);
  w.opt_i64(x.common.created);
  w.opt_i64(x.common.modified);
  w.str(x.common.from);
  w.str(x.common.to);
  w.u32(static_cast<uint32_t>(x.children.size()));
  for (const auto& c : x.children) {
    w.str(c.name);
    w.str(c.bytes);
  }
  w.opt_u64(x.declared_children);
  w.u64(x.emitted_children);
  w.u32(static_cast<uint32_t>(x.child_problems.size()));
  for (const auto& p : x.child_problems) {
    w.str(p.name);
    w.str(p.code);
    w.str(p.reason);
  }
  w.u32(static_cast<uint32_t>(x.warnings.size()));
  for (const auto& s : x.warnings) w.str(s);
}

Result<extract::Extraction> decode_extraction(WireReader& r) {
  extract::Extraction x;
  DOSSIER_ASSIGN_OR_RETURN(uint32_t pages, r.count(13));
  x.pages.reserve(pages);
  for (uint32_t i = 0; i < pages; ++i) {
    extract::Page p;
    DOSSIER_ASSIGN_OR_RETURN(p.number, r.i32());
    DOSSIER_ASSIGN_OR_RETURN(uint8_t source, r.u8());
    if (source > static_cast<uint8_t>(extract::TextSource::kOcr)) return Error{ErrorCode::kCorrupt, "unknown text source", ""};
    p.source = static_cast<extract::TextSource>(source);
    DOSSIER_ASSIGN_OR_RETURN(p.ocr_confidence, r.f32());
    DOSSIER_ASSIGN_OR_RETURN(p.text, r.str());
    x.pages.push_back(std::move(p));
  }
  DOSSIER_ASSIGN_OR_RETURN(x.page_count, r.i32());
  DOSSIER_ASSIGN_OR_RETURN(uint32_t meta, r.count(8));
  x.metadata.reserve(meta);
  for (uint32_t i = 0; i < meta; ++i) {
    extract::MetaField m;
    DOSSIER_ASSIGN_OR_RETURN(m.key, r.str());
    DOSSIER_ASSIGN_OR_RETURN(m.value, r.str());
    x.metadata.push_back(std::move(m));
  }
  DOSSIER_ASSIGN_OR_RETURN(x.common.title, r.str());
  DOSSIER_ASSIGN_OR_RETURN(x.common.author, r.str());
  DOSSIER_ASSIGN_OR_RETURN(x.common.application, r.str());
  DOSSIER_ASSIGN_OR_RETURN(x.common.created, r.opt_i64());
  DOSSIER_ASSIGN_OR_RETURN(x.common.modified, r.opt_i64());
  DOSSIER_ASSIGN_OR_RETURN(x.common.from, r.str());
  DOSSIER_ASSIGN_OR_RETURN(x.common.to, r.str());
  DOSSIER_ASSIGN_OR_RETURN(uint32_t children, r.count(8));
  x.children.reserve(children);
  for (uint32_t i = 0; i < children; ++i) {
    extract::Child c;
    DOSSIER_ASSIGN_OR_RETURN(c.name, r.str());
    DOSSIER_ASSIGN_OR_RETURN(c.bytes, r.str());
    x.children.push_back(std::move(c));
  }
  DOSSIER_ASSIGN_OR_RETURN(x.declared_children, r.opt_u64());
  DOSSIER_ASSIGN_OR_RETURN(x.emitted_children, r.u64());
  DOSSIER_ASSIGN_OR_RETURN(uint32_t problems, r.count(12));
  x.child_problems.reserve(problems);
  for (uint32_t i = 0; i < problems; ++i) {
    extract::ChildProblem p;
    DOSSIER_ASSIGN_OR_RETURN(p.name, r.str());
    DOSSIER_ASSIGN_OR_RETURN(p.code, r.str());
    DOSSIER_ASSIGN_OR_RETURN(p.reason, r.str());
    x.child_problems.push_back(std::move(p));
  }
  DOSSIER_ASSIGN_OR_RETURN(uint32_t warnings, r.count(4));
  x.warnings.reserve(warnings);
  for (uint32_t i = 0; i < warnings; ++i) {
    DOSSIER_ASSIGN_OR_RETURN(std::string s, r.str());
    x.warnings.push_back(std::move(s));
  }
  return x;
}

std::string encode_result(const WorkerResult& res) {
  WireWriter w;
  w.u8(static_cast<uint8_t>(res.status));
  if (res.status == ResultStatus::kOk) {
    encode_extraction(w, res.extraction);
  } else {
    encode_error(w, res.error);
  }
  return w.take();
}

Result<WorkerResult> decode_result(std::string_view payload) {
  WireReader r(payload);
  WorkerResult res;
  DOSSIER_ASSIGN_OR_RETURN(uint8_t status, r.u8());
  if (status > static_cast<uint8_t>(ResultStatus::kMemoryLimit)) return Error{ErrorCode::kCorrupt, "unknown result status", ""};
  res.status = static_cast<ResultStatus>(status);
  if (res.status == ResultStatus::kOk) {
    DOSSIER_ASSIGN_OR_RETURN(res.extraction, decode_extraction(r));
  } else {
    DOSSIER_RETURN_IF_ERROR(decode_error(r, res.error));
  }
  DOSSIER_RETURN_IF_ERROR(r.expect_end());
  return res;
}

}  // namespace dossier::sandbox
