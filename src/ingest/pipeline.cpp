#include "repere/ingest/pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/jobs.h"
#include "repere/catalog/texts.h"
#include "repere/catalog/usage.h"
#include "repere/core/files.h"
#include "repere/core/process.h"
#include "repere/core/text.h"
#include "repere/index/language.h"
#include "repere/index/library.h"
#include "repere/ingest/extraction.h"
#include "repere/ingest/files.h"
#include "repere/ingest/manifest.h"
#include "repere/ingest/noise.h"
#include "repere/ingest/segmenter.h"

namespace repere::ingest {
namespace {

namespace fs = std::filesystem;
using catalog::Content;
using catalog::ContentKind;
using catalog::Database;
using catalog::Id;
using catalog::Transaction;
using nlohmann::json;

constexpr std::string_view kExtract = "extract";
constexpr std::string_view kSegment = "segment";
constexpr int kMaxAttempts = 3;

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Files named, and files under folders named, in a stable order. Missing paths are reported.
std::vector<fs::path> collect_files(const std::vector<fs::path>& paths,
                                    std::vector<fs::path>& missing) {
  std::vector<fs::path> files;
  for (const fs::path& root : paths) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      files.push_back(fs::absolute(root).lexically_normal());
    } else if (fs::is_directory(root, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(
               root, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (hidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file()) found.push_back(fs::absolute(it->path()).lexically_normal());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      missing.push_back(root);
    }
  }
  return files;
}

json sidecars_json(const std::vector<Sidecar>& sidecars) {
  json out = json::array();
  for (const Sidecar& s : sidecars)
    out.push_back({{"path", s.path.string()}, {"language", s.language}});
  return out;
}

std::vector<Sidecar> sidecars_from(const Content& content) {
  std::vector<Sidecar> out;
  const json meta = json::parse(content.metadata_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("sidecars")) return out;
  for (const json& s : meta["sidecars"]) {
    out.push_back({s.value("path", ""), s.value("language", "")});
  }
  return out;
}

// Copies `file` into DATA/media/ab/<sha256><ext>; returns the path relative to DATA.
Result<std::string> copy_into(const DataDir& dir, const fs::path& file, const std::string& sha) {
  const fs::path relative =
      fs::path("media") / sha.substr(0, 2) / (sha + file.extension().string());
  const fs::path target = dir.root / relative;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (!fs::exists(target, ec)) {
    const fs::path tmp = target.string() + ".part";
    fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(tmp, target, ec);
    if (ec)
      return Status::io_error("cannot copy " + file.string() + " into " + target.string() + ": " +
                              ec.message());
  }
  return relative.string();
}

class Registrar {
 public:
  Registrar(Database& db, const DataDir& dir, const IngestOptions& options, ProgressSink& sink,
            IngestReport& report)
      : db_(db), dir_(dir), options_(options), sink_(sink), report_(report) {}

  void file(const fs::path& path, const ManifestRow* row = nullptr) {
    const Status s = register_file(path, row);
    if (!s.is_ok()) fail_path(row != nullptr ? fs::path(manifest_line_) : path, s.message());
  }

  // Registers every row of a manifest; a bad row is recorded as "MANIFEST:LINE" and the
  // others go on.
  void manifest(const fs::path& path) {
    const auto bytes = read_file(path);
    auto parsed = !bytes.is_ok() ? Result<Manifest>(bytes.status())
                  : (path.extension() == ".jsonl" || path.extension() == ".ndjson")
                      ? parse_manifest_jsonl(*bytes)
                      : parse_manifest_csv(*bytes);
    (void)catalog::JobRepository(db_).forget_manifest_lines(path.string());
    if (!parsed.is_ok()) {
      fail_path(path, path.string() + ": " + parsed.status().message());
      return;
    }
    for (const ManifestError& e : parsed->errors) {
      fail_path(path.string() + ":" + std::to_string(e.line),
                path.filename().string() + " line " + std::to_string(e.line) + ": " + e.message);
    }
    for (const ManifestRow& row : parsed->rows) {
      manifest_line_ = path.string() + ":" + std::to_string(row.line);
      fs::path file = fs::path(row.path);
      if (file.is_relative()) file = path.parent_path() / file;
      file = fs::absolute(file).lexically_normal();
      std::error_code ec;
      if (!fs::is_regular_file(file, ec)) {
        fail_path(manifest_line_, path.filename().string() + " line " + std::to_string(row.line) +
                                      ": no such file: " + file.string());
        continue;
      }
      const Status s = register_file(file, &row);
      if (!s.is_ok()) {
        fail_path(manifest_line_, path.filename().string() + " line " + std::to_string(row.line) +
                                      ": " + s.message());
      }
    }
  }

