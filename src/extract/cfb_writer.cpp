#include "extract/cfb_writer.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace dossier::extract {
namespace {

constexpr uint32_t kEnd = 0xFFFFFFFE, kFree = 0xFFFFFFFF, kFatSector = 0xFFFFFFFD;
constexpr size_t kMaxNodes = 100000;
constexpr int kMaxDepth = 32;

void put16(std::string& s, size_t at, uint32_t v) {
  s[at] = static_cast<char>(v & 0xFF);
  s[at + 1] = static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& s, size_t at, uint32_t v) {
  put16(s, at, v & 0xFFFF);
  put16(s, at + 2, v >> 16);
}
void add32(std::string& s, uint32_t v) {
  s.append(4, '\0');
  put32(s, s.size() - 4, v);
}

std::string utf16(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size() && out.size() < 62;) {
    uint32_t c = static_cast<uint8_t>(utf8[i]);
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    c &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : extra == 1 ? 0x1F : 0x7F;
    ++i;
    for (int k = 0; k < extra && i < utf8.size(); ++k, ++i)
      c = c << 6 | (static_cast<uint8_t>(utf8[i]) & 0x3F);
    if (c > 0xFFFF)
      c = 0xFFFD;
    out.append(2, '\0');
    put16(out, out.size() - 2, c);
  }
  return out;
}

struct Node {
  std::string name;
  uint8_t type;
  std::string data;
  std::vector<uint32_t> kids;
};

Status collect(const CfbReader& cfb, const CfbEntry& storage, std::vector<Node>& nodes, size_t self,
               int depth, uint64_t& budget, CfbCopy how) {
  if (depth > kMaxDepth)
    return Error{ErrorCode::kLimit, "OLE storages nested too deep", storage.path};
  for (size_t k : storage.children) {
    const CfbEntry& e = cfb.entries()[k];
    if (nodes.size() >= kMaxNodes)
      return Error{ErrorCode::kLimit, "too many OLE entries", storage.path};
    size_t at = nodes.size();
    nodes[self].kids.push_back(static_cast<uint32_t>(at));
    nodes.push_back({e.name, static_cast<uint8_t>(e.type), {}, {}});
    if (e.type == CfbType::kStorage) {
      DOSSIER_RETURN_IF_ERROR(collect(cfb, e, nodes, at, depth + 1, budget, how));
      continue;
    }
    if (e.size > budget)
      return Error{ErrorCode::kLimit, "embedded OLE object too large", e.path};
    DOSSIER_ASSIGN_OR_RETURN(std::string data, cfb.read_stream(e, budget));
    budget -= data.size();
    if (how == CfbCopy::kAsTopLevelMessage && depth == 0 && e.name == "__properties_version1.0" &&
        data.size() >= 24) {
      data.insert(24, 8, '\0');
    }
    nodes[at].data = std::move(data);
  }
  // Siblings become a right-leaning chain, so they must be in CFB order (shorter names first,
  // then by upper case) for readers that binary-search the tree.
  auto key = [&](uint32_t i) {
    std::string up = nodes[i].name;
    for (char& c : up)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return std::make_pair(up.size(), up);
  };
  std::vector<uint32_t>& kids = nodes[self].kids;
  std::sort(kids.begin(), kids.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  return ok_status();
}

class Sectors {
 public:
  uint32_t alloc(const std::string& d) {
    if (d.empty())
      return kEnd;
    uint32_t first = static_cast<uint32_t>(fat_.size());
    uint32_t n = static_cast<uint32_t>((d.size() + 511) / 512);
    for (uint32_t k = 0; k < n; ++k)
      fat_.push_back(k + 1 < n ? first + k + 1 : kEnd);
    body_ += d;
    body_.resize(size_t{fat_.size()} * 512, '\0');
    return first;
  }
  std::string finish(std::string header) {
    const uint32_t per = 128;
    uint32_t nfat = 1, ndifat = 0;
    while (true) {
      ndifat = nfat <= 109 ? 0 : (nfat - 109 + per - 2) / (per - 1);
      if (fat_.size() + nfat + ndifat <= size_t{nfat} * per)
        break;
      ++nfat;
    }
    const uint32_t first_fat = static_cast<uint32_t>(fat_.size());
    const uint32_t first_difat = first_fat + nfat;
    for (uint32_t k = 0; k < nfat; ++k)
      fat_.push_back(kFatSector);
    for (uint32_t k = 0; k < ndifat; ++k)
      fat_.push_back(0xFFFFFFFC);
    fat_.resize(size_t{nfat} * per, kFree);
    put32(header, 0x2C, nfat);
    put32(header, 0x44, ndifat == 0 ? kEnd : first_difat);
    put32(header, 0x48, ndifat);
    for (uint32_t k = 0; k < 109; ++k)
      put32(header, 0x4C + 4 * size_t{k}, k < nfat ? first_fat + k : kFree);
    std::string out = std::move(header) + body_;
    for (uint32_t v : fat_)
      add32(out, v);
    // DIFAT sectors: 127 FAT sector numbers each, then the next DIFAT sector.
    uint32_t listed = std::min<uint32_t>(nfat, 109);
    for (uint32_t d = 0; d < ndifat; ++d) {
      std::string s;
      for (uint32_t i = 0; i + 1 < per; ++i, ++listed)
        add32(s, listed < nfat ? first_fat + listed : kFree);
      add32(s, d + 1 < ndifat ? first_difat + d + 1 : kEnd);
      out += s;
    }
    return out;
  }

 private:
  std::string body_;
  std::vector<uint32_t> fat_;
};

}  // namespace

