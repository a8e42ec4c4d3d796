// `repere eval`: retrieval quality on a BEIR-layout folder (corpus.jsonl, queries.jsonl,
// qrels.tsv). A temporary library is built from the corpus (one content and one passage per
// document), indexed, and every query is run in each available mode; the scores are the usual
// ones (nDCG@10 with graded gains, MRR@10, Recall@10, Recall@100), averaged over the queries
// that have at least one relevant document.
#pragma once

#include <filesystem>
#include <map>
#include <string>

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

std::string to_json(const EvalReport& report);

}  // namespace repere::search
