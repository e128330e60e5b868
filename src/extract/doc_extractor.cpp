// Word 97-2003 (.doc, .dot) text through the piece table (MS-DOC), Word 6/95 best effort.
#include <algorithm>

#include "extract/ole_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr uint16_t kWord8Ident = 0xA5EC;
constexpr uint16_t kWord6Ident = 0xA5DC;
constexpr uint32_t kMaxPieces = 1u << 20;

// cp1252's 0x80..0x9F; the rest of a compressed piece is Latin-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

uint16_t from_cp1252(uint8_t b) {
  return b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80] : b;
}

// Turns Word's character stream into text: paragraph and cell marks, fields (instruction
// dropped, result kept), special characters.
class DocText {
 public:
  void add(uint16_t c) {
    if (c == 0x13) {  // field begin: the instruction follows
      fields_.push_back(true);
      return;
    }
    if (c == 0x14) {  // separator: the result follows
      if (!fields_.empty())
        fields_.back() = false;
      return;
    }
    if (c == 0x15) {
      if (!fields_.empty())
        fields_.pop_back();
      return;
    }
    if (!fields_.empty() && fields_.back())
      return;
    if (c != 0x07)
      after_cell_ = false;
    switch (c) {
      case 0x0D:
      case 0x0B:
      case 0x0C:
        out_ += '\n';
        return;
      case 0x07:
        // A cell mark right after a cell mark ends the row (without the paragraph properties
        // that say so, an empty last cell reads the same way).
        if (after_cell_ && !out_.empty() && out_.back() == '\t') {
          out_.back() = '\n';
          after_cell_ = false;
          return;
        }
        out_ += '\t';
        after_cell_ = true;
        return;
      case 0x09:
        out_ += '\t';
        return;
      case 0x1E:
        out_ += '-';
        return;
      case 0x1F:
        return;
      default:
        break;
    }
    if (c < 0x20)
      return;  // pictures (0x01), drawn objects (0x08), note references (0x02, 0x05)
    if (c >= 0xD800 && c <= 0xDBFF) {
      high_ = c;
      return;
    }
    if (c >= 0xDC00 && c <= 0xDFFF && high_ != 0) {
      append_utf8(out_, 0x10000 + ((uint32_t{high_} - 0xD800) << 10) + (c - 0xDC00u));
      high_ = 0;
      return;
    }
    high_ = 0;
    append_utf8(out_, c);
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
  std::vector<bool> fields_;
  uint16_t high_ = 0;
  bool after_cell_ = false;
};

struct Piece {
  uint32_t cp_start, cp_end;
  uint32_t fc;
  bool compressed;
};

// The PlcPcd from the CLX at [fc, fc+lcb) of the table stream.
Result<std::vector<Piece>> read_pieces(std::string_view table, uint32_t fc, uint32_t lcb,
                                       bool word6) {
  if (fc > table.size() || lcb > table.size() - fc)
    return Error{ErrorCode::kCorrupt, "corrupt Word document: piece table out of range", {}};
  std::string_view clx = table.substr(fc, lcb);
  size_t at = 0;
  while (at < clx.size() && clx[at] == 0x01)  // Prc: property modifiers, skipped
    at += 3 + size_t{le16(clx, at + 1)};
  if (at >= clx.size() || clx[at] != 0x02)
    return Error{ErrorCode::kCorrupt, "corrupt Word document: no piece table", {}};
  uint32_t plc_len = le32(clx, at + 1);
  at += 5;
  if (plc_len > clx.size() - std::min(at, clx.size()) || plc_len < 16)
    return Error{ErrorCode::kCorrupt, "corrupt Word document: piece table truncated", {}};
  std::string_view plc = clx.substr(at, plc_len);
  uint32_t n = std::min<uint32_t>((plc_len - 4) / 12, kMaxPieces);
  std::vector<Piece> pieces;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t a = le32(plc, 4 * i), b = le32(plc, 4 * (i + 1));
    uint32_t raw = le32(plc, 4 * (n + 1) + 8 * i + 2);
    if (b <= a)
      continue;
    Piece p{a, b, raw, true};
    if (!word6) {
      p.compressed = (raw & 0x40000000u) != 0;
      p.fc = p.compressed ? (raw & ~0x40000000u) / 2 : raw;
    }
    pieces.push_back(p);
  }
  return pieces;
}

void read_text(std::string_view main, const std::vector<Piece>& pieces, uint32_t cp_limit,
               uint64_t max_chars, DocText& out, std::vector<std::string>& warnings) {
  uint64_t total = 0;
  bool damaged = false;
  for (const Piece& p : pieces) {
    if (p.cp_start >= cp_limit)
      continue;
    uint32_t chars = std::min(p.cp_end, cp_limit) - p.cp_start;
    uint64_t width = p.compressed ? 1 : 2;
    uint64_t need = uint64_t{chars} * width;
    if (p.fc > main.size() || need > main.size() - p.fc) {
      damaged = true;
      need = p.fc > main.size() ? 0 : (main.size() - p.fc) / width * width;
    }
    for (uint64_t i = 0; i < need && total < max_chars; i += width, ++total) {
      out.add(p.compressed ? from_cp1252(static_cast<uint8_t>(main[p.fc + i]))
                           : le16(main, p.fc + i));
    }
  }
  if (damaged)
    warnings.push_back("Word piece table points past the end of the text stream; text is partial");
}

