// What a class's answers say, for its teacher: how far each pupil got, how the answers went day
// after day, which questions were missed most, and « Élèves à accompagner » — pupils the facts
// suggest might need a word from the teacher, each shown with the facts that flagged them.
//
// The indicator is a handful of written rules over facts the teacher can read on the same page
// (how many questions answered, how many right, the trend of the answers, the questions still
// missed after several tries, how much of the video was watched, the days since the last
// answer); no model, no score hidden from the teacher. Its words describe what happened (« a
// répondu à 1 question sur 6 »), never what a pupil is. It is computed when the page is asked
// for, from the answers the class already keeps, and never stored or sent anywhere.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace repere::insight {

// One answer a pupil gave: every attempt, not only the one that counts.
struct Attempt {
  std::int64_t question = 0;
  std::optional<bool> right;  // none: an open question (never graded)
  std::int64_t at = 0;        // seconds since the epoch
};

// What is known of one pupil of a class.
struct PupilFacts {
  int number = 0;  // 1, 2, 3… in the order pupils joined
  std::string pseudonym;
  std::int64_t joined_at = 0;     // seconds since the epoch
  std::vector<Attempt> attempts;  // in the order given
  int graded_answered = 0;        // graded questions with a counted answer
  int graded_right = 0;           // of those, answered right (the answer that counts)
  std::optional<double> watched;  // furthest share of the video reached, 0 to 1; none: no video
};

// What the pupils of the class were asked.
struct ClassFacts {
  int questions = 0;  // questions to answer, graded or open
  int graded = 0;     // of those, graded
};

// The thresholds of the rules; the defaults are those documented in docs/dashboard.md.
struct Rules {
  double few_answers = 0.5;     // answered less than this share of the questions
  double low_success = 0.5;     // right on less than this share of the graded answers…
  int low_success_min = 3;      // …given to at least this many graded questions
  double falling = 0.5;         // success of the first half minus the second half, at least…
  int falling_min = 4;          // …over at least this many graded attempts
  int stuck_attempts = 2;       // a question answered wrong this many times, never right…
  int stuck_min = 2;            // …for at least this many questions
  double little_watched = 0.5;  // reached less than this share of the video
  int quiet_days = 7;           // no answer for this many days, the work not finished
};

enum class Signal { kFewAnswers, kLowSuccess, kQuiet, kFalling, kStuck, kLittleWatched };

struct Reason {
  Signal signal = Signal::kFewAnswers;
  bool strong = false;  // flags on its own; a weak signal flags only with another one
  std::string text;     // French, for the teacher: the fact, with its figures
};

struct Assessment {
  std::vector<Reason> reasons;  // every signal that fired, strong ones first
  bool flagged = false;         // a strong signal, or two weak ones
};

// The signals of one pupil at `now` (seconds since the epoch).
Assessment assess(const PupilFacts& pupil, const ClassFacts& asked, std::int64_t now,
                  const Rules& rules = {});

// Whether the pupil answered every question (graded or open) at least once.
bool finished(const PupilFacts& pupil, const ClassFacts& asked);
// Distinct questions the pupil answered.
int answered(const PupilFacts& pupil);

// The class at a glance.
struct Summary {
  int pupils = 0;
  int finished = 0, started = 0, not_started = 0;  // started: some answer, not every question
  std::array<int, 4> watched{};  // pupils by quarter of the video reached: <25 %, <50, <75, ≥75
  int watched_known = 0;         // pupils with a video part
  struct Day {
    std::string date;                     // YYYY-MM-DD (UTC)
    int graded = 0, right = 0, open = 0;  // graded attempts, of them right; open answers
  };
  std::vector<Day> days;  // days with answers, in order
};

Summary summarize(const std::vector<PupilFacts>& pupils, const ClassFacts& asked);

// "2026-12-03" for a time in seconds since the epoch (UTC).
std::string day_of(std::int64_t at);
// Seconds since the epoch of an ISO 8601 UTC timestamp as SQLite writes them
// ("2026-12-03T18:00:09Z", "2026-12-03T18:00:09.123Z"); none for anything else.
std::optional<std::int64_t> parse_timestamp(const std::string& text);

}  // namespace repere::insight