  void fail_path(const fs::path& path, const std::string& message) {
    ++report_.failed;
    sink_.note("failed: " + message);
    catalog::JobRepository jobs(db_);
    auto txn = Transaction::begin(db_);
    if (!txn.is_ok()) return;
    (void)jobs.forget_path(path.string());
    const auto id = jobs.enqueue(std::nullopt, "import", path.string());
    if (id.is_ok() && jobs.fail(*id, message).is_ok()) (void)txn->commit();
  }

 private:
  Status register_file(const fs::path& path, const ManifestRow* row) {
    const auto kind = content_kind_for(path);
    if (!kind) {
      if (is_subtitle_file(path) && is_sidecar_of_some_media(path)) return Status::ok();
      ++report_.skipped;
      sink_.note(is_subtitle_file(path)
                     ? "skipped (subtitles without a video or audio file of the same name): " +
                           path.string()
                     : "skipped (not a type Repère reads): " + path.string());
      return Status::ok();
    }
    REPERE_ASSIGN_OR_RETURN(const std::string sha, sha256_file(path));
    catalog::ContentRepository contents(db_);
    REPERE_ASSIGN_OR_RETURN(const auto same, contents.find_by_sha256(sha));
    if (!same.empty()) {
      ++report_.unchanged;
      // The file is known; a manifest may still bring newer metadata.
      if (row == nullptr) return Status::ok();
      Content c = same.front();
      REPERE_RETURN_IF_ERROR(apply_row(c, *row));
      return contents.update(c);
    }
    std::optional<Content> existing;
    if (row != nullptr && !row->external_id.empty()) {
      REPERE_ASSIGN_OR_RETURN(const auto collection, collection_for(*row));
      REPERE_ASSIGN_OR_RETURN(existing, contents.find_by_external_id(collection, row->external_id));
    }
    if (!existing) {
      REPERE_ASSIGN_OR_RETURN(existing, contents.find_by_media_path(path.string()));
    }
    if (!existing) {
      REPERE_ASSIGN_OR_RETURN(existing, find_by_source(path));
    }
    return existing ? update(*existing, path, sha, row) : add(path, *kind, sha, row);
  }

  // The collection a row names, created on first use; none when the row names none.
  Result<std::optional<Id>> collection_for(const ManifestRow& row) {
    if (row.collection.empty()) return std::optional<Id>();
    std::string slug;
    for (const char c : text::fold(row.collection)) {
      slug += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    }
    catalog::CollectionRepository collections(db_);
    REPERE_ASSIGN_OR_RETURN(const auto found, collections.find_by_slug(slug));
    if (found) return std::optional<Id>(found->id);
    REPERE_ASSIGN_OR_RETURN(const Id id,
                            collections.insert({.slug = slug, .name = row.collection}));
    return std::optional<Id>(id);
  }

  // Copies a manifest row's metadata onto a content; other columns go into its metadata.
  Status apply_row(Content& c, const ManifestRow& row) {
    if (!row.title.empty()) c.title = row.title;
    if (!row.description.empty()) c.description = row.description;
    if (!row.language.empty()) c.language = row.language;
    if (!row.licence.empty()) c.licence = row.licence;
    if (!row.authors.empty()) c.authors_json = json(row.authors).dump();
    if (!row.external_id.empty()) c.external_id = row.external_id;
    REPERE_ASSIGN_OR_RETURN(const auto collection, collection_for(row));
    if (collection) c.collection_id = collection;
    json meta = json::parse(c.metadata_json, nullptr, false);
    if (!meta.is_object()) meta = json::object();
    const json extra = json::parse(row.extra_json, nullptr, false);
    if (extra.is_object()) meta.update(extra);
    if (!row.subject.empty()) meta["subject"] = row.subject;
    if (!row.level.empty()) meta["level"] = row.level;
    meta["title_from_manifest"] = !row.title.empty();
    if (!row.language.empty()) meta["language_given"] = true;
    c.metadata_json = meta.dump();
    return Status::ok();
  }