Result<std::string> copy_storage(const CfbReader& cfb, const CfbEntry& storage, uint64_t max_bytes,
                                 CfbCopy how) {
  std::vector<Node> nodes = {{"Root Entry", 5, {}, {}}};
  uint64_t budget = max_bytes;
  DOSSIER_RETURN_IF_ERROR(collect(cfb, storage, nodes, 0, 0, budget, how));
  std::vector<uint32_t> start(nodes.size(), kEnd);
  std::string mini;
  std::string minifat;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const std::string& d = nodes[i].data;
    if (nodes[i].type != 2 || d.empty() || d.size() >= 4096)
      continue;
    uint32_t first = static_cast<uint32_t>(mini.size() / 64);
    uint32_t n = static_cast<uint32_t>((d.size() + 63) / 64);
    for (uint32_t k = 0; k < n; ++k)
      add32(minifat, k + 1 < n ? first + k + 1 : kEnd);
    mini += d;
    mini.resize((mini.size() + 63) / 64 * 64, '\0');
    start[i] = first;
  }
  Sectors sectors;
  for (size_t i = 1; i < nodes.size(); ++i) {
    if (nodes[i].type == 2 && nodes[i].data.size() >= 4096)
      start[i] = sectors.alloc(nodes[i].data);
  }
  start[0] = sectors.alloc(mini);
  const uint32_t first_minifat = sectors.alloc(minifat);
  std::string dir;
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string e(128, '\0');
    std::string name = utf16(nodes[i].name);
    e.replace(0, name.size(), name);
    put16(e, 64, static_cast<uint32_t>(name.size() + 2));
    e[66] = static_cast<char>(nodes[i].type);
    e[67] = 1;  // black: a right-leaning chain is a valid (if unbalanced) tree to readers
    put32(e, 68, kFree);
    put32(e, 72, kFree);
    put32(e, 76, nodes[i].kids.empty() ? kFree : nodes[i].kids[0]);
    put32(e, 116, start[i]);
    put32(e, 120, static_cast<uint32_t>(i == 0 ? mini.size() : nodes[i].data.size()));
    dir += e;
  }
  for (const Node& n : nodes) {
    for (size_t k = 0; k + 1 < n.kids.size(); ++k)
      put32(dir, size_t{n.kids[k]} * 128 + 72, n.kids[k + 1]);
  }
  dir.resize((dir.size() + 511) / 512 * 512, '\0');
  const uint32_t first_dir = sectors.alloc(dir);
  std::string h(512, '\0');
  std::memcpy(h.data(), kCfbMagic, 8);
  put16(h, 0x18, 0x3E);
  put16(h, 0x1A, 3);
  put16(h, 0x1C, 0xFFFE);
  put16(h, 0x1E, 9);
  put16(h, 0x20, 6);
  put32(h, 0x30, first_dir);
  put32(h, 0x38, 4096);
  put32(h, 0x3C, minifat.empty() ? kEnd : first_minifat);
  put32(h, 0x40, static_cast<uint32_t>((minifat.size() + 511) / 512));
  return sectors.finish(std::move(h));
}

}  // namespace dossier::extract