Result<Extraction> extract_word6(std::string_view main, ExtractContext& ctx) {
  // Word 6/95: 8-bit text in the document's code page; a piece table only when fast-saved.
  Extraction x;
  DocText text;
  uint32_t fc_min = le32(main, 0x18), fc_mac = le32(main, 0x1C);
  uint32_t fc_clx = le32(main, 0x160), lcb_clx = le32(main, 0x164);
  bool complex = (le16(main, 0x0A) & 0x0004) != 0;
  auto pieces = complex && lcb_clx > 0 ? read_pieces(main, fc_clx, lcb_clx, true)
                                       : Result<std::vector<Piece>>(std::vector<Piece>());
  if (pieces.has_value() && !pieces->empty()) {
    read_text(main, *pieces, UINT32_MAX, ctx.limits.max_text_bytes, text, x.warnings);
  } else {
    if (fc_min >= fc_mac || fc_mac > main.size())
      return Error{ErrorCode::kUnsupported,
                   "Word 6/95 document with an unreadable text range is not supported",
                   {}};
    for (uint32_t i = fc_min; i < fc_mac; ++i)
      text.add(from_cp1252(static_cast<uint8_t>(main[i])));
  }
  x.metadata.push_back({"ole:WordVersion", "Word 6/95"});
  x.warnings.push_back("Word 6/95 document: text read as windows-1252, formatting ignored");
  add_ole_page(x, 0, std::move(text.text()), ctx);
  return x;
}

}  // namespace

Result<Extraction> extract_doc(const CfbReader& cfb, ExtractContext& ctx) {
  const CfbEntry* main_entry = cfb.child(cfb.root(), "WordDocument");
  DOSSIER_ASSIGN_OR_RETURN(std::string main, cfb.read_stream(*main_entry));
  if (main.size() < 0x200)
    return Error{ErrorCode::kCorrupt, "corrupt Word document: FIB truncated", {}};
  uint16_t ident = le16(main, 0);
  uint16_t nfib = le16(main, 2);
  uint16_t flags = le16(main, 0x0A);
  if (ident != kWord8Ident && ident != kWord6Ident)
    return Error{ErrorCode::kCorrupt, "corrupt Word document: bad FIB signature", {}};
  if ((flags & 0x0100) != 0)  // fEncrypted (RC4 or XOR obfuscation)
    return ole_encrypted("Word");
  if (ident == kWord6Ident || nfib < 0xC0)
    return extract_word6(main, ctx);
  // FibBase (32) | csw | fibRgW | cslw | fibRgLw | cbRgFcLcb | fibRgFcLcb
  size_t at = 32;
  uint16_t csw = le16(main, at);
  at += 2 + size_t{csw} * 2;
  uint16_t cslw = le16(main, at);
  size_t lw = at + 2;
  at = lw + size_t{cslw} * 4;
  uint16_t cb = le16(main, at);
  size_t fclcb = at + 2;
  if (cslw < 11 || cb < 34 || fclcb + 34 * 8 > main.size())
    return Error{ErrorCode::kCorrupt, "corrupt Word document: FIB too short", {}};
  uint64_t cp_total = 0;
  for (int i = 3; i <= 10; ++i)  // ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ...
    cp_total += le32(main, lw + 4 * static_cast<size_t>(i));
  uint32_t ccp_text = le32(main, lw + 12);
  uint32_t fc_clx = le32(main, fclcb + 33 * 8), lcb_clx = le32(main, fclcb + 33 * 8 + 4);
  const char* table_name = (flags & 0x0200) != 0 ? "1Table" : "0Table";
  const CfbEntry* table_entry = cfb.child(cfb.root(), table_name);
  if (table_entry == nullptr)
    return Error{ErrorCode::kCorrupt,
                 std::string("corrupt Word document: no ") + table_name + " stream",
                 {}};
  DOSSIER_ASSIGN_OR_RETURN(std::string table, cfb.read_stream(*table_entry));
  DOSSIER_ASSIGN_OR_RETURN(std::vector<Piece> pieces, read_pieces(table, fc_clx, lcb_clx, false));
  Extraction x;
  if ((flags & 0x0001) != 0)
    x.metadata.push_back({"ole:WordTemplate", "true"});
  x.metadata.push_back({"ole:WordNFib", std::to_string(nfib)});
  // Main text first, then footnotes, headers, comments, endnotes and text boxes, which follow it
  // in the same character stream.
  DocText body;
  read_text(main, pieces, ccp_text, ctx.limits.max_text_bytes, body, x.warnings);
  std::string text = std::move(body.text());
  if (cp_total > ccp_text) {
    std::vector<Piece> rest;
    for (Piece p : pieces) {
      if (p.cp_end <= ccp_text)
        continue;
      if (p.cp_start < ccp_text) {
        uint32_t skip = ccp_text - p.cp_start;
        p.fc += p.compressed ? skip : skip * 2;
        p.cp_start = ccp_text;
      }
      rest.push_back(p);
    }
    DocText other;
    uint64_t limit = std::min<uint64_t>(cp_total + 1, UINT32_MAX);
    read_text(main, rest, static_cast<uint32_t>(limit), ctx.limits.max_text_bytes, other,
              x.warnings);
    std::string extra = std::move(other.text());
    if (extra.find_first_not_of(" \t\n") != std::string::npos)
      text += "\n\n" + extra;
  }
  add_ole_page(x, 0, std::move(text), ctx);
  return x;
}

}  // namespace dossier::extract
