#include "repere/insight/insight.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

namespace repere::insight {
namespace {

std::string count_of(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 || n == 0 ? one : many);
}

std::string percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + " %";
}

// The graded attempts, right or not, in the order given.
std::vector<bool> graded_sequence(const PupilFacts& p) {
  std::vector<bool> out;
  for (const Attempt& a : p.attempts)
    if (a.right) out.push_back(*a.right);
  return out;
}

std::int64_t last_seen(const PupilFacts& p) {
  std::int64_t last = p.joined_at;
  for (const Attempt& a : p.attempts) last = std::max(last, a.at);
  return last;
}

// Questions answered wrong at least `times` times and never right.
int stuck_questions(const PupilFacts& p, int times) {
  std::map<std::int64_t, int> wrong;
  std::set<std::int64_t> right;
  for (const Attempt& a : p.attempts) {
    if (!a.right) continue;
    if (*a.right)
      right.insert(a.question);
    else
      ++wrong[a.question];
  }
  int stuck = 0;
  for (const auto& [q, n] : wrong)
    if (n >= times && !right.contains(q)) ++stuck;
  return stuck;
}

void few_answers(const PupilFacts& p, const ClassFacts& asked, const Rules& rules,
                 std::vector<Reason>& out) {
  if (asked.questions == 0) return;
  const int n = answered(p);
  if (static_cast<double>(n) >= rules.few_answers * asked.questions) return;
  out.push_back({Signal::kFewAnswers, true,
                 n == 0 ? "N'a encore répondu à aucune des " +
                              count_of(asked.questions, "question", "questions")
                        : "A répondu à " + count_of(n, "question", "questions") + " sur " +
                              std::to_string(asked.questions)});
}

void low_success(const PupilFacts& p, const Rules& rules, std::vector<Reason>& out) {
  if (p.graded_answered < rules.low_success_min) return;
  const double share = static_cast<double>(p.graded_right) / p.graded_answered;
  if (share >= rules.low_success) return;
  out.push_back({Signal::kLowSuccess, true,
                 count_of(p.graded_right, "bonne réponse", "bonnes réponses") + " sur " +
                     count_of(p.graded_answered, "question notée", "questions notées") + " (" +
                     percent(share) + ")"});
}

void quiet(const PupilFacts& p, const ClassFacts& asked, std::int64_t now, const Rules& rules,
           std::vector<Reason>& out) {
  if (finished(p, asked)) return;
  const std::int64_t days = (now - last_seen(p)) / 86400;
  if (days < rules.quiet_days) return;
  out.push_back({Signal::kQuiet, true,
                 "Aucune réponse depuis " + count_of(static_cast<int>(days), "jour", "jours") +
                     ", travail non terminé"});
}

void falling(const PupilFacts& p, const Rules& rules, std::vector<Reason>& out) {
  const std::vector<bool> seq = graded_sequence(p);
  if (static_cast<int>(seq.size()) < rules.falling_min) return;
  const std::size_t half = seq.size() / 2;
  const int early = static_cast<int>(std::count(seq.begin(), seq.begin() + half, true));
  const int late = static_cast<int>(std::count(seq.begin() + half, seq.end(), true));
  const double drop =
      static_cast<double>(early) / half - static_cast<double>(late) / (seq.size() - half);
  if (drop < rules.falling) return;
  out.push_back({Signal::kFalling, false,
                 "Moins de réponses justes sur la fin : " + std::to_string(early) + " sur " +
                     std::to_string(half) + " au début, " + std::to_string(late) + " sur " +
                     std::to_string(seq.size() - half) + " ensuite"});
}

void stuck(const PupilFacts& p, const Rules& rules, std::vector<Reason>& out) {
  const int n = stuck_questions(p, rules.stuck_attempts);
  if (n < rules.stuck_min) return;
  out.push_back({Signal::kStuck, false,
                 count_of(n, "question toujours manquée", "questions toujours manquées") +
                     " après plusieurs essais"});
}

void little_watched(const PupilFacts& p, const Rules& rules, std::vector<Reason>& out) {
  if (!p.watched || *p.watched >= rules.little_watched) return;
  out.push_back(
      {Signal::kLittleWatched, false, "A regardé " + percent(*p.watched) + " de la vidéo"});
}

}  // namespace

int answered(const PupilFacts& pupil) {
  std::set<std::int64_t> seen;
  for (const Attempt& a : pupil.attempts) seen.insert(a.question);
  return static_cast<int>(seen.size());
}

bool finished(const PupilFacts& pupil, const ClassFacts& asked) {
  return asked.questions > 0 && answered(pupil) >= asked.questions;
}

Assessment assess(const PupilFacts& pupil, const ClassFacts& asked, std::int64_t now,
                  const Rules& rules) {
  Assessment out;
  few_answers(pupil, asked, rules, out.reasons);
  low_success(pupil, rules, out.reasons);
  quiet(pupil, asked, now, rules, out.reasons);
  falling(pupil, rules, out.reasons);
  stuck(pupil, rules, out.reasons);
  little_watched(pupil, rules, out.reasons);
  const auto strong = std::count_if(out.reasons.begin(), out.reasons.end(),
                                    [](const Reason& r) { return r.strong; });
  const auto weak = static_cast<long>(out.reasons.size()) - strong;
  out.flagged = strong > 0 || weak >= 2;
  return out;
}

Summary summarize(const std::vector<PupilFacts>& pupils, const ClassFacts& asked) {
  Summary s;
  s.pupils = static_cast<int>(pupils.size());
  std::map<std::string, Summary::Day> days;
  for (const PupilFacts& p : pupils) {
    if (finished(p, asked))
      ++s.finished;
    else if (!p.attempts.empty())
      ++s.started;
    else
      ++s.not_started;
    if (p.watched) {
      ++s.watched_known;
      const int quarter = std::clamp(static_cast<int>(*p.watched * 4), 0, 3);
      ++s.watched[quarter];
    }
    for (const Attempt& a : p.attempts) {
      Summary::Day& d = days[day_of(a.at)];
      if (!a.right) {
        ++d.open;
        continue;
      }
      ++d.graded;
      if (*a.right) ++d.right;
    }
  }
  for (auto& [date, d] : days) {
    d.date = date;
    s.days.push_back(d);
  }
  return s;
}

std::string day_of(std::int64_t at) {
  const std::time_t t = at;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::optional<std::int64_t> parse_timestamp(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) !=
          6 ||
      used != 19)
    return std::nullopt;
  std::size_t rest = 19;
  if (rest < text.size() && text[rest] == '.') {
    ++rest;
    while (rest < text.size() && text[rest] >= '0' && text[rest] <= '9') ++rest;
  }
  if (rest + 1 != text.size() || text[rest] != 'Z') return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace repere::insight
