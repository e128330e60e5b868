// Arabic-script folding and the Uyghur Arabic-script (UEY) → Latin-script (ULY) transliteration
// that lets a Latin query find Arabic-script Uyghur and the reverse. The table and every rule are
// in docs/uyghur.md; tests/text/uyghur_test.cpp pins them.
#pragma once

#include <string>
#include <string_view>

namespace dossier::text {

// True for code points in the Arabic blocks: U+0600–06FF, 0750–077F, 08A0–08FF and the
// presentation forms FB50–FDFF, FE70–FEFF. No allocation, thread-safe.
bool is_arabic_script(char32_t c);

// True for the letters of the Uyghur alphabet, the look-alikes and marks fold_arabic and
// uyghur_to_latin handle (ه ی ک ـ) and Arabic-Indic digits: all are left unchanged by
// NFKC_Casefold, so a word made of them needs no ICU normalisation. No allocation, thread-safe.
bool arabic_nfkc_stable(char32_t c);

// Folds that are safe in every language written in Arabic script, applied to a word that is
// already NFKC_Casefold (which has folded presentation forms, composed ي + ◌ٔ into ئ and removed
// ZWNJ/ZWJ): tatweel ـ removed; keheh ک → kaf ك; alef maksura + hamza above (ى + ◌ٔ) → ئ; harakat
// (U+064B–0652) and superscript alef removed; Arabic-Indic and Extended Arabic-Indic digits → ASCII
// digits. Appends to `out`. Thread-safe.
void fold_arabic(std::string_view nfkc_word, std::string& out);

// The ULY spelling of a word folded by fold_arabic, lowercase, with an apostrophe where ULY writes
// one: for an internal hamza (جەمئىيەت → jem'iyet) and between letters that would otherwise read as
// a digraph (ن + گ → n'g, س + ھ → s'h). A word-initial hamza carrier is dropped (ئۇيغۇر → uyghur).
// The look-alikes ه (U+0647) and ی (U+06CC) are read as the Uyghur letter they look like: at the
// end of a word ە (e) and ى (i), elsewhere ھ (h) and ي (y). Returns false, leaving `out`
// unspecified, when the word holds a letter outside the Uyghur alphabet (ع ح ص ة …). Thread-safe.
bool uyghur_to_latin(std::string_view folded_word, std::string& out);

}  // namespace dossier::text