  // A content copied with --copy is found again by the path it came from.
  Result<std::optional<Content>> find_by_source(const fs::path& path) {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id FROM content WHERE "
                                                   "json_extract(metadata, '$.source_path') = ?1"));
    stmt.bind(1, path.string());
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return std::optional<Content>();
    REPERE_ASSIGN_OR_RETURN(Content c, catalog::ContentRepository(db_).get(stmt.int64(0)));
    return std::optional<Content>(std::move(c));
  }

  Status store_media(Content& c, const fs::path& path, const std::string& sha) {
    c.sha256 = sha;
    c.media_path = path.string();
    if (options_.copy) {
      REPERE_ASSIGN_OR_RETURN(c.media_path, copy_into(dir_, path, sha));
    }
    json meta = json::parse(c.metadata_json, nullptr, false);
    if (!meta.is_object()) meta = json::object();
    meta["source_path"] = path.string();
    meta["sidecars"] = sidecars_json(find_sidecars(path));
    c.metadata_json = meta.dump();
    return Status::ok();
  }

  Status add(const fs::path& path, ContentKind kind, const std::string& sha,
             const ManifestRow* row) {
    Content c;
    c.kind = kind;
    c.title = title_from_path(path);
    c.language = options_.language;
    REPERE_RETURN_IF_ERROR(store_media(c, path, sha));
    if (options_.language_given) {
      json given = json::parse(c.metadata_json, nullptr, false);
      if (given.is_object()) {
        given["language_given"] = true;
        c.metadata_json = given.dump();
      }
    }
    if (row != nullptr) REPERE_RETURN_IF_ERROR(apply_row(c, *row));
    const std::string state = row != nullptr && !row->state.empty()
                                  ? row->state
                                  : std::string(catalog::to_string(options_.state));
    json meta = json::parse(c.metadata_json, nullptr, false);
    if (meta.is_object() && state != "draft") {
      meta["state_when_read"] = state;
      c.metadata_json = meta.dump();
    }
    REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db_));
    catalog::JobRepository jobs(db_);
    REPERE_RETURN_IF_ERROR(jobs.forget_path(path.string()));
    REPERE_ASSIGN_OR_RETURN(const Id id, catalog::ContentRepository(db_).insert(c));
    REPERE_RETURN_IF_ERROR(jobs.enqueue(id, kExtract, path.string()).status());
    REPERE_RETURN_IF_ERROR(txn.commit());
    ++report_.added;
    return Status::ok();
  }

  Status update(Content c, const fs::path& path, const std::string& sha, const ManifestRow* row) {
    REPERE_RETURN_IF_ERROR(store_media(c, path, sha));
    if (row != nullptr) REPERE_RETURN_IF_ERROR(apply_row(c, *row));
    REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db_));
    REPERE_RETURN_IF_ERROR(catalog::ContentRepository(db_).update(c));
    REPERE_RETURN_IF_ERROR(
        catalog::JobRepository(db_).enqueue(c.id, kExtract, path.string()).status());
    REPERE_RETURN_IF_ERROR(txn.commit());
    ++report_.updated;
    return Status::ok();
  }

  Database& db_;
  std::string manifest_line_;  // "catalogue.csv:12" while registering that row
  const DataDir& dir_;
  const IngestOptions& options_;
  ProgressSink& sink_;
  IngestReport& report_;
};

// ---- the stages ----

fs::path media_file(const DataDir& dir, const Content& c) {
  const fs::path p(c.media_path);
  return p.is_absolute() ? p : dir.root / p;
}

