// repere ingest: imports files and folders, with progress on the terminal; Ctrl-C stops
// cleanly and the next run resumes.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <ostream>

#include "commands.h"
#include "repere/core/config.h"
#include "repere/index/dictionary.h"
#include "repere/ingest/pipeline.h"
#include "repere/taxonomy/suggest.h"

namespace repere::app {
namespace {

std::atomic<bool> g_stop{false};  // set by SIGINT/SIGTERM; a signal handler needs a global

extern "C" void on_signal(int) { g_stop = true; }

// Progress on standard error: "12/30 contents, 2.1/s, about 9 s left", at most once a second,
// rewritten in place on a terminal.
class TerminalProgress : public ingest::ProgressSink {
 public:
  explicit TerminalProgress(std::ostream& err) : err_(err), tty_(::isatty(STDERR_FILENO) != 0) {}

  void progress(int done, int total) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = Clock::now();
    if (done < total && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    char line[160];
    std::snprintf(line, sizeof line, "%d/%d contents, %.1f/s", done, total, rate);
    std::string text = line;
    if (rate > 0 && done < total) {
      std::snprintf(line, sizeof line, ", about %.0f s left", (total - done) / rate);
      text += line;
    }
    err_ << (tty_ ? "\r\033[K" : "") << "ingest: " << text << (tty_ ? "" : "\n") << std::flush;
    pending_newline_ = tty_;
  }

  void note(std::string_view line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_newline_) err_ << "\n";
    pending_newline_ = false;
    err_ << line << "\n";
  }

  void finish() {
    if (pending_newline_) err_ << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  bool tty_;
  std::mutex mutex_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
  bool pending_newline_ = false;
};

}  // namespace

ingest::IngestOptions ingest_settings(const Config& config) {
  ingest::IngestOptions o;
  o.extract.ocr.languages = config.ocr_languages;
  o.extract.ocr.tessdata = config.ocr_tessdata;
  o.extract.asr_engine = config.asr_engine;
  o.extract.pocketsphinx_model = config.asr_pocketsphinx_model;
  o.extract.whisper = {
      .cli = config.asr_whisper_cli, .model = config.asr_whisper_model, .threads = 1};
  o.extract.endpoint.base_url = config.asr_endpoint;
  o.extract.endpoint.model = config.asr_endpoint_model;
  o.extract.endpoint.api_key = config.asr_endpoint_key;
  o.embeddings = embedding_settings(config);
  o.state = *catalog::parse_editorial_status(config.ingest_default_state);
  if (!config.search_dictionaries.empty())
    o.extract.dictionaries = index::Dictionaries::open(config.search_dictionaries);
  return o;
}

namespace {

// The contents take their place in the imported programme (none imported: nothing to do).
void suggest_programme(const DataDir& dir, Io io) {
  auto db = open_library(dir);
  if (!db.is_ok()) return;
  const auto t = taxonomy::refresh_library(**db);
  if (!t.is_ok()) {
    io.err << "repere ingest: programme suggestions failed: " << t.status().message()
           << " (run `repere taxonomy suggest` again)\n";
    return;
  }
  if (t->contents > 0) {
    io.out << "Programme: " << t->suggestions << " concepts suggested for " << t->contents
           << " contents, for curators to confirm\n";
  }
}

}  // namespace

int run_ingest(const IngestCommandOptions& options, Io io) {
  const DataDir dir{options.common.data_dir};
  const auto config = load_config(
      {.data_dir = dir.root, .env = repere_environment(), .overrides = options.common.settings});
  if (!config.is_ok()) {
    io.err << "repere ingest: " << config.status().message() << "\n";
    return kExitFailure;
  }
  ingest::IngestOptions ingest_options = ingest_settings(*config);
  ingest_options.copy = options.copy;
  ingest_options.language = options.language;
  ingest_options.language_given = options.language_given;
  ingest_options.workers = options.workers;
  ingest_options.retry_failed = options.retry_failed;
  for (const std::string& p : options.paths) ingest_options.paths.emplace_back(p);
  ingest_options.extract.transcribe_subtitled = options.transcribe;

  g_stop = false;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  TerminalProgress progress(io.err);
  const auto report = ingest::ingest(dir, ingest_options, progress, g_stop);
  progress.finish();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!report.is_ok()) {
    io.err << "repere ingest: " << report.status().message() << "\n";
    return kExitFailure;
  }
  const ingest::IngestReport& r = *report;
  io.out << "Files: " << r.added << " added, " << r.updated << " updated, " << r.unchanged
         << " unchanged, " << r.skipped << " skipped\n"
         << "Contents processed: " << r.processed << ", failures: " << r.failed << "\n";
  if (r.indexed > 0) io.out << "Search index: " << r.indexed << " contents (re)indexed\n";
  if (r.processed > 0) io.out << "CPU: " << cpu_text(r.cpu_seconds, r.media_seconds) << "\n";
  if (r.processed > 0) suggest_programme(dir, io);
  if (r.added > 0 && ingest_options.state != catalog::EditorialStatus::kPublished) {
    io.out << "New contents are " << catalog::to_string(ingest_options.state)
           << "s: teachers and pupils see them once published (`repere publish --data "
           << dir.root.string() << " --all`, or in the browser).\n";
  }
  if (r.interrupted) {
    io.out << "Interrupted: finished stages are saved; run the same command again to resume.\n";
    return kExitInterrupted;
  }
  if (r.failed > 0) {
    io.out << "See `repere status --data " << dir.root.string() << "` for the failures.\n";
    return kExitSomeFailed;
  }
  return kExitOk;
}

}  // namespace repere::app
