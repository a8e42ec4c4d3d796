#include "repere/ingest/segmenter.h"

#include <optional>

#include <map>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

namespace repere::ingest {
namespace {

using catalog::Cue;
using catalog::Passage;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Whether text ends a sentence: . ! ? … possibly followed by a closing quote or bracket.
bool ends_sentence(std::string_view s) {
  s = trim(s);
  for (std::string_view closer : {"»", "\"", ")", "”", "’", "'"}) {
    if (s.size() >= closer.size() && s.substr(s.size() - closer.size()) == closer) {
      s = trim(s.substr(0, s.size() - closer.size()));
    }
  }
  if (s.empty()) return false;
  const char last = s.back();
  return last == '.' || last == '!' || last == '?' ||
         (s.size() >= 3 && s.substr(s.size() - 3) == "…");
}

// The last position <= limit in `s` at which to cut: after a sentence end, else at a space,
// else before a UTF-8 lead byte (never inside a character).
std::size_t cut_point(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return s.size();
  for (std::size_t i = limit; i > limit / 2; --i) {
    if (s[i - 1] == ' ' && ends_sentence(s.substr(0, i - 1))) return i;
  }
  for (std::size_t i = limit; i > limit / 4; --i) {
    if (s[i - 1] == ' ') return i;
  }
  std::size_t i = limit;
  while (i > 1 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// Splits `text` into pieces of at most `max_chars` bytes, at natural boundaries.
std::vector<std::string> split_text(std::string_view text, std::size_t max_chars) {
  std::vector<std::string> pieces;
  text = trim(text);
  while (!text.empty()) {
    const std::size_t cut = cut_point(text, max_chars);
    const std::string_view piece = trim(text.substr(0, cut));
    if (!piece.empty()) pieces.emplace_back(piece);
    text = trim(text.substr(cut));
  }
  return pieces;
}

void append(std::string& out, std::string_view text) {
  text = trim(text);
  if (text.empty()) return;
  if (!out.empty()) out += ' ';
  out += text;
}

// A timed cue reduced to what segmenting needs.
struct Timed {
  std::int64_t start;
  std::int64_t end;
  std::string text;
};

// Cues with times and text, sorted by start; over-long cues split with interpolated times.
std::vector<Timed> prepare_timed(const std::vector<Cue>& cues, std::size_t max_chars) {
  std::vector<Timed> out;
  for (const Cue& c : cues) {
    if (!c.start_ms || !c.end_ms || trim(c.text).empty()) continue;
    const std::vector<std::string> pieces = split_text(c.text, max_chars);
    const std::int64_t span = std::max<std::int64_t>(*c.end_ms - *c.start_ms, 0);
    std::size_t total = 0;
    for (const auto& p : pieces) total += p.size();
    std::size_t done = 0;
    for (const auto& p : pieces) {
      const auto at = [&](std::size_t chars) {
        return *c.start_ms +
               static_cast<std::int64_t>(static_cast<double>(span) * static_cast<double>(chars) /
                                         static_cast<double>(std::max<std::size_t>(total, 1)));
      };
      out.push_back({at(done), at(done + p.size()), p});
      done += p.size();
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Timed& a, const Timed& b) { return a.start < b.start; });
  return out;
}

// Index one past the last cue of the window that starts at `first`.
std::size_t window_end(const std::vector<Timed>& cues, std::size_t first, const SegmentOptions& o) {
  std::size_t chars = cues[first].text.size();
  std::int64_t end = cues[first].end;
  std::size_t j = first + 1;
  while (j < cues.size()) {
    const std::int64_t duration = end - cues[first].start;
    if (duration >= o.min_ms && ends_sentence(cues[j - 1].text)) break;
    const std::int64_t next_end = std::max(end, cues[j].end);
    if (next_end - cues[first].start > o.max_ms) break;
    if (chars + 1 + cues[j].text.size() > o.max_chars) break;
    chars += 1 + cues[j].text.size();
    end = next_end;
    ++j;
  }
  return j;
}

}  // namespace

std::vector<Passage> segment_timed(const std::vector<Cue>& cues, const SegmentOptions& options) {
  const std::vector<Timed> timed = prepare_timed(cues, options.max_chars);
  std::vector<Passage> passages;
  std::size_t first = 0;
  while (first < timed.size()) {
    const std::size_t last = window_end(timed, first, options);
    Passage p;
    p.start_ms = timed[first].start;
    p.end_ms = timed[first].end;
    for (std::size_t k = first; k < last; ++k) {
      append(p.text, timed[k].text);
      p.end_ms = std::max(*p.end_ms, timed[k].end);
    }
    p.seq = static_cast<int>(passages.size());
    passages.push_back(std::move(p));
    if (last >= timed.size()) break;
    // A window that ends a sentence is followed by the next sentence: every moment starts at
    // the start of a sentence. One cut inside a sentence (no sentence end before max_ms) is
    // overlapped a little by the next, from the start of that sentence when it is near, so
    // that no answer is cut in two; the windows always move forward.
    std::size_t next = last;
    if (!ends_sentence(timed[last - 1].text)) {
      const std::int64_t reach = *passages.back().end_ms - options.overlap_ms;
      while (next > first + 1 && timed[next - 1].start >= reach) --next;
      std::size_t sentence = next;
      while (sentence > first + 1 && !ends_sentence(timed[sentence - 1].text) &&
             timed[sentence - 1].start >= reach - options.overlap_ms)
        --sentence;
      if (sentence > first + 1 && ends_sentence(timed[sentence - 1].text)) next = sentence;
    }
    first = next;
  }
  return passages;
}

namespace {

// Where the words of a laid-out page break (cues with boxes: a PDF's or a scan's words, one
// cue per word): the end of a line; the end of a block, where the next line is further down
// than the page's usual line step, or is on another page; and the lines set in a bigger type
// than the body's, the headings.
struct Layout {
  bool line_end = false;
  bool block_end = false;
  bool heading = false;
};

bool boxed(const Cue& c) { return c.box_x && c.box_y && c.box_h && *c.box_h > 0; }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// A line: cues [first, last) and how it sits.
struct Line {
  std::size_t first = 0;
  std::size_t last = 0;
  double top = 0;
  double height = 0;  // its words' median height
};

std::vector<Line> lines_of(const std::vector<Cue>& cues) {
  std::vector<Line> lines;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    const Cue& c = cues[i];
    const bool same_line =
        !lines.empty() && i > 0 && boxed(cues[i - 1]) && boxed(c) && cues[i - 1].page == c.page &&
        *c.box_x >= *cues[i - 1].box_x &&
        std::abs(*c.box_y - *cues[i - 1].box_y) < 0.5 * std::max(*c.box_h, *cues[i - 1].box_h);
    if (!same_line) lines.push_back({.first = i, .last = i, .top = c.box_y.value_or(0)});
    lines.back().last = i + 1;
  }
  for (Line& l : lines) {
    std::vector<double> heights;
    for (std::size_t i = l.first; i < l.last; ++i) {
      if (boxed(cues[i])) heights.push_back(*cues[i].box_h);
    }
    l.height = median(heights);
  }
  return lines;
}

// A heading is a line of at most this many words whose type is this much bigger than the body's.
constexpr std::size_t kHeadingMaxWords = 15;
constexpr double kHeadingScale = 1.12;
// A block ends where the next line is further than this many usual line steps.
constexpr double kBlockGap = 1.6;

std::vector<Layout> layout_of(const std::vector<Cue>& cues) {
  std::vector<Layout> out(cues.size());
  const std::vector<Line> lines = lines_of(cues);
  std::vector<double> heights, steps;
  for (const Cue& c : cues) {
    if (boxed(c)) heights.push_back(*c.box_h);
  }
  for (std::size_t k = 1; k < lines.size(); ++k) {
    const double step = lines[k].top - lines[k - 1].top;
    if (cues[lines[k].first].page == cues[lines[k - 1].first].page && step > 0)
      steps.push_back(step);
  }
  const double body = median(heights), step = median(steps);
  const auto heading = [&](const Line& l) {
    return body > 0 && l.height >= kHeadingScale * body && l.last - l.first <= kHeadingMaxWords;
  };
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const Line& l = lines[k];
    const bool is_heading = heading(l);
    bool block_end = k + 1 == lines.size() || is_heading;
    if (!block_end) {
      const Line& next = lines[k + 1];
      block_end = cues[next.first].page != cues[l.first].page || heading(next) ||
                  !boxed(cues[next.first]) || next.top < l.top ||
                  (step > 0 && next.top - l.top > kBlockGap * step);
    }
    for (std::size_t i = l.first; i < l.last; ++i) out[i].heading = is_heading;
    out[l.last - 1].line_end = true;
    out[l.last - 1].block_end = block_end;
  }
  return out;
}

}  // namespace

std::vector<Passage> segment_document(const std::vector<Cue>& cues, const SegmentOptions& options) {
  std::vector<Passage> passages;
  Passage current;
  bool only_headings = true;     // what `current` holds is headings only (a title, its subtitle)
  bool after_break = false;      // the last word ended a heading or a block: a new line follows
  bool opened_on_break = false;  // `current` began on a new line
  auto flush = [&] {
    if (current.text.empty()) return;
    // The short end of a section (a last line, a formula) that a heading or the page's end
    // cuts off joins the passage before it.
    Passage* previous = passages.empty() ? nullptr : &passages.back();
    if (!only_headings && current.text.size() < options.min_chars / 2 && previous &&
        previous->page == current.page &&
        previous->text.size() + 1 + current.text.size() <= options.max_chars) {
      previous->text += (opened_on_break ? "\n" : " ") + current.text;
    } else {
      current.seq = static_cast<int>(passages.size());
      passages.push_back(std::move(current));
    }
    current = Passage{};
    only_headings = true;
  };
  const std::vector<Layout> layout = layout_of(cues);
  for (std::size_t i = 0; i < cues.size(); ++i) {
    const Cue& c = cues[i];
    if (trim(c.text).empty()) continue;
    if (!current.text.empty() && current.page != c.page) flush();
    if (!boxed(c)) {
      // A paragraph (a web page's, a note's): paragraphs are grouped up to the size.
      for (const std::string& piece : split_text(c.text, options.max_chars)) {
        if (current.text.size() >= options.min_chars ||
            current.text.size() + 1 + piece.size() > options.max_chars) {
          flush();
        }
        current.page = c.page;
        append(current.text, piece);
      }
      after_break = false;
      continue;
    }
    // A word of a laid-out page: a passage is cut at a sentence's or a block's end once long
    // enough, and before a heading, so that a heading opens the passage of its section and
    // no sentence is cut in two (unless longer than max_chars).
    const bool starts_heading =
        layout[i].heading && (i == 0 || !layout[i - 1].heading || layout[i - 1].line_end);
    if (starts_heading && !only_headings) flush();
    for (const std::string& piece : split_text(c.text, options.max_chars)) {
      if (!current.text.empty() && current.text.size() + 1 + piece.size() > options.max_chars)
        flush();
      current.page = c.page;
      if (current.text.empty()) opened_on_break = after_break;
      if (!current.text.empty()) current.text += after_break ? '\n' : ' ';
      current.text += piece;
      after_break = false;
    }
    const std::string_view word = trim(c.text);
    only_headings = only_headings && layout[i].heading;
    after_break = layout[i].block_end;
    if ((layout[i].block_end || ends_sentence(word)) && !only_headings &&
        current.text.size() >= options.min_chars)
      flush();
  }
  flush();
  return passages;
}

namespace {

struct Token {
  std::size_t cue;  // index in the cues
  std::string word;
};

bool is_number(const std::string& w) {
  return !w.empty() && w.find_first_not_of("0123456789/") == std::string::npos;
}

// The units (pages, else cues) as token lists.
std::vector<std::vector<Token>> units_of(const std::vector<catalog::Cue>& cues) {
  std::vector<std::vector<Token>> units;
  std::optional<int> page;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    const bool paged = cues[i].page.has_value();
    if (units.empty() || !paged || cues[i].page != page) units.emplace_back();
    page = cues[i].page;
    std::size_t at = 0;
    const std::string& t = cues[i].text;
    while (at < t.size()) {
      const std::size_t end = std::min(t.find_first_of(" \n\t", at), t.size());
      if (end > at) units.back().push_back({i, t.substr(at, end - at)});
      at = end + 1;
    }
  }
  return units;
}

// The longest edge (from the end when `tail`) that enough units share; its words.
std::vector<std::string> common_edge(const std::vector<std::vector<Token>>& units, bool tail) {
  const std::size_t needed = std::max<std::size_t>(3, (units.size() * 6 + 9) / 10);
  std::vector<std::string> best;
  for (std::size_t k = 1; k <= 20; ++k) {
    std::map<std::string, std::size_t> counts;
    for (const auto& u : units) {
      std::vector<std::string> words;
      for (const Token& t : u) words.push_back(t.word);
      if (tail) {
        while (!words.empty() && is_number(words.back())) words.pop_back();
      } else {
        std::size_t lead = 0;
        while (lead < words.size() && is_number(words[lead])) ++lead;
        words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(lead));
      }
      if (words.size() <= k) continue;  // an edge never takes a whole unit
      std::string key;
      for (std::size_t j = 0; j < k; ++j)
        key += (j ? " " : "") + (tail ? words[words.size() - k + j] : words[j]);
      ++counts[key];
    }
    std::string top;
    std::size_t most = 0;
    for (const auto& [key, n] : counts) {
      if (n > most) top = key, most = n;
    }
    if (most < needed) break;
    best.clear();
    for (std::size_t at = 0; at < top.size();) {
      const std::size_t end = std::min(top.find(' ', at), top.size());
      best.push_back(top.substr(at, end - at));
      at = end + 1;
    }
  }
  return best.size() >= 3 ? best : std::vector<std::string>{};
}

}  // namespace