// The language of a document's text tracks, told from their words by the dictionaries when
// nothing said it: the content's language follows when its tracks agree.
void tell_languages(const ExtractOptions& options, Content& c, Extraction& x, ProgressSink& sink) {
  if (!options.dictionaries) return;
  json meta = json::parse(c.metadata_json, nullptr, false);
  if (meta.is_object() && meta.value("language_given", false)) return;
  std::string told;
  for (ExtractedTrack& t : x.tracks) {
    const bool document = t.track.kind == catalog::TrackKind::kPdfText ||
                          t.track.kind == catalog::TrackKind::kOcrScan ||
                          t.track.kind == catalog::TrackKind::kText;
    if (!document || t.track.language != c.language) continue;
    std::vector<std::string> words;
    for (const catalog::Cue& q : t.cues) {
      std::string word;
      for (const char ch : q.text + " ") {
        const auto u = static_cast<unsigned char>(ch);
        if (std::isalpha(u) || u >= 0x80) {
          word += ch;
        } else {
          if (word.size() >= 3) words.push_back(word);
          word.clear();
        }
      }
      if (words.size() >= 400) break;
    }
    if (words.size() < 8) continue;  // too little to tell
    const std::string language = options.dictionaries->language_of(words);
    if (language != t.track.language.substr(0, 2)) {
      sink.note("language: " + c.title + " reads as '" + language + "', not '" + t.track.language +
                "'");
      t.track.language = language;
    }
    told = told.empty() || told == language ? language : "mixed";
  }
  if (!told.empty() && told != "mixed") c.language = told;
}

Status run_extract(Database& db, const DataDir& dir, const ExtractOptions& options,
                   const catalog::Job& job, ProgressSink& sink) {
  catalog::ContentRepository contents(db);
  REPERE_ASSIGN_OR_RETURN(Content c, contents.get(*job.content_id));
  REPERE_ASSIGN_OR_RETURN(Extraction x,
                          extract_text(c, media_file(dir, c), sidecars_from(c), options));
  tell_languages(options, c, x, sink);
  for (const std::string& w : x.warnings) sink.note("warning: " + w);
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db));
  catalog::JobRepository jobs(db);
  for (const auto& [file, message] : x.failed_files) {
    sink.note("failed: " + message);
    REPERE_RETURN_IF_ERROR(jobs.forget_path(file.string()));
    REPERE_ASSIGN_OR_RETURN(const Id failed, jobs.enqueue(std::nullopt, kExtract, file.string()));
    REPERE_RETURN_IF_ERROR(jobs.fail(failed, message));
  }
  catalog::TrackRepository tracks(db);
  REPERE_RETURN_IF_ERROR(tracks.remove_for_content(c.id));
  for (const ExtractedTrack& t : x.tracks) {
    catalog::Track track = t.track;
    track.content_id = c.id;
    REPERE_ASSIGN_OR_RETURN(const Id track_id, tracks.insert(track));
    REPERE_RETURN_IF_ERROR(catalog::CueRepository(db).replace_for_track(track_id, t.cues));
  }
  if (x.duration_ms) c.duration_ms = x.duration_ms;
  if (x.page_count) c.page_count = x.page_count;
  json meta = json::parse(c.metadata_json, nullptr, false);
  if (meta.is_object()) {
    if (!x.title.empty() && !meta.value("title_from_manifest", false) &&
        c.title == title_from_path(meta.value("source_path", c.media_path))) {
      c.title = x.title;
    }
    meta["extract_warnings"] = x.warnings;
    c.metadata_json = meta.dump();
  }
  REPERE_RETURN_IF_ERROR(contents.update(c));
  REPERE_RETURN_IF_ERROR(jobs.complete(job.id));
  REPERE_RETURN_IF_ERROR(jobs.enqueue(c.id, kSegment, job.path).status());
  return txn.commit();
}

// One track per language: the first (sidecars come before embedded streams) wins, so the
// same subtitles found twice do not make duplicate passages.
std::vector<catalog::Track> tracks_to_segment(std::vector<catalog::Track> tracks) {
  std::vector<catalog::Track> out;
  for (const catalog::Track& t : tracks) {
    const bool dup = std::any_of(out.begin(), out.end(), [&](const catalog::Track& o) {
      return o.kind == t.kind && o.language == t.language;
    });
    if (!dup) out.push_back(t);
  }
  return out;
}

