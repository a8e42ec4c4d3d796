// repere reindex: rebuilds the search index from the catalog, swapped in atomically.
// repere search: searches the library and prints contents with their moments.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>

#include "commands.h"
#include "repere/answer/eval.h"
#include "repere/catalog/database.h"
#include "repere/core/config.h"
#include "repere/core/data_dir.h"
#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/index/dictionary.h"
#include "repere/index/library.h"
#include "repere/ingest/segmenter.h"
#include "repere/search/eval.h"
#include "repere/search/search.h"

namespace repere::app {
namespace {

// « passages » or « skipgram », as the command line takes it (checked there).
index::TrainObjective objective_of(const std::string& name) {
  return name == "passages" ? index::TrainObjective::kPassages : index::TrainObjective::kSkipgram;
}

namespace fs = std::filesystem;

std::atomic<bool> g_reindex_stop{false};  // set by SIGINT/SIGTERM
extern "C" void on_reindex_signal(int) { g_reindex_stop = true; }

// "12:34" or "1:02:03".
std::string clock_time(std::int64_t ms) { return text::clock_time(ms); }

// A snippet for the terminal: <mark> becomes [ ], entities are decoded.
std::string terminal_snippet(std::string s) {
  static const std::vector<std::pair<std::string, std::string>> kReplace = {
      {"<mark>", "["}, {"</mark>", "]"}, {"&lt;", "<"},
      {"&gt;", ">"},   {"&quot;", "\""}, {"&amp;", "&"}};
  for (const auto& [from, to] : kReplace) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  }
  return s;
}

void print_human(const search::SearchResponse& r, std::ostream& out) {
  if (!r.suggestion.empty()) out << "Vouliez-vous dire : " << r.suggestion << " ?\n";
  if (r.degraded) out << "(" << r.degraded_reason << ")\n";
  out << r.total << (r.total == 1 ? " content" : " contents") << " for « " << r.query << " »\n";
  for (const search::Hit& h : r.hits) {
    out << "\n" << h.title << "  [" << h.kind;
    if (h.duration_ms) out << ", " << clock_time(*h.duration_ms);
    out << "]  #" << h.content_id << "\n";
    for (const search::Moment& m : h.moments) {
      if (m.start_ms && m.end_ms) {
        out << "  " << clock_time(*m.start_ms) << "–" << clock_time(*m.end_ms) << "  ";
      } else if (m.page) {
        out << "  p. " << *m.page << "  ";
      } else {
        out << "  ";
      }
      out << terminal_snippet(m.snippet) << "\n";
    }
  }
}

Result<Config> config_of(const CommonOptions& common) {
  return load_config(
      {.data_dir = common.data_dir, .env = repere_environment(), .overrides = common.settings});
}

}  // namespace

index::EmbeddingSettings embedding_settings(const Config& config) {
  return {.vectors = config.embeddings_vectors,
          .endpoint = config.embeddings_endpoint,
          .endpoint_model = config.embeddings_endpoint_model,
          .endpoint_key = config.embeddings_endpoint_key};
}

search::SearcherOptions searcher_options(const Config& config) {
  search::SearcherOptions out{.embeddings = embedding_settings(config)};
  // The thesaurus is optional: without mythes-fr, search goes on with the words.
  std::error_code ec;
  if (!config.search_thesaurus.empty() && fs::is_regular_file(config.search_thesaurus, ec))
    out.thesaurus = config.search_thesaurus;
  if (!config.search_dictionaries.empty())
    out.dictionaries = index::Dictionaries::open(config.search_dictionaries);
  return out;
}

