#include "extract/pst_extractor.h"

#include <cstring>

#include "core/time_util.h"
#include "extract/libpff_handles.h"
#include "extract/pst_bfio.h"
#include "extract/pst_message.h"
#include "extract/text_extractor.h"

namespace dossier::extract {
namespace {

constexpr int kMaxFolderDepth = 64;
constexpr size_t kMaxWarnings = 200;

std::string safe_component(std::string s) {
  for (char& c : s) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      c = '_';
  }
  truncate_utf8(s, 120);
  return s;
}

std::string folder_name(libpff_item_t* folder) {
  PffError err;
  size_t size = 0;
  if (libpff_folder_get_utf8_name_size(folder, &size, err.out()) != 1 || size == 0)
    return {};
  std::string s(size, '\0');
  if (libpff_folder_get_utf8_name(folder, reinterpret_cast<uint8_t*>(s.data()), size, err.out()) !=
      1) {
    return {};
  }
  s.resize(strnlen(s.data(), s.size()));
  return safe_component(s);
}

class PstWalker {
 public:
  PstWalker(Extraction& out, ExtractContext& ctx) : out_(out), ctx_(ctx) {}

  void walk(libpff_item_t* folder, const std::string& path, int depth) {
    if (depth > kMaxFolderDepth) {
      warn(path + ": folders nested deeper than " + std::to_string(kMaxFolderDepth) + " not read");
      return;
    }
    ++folders_;
    PffError err;
    int messages = 0;
    if (libpff_folder_get_number_of_sub_messages(folder, &messages, err.out()) != 1) {
      warn(path + ": messages not listed: " + err.text());
      messages = 0;
    }
    declared_ += static_cast<uint64_t>(messages);
    for (int i = 0; i < messages; ++i)
      message(folder, path, i);
    int folders = 0;
    if (libpff_folder_get_number_of_sub_folders(folder, &folders, err.out()) != 1) {
      warn(path + ": sub-folders not listed: " + err.text());
      folders = 0;
    }
    for (int i = 0; i < folders; ++i) {
      libpff_item_t* raw = nullptr;
      if (libpff_folder_get_sub_folder(folder, i, &raw, err.out()) != 1) {
        out_.child_problems.push_back({path + "/folder " + std::to_string(i + 1), "corrupt",
                                       "PST folder not readable: " + err.text()});
        continue;
      }
      PffItem sub(raw);
      std::string name = folder_name(sub.get());
      if (name.empty())
        name = "folder " + std::to_string(i + 1);
      walk(sub.get(), path.empty() ? name : path + "/" + name, depth + 1);
    }
  }

  uint64_t declared() const { return declared_; }
  int folders() const { return folders_; }

 private:
  void message(libpff_item_t* folder, const std::string& path, int index) {
    const std::string prefix = path.empty() ? "" : path + "/";
    if (stopped_ || ctx_.is_cancelled())
      return;
    PffError err;
    libpff_item_t* raw = nullptr;
    if (libpff_folder_get_sub_message(folder, index, &raw, err.out()) != 1) {
      out_.child_problems.push_back({prefix + "message " + std::to_string(index + 1), "corrupt",
                                     "PST message not readable: " + err.text()});
      return;
    }
    PffItem item(raw);
    PstMessage m = compose_pst_message(item.get(), ctx_.limits.max_child_bytes);
    std::string name = prefix + (m.subject.empty() ? "message " + std::to_string(index + 1)
                                                   : safe_component(m.subject));
    if (m.date)
      name += " (" + format_date(*m.date) + ")";
    name += ".eml";
    for (const std::string& p : m.problems)
      warn(name + ": " + p);
    auto st = ctx_.emit_child(out_, Child{std::move(name), std::move(m.eml)});
    if (!st) {
      warn("stopped emitting messages: " + st.error().to_string());
      stopped_ = true;
    }
  }

  void warn(std::string w) {
    if (out_.warnings.size() < kMaxWarnings)
      out_.warnings.push_back(std::move(w));
  }

