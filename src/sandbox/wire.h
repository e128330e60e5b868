// The payloads of the worker protocol (docs/formats/ipc.md): a tiny little-endian serializer and
// the encodings of everything that crosses between the ingest and a worker. Decoding is
// bounds-checked throughout: the parent decodes what a possibly compromised worker sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "extract/extraction.h"
#include "extract/extractor.h"
#include "extract/ocr.h"

namespace dossier::sandbox {

inline constexpr uint32_t kProtocolVersion = 1;

class WireWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f32(float v);
  void boolean(bool v) { u8(v ? 1 : 0); }
  // u32 length, then the bytes. REQUIRES: s.size() < 4 GiB.
  void str(std::string_view s);
  void opt_i64(const std::optional<int64_t>& v);
  void opt_u64(const std::optional<uint64_t>& v);

  std::string& bytes() { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what WireWriter wrote. Every read fails (kCorrupt) rather than run past the end.
class WireReader {
 public:
  explicit WireReader(std::string_view in) : in_(in) {}
  Result<uint8_t> u8();
  Result<uint32_t> u32();
  Result<uint64_t> u64();
  Result<int32_t> i32();
  Result<int64_t> i64();
  Result<float> f32();
  Result<bool> boolean();
  Result<std::string> str();
  Result<std::optional<int64_t>> opt_i64();
  Result<std::optional<uint64_t>> opt_u64();
  // A count of elements that each take at least min_element_bytes: fails when the rest of the
  // input cannot hold that many, so a forged count cannot make the reader reserve gigabytes.
  Result<uint32_t> count(size_t min_element_bytes);

  size_t offset() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }
  // kCorrupt unless everything was read.
  Status expect_end() const;

 private:
  Result<std::string_view> take(size_t n);
  std::string_view in_;
  size_t pos_ = 0;
};

// --- start-up -----------------------------------------------------------------------------------

// kHello: what a worker needs before its first item.
struct WorkerSettings {
  uint32_t protocol = kProtocolVersion;
  uint64_t address_space_bytes = 0;  // RLIMIT_AS; 0 = unlimited
  extract::OcrConfig ocr;
};
std::string encode_settings(const WorkerSettings& s);
Result<WorkerSettings> decode_settings(std::string_view payload);

// kReady
struct WorkerReady {
  uint32_t protocol = kProtocolVersion;
  std::string ocr_status;  // empty when the OCR engine (if asked for) is loaded, else why not
};
std::string encode_ready(const WorkerReady& r);
Result<WorkerReady> decode_ready(std::string_view payload);

// --- one item -----------------------------------------------------------------------------------

// kExtract; the item's bytes arrive as a read-only file descriptor alongside.
struct ExtractRequest {
  std::string extractor;  // ExtractorId::name, chosen by the parent from the registry
  std::string mime;
  std::string name;
  int32_t depth = 0;
  uint64_t item_size = 0;
  extract::Limits limits;
  uint32_t cpu_seconds = 0;  // RLIMIT_CPU budget for this item; 0 = none
};
std::string encode_request(const ExtractRequest& r);
Result<ExtractRequest> decode_request(std::string_view payload);

// kChild: the name, then the bytes to the end of the message (no copy on either side).
void encode_child_head(WireWriter& w, const std::string& name);
// Decodes in place: the name is read and removed, `message` keeps the child's bytes.
Result<extract::Child> decode_child(std::string&& message);

// kPage: number, source, confidence, then the text to the end of the message.
void encode_page_head(WireWriter& w, const extract::Page& page);
Result<extract::Page> decode_page(std::string&& message);

// kResult
enum class ResultStatus : uint8_t {
  kOk = 0,           // an Extraction follows (pages and children were streamed before it)
  kError = 1,        // the extractor returned an Error, which follows
  kMemoryLimit = 2,  // an allocation failed against the address-space limit; an Error follows,
                     // and the worker exits: its heap is not trusted for another item
};
struct WorkerResult {
  ResultStatus status = ResultStatus::kOk;
  extract::Extraction extraction;  // kOk
  Error error;                     // otherwise
};
std::string encode_result(const WorkerResult& r);
Result<WorkerResult> decode_result(std::string_view payload);

// The pieces, exposed for tests and for kStartFailed.
void encode_error(WireWriter& w, const Error& e);
// Fills `out`; fails (kCorrupt) on a malformed error. (An Error cannot be a Result's value.)
Status decode_error(WireReader& r, Error& out);
// Everything in the Extraction, pages and children included.
void encode_extraction(WireWriter& w, const extract::Extraction& x);
Result<extract::Extraction> decode_extraction(WireReader& r);

}  // namespace dossier::sandbox
