// Plain text of a cue: what a person reads, and what search indexes.
#include <cstdlib>

#include "repere/core/text.h"
#include "repere/extract/subtitles.h"

namespace repere::extract {
namespace {

void append_code_point(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the character reference starting at s[i] == '&'; returns the bytes consumed, 0 if
// it is not one we know (then '&' is kept as written).
std::size_t reference(std::string_view s, std::size_t i, std::string& out) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"&amp;", "&"},  {"&lt;", "<"},        {"&gt;", ">"},       {"&quot;", "\""},
      {"&apos;", "'"}, {"&nbsp;", "\u00a0"}, {"&lrm;", "\u200e"}, {"&rlm;", "\u200f"}};
  for (const auto& [name, value] : kNamed) {
    if (s.substr(i, name.size()) == name) {
      out += value;
      return name.size();
    }
  }
  if (s.substr(i, 2) != "&#") return 0;
  const std::size_t semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) return 0;
  const bool hex = i + 2 < s.size() && (s[i + 2] == 'x' || s[i + 2] == 'X');
  const std::string digits(s.substr(i + (hex ? 3 : 2), semi - i - (hex ? 3 : 2)));
  if (digits.empty()) return 0;
  char* end = nullptr;
  const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
  if (end == nullptr || *end != '\0') return 0;
  append_code_point(out, cp);
  return semi - i + 1;
}

}  // namespace

std::string cue_plain_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_ruby_text = false;  // <rt> annotations are pronunciations, not words of the text
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '<') {
      const std::size_t close = s.find('>', i);
      if (close == std::string_view::npos) break;  // an unterminated tag runs to the end
      const std::string_view tag = s.substr(i + 1, close - i - 1);
      if (tag == "rt") in_ruby_text = true;
      if (tag == "/rt") in_ruby_text = false;
      i = close + 1;
    } else if (c == '{' && i + 1 < s.size() && s[i + 1] == '\\') {
      const std::size_t close = s.find('}', i);  // SSA override such as {\an8}
      i = close == std::string_view::npos ? s.size() : close + 1;
    } else if (in_ruby_text) {
      ++i;
    } else if (c == '&') {
      const std::size_t used = reference(s, i, out);
      if (used == 0) out += c;
      i += used == 0 ? 1 : used;
    } else if (c == '\n' || c == '\t') {
      out += ' ';
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  // Collapse runs of spaces left by removed tags and line breaks.
  std::string collapsed;
  for (const char ch : out) {
    if (ch == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += ch;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return text::nfc(collapsed);
}

}  // namespace repere::extract
