#include "repere/learn/activity.h"

#include <algorithm>
#include <map>
#include <set>

#include "repere/core/text.h"

namespace repere::learn {

std::string_view to_string(Skipping v) {
  switch (v) {
    case Skipping::kAllowed: return "allowed";
    case Skipping::kForwardBlocked: return "forward_blocked";
    case Skipping::kBlocked: return "blocked";
  }
  return "allowed";
}

std::string_view to_string(InteractionType v) {
  switch (v) {
    case InteractionType::kDefinition: return "definition";
    case InteractionType::kChoice: return "choice";
    case InteractionType::kTrueFalse: return "true_false";
    case InteractionType::kBlanks: return "blanks";
    case InteractionType::kOpen: return "open";
    case InteractionType::kChapter: return "chapter";
  }
  return "definition";
}

std::string_view to_string(Counting v) { return v == Counting::kBest ? "best" : "first"; }

Result<Counting> parse_counting(std::string_view s) {
  if (s == "first") return Counting::kFirst;
  if (s == "best") return Counting::kBest;
  return Status::invalid_argument("counting: \"" + std::string(s) + "\" is not first or best");
}

Result<Skipping> parse_skipping(std::string_view s) {
  for (const Skipping v : {Skipping::kAllowed, Skipping::kForwardBlocked, Skipping::kBlocked}) {
    if (s == to_string(v)) return v;
  }
  return Status::invalid_argument("skipping: \"" + std::string(s) +
                                  "\" is not one of allowed, forward_blocked, blocked");
}

Result<InteractionType> parse_interaction_type(std::string_view s) {
  for (const InteractionType v :
       {InteractionType::kDefinition, InteractionType::kChoice, InteractionType::kTrueFalse,
        InteractionType::kBlanks, InteractionType::kOpen, InteractionType::kChapter}) {
    if (s == to_string(v)) return v;
  }
  return Status::invalid_argument("type: \"" + std::string(s) +
                                  "\" is not one of definition, choice, true_false, blanks, "
                                  "open, chapter");
}

bool is_graded(InteractionType t) { return is_question(t) && t != InteractionType::kOpen; }

double max_score(const Interaction& q) {
  switch (q.type) {
    case InteractionType::kChoice:
      return static_cast<double>(std::count_if(q.choices.begin(), q.choices.end(),
                                               [](const Choice& c) { return c.correct; }));
    case InteractionType::kTrueFalse: return 1;
    case InteractionType::kBlanks: return static_cast<double>(blanks_of(q.text).size());
    default: return 0;
  }
}

std::optional<std::size_t> counted_attempt(const std::vector<Attempt>& attempts, Counting rule) {
  if (attempts.empty()) return std::nullopt;
  if (rule == Counting::kFirst) return 0;
  std::size_t best = 0;
  for (std::size_t i = 1; i < attempts.size(); ++i) {
    if (attempts[i].score > attempts[best].score) best = i;
  }
  return best;
}

std::optional<int> attempts_left(const Settings& s, int used) {
  if (s.attempts <= 0) return std::nullopt;
  return std::max(0, s.attempts - used);
}

bool is_question(InteractionType t) {
  return t == InteractionType::kChoice || t == InteractionType::kTrueFalse ||
         t == InteractionType::kBlanks || t == InteractionType::kOpen;
}

std::string clock(std::int64_t ms) { return text::clock_time(ms); }

bool ends_sentence(std::string_view text) {
  while (!text.empty() && std::string_view(" \n\t").find(text.back()) != std::string_view::npos)
    text.remove_suffix(1);
  for (const std::string_view closing : {std::string_view("\u00bb"), std::string_view(")"),
                                         std::string_view("\""), std::string_view("\u00a0")}) {
    if (text.size() > closing.size() && text.substr(text.size() - closing.size()) == closing) {
      text.remove_suffix(closing.size());
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    }
  }
  if (text.empty()) return false;
  const char c = text.back();
  return c == '.' || c == '!' || c == '?' ||
         (text.size() >= 3 && text.substr(text.size() - 3) == "\u2026");
}

std::pair<std::int64_t, std::int64_t> sentence_clip(const std::vector<TimedLine>& lines,
                                                    std::int64_t from_ms, std::int64_t until_ms,
                                                    std::int64_t duration_ms) {
  constexpr std::int64_t kReach = 30000;
  if (lines.empty()) return {0, std::max<std::int64_t>(0, std::min(duration_ms, until_ms))};
  std::size_t first = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].start_ms <= from_ms) first = i;
  }
  // Back to the line after a sentence's end: the sentence that holds `from_ms` starts there.
  std::size_t k = first;
  while (k > 0 && !ends_sentence(lines[k - 1].text) &&
         lines[first].start_ms - lines[k - 1].start_ms <= kReach)
    --k;
  const bool found_start = k == 0 || ends_sentence(lines[k - 1].text);
  const std::int64_t start = found_start ? lines[k].start_ms : lines[first].start_ms;
  // Forward to the first sentence's end at or after `until_ms`; else the last line before it.
  std::optional<std::int64_t> at_sentence, before;
  for (std::size_t i = first; i < lines.size(); ++i) {
    const TimedLine& l = lines[i];
    if (l.end_ms <= start) continue;
    if (l.end_ms > until_ms + kReach) break;
    if (l.end_ms <= until_ms) before = l.end_ms;
    if (l.end_ms >= until_ms && ends_sentence(l.text)) {
      at_sentence = l.end_ms;
      break;
    }
  }
  std::int64_t end = at_sentence.value_or(before.value_or(0));
  if (end <= start) end = std::max(until_ms, start + 1000);
  return {std::max<std::int64_t>(0, start), std::min(end, duration_ms)};
}