  Extraction& out_;
  ExtractContext& ctx_;
  uint64_t declared_ = 0;
  int folders_ = 0;
  bool stopped_ = false;
};

// MS-PST 5.3: CRC-32 with the reflected polynomial 0xEDB88320, initial value 0, no final XOR.
uint32_t pst_crc(std::span<const uint8_t> bytes) {
  uint32_t c = 0;
  for (uint8_t b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return c;
}

// The file size the header declares (ROOT.ibFileEof, MS-PST 2.2.2.5): 64 bits at offset 184 in a
// Unicode store (wVer >= 23), 32 bits at 168 in an ANSI one. 0 when the header is too short or
// fails its partial CRC (the 471 bytes after dwCRCPartial): garbage declares nothing.
uint64_t declared_file_size(std::span<const uint8_t> b) {
  if (b.size() < 8 + 471)
    return 0;
  const uint32_t stored = b[4] | (b[5] << 8) | (b[6] << 16) | (static_cast<uint32_t>(b[7]) << 24);
  if (pst_crc(b.subspan(8, 471)) != stored)
    return 0;
  const unsigned version = b[10] | (b[11] << 8);
  const size_t at = version >= 23 ? 184 : 168;
  const size_t width = version >= 23 ? 8 : 4;
  if (b.size() < at + width)
    return 0;
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;)
    v = (v << 8) | b[at + i];
  return v;
}

}  // namespace

MatchScore PstExtractor::sniff(const Probe& probe) const {
  // "!BDN", a CRC, then "SM" (client signature of a PST / OST).
  if (probe.head.size() >= 10 && std::memcmp(probe.head.data(), "!BDN", 4) == 0 &&
      probe.head[8] == 'S' && probe.head[9] == 'M') {
    return kExactMatch;
  }
  return kNoMatch;
}

Result<Extraction> PstExtractor::extract(const Item& item, ExtractContext& ctx) const {
  // libpff reads what it can of a cut-off store and reports no error: say it.
  const uint64_t declared_size = declared_file_size(item.bytes);
  const bool truncated = declared_size > item.bytes.size();
  const std::string truncation = "truncated PST: " + std::to_string(item.bytes.size()) +
                                 " of the " + std::to_string(declared_size) +
                                 " bytes its header declares";
  PstMemoryIo io{item.bytes, 0, false};
  BfioHandle bfio = make_pst_memory_handle(&io);
  if (bfio == nullptr)
    return Error{ErrorCode::kInternal, "libbfio could not wrap the PST bytes", item.name};
  PffError err;
  libpff_file_t* file_raw = nullptr;
  const int file_init = libpff_file_initialize(&file_raw, err.out());
  PffFile file(file_raw);
  if (file_init != 1)
    return Error{ErrorCode::kInternal, "libpff: " + err.text(), item.name};
  if (libpff_file_open_file_io_handle(file.get(), bfio.get(), LIBPFF_OPEN_READ, err.out()) != 1) {
    return Error{ErrorCode::kCorrupt, truncated ? truncation : "corrupt PST: " + err.text(),
                 item.name};
  }

  Extraction out;
  PstWalker walker(out, ctx);
  libpff_item_t* root_raw = nullptr;
  const int has_root = libpff_file_get_root_folder(file.get(), &root_raw, err.out());
  PffItem root(root_raw);
  if (has_root == -1 || (has_root == 0 && truncated)) {
    return Error{ErrorCode::kCorrupt,
                 truncated ? truncation + ": no folder is left"
                           : "corrupt PST: no root folder: " + err.text(),
                 item.name};
  }
  if (truncated)
    out.warnings.push_back(truncation + "; messages past the cut are lost");
  if (has_root == 1)
    walker.walk(root.get(), folder_name(root.get()), 0);
  out.declared_children = walker.declared();
  out.metadata.push_back({"pst:messages", std::to_string(walker.declared())});
  out.metadata.push_back({"pst:folders", std::to_string(walker.folders())});
  int orphans = 0;
  if (libpff_file_get_number_of_orphan_items(file.get(), &orphans, err.out()) == 1) {
    out.metadata.push_back({"pst:orphan_items", std::to_string(orphans)});
    if (orphans > 0) {
      out.warnings.push_back(std::to_string(orphans) +
                             " orphan items (deleted or unreferenced) were not extracted");
    }
  }
  if (ctx.is_cancelled())
    return Error{ErrorCode::kLimit, "cancelled", item.name};
  return out;
}

}  // namespace dossier::extract