int strip_repeated_edges(std::vector<catalog::Cue>& cues) {
  auto units = units_of(cues);
  if (units.size() < 3) return 0;
  const auto footer = common_edge(units, /*tail=*/true);
  const auto header = common_edge(units, /*tail=*/false);
  if (footer.empty() && header.empty()) return 0;
  std::vector<std::vector<bool>> drop(cues.size());
  std::vector<std::vector<std::string>> words(cues.size());
  for (const auto& u : units) {
    for (const Token& t : u) words[t.cue].push_back(t.word);
  }
  for (std::size_t i = 0; i < cues.size(); ++i) drop[i].assign(words[i].size(), false);
  // Marks the k-th token of cue c (in its own word order) to drop.
  std::vector<std::size_t> seen(cues.size(), 0);
  std::vector<std::vector<std::size_t>> position;  // per unit: each token's index in its cue
  for (const auto& u : units) {
    std::vector<std::size_t> pos;
    for (const Token& t : u) pos.push_back(seen[t.cue]++);
    position.push_back(std::move(pos));
  }
  int stripped = 0;
  for (std::size_t n = 0; n < units.size(); ++n) {
    const auto& u = units[n];
    bool hit = false;
    if (!footer.empty()) {
      std::size_t end = u.size();
      while (end > 0 && is_number(u[end - 1].word)) --end;
      // As much of the edge's end as the unit has (OCR may misread its first words).
      std::size_t matched = 0;
      while (matched < footer.size() && matched + 1 < end &&
             u[end - 1 - matched].word == footer[footer.size() - 1 - matched])
        ++matched;
      if (matched >= 3) {
        for (std::size_t j = end - matched; j < u.size(); ++j)
          drop[u[j].cue][position[n][j]] = true;
        hit = true;
      }
    }
    if (!header.empty()) {
      std::size_t start = 0;
      while (start < u.size() && is_number(u[start].word)) ++start;
      std::size_t matched = 0;
      while (matched < header.size() && start + matched + 1 < u.size() &&
             u[start + matched].word == header[matched])
        ++matched;
      if (matched >= 3) {
        for (std::size_t j = 0; j < start + matched; ++j) drop[u[j].cue][position[n][j]] = true;
        hit = true;
      }
    }
    stripped += hit ? 1 : 0;
  }
  std::vector<catalog::Cue> kept;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    if (std::find(drop[i].begin(), drop[i].end(), true) == drop[i].end()) {
      kept.push_back(std::move(cues[i]));
      continue;
    }
    std::string text;
    for (std::size_t j = 0; j < words[i].size(); ++j)
      if (!drop[i][j]) text += (text.empty() ? "" : " ") + words[i][j];
    if (text.empty()) continue;
    cues[i].text = std::move(text);
    kept.push_back(std::move(cues[i]));
  }
  cues = std::move(kept);
  return stripped;
}

}  // namespace repere::ingest
