#include "repere/learn/activity.h"

#include <algorithm>
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

bool is_question(InteractionType t) {
  return t == InteractionType::kChoice || t == InteractionType::kTrueFalse ||
         t == InteractionType::kBlanks || t == InteractionType::kOpen;
}

std::string clock(std::int64_t ms) { return text::clock_time(ms); }

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

Status field_error(std::size_t i, std::string_view field, const std::string& what) {
  return Status::invalid_argument("interactions[" + std::to_string(i) + "]." + std::string(field) +
                                  ": " + what);
}

Status validate_interaction(const Activity& a, std::size_t i) {
  const Interaction& x = a.interactions[i];
  if (x.at_ms < a.start_ms || x.at_ms > a.end_ms) {
    return field_error(
        i, "at_ms",
        clock(x.at_ms) + " is outside the clip " + clock(a.start_ms) + "–" + clock(a.end_ms));
  }
  if (x.wrong_goto_ms) {
    if (!is_question(x.type) || x.type == InteractionType::kOpen) {
      return field_error(i, "wrong_goto_ms", "only a graded question can send the pupil back");
    }
    if (*x.wrong_goto_ms < a.start_ms || *x.wrong_goto_ms > a.end_ms) {
      return field_error(i, "wrong_goto_ms",
                         clock(*x.wrong_goto_ms) + " is outside the clip " + clock(a.start_ms) +
                             "–" + clock(a.end_ms));
    }
  }
  switch (x.type) {
    case InteractionType::kDefinition:
      if (blank(x.term)) return field_error(i, "term", "a definition needs its term");
      if (blank(x.definition)) return field_error(i, "definition", "the definition is empty");
      break;
    case InteractionType::kChoice: {
      if (blank(x.question)) return field_error(i, "question", "the question is empty");
      if (x.choices.size() < 2) return field_error(i, "choices", "give at least two choices");
      for (std::size_t c = 0; c < x.choices.size(); ++c) {
        if (blank(x.choices[c].text)) {
          return field_error(i, "choices[" + std::to_string(c) + "].text", "the choice is empty");
        }
      }
      if (std::none_of(x.choices.begin(), x.choices.end(),
                       [](const Choice& c) { return c.correct; })) {
        return field_error(i, "choices", "mark at least one right answer");
      }
      break;
    }
    case InteractionType::kTrueFalse:
    case InteractionType::kOpen:
      if (blank(x.question)) return field_error(i, "question", "the question is empty");
      break;
    case InteractionType::kBlanks: {
      const auto blanks = blanks_of(x.text);
      if (blanks.empty()) {
        return field_error(i, "text", "mark each blank between asterisks: La *chlorophylle*…");
      }
      for (const auto& accepted : blanks) {
        if (accepted.empty()) return field_error(i, "text", "a blank (**) has no answer");
      }
      break;
    }
    case InteractionType::kChapter:
      if (blank(x.title)) return field_error(i, "title", "a chapter needs a title");
      break;
  }
  return Status::ok();
}

}  // namespace

Status validate(const Activity& a, std::optional<std::int64_t> content_duration_ms) {
  if (blank(a.title)) return Status::invalid_argument("title: the activity needs a title");
  if (a.title.size() > 200) return Status::invalid_argument("title: at most 200 bytes");
  if (a.start_ms < 0) return Status::invalid_argument("start_ms: the clip starts before 00:00");
  if (a.end_ms <= a.start_ms) {
    return Status::invalid_argument("end_ms: the clip ends (" + clock(a.end_ms) +
                                    ") before it starts (" + clock(a.start_ms) + ")");
  }
  if (content_duration_ms && *content_duration_ms > 0 && a.end_ms > *content_duration_ms + 999) {
    return Status::invalid_argument("end_ms: the clip ends (" + clock(a.end_ms) +
                                    ") after the video (" + clock(*content_duration_ms) + ")");
  }
  if (a.interactions.size() > 500) {
    return Status::invalid_argument("interactions: at most 500 in one activity");
  }
  for (std::size_t i = 0; i < a.interactions.size(); ++i) {
    REPERE_RETURN_IF_ERROR(validate_interaction(a, i));
  }
  return Status::ok();
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

}  // namespace repere::learn
