// The language a text is written in, told by CLD2 (Google's Compact Language Detector 2, from
// Debian's libcld2): reliable on a sentence or more, not on a few words (« pourquoi on se
// vaccine » reads as English to it), so short queries are left to the dictionaries
// (dictionary.h). Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace repere::index {

// Fewer bytes than this and CLD2's answer is not asked.
inline constexpr std::size_t kBytesToTellALanguage = 60;

// The ISO 639-1 code of `utf8`'s language ("fr", "en", "de", "tr"...), or "" when the text is
// shorter than kBytesToTellALanguage, or CLD2 is not sure (not reliable, or the top language
// holds less than 70 % of the text).
std::string identify_language(std::string_view utf8);

}  // namespace repere::index
