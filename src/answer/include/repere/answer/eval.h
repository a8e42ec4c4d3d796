// `repere eval --answers`: answers measured on a BEIR folder with answers.jsonl ({"_id",
// "answers": [the span of the document that answers, as annotators wrote it]}). A temporary
// library is built from the corpus as `repere eval` builds it, each question is answered, and
// the answer (its sentences joined) is compared with the spans:
//   - token F1 (folded words, as search compares them; the best span of a question), counting
//     0 for a question left unanswered;
//   - half coverage: the share of questions whose span the answer says at least half of;
//   - abstention: the share of questions left unanswered, in the domain, and on questions of
//     another domain (another set's queries.jsonl: there, abstaining is right).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "repere/answer/answer.h"
#include "repere/core/result.h"
#include "repere/index/embedder.h"

namespace repere::answer {

struct AnswerEvalOptions {
  std::filesystem::path dataset;  // with corpus.jsonl, queries.jsonl, answers.jsonl
  std::filesystem::path work;     // an empty folder for the temporary library
  // queries.jsonl of another domain, asked of the same library; "" none.
  std::filesystem::path unanswerable;
  std::string language;  // of the corpus; "" told by its queries
  bool train_embeddings = true;
  index::TrainOptions training;
  AnswerOptions answer;
  std::ostream* misses = nullptr;  // when set, one line per question whose answer scored low
};

struct AnswerEvalReport {
  std::int64_t docs = 0;
  std::int64_t questions = 0;  // with an annotated span
  std::int64_t answered = 0;
  double f1 = 0;            // mean over every question (0 when unanswered)
  double f1_answered = 0;   // mean over the answered ones
  double half_covered = 0;  // share of questions
  double abstention = 0;    // share of the questions left unanswered
  std::int64_t other_questions = 0;
  double other_abstention = 0;  // share of the other domain's questions left unanswered
  std::string language;
};

// Errors: not_found for a missing file; invalid_argument naming the file and line of a
// malformed record.
Result<AnswerEvalReport> evaluate_answers(const AnswerEvalOptions& options);

// Token F1 and the share of `gold`'s tokens that `answer` says (each token counted as often as
// both have it), after folding: what the evaluation compares.
struct Overlap {
  double f1 = 0;
  double recall = 0;
};
Overlap token_overlap(const std::string& answer, const std::string& gold);

std::string to_json(const AnswerEvalReport& report);

}  // namespace repere::answer
