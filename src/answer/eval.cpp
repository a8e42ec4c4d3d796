#include "repere/answer/eval.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "repere/core/text.h"
#include "repere/search/eval.h"
#include "repere/search/search.h"

namespace repere::answer {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<std::unordered_map<std::string, std::vector<std::string>>> read_answers(
    const fs::path& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found(path.string() + " is missing");
  std::unordered_map<std::string, std::vector<std::string>> out;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("_id") || !j["_id"].is_string() ||
        !j.contains("answers") || !j["answers"].is_array()) {
      return Status::invalid_argument(path.string() + ":" + std::to_string(line_no) +
                                      ": expected {\"_id\": …, \"answers\": [ … ]}");
    }
    auto& spans = out[j["_id"].get<std::string>()];
    for (const auto& a : j["answers"]) {
      if (a.is_string() && !a.get<std::string>().empty()) spans.push_back(a.get<std::string>());
    }
  }
  return out;
}

std::string joined(const Answer& a) {
  std::string out;
  for (const Sentence& s : a.sentences) out += (out.empty() ? "" : " ") + s.text;
  return out;
}

}  // namespace

Overlap token_overlap(const std::string& answer, const std::string& gold) {
  const auto a = text::search_terms(answer);
  const auto g = text::search_terms(gold);
  if (a.empty() || g.empty()) return {};
  std::map<std::string, int> counts;
  for (const auto& t : g) ++counts[t];
  int shared = 0;
  for (const auto& t : a) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++shared;
    }
  }
  if (shared == 0) return {};
  const double precision = static_cast<double>(shared) / static_cast<double>(a.size());
  const double recall = static_cast<double>(shared) / static_cast<double>(g.size());
  return {2 * precision * recall / (precision + recall), recall};
}

Result<AnswerEvalReport> evaluate_answers(const AnswerEvalOptions& o) {
  AnswerEvalReport report;
  REPERE_ASSIGN_OR_RETURN(const auto queries,
                          search::read_beir_queries(o.dataset / "queries.jsonl"));
  REPERE_ASSIGN_OR_RETURN(const auto spans, read_answers(o.dataset / "answers.jsonl"));
  std::vector<std::pair<std::string, std::string>> others;
  if (!o.unanswerable.empty()) {
    REPERE_ASSIGN_OR_RETURN(others, search::read_beir_queries(o.unanswerable));
  }
  report.language = o.language.empty() ? search::queries_language(queries) : o.language;
  REPERE_ASSIGN_OR_RETURN(const auto library, search::build_beir_library(
                                                  o.dataset / "corpus.jsonl", o.work,
                                                  report.language, o.train_embeddings, o.training));
  report.docs = library.docs;
  const DataDir dir{o.work};
  REPERE_ASSIGN_OR_RETURN(auto searcher, search::Searcher::open(dir));
  REPERE_ASSIGN_OR_RETURN(auto db, catalog::Database::open(dir.catalog()));
  Answerer answerer(*searcher, *db);
  AnswerOptions options = o.answer;
  options.language = report.language;
  double f1_sum = 0;
  std::int64_t half = 0;
  for (const auto& [id, question] : queries) {
    const auto gold = spans.find(id);
    if (gold == spans.end() || gold->second.empty()) continue;
    ++report.questions;
    REPERE_ASSIGN_OR_RETURN(const Answer a, answerer.answer(question, options));
    if (!a.answered) {
      if (o.misses) *o.misses << id << " unanswered « " << question << " »\n";
      continue;
    }
    ++report.answered;
    const std::string text = joined(a);
    Overlap best;
    for (const std::string& span : gold->second) {
      const Overlap x = token_overlap(text, span);
      if (x.f1 > best.f1) best.f1 = x.f1;
      if (x.recall > best.recall) best.recall = x.recall;
    }
    f1_sum += best.f1;
    if (best.recall >= 0.5) ++half;
    if (o.misses && best.f1 < 0.2) {
      *o.misses << id << " F1 " << best.f1 << " « " << question << " » → « " << text.substr(0, 200)
                << " »\n";
    }
  }
  if (report.questions > 0) {
    const auto n = static_cast<double>(report.questions);
    report.f1 = f1_sum / n;
    report.half_covered = static_cast<double>(half) / n;
    report.abstention = static_cast<double>(report.questions - report.answered) / n;
  }
  if (report.answered > 0) report.f1_answered = f1_sum / static_cast<double>(report.answered);
  std::int64_t abstained = 0;
  for (const auto& [id, question] : others) {
    // Asked as its own language: the other domain's questions may be in another one.
    AnswerOptions other = options;
    other.language.clear();
    REPERE_ASSIGN_OR_RETURN(const Answer a, answerer.answer(question, other));
    ++report.other_questions;
    if (!a.answered) {
      ++abstained;
    } else if (o.misses) {
      *o.misses << "other " << id << " answered « " << question << " » → « "
                << joined(a).substr(0, 200) << " »\n";
    }
  }
  if (report.other_questions > 0) {
    report.other_abstention =
        static_cast<double>(abstained) / static_cast<double>(report.other_questions);
  }
  return report;
}

std::string to_json(const AnswerEvalReport& r) {
  return json{{"docs", r.docs},
              {"questions", r.questions},
              {"answered", r.answered},
              {"language", r.language},
              {"token_f1", r.f1},
              {"token_f1_answered", r.f1_answered},
              {"half_covered", r.half_covered},
              {"abstention", r.abstention},
              {"other_questions", r.other_questions},
              {"other_abstention", r.other_abstention}}
      .dump();
}

}  // namespace repere::answer
