// Excel 97-2003 (BIFF8) and Excel 5/95 (BIFF5) workbooks: cell values as text, one Page per sheet.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "extract/ole_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

enum : uint16_t {
  kFormula = 0x0006,
  kEof = 0x000A,
  kFilePass = 0x002F,
  kContinue = 0x003C,
  kCodePage = 0x0042,
  kBoundSheet = 0x0085,
  kMulRk = 0x00BD,
  kRString = 0x00D6,
  kSst = 0x00FC,
  kLabelSst = 0x00FD,
  kNumber = 0x0203,
  kLabel = 0x0204,
  kBoolErr = 0x0205,
  kString = 0x0207,
  kRk = 0x027E,
  kBof = 0x0809,
};

struct Record {
  uint16_t type;
  size_t offset;  // of the record header in the stream
  std::string_view data;
};

// Reads across an SST record and its CONTINUE records. Character data split at a record boundary
// restarts with a fresh option byte (compressed or UTF-16) in the next record.
class Segments {
 public:
  explicit Segments(std::vector<std::string_view> segs) : segs_(std::move(segs)) {}
  bool done() {
    while (seg_ < segs_.size() && pos_ >= segs_[seg_].size()) {
      ++seg_;
      pos_ = 0;
    }
    return seg_ >= segs_.size();
  }
  uint8_t u8() { return done() ? 0 : static_cast<uint8_t>(segs_[seg_][pos_++]); }
  uint16_t u16() { return static_cast<uint16_t>(u8() | u8() << 8); }
  uint32_t u32() { return u16() | static_cast<uint32_t>(u16()) << 16; }
  void skip(uint64_t n) {
    while (n > 0 && !done()) {
      uint64_t take = std::min<uint64_t>(n, segs_[seg_].size() - pos_);
      pos_ += take;
      n -= take;
    }
  }
  std::string chars(uint32_t n, bool high) {
    std::string out;
    for (uint32_t i = 0; i < n; ++i) {
      if (pos_ >= segs_[std::min(seg_, segs_.size() - 1)].size()) {
        if (done())
          break;
        high = (u8() & 1) != 0;  // a continued string restates its width
      }
      if (done())
        break;
      append_utf8(out, high ? u16() : u8());
    }
    return out;
  }

 private:
  std::vector<std::string_view> segs_;
  size_t seg_ = 0;
  size_t pos_ = 0;
};

// XLUnicodeString / ShortXLUnicodeString inside one record (BIFF8), or 8-bit text (BIFF5).
std::string record_string(std::string_view d, size_t at, bool wide_len, bool biff8,
                          const std::string& charset) {
  uint32_t n = wide_len ? le16(d, at) : static_cast<uint8_t>(at < d.size() ? d[at] : 0);
  at += wide_len ? 2 : 1;
  if (at > d.size())
    return {};
  if (!biff8) {
    auto t = text::to_utf8(d.substr(at, n), charset);
    return t.has_value() ? t->text : std::string();
  }
  if (at >= d.size())
    return {};
  bool high = (d[at] & 1) != 0;
  Segments s({d.substr(at + 1)});
  return s.chars(n, high);
}

std::string format_number(double v) {
  if (!std::isfinite(v))
    return {};
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

double rk_value(uint32_t rk) {
  double v;
  if ((rk & 2) != 0) {
    v = static_cast<double>(static_cast<int32_t>(rk) >> 2);
  } else {
    uint64_t bits = static_cast<uint64_t>(rk & 0xFFFFFFFCu) << 32;
    std::memcpy(&v, &bits, sizeof v);
  }
  return (rk & 1) != 0 ? v / 100 : v;
}

double le_double(std::string_view d, size_t at) {
  uint64_t bits = le64(d, at);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

std::vector<std::string> read_sst(const std::vector<Record>& recs, size_t i) {
  std::vector<std::string_view> segs = {recs[i].data};
  for (size_t j = i + 1; j < recs.size() && recs[j].type == kContinue; ++j)
    segs.push_back(recs[j].data);
  Segments s(std::move(segs));
  s.u32();
  uint32_t unique = s.u32();
  std::vector<std::string> out;
  while (out.size() < unique && !s.done()) {
    uint16_t n = s.u16();
    uint8_t flags = s.u8();
    uint16_t runs = (flags & 0x08) != 0 ? s.u16() : 0;
    uint32_t ext = (flags & 0x04) != 0 ? s.u32() : 0;
    out.push_back(s.chars(n, (flags & 1) != 0));
    s.skip(uint64_t{runs} * 4 + ext);
  }
  return out;
}

struct Cell {
  uint32_t row, col;
  std::string text;
};

std::string render(std::vector<Cell>& cells) {
  std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0)
      out += cells[i].row != cells[i - 1].row ? '\n' : '\t';
    out += cells[i].text;
  }
  return out;
}

struct Sheet {
  std::string name;
  uint8_t state = 0;
  uint32_t pos = 0;
};

}  // namespace