std::string clock_tenths(std::int64_t ms) {
  ms = std::max<std::int64_t>(0, ms);
  const std::int64_t tenths = (ms % 1000) / 100;
  return clock(ms) + (tenths ? "." + std::to_string(tenths) : "");
}

std::optional<std::int64_t> parse_clock(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::int64_t whole = 0;  // seconds before the decimals
  std::int64_t part = 0;   // the number being read
  int parts = 1;
  bool digit = false;
  std::size_t i = 0;
  for (; i < s.size() && s[i] != '.' && s[i] != ','; ++i) {
    if (s[i] == ':') {
      if (!digit || ++parts > 3) return std::nullopt;
      whole = whole * 60 + part;
      part = 0;
      digit = false;
    } else if (s[i] >= '0' && s[i] <= '9') {
      part = part * 10 + (s[i] - '0');
      digit = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit || (parts > 1 && part >= 60)) return std::nullopt;
  std::int64_t ms = (whole * 60 + part) * 1000;
  if (parts == 1) ms = part * 1000;
  if (i < s.size()) {  // decimals: tenths, hundredths, thousandths
    int scale = 100;
    for (++i; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return ms;
}

namespace {

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
}

// Lower case, accents kept, runs of spaces made one, trimmed: how blanks are compared.
std::string normalised_answer(std::string_view s) {
  std::string out;
  for (const char c : text::lower(s)) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The English message of each problem, with {0}, {1}, {2} for its values (the API's text).
const std::map<std::string, std::string>& english_messages() {
  static const std::map<std::string, std::string> kMessages = {
      {"title.missing", "the activity needs a title"},
      {"attempts.out_of_range", "{0} attempts: from 1 to {1}, or 0 for unlimited"},
      {"title.too_long", "at most 200 bytes"},
      {"clip.before_zero", "the clip starts before 00:00"},
      {"clip.ends_before_start", "the clip ends ({0}) before it starts ({1})"},
      {"clip.after_media", "the clip ends ({0}) after the video ({1})"},
      {"interactions.too_many", "at most 500 in one activity"},
      {"at.outside_clip", "{0} is outside the clip {1}–{2}"},
      {"goto.not_graded", "only a graded question can send the pupil back"},
      {"term.missing", "a definition needs its term"},
      {"definition.missing", "the definition is empty"},
      {"question.missing", "the question is empty"},
      {"choices.too_few", "give at least two choices"},
      {"choice.empty", "the choice is empty"},
      {"choices.none_right", "mark at least one right answer"},
      {"blanks.none", "mark each blank between asterisks: La *chlorophylle*…"},
      {"blanks.empty", "a blank (**) has no answer"},
      {"chapter.missing", "a chapter needs a title"},
  };
  return kMessages;
}

Problem at(std::size_t i, std::string_view field, std::string key,
           std::vector<std::string> args = {}) {
  return {"interactions[" + std::to_string(i) + "]." + std::string(field), std::move(key),
          std::move(args)};
}

std::optional<Problem> interaction_problem(const Activity& a, std::size_t i) {
  const Interaction& x = a.interactions[i];
  const std::vector<std::string> clip = {clock(a.start_ms), clock(a.end_ms)};
  if (x.at_ms < a.start_ms || x.at_ms > a.end_ms)
    return at(i, "at_ms", "at.outside_clip", {clock(x.at_ms), clip[0], clip[1]});
  if (x.wrong_goto_ms) {
    if (!is_question(x.type) || x.type == InteractionType::kOpen)
      return at(i, "wrong_goto_ms", "goto.not_graded");
    if (*x.wrong_goto_ms < a.start_ms || *x.wrong_goto_ms > a.end_ms)
      return at(i, "wrong_goto_ms", "at.outside_clip", {clock(*x.wrong_goto_ms), clip[0], clip[1]});
  }
  switch (x.type) {
    case InteractionType::kDefinition:
      if (blank(x.term)) return at(i, "term", "term.missing");
      if (blank(x.definition)) return at(i, "definition", "definition.missing");
      break;
    case InteractionType::kChoice: {
      if (blank(x.question)) return at(i, "question", "question.missing");
      if (x.choices.size() < 2) return at(i, "choices", "choices.too_few");
      for (std::size_t c = 0; c < x.choices.size(); ++c) {
        if (blank(x.choices[c].text))
          return at(i, "choices[" + std::to_string(c) + "].text", "choice.empty");
      }
      if (std::none_of(x.choices.begin(), x.choices.end(),
                       [](const Choice& c) { return c.correct; })) {
        return at(i, "choices", "choices.none_right");
      }
      break;
    }
    case InteractionType::kTrueFalse:
    case InteractionType::kOpen:
      if (blank(x.question)) return at(i, "question", "question.missing");
      break;
    case InteractionType::kBlanks: {
      const auto blanks = blanks_of(x.text);
      if (blanks.empty()) return at(i, "text", "blanks.none");
      for (const auto& accepted : blanks) {
        if (accepted.empty()) return at(i, "text", "blanks.empty");
      }
      break;
    }
    case InteractionType::kChapter:
      if (blank(x.title)) return at(i, "title", "chapter.missing");
      break;
  }
  return std::nullopt;
}

}  // namespace

std::string fill_message(const std::string& text, const std::vector<std::string>& args) {
  std::string out = text;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string mark = "{" + std::to_string(k) + "}";
    for (std::size_t at = out.find(mark); at != std::string::npos; at = out.find(mark, at)) {
      out.replace(at, mark.size(), args[k]);
      at += args[k].size();
    }
  }
  return out;
}

std::string Problem::english() const {
  const auto found = english_messages().find(key);
  return fill_message(found == english_messages().end() ? key : found->second, args);
}

std::optional<Problem> find_problem(const Activity& a,
                                    std::optional<std::int64_t> content_duration_ms) {
  if (blank(a.title)) return Problem{"title", "title.missing", {}};
  if (a.title.size() > 200) return Problem{"title", "title.too_long", {}};
  if (a.start_ms < 0) return Problem{"start_ms", "clip.before_zero", {}};
  if (a.end_ms <= a.start_ms)
    return Problem{"end_ms", "clip.ends_before_start", {clock(a.end_ms), clock(a.start_ms)}};
  if (content_duration_ms && *content_duration_ms > 0 && a.end_ms > *content_duration_ms + 999)
    return Problem{"end_ms", "clip.after_media", {clock(a.end_ms), clock(*content_duration_ms)}};
  if (a.settings.attempts < 0 || a.settings.attempts > kMaxAttempts)
    return Problem{"settings.attempts",
                   "attempts.out_of_range",
                   {std::to_string(a.settings.attempts), std::to_string(kMaxAttempts)}};
  if (a.interactions.size() > 500) return Problem{"interactions", "interactions.too_many", {}};
  for (std::size_t i = 0; i < a.interactions.size(); ++i) {
    if (auto p = interaction_problem(a, i)) return p;
  }
  return std::nullopt;
}

Status validate(const Activity& a, std::optional<std::int64_t> content_duration_ms) {
  const auto p = find_problem(a, content_duration_ms);
  if (!p) return Status::ok();
  return Status::invalid_argument(p->field + ": " + p->english());
}

std::vector<std::vector<std::string>> blanks_of(std::string_view text) {
  std::vector<std::vector<std::string>> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find('*', at);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('*', open + 1);
    if (close == std::string_view::npos) break;
    std::vector<std::string> accepted;
    const std::string_view inside = text.substr(open + 1, close - open - 1);
    std::size_t from = 0;
    while (from <= inside.size()) {
      std::size_t slash = inside.find('/', from);
      if (slash == std::string_view::npos) slash = inside.size();
      std::string answer = normalised_answer(inside.substr(from, slash - from));
      if (!answer.empty()) accepted.push_back(std::move(answer));
      from = slash + 1;
    }
    out.push_back(std::move(accepted));
    at = close + 1;
  }
  return out;
}

namespace {

Result<Grade> grade_choice(const Interaction& q, const Response& r) {
  Grade g;
  std::set<int> chosen;
  for (const int c : r.chosen) {
    if (c < 0 || c >= static_cast<int>(q.choices.size())) {
      return Status::invalid_argument("chosen: choice " + std::to_string(c) + " does not exist");
    }
    chosen.insert(c);
  }
  if (chosen.empty()) return Status::invalid_argument("chosen: pick at least one answer");
  bool all_right = true;
  int right_total = 0;
  int right_picked = 0;
  int wrong_picked = 0;
  for (int c = 0; c < static_cast<int>(q.choices.size()); ++c) {
    const bool picked = chosen.count(c) > 0;
    const Choice& choice = q.choices[static_cast<std::size_t>(c)];
    right_total += choice.correct;
    right_picked += picked && choice.correct;
    wrong_picked += picked && !choice.correct;
    if (picked != choice.correct) all_right = false;
    if (picked && !choice.feedback.empty()) g.feedback.push_back(choice.feedback);
  }
  g.correct = all_right;
  g.max_score = right_total;
  g.score = std::max(0, right_picked - wrong_picked);
  return g;
}

Result<Grade> grade_blanks(const Interaction& q, const Response& r) {
  const auto blanks = blanks_of(q.text);
  if (r.blanks.size() != blanks.size()) {
    return Status::invalid_argument("blanks: " + std::to_string(blanks.size()) +
                                    " answers expected, " + std::to_string(r.blanks.size()) +
                                    " given");
  }
  Grade g;
  g.max_score = static_cast<double>(blanks.size());
  for (std::size_t i = 0; i < blanks.size(); ++i) {
    const std::string typed = normalised_answer(r.blanks[i]);
    if (std::find(blanks[i].begin(), blanks[i].end(), typed) != blanks[i].end()) g.score += 1;
  }
  g.correct = g.score == g.max_score;
  return g;
}

}  // namespace

Result<Grade> grade(const Interaction& q, const Response& r) {
  Result<Grade> g = Grade{};
  switch (q.type) {
    case InteractionType::kChoice: g = grade_choice(q, r); break;
    case InteractionType::kTrueFalse:
      if (!r.answer) return Status::invalid_argument("answer: true or false expected");
      g->correct = *r.answer == q.answer_true;
      g->max_score = 1;
      g->score = *g->correct ? 1 : 0;
      break;
    case InteractionType::kBlanks: g = grade_blanks(q, r); break;
    case InteractionType::kOpen:
      if (r.text.size() > 10000) return Status::invalid_argument("text: at most 10,000 bytes");
      return g;  // not graded
    case InteractionType::kDefinition:
    case InteractionType::kChapter:
      return Status::invalid_argument("a " + std::string(to_string(q.type)) + " is not a question");
  }
  if (!g.is_ok()) return g;
  if (q.type != InteractionType::kChoice) {
    const std::string& said = *g->correct ? q.feedback_right : q.feedback_wrong;
    if (!said.empty()) g->feedback.push_back(said);
  }
  if (!*g->correct && q.wrong_goto_ms) g->goto_ms = q.wrong_goto_ms;
  return g;
}

std::string hide_blanks(const std::string& text, std::string_view placeholder) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find('*', at);
    const std::size_t close = open == std::string::npos ? open : text.find('*', open + 1);
    if (close == std::string::npos) break;
    out += text.substr(at, open - at);
    out += placeholder;
    at = close + 1;
  }
  return out + text.substr(at);
}

}  // namespace repere::learn
