#include "repere/search/eval.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "jsonl.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/index/library.h"
#include "repere/search/search.h"

namespace repere::search {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Qrels = std::unordered_map<std::string, std::unordered_map<std::string, int>>;

Result<Qrels> read_qrels(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found(path.string() + " is missing");
  Qrels out;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line.rfind("query-id", 0) == 0)) continue;
    const auto t1 = line.find('\t');
    const auto t2 = line.find('\t', t1 == std::string::npos ? t1 : t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos) {
      return Status::invalid_argument(path.string() + ":" + std::to_string(line_no) +
                                      ": expected query-id TAB corpus-id TAB score");
    }
    try {
      out[line.substr(0, t1)][line.substr(t1 + 1, t2 - t1 - 1)] = std::stoi(line.substr(t2 + 1));
    } catch (const std::exception&) {
      return Status::invalid_argument(path.string() + ":" + std::to_string(line_no) +
                                      ": the score is not a number");
    }
  }
  return out;
}

void add_scores(ModeScores& total, const std::vector<std::string>& ranked,
                const std::unordered_map<std::string, int>& relevant) {
  double dcg = 0;
  for (std::size_t i = 0; i < ranked.size() && i < 10; ++i) {
    const auto r = relevant.find(ranked[i]);
    if (r != relevant.end() && r->second > 0) dcg += r->second / std::log2(i + 2.0);
  }
  std::vector<int> gains;
  int relevant_count = 0;
  for (const auto& [doc, g] : relevant) {
    if (g > 0) {
      gains.push_back(g);
      ++relevant_count;
    }
  }
  std::sort(gains.rbegin(), gains.rend());
  double idcg = 0;
  for (std::size_t i = 0; i < gains.size() && i < 10; ++i) idcg += gains[i] / std::log2(i + 2.0);
  total.ndcg10 += idcg > 0 ? dcg / idcg : 0;
  for (std::size_t i = 0; i < ranked.size() && i < 10; ++i) {
    const auto r = relevant.find(ranked[i]);
    if (r != relevant.end() && r->second > 0) {
      total.mrr10 += 1.0 / (i + 1);
      break;
    }
  }
  int in10 = 0, in100 = 0;
  for (std::size_t i = 0; i < ranked.size() && i < 100; ++i) {
    const auto r = relevant.find(ranked[i]);
    if (r == relevant.end() || r->second <= 0) continue;
    ++in100;
    if (i < 10) ++in10;
  }
  total.recall10 += static_cast<double>(in10) / relevant_count;
  total.recall100 += static_cast<double>(in100) / relevant_count;
}

Status load_corpus(catalog::Database& db, const fs::path& path, const std::string& language,
                   std::unordered_map<std::int64_t, std::string>& doc_of, std::int64_t& docs) {
  REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db));
  catalog::ContentRepository contents(db);
  catalog::PassageRepository passages(db);
  const Status read = read_jsonl(path, [&](const json& j, int line) -> Status {
    catalog::Content c;
    c.status = catalog::EditorialStatus::kPublished;  // a library as readers see it
    c.kind = catalog::ContentKind::kText;
    c.title = string_field(j, "title");
    c.language = language;
    c.external_id = string_field(j, "_id");
    c.media_path = "beir:" + *c.external_id;
    std::string body = string_field(j, "text");
    if (body.find_first_not_of(" \n\t") == std::string::npos) body = c.title;
    if (body.find_first_not_of(" \n\t") == std::string::npos) return Status::ok();
    auto id = contents.insert(c);
    if (!id.is_ok()) {
      return Status::invalid_argument(path.string() + ":" + std::to_string(line) + ": " +
                                      id.status().message());
    }
    catalog::Passage p;
    p.text = std::move(body);
    p.language = language;
    REPERE_RETURN_IF_ERROR(passages.replace_for_content(*id, {p}));
    doc_of[*id] = *c.external_id;
    ++docs;
    return Status::ok();
  });
  REPERE_RETURN_IF_ERROR(read);
  return txn.commit();
}

}  // namespace

