// `repere eval` in moment mode: does the first moment of the right lecture land where the topic
// is? See eval.h.
#include <atomic>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "jsonl.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/core/data_dir.h"
#include "repere/core/text.h"
#include "repere/index/library.h"
#include "repere/search/eval.h"
#include "repere/search/search.h"

namespace repere::search {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct MomentQuery {
  std::string id;
  std::string text;
  std::string lecture;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

Result<std::vector<catalog::Cue>> cues_of(const json& j, const fs::path& path, int line) {
  const auto bad = [&](const std::string& why) {
    return Status::invalid_argument(path.string() + ":" + std::to_string(line) + ": " + why);
  };
  if (!j.contains("cues") || !j["cues"].is_array()) return bad("no \"cues\" array");
  std::vector<catalog::Cue> cues;
  for (const json& c : j["cues"]) {
    if (!c.is_array() || c.size() != 3 || !c[0].is_number_integer() || !c[1].is_number_integer() ||
        !c[2].is_string())
      return bad("a cue is not [start_ms, end_ms, \"text\"]");
    const auto start = c[0].get<std::int64_t>(), end = c[1].get<std::int64_t>();
    if (start < 0 || end < start) return bad("a cue ends before it starts");
    cues.push_back(catalog::Cue{.seq = static_cast<int>(cues.size()),
                                .start_ms = start,
                                .end_ms = end,
                                .text = c[2].get<std::string>()});
  }
  if (cues.empty()) return bad("a lecture without cues");
  return cues;
}

// One video content per lecture, with its subtitle track, cues and passages.
Status load_lectures(catalog::Database& db, const MomentEvalOptions& options,
                     std::unordered_map<std::string, std::int64_t>& content_of,
                     MomentReport& report) {
  const fs::path path = options.dataset / "lectures.jsonl";
  REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db));
  const Status read = read_jsonl(path, [&](const json& j, int line) -> Status {
    REPERE_ASSIGN_OR_RETURN(auto cues, cues_of(j, path, line));
    catalog::Content c;
    c.status = catalog::EditorialStatus::kPublished;
    c.kind = catalog::ContentKind::kVideo;
    c.title = string_field(j, "title");
    c.language = string_field(j, "language").empty() ? "fr" : string_field(j, "language");
    c.external_id = string_field(j, "_id");
    c.media_path = "moments:" + *c.external_id;
    c.duration_ms = *cues.back().end_ms;
    REPERE_ASSIGN_OR_RETURN(const std::int64_t id, catalog::ContentRepository(db).insert(c));
    catalog::Track t;
    t.content_id = id;
    t.kind = catalog::TrackKind::kSubtitles;
    t.language = c.language;
    t.origin = "human";
    t.label = "Sous-titres";
    REPERE_ASSIGN_OR_RETURN(const std::int64_t track, catalog::TrackRepository(db).insert(t));
    REPERE_RETURN_IF_ERROR(catalog::CueRepository(db).replace_for_track(track, cues));
    std::vector<catalog::Passage> passages = options.segment(cues);
    for (catalog::Passage& p : passages) {
      p.track_id = track;
      if (p.language.empty()) p.language = c.language;
    }
    report.passages += static_cast<std::int64_t>(passages.size());
    REPERE_RETURN_IF_ERROR(catalog::PassageRepository(db).replace_for_content(id, passages));
    content_of[*c.external_id] = id;
    report.language = c.language;
    ++report.lectures;
    return Status::ok();
  });
  REPERE_RETURN_IF_ERROR(read);
  return txn.commit();
}

Result<std::vector<MomentQuery>> read_queries(
    const fs::path& path, const std::unordered_map<std::string, std::int64_t>& lectures) {
  std::vector<MomentQuery> out;
  REPERE_RETURN_IF_ERROR(read_jsonl(path, [&](const json& j, int line) -> Status {
    MomentQuery q{.id = string_field(j, "_id"),
                  .text = string_field(j, "text"),
                  .lecture = string_field(j, "lecture")};
    const bool spans = j.contains("start_ms") && j["start_ms"].is_number_integer() &&
                       j.contains("end_ms") && j["end_ms"].is_number_integer();
    if (!spans || q.text.empty() || !lectures.count(q.lecture)) {
      return Status::invalid_argument(path.string() + ":" + std::to_string(line) +
                                      ": needs \"text\", a known \"lecture\", \"start_ms\" and "
                                      "\"end_ms\"");
    }
    q.start_ms = j["start_ms"].get<std::int64_t>();
    q.end_ms = j["end_ms"].get<std::int64_t>();
    out.push_back(std::move(q));
    return Status::ok();
  }));
  return out;
}

}  // namespace

