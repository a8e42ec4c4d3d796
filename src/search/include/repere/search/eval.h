// `repere eval`: retrieval quality on a BEIR-layout folder (corpus.jsonl, queries.jsonl,
// qrels.tsv). A temporary library is built from the corpus (one content and one passage per
// document), indexed, and every query is run in each available mode; the scores are the usual
// ones (nDCG@10 with graded gains, MRR@10, Recall@10, Recall@100), averaged over the queries
// that have at least one relevant document.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "repere/catalog/types.h"

#include "repere/core/result.h"
#include "repere/index/embedder.h"

namespace repere::search {

struct ModeScores {
  double ndcg10 = 0;
  double mrr10 = 0;
  double recall10 = 0;
  double recall100 = 0;
};

struct EvalReport {
  std::int64_t docs = 0;
  std::int64_t queries = 0;
  std::string language;                     // of the corpus, as detected or given
  std::map<std::string, ModeScores> modes;  // "lexical", "vector", "hybrid": those available
};

struct EvalOptions {
  std::filesystem::path dataset;  // the BEIR folder
  std::filesystem::path work;     // an empty folder for the temporary library
  std::string language;           // "fr", "en"; "" detects it from the queries
  bool train_embeddings = true;   // false: lexical mode only
  index::TrainOptions training;
  double hybrid_ratio = 0.5;
};

// Errors: invalid_argument naming the file and line of a malformed record; not_found for a
// missing file.
Result<EvalReport> evaluate(const EvalOptions& options);

// A library made of a BEIR corpus, as `evaluate` makes it: one published text content and one
// passage per document, indexed (with word vectors trained on it when asked).
struct BeirLibrary {
  std::int64_t docs = 0;
  std::unordered_map<std::int64_t, std::string> doc_of;  // content id -> the corpus's _id
};
Result<BeirLibrary> build_beir_library(const std::filesystem::path& corpus,
                                       const std::filesystem::path& work,
                                       const std::string& language, bool train_embeddings,
                                       const index::TrainOptions& training);

// A BEIR queries.jsonl: (_id, text) in file order.
Result<std::vector<std::pair<std::string, std::string>>> read_beir_queries(
    const std::filesystem::path& path);
// The language of a set of queries: "fr" when French function words outnumber English ones.
std::string queries_language(const std::vector<std::pair<std::string, std::string>>& queries);

std::string to_json(const EvalReport& report);

// Moment mode: a folder with lectures.jsonl (long timed « lectures »: {"_id", "title",
// "language", "cues": [[start_ms, end_ms, text], ...]}) and queries.jsonl ({"_id", "text",
// "lecture", "start_ms", "end_ms"}: the gold span), as scripts/make-moment-set writes them from
// the French Debian Reference. Each lecture becomes a video content with one subtitle track; its
// passages are cut by `segment` (ingest's segment_timed: search does not depend on ingest), and
// every query is run as a teacher would, one moment per content.
struct MomentScores {
  double content_first = 0;  // the right lecture is the first hit
  // ... and the first moment's link (where the player lands: Moment::at_ms) is inside the gold
  // span, or up to `slack_ms` before it
  double lands_in_span = 0;
  double lands_near_start = 0;  // ... within slack_ms of the span's start, either side
};

struct MomentReport {
  std::int64_t lectures = 0;
  std::int64_t queries = 0;
  std::int64_t passages = 0;
  std::string language;
  std::map<std::string, MomentScores> modes;
};

struct MomentEvalOptions {
  std::filesystem::path dataset;
  std::filesystem::path work;  // an empty folder for the temporary library
  bool train_embeddings = true;
  index::TrainOptions training;
  double hybrid_ratio = 0.5;
  std::int64_t slack_ms = 15000;
  std::ostream* misses = nullptr;  // when set, one line per query that missed, for each mode
  std::function<std::vector<catalog::Passage>(const std::vector<catalog::Cue>&)> segment;
};

// Whether `dataset` is a moment set (has lectures.jsonl).
bool is_moment_set(const std::filesystem::path& dataset);

// Errors: invalid_argument naming the file and line of a malformed record or a query whose
// lecture is unknown; not_found for a missing file.
Result<MomentReport> evaluate_moments(const MomentEvalOptions& options);

std::string to_json(const MomentReport& report);

}  // namespace repere::search