// A new content read to the end takes the status its ingest asked for (metadata
// state_when_read, then forgotten): « publié » in the demo library, a draft by default.
Status take_state_when_read(Database& db, const Content& c) {
  json meta = json::parse(c.metadata_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("state_when_read")) return Status::ok();
  const auto state = catalog::parse_editorial_status(meta.value("state_when_read", "draft"));
  meta.erase("state_when_read");
  Content updated = c;
  updated.metadata_json = meta.dump();
  catalog::ContentRepository contents(db);
  REPERE_RETURN_IF_ERROR(contents.update(updated));
  if (!state.is_ok() || c.status != catalog::EditorialStatus::kDraft) return Status::ok();
  return contents.set_status(c.id, *state, "ingest");
}

struct Segmented {
  std::vector<catalog::Passage> passages;
  std::vector<std::string> warnings;  // for metadata segment_warnings: what was kept out
};

// The passages of a content, from its tracks' cues as they are now. OCR noise (a photo's or a
// chart's shapes read as letters) stays a cue but makes no passage.
Result<Segmented> passages_of(Database& db, const Content& c,
                              const index::Dictionaries* dictionaries) {
  REPERE_ASSIGN_OR_RETURN(auto tracks, catalog::TrackRepository(db).list_for_content(c.id));
  const bool timed = c.kind == ContentKind::kVideo || c.kind == ContentKind::kAudio;
  Segmented out;
  std::vector<catalog::Passage>& passages = out.passages;
  for (const catalog::Track& t : tracks_to_segment(std::move(tracks))) {
    REPERE_ASSIGN_OR_RETURN(auto cues, catalog::CueRepository(db).list_for_track(t.id));
    if (t.kind == catalog::TrackKind::kOcrFrames || t.kind == catalog::TrackKind::kOcrScan) {
      const std::size_t before = cues.size();
      const std::size_t removed = drop_ocr_noise(cues, dictionaries, t.language.substr(0, 2));
      if (removed > 0) {
        out.warnings.push_back(
            fs::path(c.media_path).filename().string() + ": " + std::to_string(removed) + " of " +
            std::to_string(before) +
            (t.kind == catalog::TrackKind::kOcrFrames ? " slides" : " words") +
            " read by OCR look like noise (a picture read as letters) and are kept out of search; "
            "correct them in « Relecture » if they are text");
      }
    }
    // A running header or footer of slides and pages is not in every passage (the track
    // keeps it: the transcript shows the text as it is).
    if (t.kind == catalog::TrackKind::kOcrFrames || t.kind == catalog::TrackKind::kOcrScan ||
        t.kind == catalog::TrackKind::kPdfText)
      strip_repeated_edges(cues);
    // A slide is its own moment: one passage per slide, spanning its time on screen.
    static const SegmentOptions kPerCue{.min_ms = 0, .max_ms = 0, .overlap_ms = 0};
    const bool slides = t.kind == catalog::TrackKind::kOcrFrames;
    for (catalog::Passage p : slides  ? segment_timed(cues, kPerCue)
                              : timed ? segment_timed(cues)
                                      : segment_document(cues)) {
      p.track_id = t.id;
      p.language = t.language;
      // Per passage: an English paragraph of a French document is stemmed as English.
      if (const std::string told = index::identify_language(p.text);
          !told.empty() && told != p.language.substr(0, 2))
        p.language = told;
      passages.push_back(std::move(p));
    }
  }
  return out;
}

// Keeps what segmenting left out in the content's metadata (segment_warnings, replaced each
// time), where `repere status` finds it; `c` follows.
Status record_segment_warnings(Database& db, Content& c, const std::vector<std::string>& warnings) {
  json meta = json::parse(c.metadata_json, nullptr, false);
  if (!meta.is_object()) return Status::ok();
  const json before = meta.value("segment_warnings", json::array());
  if (before == json(warnings)) return Status::ok();
  if (warnings.empty()) {
    meta.erase("segment_warnings");
  } else {
    meta["segment_warnings"] = warnings;
  }
  c.metadata_json = meta.dump();
  return catalog::ContentRepository(db).update(c);
}

