// `repere ingest`: files and folders become contents with tracks, cues and passages.
//
// Stages per content, recorded as jobs in the catalog: "extract" (text tracks and cues) then
// "segment" (passages). Each stage's results and the completion of its job are committed in
// one transaction, so a crash, a kill -9 or Ctrl-C loses no finished stage and the next run
// resumes where it stopped. A file that fails is recorded with its error and never blocks
// the others. One ingest runs at a time per data folder (a lock file enforces it).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/data_dir.h"
#include "repere/core/result.h"
#include "repere/index/embedder.h"
#include "repere/ingest/extraction.h"

namespace repere::ingest {

struct IngestOptions {
  std::vector<std::filesystem::path> paths;  // files and folders (read recursively)
  bool copy = false;            // copy files into the data folder instead of referencing them
  std::string language = "fr";  // language of contents whose files do not say
  bool language_given = false;  // the operator chose it: documents are not told from their words
  int workers = 0;              // extraction threads; 0 = one per core
  bool retry_failed = false;    // put failed jobs back in the queue first
  ExtractOptions extract;       // OCR languages and data (from the configuration)
  bool update_index = true;     // bring the search index up to date at the end
  index::EmbeddingSettings embeddings;  // the embeddings endpoint's key, when one made them
  // The editorial status a new content takes once its text is read (ingest.default_state; a
  // manifest's state column overrides it). A content whose stages fail stays a draft, and a
  // content already in the catalog keeps its status when its file changes.
  catalog::EditorialStatus state = catalog::EditorialStatus::kDraft;
};

struct IngestReport {
  int added = 0;      // new contents
  int updated = 0;    // contents whose file changed: their text is read again
  int unchanged = 0;  // files already in the catalog, identical
  int skipped = 0;    // files that are not contents (unknown type, lone subtitles)
  int processed = 0;  // contents whose stages all finished in this run
  int failed = 0;     // files or stages that failed in this run
  bool interrupted = false;
  std::int64_t indexed = 0;  // contents (re)indexed for search at the end
  // What the run spent: CPU seconds of its threads and of the programs it waited for; seconds of
  // audio and video read. Also added to the catalog's usage counters (repere status).
  double cpu_seconds = 0;
  double media_seconds = 0;
};

// Receives progress from the workers (from several threads; implementations synchronise).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // `done` of `total` contents finished (passages written, or failed).
  virtual void progress(int done, int total) = 0;
  // A line for the operator: a skipped file, a warning, a failure.
  virtual void note(std::string_view line) = 0;
};

// Cuts a content's passages again from its tracks' cues as they are now (after a person
// corrected a track). The search index follows at its next update (index::update_index).
// `dictionaries` (may be null) tell OCR noise from words: see noise.h.
Status resegment(catalog::Database& db, catalog::Id content_id,
                 const index::Dictionaries* dictionaries);

// Runs the import and every pending stage. `stop` is polled between stages: once set, no new
// stage starts, running ones finish, and the report says interrupted.
// Errors: only those that stop everything (catalog unreadable, another ingest running).
Result<IngestReport> ingest(const DataDir& dir, const IngestOptions& options, ProgressSink& sink,
                            const std::atomic<bool>& stop);

}  // namespace repere::ingest