std::string queries_language(const std::vector<std::pair<std::string, std::string>>& queries) {
  static const std::set<std::string> kFr = {
      "le",  "la",   "les",  "de",      "des",  "du",     "et", "est", "un",  "une", "que",
      "qui", "pour", "dans", "comment", "quel", "quelle", "ce", "sur", "mon", "ma"};
  static const std::set<std::string> kEn = {"the",  "of",  "and", "is",    "to", "in",   "a", "for",
                                            "what", "how", "are", "which", "on", "with", "be"};
  int fr = 0, en = 0;
  for (const auto& q : queries) {
    for (const std::string& w : text::search_terms(q.second)) {
      fr += kFr.count(w) ? 1 : 0;
      en += kEn.count(w) ? 1 : 0;
    }
  }
  return fr >= en ? "fr" : "en";
}

Result<std::vector<std::pair<std::string, std::string>>> read_beir_queries(const fs::path& path) {
  std::vector<std::pair<std::string, std::string>> out;
  REPERE_RETURN_IF_ERROR(read_jsonl(path, [&](const json& j, int) {
    out.emplace_back(string_field(j, "_id"), string_field(j, "text"));
    return Status::ok();
  }));
  return out;
}

Result<BeirLibrary> build_beir_library(const fs::path& corpus, const fs::path& work,
                                       const std::string& language, bool train_embeddings,
                                       const index::TrainOptions& training) {
  BeirLibrary out;
  const DataDir dir{work};
  REPERE_ASSIGN_OR_RETURN(auto db, catalog::Database::open(dir.catalog()));
  REPERE_RETURN_IF_ERROR(load_corpus(*db, corpus, language, out.doc_of, out.docs));
  std::atomic<bool> stop{false};
  // Embeddings trained on the corpus itself, as `repere train-embeddings` does.
  REPERE_RETURN_IF_ERROR(
      index::reindex(*db, dir.root / "index", nullptr, stop,
                     {.train_embeddings = train_embeddings, .training = training})
          .status());
  return out;
}

Result<EvalReport> evaluate(const EvalOptions& options) {
  EvalReport report;
  REPERE_ASSIGN_OR_RETURN(const auto queries, read_beir_queries(options.dataset / "queries.jsonl"));
  REPERE_ASSIGN_OR_RETURN(const Qrels qrels, read_qrels(options.dataset / "qrels.tsv"));
  report.language = options.language.empty() ? queries_language(queries) : options.language;
  const DataDir dir{options.work};
  REPERE_ASSIGN_OR_RETURN(
      BeirLibrary library,
      build_beir_library(options.dataset / "corpus.jsonl", options.work, report.language,
                         options.train_embeddings, options.training));
  report.docs = library.docs;
  auto& doc_of = library.doc_of;
  REPERE_ASSIGN_OR_RETURN(auto searcher, Searcher::open(dir));
  const std::vector<std::pair<std::string, double>> modes =
      options.train_embeddings
          ? std::vector<std::pair<std::string, double>>{{"lexical", 0.0},
                                                        {"vector", 1.0},
                                                        {"hybrid", options.hybrid_ratio}}
          : std::vector<std::pair<std::string, double>>{{"lexical", 0.0}};
  for (const auto& [mode, ratio] : modes) {
    ModeScores total;
    std::int64_t counted = 0;
    for (const auto& [id, text] : queries) {
      const auto rel = qrels.find(id);
      if (rel == qrels.end()) continue;
      if (std::none_of(rel->second.begin(), rel->second.end(),
                       [](const auto& kv) { return kv.second > 0; }))
        continue;
      SearchRequest r;
      r.query = text;
      r.semantic_ratio = ratio;
      r.limit = 100;
      r.group_by_content = false;
      r.moments_per_content = 1;
      r.language = report.language;
      REPERE_ASSIGN_OR_RETURN(const SearchResponse got, searcher->search(r));
      std::vector<std::string> ranked;
      for (const Hit& h : got.hits) ranked.push_back(doc_of[h.content_id]);
      add_scores(total, ranked, rel->second);
      ++counted;
    }
    if (counted > 0) {
      total.ndcg10 /= counted;
      total.mrr10 /= counted;
      total.recall10 /= counted;
      total.recall100 /= counted;
    }
    report.queries = counted;
    report.modes[mode] = total;
  }
  return report;
}

std::string to_json(const EvalReport& r) {
  json modes = json::object();
  for (const auto& [name, s] : r.modes) {
    modes[name] = {{"ndcg@10", s.ndcg10},
                   {"mrr@10", s.mrr10},
                   {"recall@10", s.recall10},
                   {"recall@100", s.recall100}};
  }
  return json{{"docs", r.docs}, {"queries", r.queries}, {"language", r.language}, {"modes", modes}}
      .dump();
}

}  // namespace repere::search