Status run_segment(Database& db, const catalog::Job& job, const index::Dictionaries* dictionaries,
                   ProgressSink& sink) {
  REPERE_ASSIGN_OR_RETURN(Content c, catalog::ContentRepository(db).get(*job.content_id));
  REPERE_ASSIGN_OR_RETURN(const Segmented cut, passages_of(db, c, dictionaries));
  for (const std::string& w : cut.warnings) sink.note("warning: " + w);
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db));
  REPERE_RETURN_IF_ERROR(catalog::PassageRepository(db).replace_for_content(c.id, cut.passages));
  REPERE_RETURN_IF_ERROR(record_segment_warnings(db, c, cut.warnings));
  REPERE_RETURN_IF_ERROR(catalog::JobRepository(db).complete(job.id));
  REPERE_RETURN_IF_ERROR(take_state_when_read(db, c));
  return txn.commit();
}

bool transient(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kIoError;
}

struct Shared {
  const DataDir& dir;
  const ExtractOptions& extract;
  ProgressSink& sink;
  const std::atomic<bool>& stop;
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  int total = 0;
  // What the run spent and read, for `repere status`: the workers' CPU (nanoseconds) and the
  // seconds of audio and video extracted (milliseconds).
  std::atomic<std::int64_t> cpu_ns{0};
  std::atomic<std::int64_t> media_ms{0};
  std::mutex fatal_mutex;
  Status fatal;
};

// Runs one claimed job and records its outcome. Errors: only a catalog that cannot record it.
Status run_job(Database& db, const catalog::Job& job, Shared& shared) {
  const bool extract = job.stage == kExtract;
  const Status s = extract ? run_extract(db, shared.dir, shared.extract, job, shared.sink)
                           : run_segment(db, job, shared.extract.dictionaries.get(), shared.sink);
  catalog::JobRepository jobs(db);
  if (s.is_ok()) {
    if (!extract) shared.sink.progress(++shared.done, shared.total);
    if (extract && job.content_id) {
      const auto c = catalog::ContentRepository(db).get(*job.content_id);
      if (c.is_ok() && c->duration_ms &&
          (c->kind == catalog::ContentKind::kVideo || c->kind == catalog::ContentKind::kAudio))
        shared.media_ms += *c->duration_ms;
    }
    return Status::ok();
  }
  if (transient(s) && job.attempts < kMaxAttempts) {
    // Back off before the job becomes claimable again: 0.5 s, then 1 s.
    std::this_thread::sleep_for(std::chrono::milliseconds(500 << (job.attempts - 1)));
    return jobs.requeue(job.id);
  }
  ++shared.failed;
  shared.sink.note("failed: " + job.stage + " " + job.path + ": " + s.message());
  shared.sink.progress(++shared.done, shared.total);
  return jobs.fail(job.id, s.message());
}

// Adds the calling thread's CPU time since it was made to `total` (nanoseconds), however the
// thread's work ends.
struct CpuSpent {
  explicit CpuSpent(std::atomic<std::int64_t>& t) : total(t), start(thread_cpu_seconds()) {}
  ~CpuSpent() { total += static_cast<std::int64_t>((thread_cpu_seconds() - start) * 1e9); }
  CpuSpent(const CpuSpent&) = delete;
  CpuSpent& operator=(const CpuSpent&) = delete;
  std::atomic<std::int64_t>& total;
  double start;
};

void worker(Shared& shared) {
  const CpuSpent spent(shared.cpu_ns);
  auto db = Database::open(shared.dir.catalog());
  if (!db.is_ok()) {
    std::lock_guard<std::mutex> lock(shared.fatal_mutex);
    shared.fatal = db.status();
    return;
  }
  catalog::JobRepository jobs(**db);
  while (!shared.stop) {
    // Finish started contents first, so progress moves and memory stays flat.
    auto job = jobs.claim(kSegment);
    if (job.is_ok() && !job->has_value()) job = jobs.claim(kExtract);
    if (job.is_ok() && !job->has_value()) return;  // no work left
    const Status outcome = job.is_ok() ? run_job(**db, **job, shared) : job.status();
    if (!outcome.is_ok()) {
      std::lock_guard<std::mutex> lock(shared.fatal_mutex);
      shared.fatal = outcome;
      return;
    }
  }
}

Result<int> pending_contents(Database& db) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT count(DISTINCT content_id) FROM job WHERE "
                                     "state IN ('pending', 'running') AND content_id IS NOT NULL"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? static_cast<int>(stmt.int64(0)) : 0;
}

