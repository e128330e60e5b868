// Tables for the RTF tokenizer (rtf_parser.cpp): destinations skipped or read as metadata, and
// \fcharset numbers as Windows code pages.
#pragma once

#include <array>
#include <string_view>

namespace dossier::extract::rtf {

inline constexpr std::array<std::string_view, 44> kSkipped = {"colortbl",
                                                              "stylesheet",
                                                              "pict",
                                                              "themedata",
                                                              "datastore",
                                                              "generator",
                                                              "listtable",
                                                              "listoverridetable",
                                                              "rsidtbl",
                                                              "latentstyles",
                                                              "xmlnstbl",
                                                              "mmathPr",
                                                              "revtbl",
                                                              "filetbl",
                                                              "fldinst",
                                                              "xe",
                                                              "tc",
                                                              "bkmkstart",
                                                              "bkmkend",
                                                              "nonshppict",
                                                              "sp",
                                                              "pntxta",
                                                              "pntxtb",
                                                              "template",
                                                              "userprops",
                                                              "docvar",
                                                              "falt",
                                                              "panose",
                                                              "wgrffmtfilter",
                                                              "passwordhash",
                                                              "objalias",
                                                              "objsect",
                                                              "atnid",
                                                              "atnauthor",
                                                              "pgdsctbl",
                                                              "protusertbl",
                                                              "ftnsep",
                                                              "ftnsepc",
                                                              "aftnsep",
                                                              "aftnsepc",
                                                              "formfield",
                                                              "datafield",
                                                              "htmltag",
                                                              "mhtmltag"};
inline constexpr std::array<std::string_view, 11> kInfoText = {
    "title",   "subject", "author",  "operator", "keywords", "comment",
    "doccomm", "company", "manager", "category", "hlinkbase"};
inline constexpr std::array<std::string_view, 4> kInfoTime = {"creatim", "revtim", "printim",
                                                              "buptim"};

template <size_t N>
inline bool in(const std::array<std::string_view, N>& list, std::string_view w) {
  for (std::string_view s : list) {
    if (s == w)
      return true;
  }
  return false;
}

inline int charset_codepage(int fcharset, int fallback) {
  switch (fcharset) {
    case 0:
      return fallback;
    case 77:
      return 10000;
    case 128:
      return 932;
    case 129:
      return 949;
    case 134:
      return 936;
    case 136:
      return 950;
    case 161:
      return 1253;
    case 162:
      return 1254;
    case 163:
      return 1258;
    case 177:
      return 1255;
    case 178:
      return 1256;
    case 186:
      return 1257;
    case 204:
      return 1251;
    case 222:
      return 874;
    case 238:
      return 1250;
    case 255:
      return 437;
    default:
      return fallback;
  }
}

}  // namespace dossier::extract::rtf
