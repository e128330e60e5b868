// A minimal Compound File Binary writer for tests: version 3 (512-byte sectors), streams under
// 4096 bytes in the mini stream, every storage's children linked through right siblings.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::extract::testing {

inline void put16(std::string& s, size_t at, uint32_t v) {
  if (s.size() < at + 2)
    s.resize(at + 2, '\0');
  s[at] = static_cast<char>(v & 0xFF);
  s[at + 1] = static_cast<char>((v >> 8) & 0xFF);
}
inline void put32(std::string& s, size_t at, uint32_t v) {
  put16(s, at, v & 0xFFFF);
  put16(s, at + 2, v >> 16);
}
inline void put64(std::string& s, size_t at, uint64_t v) {
  put32(s, at, static_cast<uint32_t>(v));
  put32(s, at + 4, static_cast<uint32_t>(v >> 32));
}
inline void add16(std::string& s, uint32_t v) {
  put16(s, s.size(), v);
}
inline void add32(std::string& s, uint32_t v) {
  put32(s, s.size(), v);
}

// UTF-16LE of a UTF-8 string (BMP only, enough for tests).
inline std::string utf16(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    uint32_t c = static_cast<uint8_t>(utf8[i]);
    int extra = c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra > 0)
      c &= extra == 2 ? 0x0F : 0x1F;
    ++i;
    for (int k = 0; k < extra && i < utf8.size(); ++k, ++i)
      c = c << 6 | (static_cast<uint8_t>(utf8[i]) & 0x3F);
    add16(out, c);
  }
  return out;
}

struct CfbFile {
  std::string bytes;
  uint32_t first_fat_sector = 0;  // where the (single) FAT sector lives, for corruption tests
  std::map<std::string, uint32_t> start;  // stream path -> first (mini) sector
  size_t fat_offset() const { return (size_t{first_fat_sector} + 1) * 512; }
};

class CfbWriter {
 public:
  static constexpr uint32_t kEnd = 0xFFFFFFFE, kFree = 0xFFFFFFFF, kNone = 0xFFFFFFFF;

  CfbWriter() { nodes_.push_back({"Root Entry", 5, {}, {}, ""}); }
  // "Storage/Sub/Stream": storages are created on the way.
  void add(std::string_view path, std::string data) {
    size_t at = 0;
    std::string sofar;
    while (true) {
      size_t slash = path.find('/');
      std::string name(path.substr(0, slash));
      sofar += (sofar.empty() ? "" : "/") + name;
      bool last = slash == std::string_view::npos;
      int found = -1;
      for (int k : nodes_[at].kids) {
        if (nodes_[static_cast<size_t>(k)].name == name)
          found = k;
      }
      if (found < 0) {
        found = static_cast<int>(nodes_.size());
        nodes_[at].kids.push_back(found);
        nodes_.push_back({name, static_cast<uint8_t>(last ? 2 : 1), {}, {}, sofar});
      }
      at = static_cast<size_t>(found);
      if (last) {
        nodes_[at].data = std::move(data);
        return;
      }
      path = path.substr(slash + 1);
    }
  }