int run_reindex(const ReindexOptions& options, Io io) {
  const DataDir dir{options.common.data_dir};
  const auto config = config_of(options.common);
  if (!config.is_ok()) {
    io.err << "repere reindex: " << config.status().message() << "\n";
    return kExitFailure;
  }
  auto db = catalog::Database::open(dir.catalog());
  if (!db.is_ok()) {
    io.err << "repere reindex: " << db.status().message() << "\n";
    return kExitFailure;
  }
  auto lock = FileLock::acquire(dir.root / "ingest.lock",
                                "`repere ingest` or another `repere reindex` is running on this "
                                "data folder; wait for it to finish");
  if (!lock.is_ok()) {
    io.err << "repere reindex: " << lock.status().message() << "\n";
    return kExitFailure;
  }
  std::signal(SIGINT, on_reindex_signal);
  std::signal(SIGTERM, on_reindex_signal);
  const auto start = std::chrono::steady_clock::now();
  const auto report = index::reindex(**db, dir.root / "index",
                                     [&](std::int64_t done, std::int64_t total) {
                                       io.err << "reindex: " << done << "/" << total
                                              << " passages\n";
                                     },
                                     g_reindex_stop,
                                     {.train_embeddings = options.train_embeddings,
                                      .training = {.dim = options.dim,
                                                   .epoch = options.epoch,
                                                   .objective = objective_of(options.objective)},
                                      .embeddings = embedding_settings(*config)});
  if (!report.is_ok()) {
    io.err << "repere reindex: " << report.status().message() << "\n";
    return g_reindex_stop ? kExitInterrupted : kExitFailure;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[300];
  std::snprintf(line, sizeof line,
                "Index generation %d: %lld passages of %lld contents, %lld vectors%s%s in %.1f s\n",
                report->generation, static_cast<long long>(report->passages),
                static_cast<long long>(report->contents), static_cast<long long>(report->vectors),
                report->embedder.empty() ? "" : " by ", report->embedder.c_str(), seconds);
  io.out << line;
  if (report->embedder.empty()) {
    io.out << "No embeddings: search matches words only. `repere train-embeddings` adds search "
              "by meaning.\n";
  }
  return kExitOk;
}

int run_search(const SearchCommandOptions& options, Io io) {
  const auto config = config_of(options.common);
  if (!config.is_ok()) {
    io.err << "repere search: " << config.status().message() << "\n";
    return kExitFailure;
  }
  auto searcher =
      search::Searcher::open(DataDir{options.common.data_dir}, searcher_options(*config));
  if (!searcher.is_ok()) {
    io.err << "repere search: " << searcher.status().message() << "\n";
    return kExitFailure;
  }
  const auto response = (*searcher)->search(options.request);
  if (!response.is_ok()) {
    io.err << "repere search: " << response.status().message() << "\n";
    return response.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (options.json) {
    io.out << search::to_json(*response) << "\n";
  } else {
    print_human(*response, io.out);
  }
  return kExitOk;
}

}  // namespace repere::app

namespace repere::app {

// What every eval ends with: the temporary library removed, then an error said or the JSON
// printed. Returns the exit code, or nullopt when the table is still to print.
template <typename Report>
std::optional<int> finish_eval(const Result<Report>& report, const std::string& work,
                               const EvalCommandOptions& options, Io io) {
  std::error_code ec;
  std::filesystem::remove_all(work, ec);
  if (!report.is_ok()) {
    io.err << "repere eval: " << report.status().message() << "\n";
    return kExitFailure;
  }
  if (!options.json) return std::nullopt;
  io.out << search::to_json(*report) << "\n";
  return kExitOk;
}

namespace {

// One training thread: fastText repeats its figures only so.
index::TrainOptions eval_training(const EvalCommandOptions& options) {
  return {.dim = options.dim,
          .epoch = options.epoch,
          .objective = objective_of(options.objective),
          .threads = 1};
}

}  // namespace

// Moment mode (a folder with lectures.jsonl): the lectures are cut by ingest's own segmenter.
int run_moment_eval(const EvalCommandOptions& options, const std::string& work, Io io) {
  const auto start = std::chrono::steady_clock::now();
  const auto report =
      search::evaluate_moments({.dataset = options.dataset,
                                .work = work,
                                .training = eval_training(options),
                                .hybrid_ratio = options.ratio,
                                .misses = options.misses ? &io.err : nullptr,
                                .segment = [](const std::vector<catalog::Cue>& cues) {
                                  return ingest::segment_timed(cues);
                                }});
  if (const auto done = finish_eval(report, work, options, io)) return *done;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[200];
  std::snprintf(line, sizeof line,
                "%lld lectures (%lld passages), %lld queries, language %s (%.1f s)\n",
                static_cast<long long>(report->lectures), static_cast<long long>(report->passages),
                static_cast<long long>(report->queries), report->language.c_str(), seconds);
  io.out << line;
  std::snprintf(line, sizeof line, "%-8s %14s %14s %17s\n", "mode", "content first",
                "lands in span", "lands near start");
  io.out << line;
  for (const auto& [mode, s] : report->modes) {
    std::snprintf(line, sizeof line, "%-8s %14.4f %14.4f %17.4f\n", mode.c_str(), s.content_first,
                  s.lands_in_span, s.lands_near_start);
    io.out << line;
  }
  io.out << "(lands: the first moment's link is inside the section, or up to 15 s before it; near "
            "start: within 15 s of the section's start)\n";
  return kExitOk;
}

// Answers mode (--answers): the answers to the set's questions against its annotated spans.
int run_answer_eval(const EvalCommandOptions& options, const std::string& work, Io io) {
  const auto start = std::chrono::steady_clock::now();
  answer::AnswerEvalOptions o{.dataset = options.dataset,
                              .work = work,
                              .unanswerable = options.unanswerable,
                              .language = options.language,
                              .training = eval_training(options),
                              .misses = options.misses ? &io.err : nullptr};
  o.answer.semantic_ratio = options.ratio;
  const auto report = answer::evaluate_answers(o);
  std::error_code ec;
  std::filesystem::remove_all(work, ec);
  if (!report.is_ok()) {
    io.err << "repere eval: " << report.status().message() << "\n";
    return kExitFailure;
  }
  if (options.json) {
    io.out << answer::to_json(*report) << "\n";
    return kExitOk;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[240];
  std::snprintf(line, sizeof line,
                "%lld documents, %lld questions with an annotated answer, language %s (%.1f s)\n",
                static_cast<long long>(report->docs), static_cast<long long>(report->questions),
                report->language.c_str(), seconds);
  io.out << line;
  std::snprintf(line, sizeof line,
                "token F1 %.4f (over the %lld answered: %.4f)\nhalf coverage %.4f\n"
                "abstention %.4f in the domain\n",
                report->f1, static_cast<long long>(report->answered), report->f1_answered,
                report->half_covered, report->abstention);
  io.out << line;
  if (report->other_questions > 0) {
    std::snprintf(line, sizeof line, "abstention %.4f on %lld questions of another domain\n",
                  report->other_abstention, static_cast<long long>(report->other_questions));
    io.out << line;
  }
  return kExitOk;
}

int run_eval(const EvalCommandOptions& options, Io io) {
  std::string work = (std::filesystem::temp_directory_path() / "repere-eval-XXXXXX").string();
  if (::mkdtemp(work.data()) == nullptr) {
    io.err << "repere eval: cannot create a temporary folder\n";
    return kExitFailure;
  }
  if (options.answers) return run_answer_eval(options, work, io);
  if (search::is_moment_set(options.dataset)) return run_moment_eval(options, work, io);
  const auto start = std::chrono::steady_clock::now();
  const auto report = search::evaluate({.dataset = options.dataset,
                                        .work = work,
                                        .language = options.language,
                                        .training = eval_training(options),
                                        .hybrid_ratio = options.ratio});
  if (const auto done = finish_eval(report, work, options, io)) return *done;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[200];
  std::snprintf(line, sizeof line, "%lld documents, %lld queries, language %s (%.1f s)\n",
                static_cast<long long>(report->docs), static_cast<long long>(report->queries),
                report->language.c_str(), seconds);
  io.out << line;
  std::snprintf(line, sizeof line, "%-8s %8s %8s %9s %10s\n", "mode", "nDCG@10", "MRR@10",
                "Recall@10", "Recall@100");
  io.out << line;
  for (const auto& [mode, s] : report->modes) {
    std::snprintf(line, sizeof line, "%-8s %8.4f %8.4f %9.4f %10.4f\n", mode.c_str(), s.ndcg10,
                  s.mrr10, s.recall10, s.recall100);
    io.out << line;
  }
  return kExitOk;
}

}  // namespace repere::app
