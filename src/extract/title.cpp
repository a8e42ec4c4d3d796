#include "repere/extract/title.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "repere/core/text.h"

namespace repere::extract {
namespace {

std::string squeezed(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '\0') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool starts_with_folded(const std::string& folded, std::string_view prefix) {
  return folded.rfind(prefix, 0) == 0;
}

bool is_file_name(const std::string& folded) {
  static constexpr std::array<std::string_view, 14> kExtensions = {
      ".pdf", ".doc", ".docx", ".odt", ".ppt", ".pptx", ".odp",
      ".mp4", ".mkv", ".avi",  ".mov", ".mp3", ".wav",  ".txt"};
  if (folded.find(' ') != std::string::npos) return false;
  return std::any_of(kExtensions.begin(), kExtensions.end(), [&](std::string_view ext) {
    return folded.size() > ext.size() &&
           folded.compare(folded.size() - ext.size(), ext.size(), ext) == 0;
  });
}

}  // namespace

std::string clean_title(std::string_view candidate) {
  std::string title = squeezed(text::sanitize_utf8(candidate));
  if (title.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
    title.resize(cut);
  }
  const std::string folded = text::fold(title);
  const bool letter = std::any_of(folded.begin(), folded.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  });
  if (!letter || is_file_name(folded)) return "";
  for (const std::string_view tool :
       {"microsoft word - ", "microsoft powerpoint - ", "powerpoint presentation", "untitled",
        "sans titre", "document1", "presentation1", "diapositive 1"}) {
    if (starts_with_folded(folded, tool)) return "";
  }
  for (const std::string_view word : {"title", "titre", "document", "presentation", "slide"}) {
    if (folded == word) return "";
  }
  return title;
}

}  // namespace repere::extract