Status register_all(Database& db, const DataDir& dir, const IngestOptions& options,
                    ProgressSink& sink, IngestReport& report, const std::atomic<bool>& stop) {
  catalog::JobRepository jobs(db);
  REPERE_RETURN_IF_ERROR(jobs.requeue_interrupted().status());
  if (options.retry_failed) {
    REPERE_ASSIGN_OR_RETURN(const int retried, jobs.retry_failed());
    if (retried > 0) sink.note("retrying " + std::to_string(retried) + " failed stages");
  }
  std::vector<fs::path> missing;
  std::vector<fs::path> plain;
  Registrar registrar(db, dir, options, sink, report);
  for (const fs::path& p : options.paths) {
    std::error_code ec;
    if (is_manifest_file(p.string()) && fs::is_regular_file(p, ec)) {
      registrar.manifest(fs::absolute(p).lexically_normal());
    } else {
      plain.push_back(p);
    }
  }
  for (const fs::path& file : collect_files(plain, missing)) {
    if (stop) return Status::ok();
    registrar.file(file);
  }
  for (const fs::path& m : missing) registrar.fail_path(m, "no such file or folder: " + m.string());
  return Status::ok();
}

}  // namespace

Status resegment(Database& db, Id content_id, const index::Dictionaries* dictionaries) {
  REPERE_ASSIGN_OR_RETURN(Content c, catalog::ContentRepository(db).get(content_id));
  REPERE_ASSIGN_OR_RETURN(const Segmented cut, passages_of(db, c, dictionaries));
  REPERE_RETURN_IF_ERROR(catalog::PassageRepository(db).replace_for_content(c.id, cut.passages));
  return record_segment_warnings(db, c, cut.warnings);
}

Result<IngestReport> ingest(const DataDir& dir, const IngestOptions& options, ProgressSink& sink,
                            const std::atomic<bool>& stop) {
  REPERE_RETURN_IF_ERROR(check_data_dir(dir));
  REPERE_ASSIGN_OR_RETURN(
      const auto lock,
      FileLock::acquire(dir.root / "ingest.lock",
                        "another `repere ingest` or `repere reindex` is running on this data "
                        "folder; wait for it to finish"));
  REPERE_ASSIGN_OR_RETURN(auto db, Database::open(dir.catalog()));
  const double children_before = children_cpu_seconds();
  IngestReport report;
  Shared shared{.dir = dir, .extract = options.extract, .sink = sink, .stop = stop};
  std::optional<CpuSpent> caller(shared.cpu_ns);  // registering and indexing, on this thread
  REPERE_RETURN_IF_ERROR(register_all(*db, dir, options, sink, report, stop));

  REPERE_ASSIGN_OR_RETURN(shared.total, pending_contents(*db));
  const int n = options.workers > 0
                    ? options.workers
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(worker, std::ref(shared));
  for (std::thread& t : threads) t.join();
  if (!shared.fatal.is_ok()) return shared.fatal;
  report.processed = shared.done - shared.failed;
  report.failed += shared.failed;
  report.interrupted = stop;
  // What was read becomes searchable: the live index takes the new and changed contents.
  if (options.update_index && !stop) {
    REPERE_ASSIGN_OR_RETURN(const auto indexed,
                            index::update_index(*db, dir.root / "index", options.embeddings));
    report.indexed = indexed.contents_indexed;
  }
  caller.reset();
  report.cpu_seconds = static_cast<double>(shared.cpu_ns) / 1e9 +
                       std::max(0.0, children_cpu_seconds() - children_before);
  report.media_seconds = static_cast<double>(shared.media_ms) / 1000.0;
  if (report.processed > 0 || report.failed > 0) {
    const Status counted =
        catalog::UsageRepository(*db).add({{catalog::kIngestContents, report.processed},
                                           {catalog::kIngestMediaSeconds, report.media_seconds},
                                           {catalog::kIngestCpuSeconds, report.cpu_seconds}});
    if (!counted.is_ok()) sink.note("warning: usage not counted: " + counted.message());
  }
  return report;
}

}  // namespace repere::ingest
