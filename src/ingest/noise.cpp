#include "repere/ingest/noise.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "repere/core/text.h"
#include "repere/index/dictionary.h"

namespace repere::ingest {
namespace {

using catalog::Cue;

bool letter_byte(unsigned char c) { return std::isalpha(c) || c >= 0x80; }

// « l'eau, » -> « eau »; « (photosynthèse). » -> « photosynthèse »: the word without the
// punctuation around it and without a French elision.
std::string bare(std::string_view word) {
  std::size_t begin = 0, end = word.size();
  auto wordish = [](unsigned char c) { return letter_byte(c) || std::isdigit(c); };
  while (begin < end && !wordish(static_cast<unsigned char>(word[begin]))) ++begin;
  while (end > begin && !wordish(static_cast<unsigned char>(word[end - 1]))) --end;
  std::string out(word.substr(begin, end - begin));
  for (const std::string_view apostrophe : {"'", "\xE2\x80\x99"}) {
    const std::size_t at = out.find(apostrophe);
    if (at != std::string::npos && at <= 5) out = out.substr(at + apostrophe.size());
  }
  return out;
}

bool common_punctuation(std::string_view word) {
  static const std::string kMarks = ".,:;!?-()\"'";
  if (std::all_of(word.begin(), word.end(),
                  [](char c) { return kMarks.find(c) != std::string::npos; }))
    return true;
  for (const std::string_view mark :
       {"\xC2\xAB", "\xC2\xBB", "\xE2\x80\x94", "\xE2\x80\x93", "\xE2\x80\xA6"}) {
    if (word == mark) return true;
  }
  return false;
}

// A name as a heading writes it: « Lavoisier », « Pasteur » (capital, then lower case).
bool looks_like_a_name(const std::string& w) {
  if (w.size() < 4 || !std::isupper(static_cast<unsigned char>(w[0]))) return false;
  return std::all_of(w.begin() + 1, w.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::islower(u) || u >= 0x80 || c == '-';
  });
}

bool known(const std::string& w, const index::Dictionaries& d, std::string_view language) {
  if (d.is_word(w, language) || d.is_word(text::lower(w), language)) return true;
  // « bio-indicateur », « dioxyde-carbone »: every part a word.
  if (w.find('-') == std::string::npos) return false;
  std::size_t start = 0;
  while (start <= w.size()) {
    const std::size_t dash = std::min(w.find('-', start), w.size());
    const std::string part = w.substr(start, dash - start);
    if (!part.empty() && !d.is_word(part, language) && !d.is_word(text::lower(part), language))
      return false;
    start = dash + 1;
  }
  return true;
}

// A line of a scanned page: cues of one page, each starting to the right of the previous one
// and overlapping it vertically. Cues without boxes make one unit per page.
bool same_line(const Cue& a, const Cue& b) {
  if (a.page != b.page) return false;
  if (!a.box_y || !b.box_y || !a.box_h || !b.box_h || !a.box_x || !b.box_x) return true;
  const double top = std::max(*a.box_y, *b.box_y);
  const double bottom = std::min(*a.box_y + *a.box_h, *b.box_y + *b.box_h);
  return bottom > top && *b.box_x >= *a.box_x;
}

struct Tally {
  int judged = 0;
  int plausible = 0;
  void add(int verdict) {
    if (verdict < 0) return;
    ++judged;
    plausible += verdict;
  }
  bool noise(const NoiseOptions& o) const {
    return judged >= 2 && plausible < o.min_plausible * judged;
  }
};

Tally judge_cue_words(const Cue& c, const index::Dictionaries* d, std::string_view language,
                      const NoiseOptions& options) {
  Tally t;
  std::size_t start = 0;
  const std::string& s = c.text;
  while (start < s.size()) {
    const std::size_t space = std::min(s.find_first_of(" \n\t", start), s.size());
    if (space > start) {
      t.add(plausible_word(std::string_view(s).substr(start, space - start), *c.confidence, d,
                           language, options));
    }
    start = space + 1;
  }
  return t;
}

}  // namespace

int plausible_word(std::string_view word, double confidence,
                   const index::Dictionaries* dictionaries, std::string_view language,
                   const NoiseOptions& options) {
  const std::string w = bare(word);
  if (w.empty()) return common_punctuation(word) ? -1 : 0;
  const bool has_letter = std::any_of(
      w.begin(), w.end(), [](char c) { return letter_byte(static_cast<unsigned char>(c)); });
  if (!has_letter) return confidence >= options.low_confidence ? 1 : 0;  // a number
  const auto code_points = std::count_if(
      w.begin(), w.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  // One or two letters tell nothing: « à », « B », and « ES JE LA » read in a photo are as
  // much words of French as « de la » is.
  if (code_points <= 2) return -1;
  if (confidence < options.low_confidence) return 0;
  if (dictionaries == nullptr || !dictionaries->has(language)) return 1;
  // An English line on a French slide is text too.
  for (const std::string_view l : {language, std::string_view("fr"), std::string_view("en")}) {
    if (dictionaries->has(l) && known(w, *dictionaries, l)) return 1;
  }
  return looks_like_a_name(w) && confidence >= 0.85 ? 1 : 0;
}

std::size_t drop_ocr_noise(std::vector<Cue>& cues, const index::Dictionaries* dictionaries,
                           std::string_view language, const NoiseOptions& options) {
  const bool words =
      std::any_of(cues.begin(), cues.end(), [](const Cue& c) { return c.page.has_value(); });
  std::vector<bool> drop(cues.size(), false);
  // Marks cues [begin, end) when, all machine-read, they are noise together.
  auto judge = [&](std::size_t begin, std::size_t end) {
    Tally unit;
    for (std::size_t i = begin; i < end; ++i) {
      if (!cues[i].confidence) return false;
      const Tally t = judge_cue_words(cues[i], dictionaries, language, options);
      unit.judged += t.judged;
      unit.plausible += t.plausible;
    }
    if (!unit.noise(options)) return false;
    std::fill(drop.begin() + static_cast<std::ptrdiff_t>(begin),
              drop.begin() + static_cast<std::ptrdiff_t>(end), true);
    return true;
  };
  auto next = [&](std::size_t begin, auto same) {
    std::size_t end = begin + 1;
    while (end < cues.size() && same(cues[end - 1], cues[end])) ++end;
    return end;
  };
  if (!words) {  // a slide is one cue, judged whole
    for (std::size_t i = 0; i < cues.size(); ++i) judge(i, i + 1);
  }
  // A page (a photo) that is noise as a whole goes whole, stray « ESJE » included; on a page
  // of text, only its lines of noise (a chart's labels misread) go.
  for (std::size_t page = 0; words && page < cues.size();) {
    const std::size_t page_end =
        next(page, [](const Cue& a, const Cue& b) { return a.page == b.page; });
    if (!judge(page, page_end)) {
      for (std::size_t line = page; line < page_end;) {
        const std::size_t line_end = std::min(next(line, same_line), page_end);
        judge(line, line_end);
        line = line_end;
      }
    }
    page = page_end;
  }
  std::size_t removed = 0, i = 0;
  std::erase_if(cues, [&](const Cue&) {
    const bool d = drop[i++];
    removed += d ? 1 : 0;
    return d;
  });
  return removed;
}

}  // namespace repere::ingest
