#include "repere/index/language.h"

#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include <cld2/public/compact_lang_det.h>

namespace repere::index {

std::string identify_language(std::string_view utf8) {
  if (utf8.size() < kBytesToTellALanguage) return "";
  bool reliable = false;
  CLD2::Language top3[3];
  int percent3[3] = {0, 0, 0};
  double scores3[3];
  int text_bytes = 0;
  const CLD2::Language language = CLD2::ExtDetectLanguageSummary(
      utf8.data(), static_cast<int>(utf8.size()), /*is_plain_text=*/true, nullptr, 0, top3,
      percent3, scores3, nullptr, &text_bytes, &reliable);
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE || percent3[0] < 70) return "";
  const std::string code = CLD2::LanguageCode(language);
  return code.size() == 2 ? code : "";  // "un", "xx-Qaai" and other pseudo-codes: not sure
}

}  // namespace repere::index