bool is_moment_set(const fs::path& dataset) {
  std::error_code ec;
  return fs::is_regular_file(dataset / "lectures.jsonl", ec);
}

Result<MomentReport> evaluate_moments(const MomentEvalOptions& options) {
  if (!options.segment) return Status::invalid_argument("evaluate_moments: no segmenter given");
  MomentReport report;
  const DataDir dir{options.work};
  std::unordered_map<std::string, std::int64_t> content_of;
  {
    REPERE_ASSIGN_OR_RETURN(auto db, catalog::Database::open(dir.catalog()));
    REPERE_RETURN_IF_ERROR(load_lectures(*db, options, content_of, report));
    std::atomic<bool> stop{false};
    REPERE_RETURN_IF_ERROR(
        index::reindex(*db, dir.root / "index", nullptr, stop,
                       {.train_embeddings = options.train_embeddings, .training = options.training})
            .status());
  }
  REPERE_ASSIGN_OR_RETURN(const auto queries,
                          read_queries(options.dataset / "queries.jsonl", content_of));
  REPERE_ASSIGN_OR_RETURN(auto searcher, Searcher::open(dir));
  std::vector<std::pair<std::string, double>> modes = {{"lexical", 0.0}};
  if (options.train_embeddings) {
    modes.emplace_back("vector", 1.0);
    modes.emplace_back("hybrid", options.hybrid_ratio);
  }
  for (const auto& [mode, ratio] : modes) {
    MomentScores s;
    for (const MomentQuery& q : queries) {
      SearchRequest r;
      r.query = q.text;
      r.semantic_ratio = ratio;
      r.limit = 10;
      r.moments_per_content = 1;
      r.language = report.language;
      REPERE_ASSIGN_OR_RETURN(const SearchResponse got, searcher->search(r));
      const auto miss = [&](const std::string& what) {
        if (options.misses == nullptr) return;
        *options.misses << mode << " " << q.id << " « " << q.text << " » " << q.lecture << " "
                        << text::clock_time(q.start_ms) << "–" << text::clock_time(q.end_ms) << ": "
                        << what << "\n";
      };
      if (got.hits.empty()) {
        miss("nothing found");
        continue;
      }
      if (got.hits[0].content_id != content_of.at(q.lecture)) {
        miss("first hit « " + got.hits[0].title + " »");
        continue;
      }
      s.content_first += 1;
      if (got.hits[0].moments.empty()) continue;
      const Moment& m = got.hits[0].moments[0];
      const std::int64_t lands = m.at_ms.value_or(m.start_ms.value_or(-1));
      if (lands >= q.start_ms - options.slack_ms && lands <= q.end_ms) {
        s.lands_in_span += 1;
      } else {
        miss("lands at " + text::clock_time(lands) + " (moment " +
             text::clock_time(m.start_ms.value_or(0)) + "–" +
             text::clock_time(m.end_ms.value_or(0)) + ")");
      }
      if (std::abs(lands - q.start_ms) <= options.slack_ms) s.lands_near_start += 1;
    }
    const double n = queries.empty() ? 1.0 : static_cast<double>(queries.size());
    report.modes[mode] = {s.content_first / n, s.lands_in_span / n, s.lands_near_start / n};
  }
  report.queries = static_cast<std::int64_t>(queries.size());
  return report;
}

std::string to_json(const MomentReport& r) {
  json modes = json::object();
  for (const auto& [name, s] : r.modes) {
    modes[name] = {{"content_first", s.content_first},
                   {"lands_in_span", s.lands_in_span},
                   {"lands_near_start", s.lands_near_start}};
  }
  return json{{"lectures", r.lectures},
              {"queries", r.queries},
              {"passages", r.passages},
              {"language", r.language},
              {"modes", modes}}
      .dump();
}

}  // namespace repere::search
