// The Xapian schema (docs/formats/index.md): term prefixes, value slots and the term spellings
// that both the writer and the query parser must agree on. Internal to src/index.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::index::schema {

inline constexpr const char* kIdPrefix = "Q";
inline constexpr const char* kTitlePrefix = "S";
inline constexpr const char* kTypePrefix = "T";
inline constexpr const char* kMimePrefix = "M";
inline constexpr const char* kLangPrefix = "L";
inline constexpr const char* kPathPrefix = "XP";
inline constexpr const char* kExtPrefix = "E";
inline constexpr const char* kFailedPrefix = "XF";
inline constexpr const char* kAuthorPrefix = "A";
inline constexpr const char* kFromPrefix = "XFROM";
inline constexpr const char* kToPrefix = "XTO";
inline constexpr const char* kApplicationPrefix = "XAPP";
inline constexpr const char* kOcrPrefix = "XOCR";  // XOCRyes: some text came from OCR; XOCRno

inline constexpr unsigned kDateSlot = 0;   // sortable_serialise(unix seconds)
inline constexpr unsigned kSizeSlot = 1;   // sortable_serialise(bytes)
inline constexpr unsigned kPathsSlot = 2;  // every path, '\n'-separated, for display
inline constexpr unsigned kOcrConfidenceSlot = 3;  // sortable_serialise(lowest OCR page confidence, 0..100)

// Bumped whenever the tokenizer, the folding or this schema changes which terms a document gets;
// stored as the database metadata kSchemaKey. A mismatched index must be rebuilt.
// 1: first release. 2: apostrophe words joined (parts at the same position), Arabic-script Uyghur
// indexed under its Latin transliteration too, Thai/Lao/Khmer/Myanmar split into words, a lang term
// for each language of a long part.
inline constexpr const char* kSchemaKey = "dossier.schema";
inline constexpr const char* kSchemaVersion = "2";

inline constexpr uint32_t kPageGap = 100;  // positions between pages (and before the title)

// Xapian's glass backend rejects terms over 245 bytes.
inline constexpr size_t kMaxTermBytes = 240;

// A boolean term: prefix + value, lowercased (ASCII) where the field is case-insensitive.
// Values too long for a term are replaced by "#" + sha256 hex, consistently on both sides.
std::string boolean_term(std::string_view prefix, std::string_view value);

// Path terms: NFKC_Casefold (so path: is case-insensitive), trailing '/' removed.
std::string normalize_path(std::string_view path);
// XP terms for the path itself and each ancestor directory ("/a/b/c.txt" → /a, /a/b, /a/b/c.txt).
std::vector<std::string> path_terms(std::string_view path);
// Lowercase extension of the last path component without the dot, "" if none.
std::string extension(std::string_view path);
// Lowercases ASCII; boolean values (type, mime, lang, ext) are ASCII by convention.
std::string ascii_lower(std::string_view s);

}  // namespace dossier::index::schema