Result<Extraction> extract_xls(const CfbReader& cfb, ExtractContext& ctx) {
  const CfbEntry* e = cfb.child(cfb.root(), "Workbook");
  if (e == nullptr)
    e = cfb.child(cfb.root(), "Book");
  DOSSIER_ASSIGN_OR_RETURN(std::string wb, cfb.read_stream(*e));
  std::vector<Record> recs;
  for (size_t at = 0; at + 4 <= wb.size();) {
    uint16_t len = le16(wb, at + 2);
    if (at + 4 + len > wb.size())
      break;
    recs.push_back({le16(wb, at), at, std::string_view(wb).substr(at + 4, len)});
    at += 4 + size_t{len};
  }
  if (recs.empty() || recs[0].type != kBof)
    return Error{ErrorCode::kCorrupt, "corrupt Excel workbook: no BOF record", {}};
  const bool biff8 = le16(recs[0].data, 0) == 0x0600;
  std::string charset = "windows-1252";
  std::vector<Sheet> sheets;
  std::vector<std::string> sst;
  Extraction x;
  x.metadata.push_back({"ole:ExcelVersion", biff8 ? "BIFF8" : "BIFF5"});
  int depth = 0, sheet_index = -1, next_sheet = 0;
  std::vector<Cell> cells;
  bool pending_formula = false;
  uint32_t formula_row = 0, formula_col = 0;
  size_t text_bytes = 0;
  auto add = [&](std::string_view d, std::string text) {
    if (text.empty() || text_bytes > ctx.limits.max_text_bytes)
      return;
    text_bytes += text.size();
    cells.push_back({le16(d, 0), le16(d, 2), std::move(text)});
  };
  for (size_t i = 0; i < recs.size(); ++i) {
    const Record& r = recs[i];
    std::string_view d = r.data;
    switch (r.type) {
      case kBof: {
        if (depth++ > 0 || le16(d, 2) == 0x0005)
          break;
        sheet_index = next_sheet++;
        for (size_t k = 0; k < sheets.size(); ++k) {
          if (sheets[k].pos == r.offset)
            sheet_index = static_cast<int>(k);
        }
        cells.clear();
        break;
      }
      case kEof:
        if (--depth == 0 && sheet_index >= 0) {
          std::string name = static_cast<size_t>(sheet_index) < sheets.size()
                                 ? sheets[static_cast<size_t>(sheet_index)].name
                                 : "Sheet" + std::to_string(sheet_index + 1);
          add_ole_page(x, sheet_index + 1, name + "\n" + render(cells), ctx);
          sheet_index = -1;
        }
        depth = std::max(depth, 0);
        break;
      case kFilePass:
        return ole_encrypted("Excel");
      case kCodePage:
        charset = codepage_charset(le16(d, 0));
        break;
      case kBoundSheet: {
        Sheet s{record_string(d, 6, false, biff8, charset),
                static_cast<uint8_t>(d.size() > 4 ? d[4] & 3 : 0), le32(d, 0)};
        x.metadata.push_back({"xls:Sheet" + std::to_string(sheets.size() + 1), s.name});
        if (s.state != 0)
          x.metadata.push_back({s.state == 1 ? "xls:HiddenSheet" : "xls:VeryHiddenSheet", s.name});
        sheets.push_back(std::move(s));
        break;
      }
      case kSst:
        sst = read_sst(recs, i);
        break;
      case kLabelSst:
        if (uint32_t k = le32(d, 6); k < sst.size())
          add(d, sst[k]);
        break;
      case kLabel:
      case kRString:
        add(d, record_string(d, 6, true, biff8 && r.type == kLabel, charset));
        break;
      case kNumber:
        add(d, format_number(le_double(d, 6)));
        break;
      case kRk:
        add(d, format_number(rk_value(le32(d, 6))));
        break;
      case kMulRk: {
        uint16_t col = le16(d, 2);
        for (size_t at = 4; at + 6 <= d.size() - std::min<size_t>(d.size(), 2); at += 6, ++col) {
          std::string v = format_number(rk_value(le32(d, at + 2)));
          if (!v.empty() && text_bytes <= ctx.limits.max_text_bytes) {
            text_bytes += v.size();
            cells.push_back({le16(d, 0), col, std::move(v)});
          }
        }
        break;
      }
      case kBoolErr:
        if (d.size() >= 8 && d[7] == 0)
          add(d, d[6] != 0 ? "TRUE" : "FALSE");
        break;
      case kFormula:
        if (d.size() >= 14 && le16(d, 12) == 0xFFFF) {
          if (d[6] == 0) {
            pending_formula = true;
            formula_row = le16(d, 0);
            formula_col = le16(d, 2);
          } else if (d[6] == 1) {
            add(d, d[8] != 0 ? "TRUE" : "FALSE");
          }
        } else if (d.size() >= 14) {
          add(d, format_number(le_double(d, 6)));
        }
        break;
      case kString:
        if (pending_formula) {
          std::string v = record_string(d, 0, true, biff8, charset);
          text_bytes += v.size();
          cells.push_back({formula_row, formula_col, std::move(v)});
          pending_formula = false;
        }
        break;
      default:
        break;
    }
  }
  if (sheet_index >= 0)
    add_ole_page(x, sheet_index + 1, render(cells), ctx);
  if (text_bytes > ctx.limits.max_text_bytes)
    x.warnings.push_back("text cut at the text limit");
  x.page_count = static_cast<int>(sheets.size());
  std::sort(x.pages.begin(), x.pages.end(),
            [](const Page& a, const Page& b) { return a.number < b.number; });
  return x;
}

}  // namespace dossier::extract