  CfbFile build() const {
    CfbFile f;
    std::vector<Node> nodes = nodes_;
    std::vector<uint32_t> start(nodes.size(), kEnd);
    std::string mini;
    std::vector<uint32_t> minifat;
    for (size_t i = 1; i < nodes.size(); ++i) {
      const std::string& d = nodes[i].data;
      if (nodes[i].type != 2 || d.empty() || d.size() >= 4096)
        continue;
      uint32_t first = static_cast<uint32_t>(mini.size() / 64);
      uint32_t n = static_cast<uint32_t>((d.size() + 63) / 64);
      for (uint32_t k = 0; k < n; ++k)
        minifat.push_back(k + 1 < n ? first + k + 1 : kEnd);
      mini += d;
      mini.resize(mini.size() + (64 - mini.size() % 64) % 64, '\0');
      start[i] = first;
    }
    std::vector<std::string> secs;
    std::vector<uint32_t> fat;
    auto alloc = [&](const std::string& d) -> uint32_t {
      if (d.empty())
        return kEnd;
      uint32_t first = static_cast<uint32_t>(secs.size());
      uint32_t n = static_cast<uint32_t>((d.size() + 511) / 512);
      for (uint32_t k = 0; k < n; ++k) {
        std::string s = d.substr(size_t{k} * 512, 512);
        s.resize(512, '\0');
        secs.push_back(std::move(s));
        fat.push_back(k + 1 < n ? first + k + 1 : kEnd);
      }
      return first;
    };
    for (size_t i = 1; i < nodes.size(); ++i) {
      if (nodes[i].type == 2 && nodes[i].data.size() >= 4096)
        start[i] = alloc(nodes[i].data);
    }
    start[0] = alloc(mini);
    std::string minifat_bytes;
    for (uint32_t v : minifat)
      add32(minifat_bytes, v);
    uint32_t first_minifat = alloc(minifat_bytes);
    std::string dir;
    for (size_t i = 0; i < nodes.size(); ++i) {
      std::string e(128, '\0');
      std::string name = utf16(nodes[i].name);
      e.replace(0, name.size(), name);
      put16(e, 64, static_cast<uint32_t>(name.size() + 2));
      e[66] = static_cast<char>(nodes[i].type);
      e[67] = 1;
      put32(e, 68, kNone);
      put32(e, 72, kNone);
      put32(e, 76, nodes[i].kids.empty() ? kNone : static_cast<uint32_t>(nodes[i].kids[0]));
      put32(e, 116, start[i]);
      put32(e, 120, static_cast<uint32_t>(i == 0 ? mini.size() : nodes[i].data.size()));
      dir += e;
      f.start[nodes[i].path] = start[i];
    }
    // Siblings: a right-leaning chain.
    for (const Node& n : nodes) {
      for (size_t k = 0; k + 1 < n.kids.size(); ++k)
        put32(dir, static_cast<size_t>(n.kids[k]) * 128 + 72, static_cast<uint32_t>(n.kids[k + 1]));
    }
    while (dir.size() % 512 != 0)
      dir += std::string(128, '\0');
    uint32_t first_dir = alloc(dir);
    uint32_t nfat = 1;
    while ((secs.size() + nfat) > nfat * 128)
      ++nfat;
    f.first_fat_sector = static_cast<uint32_t>(secs.size());
    for (uint32_t k = 0; k < nfat; ++k)
      fat.push_back(0xFFFFFFFD);
    fat.resize(size_t{nfat} * 128, kFree);
    std::string h(512, '\0');
    const char magic[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    h.replace(0, 8, magic, 8);
    put16(h, 0x18, 0x3E);
    put16(h, 0x1A, 3);
    put16(h, 0x1C, 0xFFFE);
    put16(h, 0x1E, 9);
    put16(h, 0x20, 6);
    put32(h, 0x2C, nfat);
    put32(h, 0x30, first_dir);
    put32(h, 0x38, 4096);
    put32(h, 0x3C, minifat.empty() ? kEnd : first_minifat);
    put32(h, 0x40, static_cast<uint32_t>((minifat_bytes.size() + 511) / 512));
    put32(h, 0x44, kEnd);
    for (size_t k = 0; k < 109; ++k)
      put32(h, 0x4C + 4 * k, k < nfat ? f.first_fat_sector + static_cast<uint32_t>(k) : kFree);
    f.bytes = h;
    for (const std::string& s : secs)
      f.bytes += s;
    for (uint32_t v : fat)
      add32(f.bytes, v);
    return f;
  }

 private:
  struct Node {
    std::string name;
    uint8_t type;
    std::string data;
    std::vector<int> kids;
    std::string path;
  };
  std::vector<Node> nodes_;
};

}  // namespace dossier::extract::testing
