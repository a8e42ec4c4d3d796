#include "sentences.h"

#include "repere/answer/answer.h"

#include <array>
#include <cctype>
#include <string>

namespace repere::answer {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The word that ends just before `at` (letters and inner dots/hyphens: « J.-C », « etc »).
std::string_view word_before(std::string_view text, std::size_t at) {
  std::size_t b = at;
  while (b > 0 && !is_space(text[b - 1]) && text[b - 1] != '(' && text[b - 1] != '"') --b;
  return text.substr(b, at - b);
}

// Titles and initials never end a sentence: « M. Dupont », « J.-C. », « S.N.C.F. ».
bool never_ends(std::string_view w) {
  static constexpr std::array<std::string_view, 10> kTitles = {"M",  "MM", "Mme", "Mmes", "Mlle",
                                                               "Dr", "Pr", "St",  "Ste",  "Me"};
  for (std::string_view t : kTitles) {
    if (w == t) return true;
  }
  if (w.size() == 1 && std::isupper(static_cast<unsigned char>(w[0]))) return true;
  if (w.size() >= 3 && w.find('.') != std::string_view::npos) {
    for (char c : w) {
      if (!std::isalpha(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
    }
    return true;
  }
  return false;
}

// Abbreviations that end a sentence only when a capital follows: « etc. et », « art. 226 ».
bool is_abbreviation(std::string_view w) {
  static constexpr std::array<std::string_view, 14> kAbbreviations = {
      "etc", "cf", "Cf", "art", "Art", "p", "pp", "n", "vol", "av", "env", "éd", "fig", "ex"};
  for (std::string_view a : kAbbreviations) {
    if (w == a) return true;
  }
  return false;
}

// Whether what follows `at` (after spaces) starts with a lower-case ASCII letter or a digit:
// « etc. et » goes on, « etc. Le » ends.
bool goes_on_lower(std::string_view text, std::size_t at) {
  while (at < text.size() && text[at] == ' ') ++at;
  if (at >= text.size()) return false;
  const auto c = static_cast<unsigned char>(text[at]);
  return std::islower(c) || std::isdigit(c);
}

// Closing quotes and brackets that belong to the sentence they follow: « ) », « " », « » »
// (U+00BB, also after a no-break space), « ” ».
std::size_t skip_closers(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    if (text[at] == ')' || text[at] == '"' || text[at] == '\'') {
      ++at;
    } else if (text.compare(at, 2, "\xC2\xBB") == 0) {
      at += 2;
    } else if (text.compare(at, 3, "\xE2\x80\x9D") == 0) {
      at += 3;
    } else if (text.compare(at, 3, " \xC2\xBB") == 0) {  // « lourd. »
      at += 3;
    } else if (text.compare(at, 4, "\xC2\xA0\xC2\xBB") == 0 ||
               text.compare(at, 5, "\xE2\x80\xAF\xC2\xBB") == 0) {
      at += text[at] == '\xC2' ? 4 : 5;
    } else {
      break;
    }
  }
  return at;
}

void push(std::vector<Span>& out, std::string_view text, std::size_t b, std::size_t e) {
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  if (e > b) out.push_back({b, e});
}

}  // namespace

std::vector<Span> split_sentences(std::string_view text) {
  std::vector<Span> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::size_t end = std::string_view::npos;  // where the sentence ends, when it does
    if (c == '\n') {
      end = i;
    } else if (c == '.' || c == '!' || c == '?') {
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == '.' || text[j] == '!' || text[j] == '?')) ++j;
      j = skip_closers(text, j);
      const bool boundary = j >= text.size() || is_space(text[j]);
      const std::string_view w = word_before(text, i);
      if (boundary && c == '.' && j == i + 1 &&
          (never_ends(w) || (is_abbreviation(w) && goes_on_lower(text, j)))) {
        i = j - 1;  // « M. Dupont », « etc. et »
        continue;
      }
      if (boundary) end = j;
      i = j - 1;
    } else if (text.compare(i, 3, "\xE2\x80\xA6") == 0) {  // …
      std::size_t j = skip_closers(text, i + 3);
      if (j >= text.size() || is_space(text[j])) end = j;
      i = j - 1;
    } else if ((c == ';' || c == ':') && i + 1 < text.size()) {
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
      if (j < text.size() && text[j] == '\n') end = i + 1;
    }
    if (end != std::string_view::npos) {
      push(out, text, start, end);
      start = end;
    }
  }
  push(out, text, start, text.size());
  return out;
}

std::vector<std::string> sentences_of(std::string_view text) {
  std::vector<std::string> out;
  for (const Span& s : split_sentences(text))
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

}  // namespace repere::answer
