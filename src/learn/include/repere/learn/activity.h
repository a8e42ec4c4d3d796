// Interactive videos: an activity is a clip of a content (start and end in ms) with settings
// and interactions at times within the clip — definition pauses, questions, chapters.
//
// These are plain values; `validate` says what is wrong with one, naming the field
// ("interactions[2].at_ms: 47:05 is after the end of the clip, 46:10"), and `grade` checks a
// pupil's response to a question. Storage is in repere/learn/store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "repere/core/result.h"

namespace repere::learn {

using Id = std::int64_t;

enum class Skipping { kAllowed, kForwardBlocked, kBlocked };
// Which of a pupil's attempts at a question counts: the first (the default: retries are for
// learning, not for the score) or the best.
enum class Counting { kFirst, kBest };
enum class InteractionType { kDefinition, kChoice, kTrueFalse, kBlanks, kOpen, kChapter };

// Stable names, as stored and in the API: "allowed", "forward_blocked", "blocked";
// "definition", "choice", "true_false", "blanks", "open", "chapter".
std::string_view to_string(Skipping v);
std::string_view to_string(Counting v);  // "first", "best"
Result<Counting> parse_counting(std::string_view s);
std::string_view to_string(InteractionType v);
Result<Skipping> parse_skipping(std::string_view s);
Result<InteractionType> parse_interaction_type(std::string_view s);

struct Choice {
  std::string text;
  bool correct = false;
  std::string feedback;  // shown when the pupil picks it; may be empty
};

// One interaction; which fields count depends on `type`:
//   definition: term, definition       choice: question, choices (one or several right)
//   true_false: question, answer_true  blanks: text, with each blank as *answer* or
//   open: question (not graded)                 *answer/variant* ("La *chlorophylle* …")
//   chapter: title
// feedback_right / feedback_wrong: for true_false and blanks (choice has per-choice feedback).
struct Interaction {
  Id id = 0;  // assigned when stored
  std::int64_t at_ms = 0;
  InteractionType type = InteractionType::kDefinition;
  bool pause = true;
  std::optional<std::int64_t> wrong_goto_ms;  // questions: "if wrong, go back to T"
  std::string term, definition;
  std::string question;
  std::vector<Choice> choices;
  bool answer_true = false;
  std::string text;
  std::string title;
  std::string feedback_right, feedback_wrong;
};

struct Settings {
  Skipping skipping = Skipping::kAllowed;
  bool must_answer = false;  // questions must be answered to go on
  bool captions_on = true;   // captions shown from the start
  int attempts = 0;          // answers allowed per question: 1 to kMaxAttempts, 0 = unlimited
  Counting counting = Counting::kFirst;
};
constexpr int kMaxAttempts = 10;

struct Activity {
  Id id = 0;  // assigned when stored
  Id content_id = 0;
  std::string title;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  Settings settings;
  std::vector<Interaction> interactions;  // kept in time order by the store
  std::string created_at, updated_at;     // set by the store
};

// What is wrong with an activity, or OK. `content_duration_ms`, when known, bounds the clip.
// Errors are invalid_argument naming the field: an empty title, a clip that ends before it
// starts or after the content, an interaction outside the clip, an empty term or definition,
// a choice question without a right answer or with fewer than two choices, blanks text
// without a *blank*, a wrong-answer jump outside the clip, an interaction on a non-question
// with a wrong-answer jump.
Status validate(const Activity& a, std::optional<std::int64_t> content_duration_ms = {});

// What validate() finds, for people: the field ("title", "interactions[2].choices[1].text"),
// a message key ("choices.none_right", "clip.after_media") that pages translate from their own
// table, and the values the message names (times as "mm:ss"). english() is the API's text.
struct Problem {
  std::string field;
  std::string key;
  std::vector<std::string> args;
  std::string english() const;
};
std::optional<Problem> find_problem(const Activity& a,
                                    std::optional<std::int64_t> content_duration_ms = {});
// `text` with {0}, {1}… replaced by `args`.
std::string fill_message(const std::string& text, const std::vector<std::string>& args);

bool is_question(InteractionType t);  // choice, true_false, blanks, open

// The blanks of a blanks text, each with its accepted answers: "La *chlorophylle* capte
// la *lumière/lumiere*." -> {{"chlorophylle"}, {"lumière", "lumiere"}}.
std::vector<std::vector<std::string>> blanks_of(std::string_view text);
// The text with its blanks hidden, as pupils see it: "La ___ capte la ___." (each blank
// replaced by `placeholder`; the player's labels use « … »).
std::string hide_blanks(const std::string& text, std::string_view placeholder = "___");

// A pupil's response, as the player sends it: the chosen choice indexes (choice), the
// answer (true_false), the words typed in each blank (blanks), the text (open).
struct Response {
  std::vector<int> chosen;
  std::optional<bool> answer;
  std::vector<std::string> blanks;
  std::string text;
};

struct Grade {
  std::optional<bool> correct;  // none for open questions
  double score = 0;             // right choices / blanks, 0 to max_score
  double max_score = 0;
  std::vector<std::string> feedback;    // to show, in order
  std::optional<std::int64_t> goto_ms;  // the wrong-answer jump, when wrong
  std::optional<int> attempts_left;     // set by the store (none: unlimited or not stored)
};

// Grades a response. Errors: invalid_argument for a response that does not fit the question
// (a choice index out of range, no answer to a true/false, the wrong number of blanks) or
// for an interaction that is not a question. Blanks compare without case and extra spaces,
// accents kept (« photosynthese » is not « photosynthèse »).
Result<Grade> grade(const Interaction& q, const Response& r);

// What a question is worth, whether answered or not: its right choices, 1 for true/false, its
// blanks; 0 for an open question (not graded) and for what is not a question.
double max_score(const Interaction& q);
bool is_graded(InteractionType t);  // choice, true_false, blanks

// One answer a pupil gave, in the order given (the store keeps them all).
struct Attempt {
  std::optional<bool> correct;
  double score = 0, max_score = 0;
};
// The index in `attempts` of the one that counts under `rule`: the first, or the best score
// (the earliest of equal bests). None when there are none.
std::optional<std::size_t> counted_attempt(const std::vector<Attempt>& attempts, Counting rule);
// How many more answers a pupil may give after `used`; none when unlimited.
std::optional<int> attempts_left(const Settings& s, int used);

// A line of a transcript (a cue), for cutting clips.
struct TimedLine {
  std::int64_t start_ms = 0, end_ms = 0;
  std::string text;
};
// Whether `text` ends a sentence: . ! ? or … last (before a closing » or parenthesis).
bool ends_sentence(std::string_view text);
// A clip of `lines` (in time order) from the start of the sentence that holds `from_ms` to the
// end of the first sentence that ends at or after `until_ms`: the default clip of a moment
// found, which neither starts nor ends mid-sentence. Each edge moves at most 30 s to meet a
// sentence's; where none is that close, it stays on the line. Within [0, duration_ms].
std::pair<std::int64_t, std::int64_t> sentence_clip(const std::vector<TimedLine>& lines,
                                                    std::int64_t from_ms, std::int64_t until_ms,
                                                    std::int64_t duration_ms);

// "mm:ss" or "h:mm:ss", for messages and pages.
std::string clock(std::int64_t ms);
// A time as a teacher types it: "83", "1:23", "01:23,5", "1:02:03.25" (seconds, minutes:
// seconds or hours:minutes:seconds, a decimal point or comma). None when it is not a time.
std::optional<std::int64_t> parse_clock(std::string_view s);
// clock() with tenths when the time has them: "01:23.4"; what parse_clock reads back.
std::string clock_tenths(std::int64_t ms);

}  // namespace repere::learn
