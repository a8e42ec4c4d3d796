#include "repere/index/library.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "repere/core/files.h"
#include "repere/index/lexical.h"
#include "repere/index/vectors.h"

namespace repere::index {

namespace fs = std::filesystem;

namespace {

std::string generation_name(int n) {
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06d", n);
  return name;
}

// The number of a "gen-000007" folder name, or -1.
int generation_number(const std::string& name) {
  if (name.size() != 10 || name.rfind("gen-", 0) != 0) return -1;
  for (std::size_t i = 4; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
  }
  return std::stoi(name.substr(4));
}

constexpr const char* kPassagesSql = R"sql(
SELECT p.id, p.content_id, p.text, p.language, c.title, c.description, c.kind,
       coalesce(col.name, ''), c.licence,
       coalesce(json_extract(c.metadata, '$.subject'), ''),
       coalesce(json_extract(c.metadata, '$.level'), ''), c.status
FROM passage p JOIN content c ON c.id = p.content_id
LEFT JOIN collection col ON col.id = c.collection_id
WHERE p.content_id = ?1
ORDER BY p.id)sql";

// The passages of a range of ids, as index_content reads them.
constexpr const char* kPassageRangeSql = R"sql(
SELECT p.id, p.content_id, p.text, p.language, c.title, c.description, c.kind,
       coalesce(col.name, ''), c.licence,
       coalesce(json_extract(c.metadata, '$.subject'), ''),
       coalesce(json_extract(c.metadata, '$.level'), ''), c.status
FROM passage p JOIN content c ON c.id = p.content_id
LEFT JOIN collection col ON col.id = c.collection_id
WHERE p.id BETWEEN ?1 AND ?2 AND c.status != 'retired'
ORDER BY p.id)sql";

constexpr const char* kAverageLengthSql = R"sql(
SELECT CAST(avg(length(CAST(p.text AS BLOB)) + length(CAST(c.title AS BLOB)) +
                length(CAST(c.description AS BLOB))) AS INTEGER)
FROM passage p JOIN content c ON c.id = p.content_id)sql";

// Per content: what its indexed form depends on. Passages get new ids whenever they are
// replaced, so their count and id range change with them; the rest is the content's fields.
constexpr const char* kSignaturesSql = R"sql(
SELECT c.id, count(p.id) || '/' || min(p.id) || '/' || max(p.id) || '/' ||
       c.title || '/' || c.description || '/' || c.kind || '/' || c.licence || '/' ||
       coalesce(c.collection_id, '') || '/' || c.metadata || '/' || c.status || '/' ||
       c.text_version
FROM content c JOIN passage p ON p.content_id = c.id
WHERE c.status != 'retired'
GROUP BY c.id ORDER BY c.id)sql";

// FNV-1a: a short, stable digest of a signature text.
std::string digest(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char out[20];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

Result<std::vector<std::pair<Id, std::string>>> catalog_signatures(catalog::Database& db) {
  std::vector<std::pair<Id, std::string>> out;
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare(kSignaturesSql));
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.emplace_back(stmt.int64(0), digest(stmt.text(1)));
  }
  return out;
}

// Indexes every passage of one content; returns how many.
Result<std::int64_t> index_content(catalog::Database& db, LexicalWriter& writer, Id content_id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare(kPassagesSql));
  stmt.bind(1, content_id);
  std::int64_t n = 0;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    PassageDoc d{.passage_id = stmt.int64(0),
                 .content_id = stmt.int64(1),
                 .text = stmt.text(2),
                 .language = stmt.text(3),
                 .title = stmt.text(4),
                 .description = stmt.text(5),
                 .kind = stmt.text(6),
                 .collection = stmt.text(7),
                 .licence = stmt.text(8),
                 .subject = stmt.text(9),
                 .level = stmt.text(10),
                 .status = stmt.text(11)};
    REPERE_RETURN_IF_ERROR(writer.put(d));
    ++n;
  }
  return n;
}

// Indexes the passages whose ids are in [first, last], counting them in `done`.
Status index_range(catalog::Database& db, LexicalWriter& writer, Id first, Id last,
                   const std::atomic<bool>& stop, std::atomic<std::int64_t>& done) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare(kPassageRangeSql));
  stmt.bind(1, first).bind(2, last);
  while (true) {
    if (stop) return Status::unavailable("reindex interrupted; the previous index still serves");
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    PassageDoc d{.passage_id = stmt.int64(0),
                 .content_id = stmt.int64(1),
                 .text = stmt.text(2),
                 .language = stmt.text(3),
                 .title = stmt.text(4),
                 .description = stmt.text(5),
                 .kind = stmt.text(6),
                 .collection = stmt.text(7),
                 .licence = stmt.text(8),
                 .subject = stmt.text(9),
                 .level = stmt.text(10),
                 .status = stmt.text(11)};
    REPERE_RETURN_IF_ERROR(writer.put(d));
    done.fetch_add(1, std::memory_order_relaxed);
  }
  return writer.commit();
}

// Below this many passages a full build runs on one thread: a second part costs more to
// start and merge than it saves.
constexpr std::int64_t kTwoPartsFrom = 20000;

Result<std::int64_t> scalar(catalog::Database& db, const char* sql) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare(sql));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.optional_int64(0).value_or(0) : 0;
}

Status build_lexical(catalog::Database& db, const fs::path& folder, const IndexProgress& progress,
                     const std::atomic<bool>& stop, ReindexReport& report) {
  REPERE_ASSIGN_OR_RETURN(const std::int64_t total, scalar(db, "SELECT count(*) FROM passage"));
  // BM25 normalises lengths by the library's average passage (with its content's fields).
  REPERE_ASSIGN_OR_RETURN(const std::int64_t typical, scalar(db, kAverageLengthSql));
  REPERE_ASSIGN_OR_RETURN(const auto contents, catalog_signatures(db));
  // A big library is indexed in two parts side by side, split at the median passage id (the
  // merge keeps passage ids, which needs disjoint ranges), and merged when compacted.
  const bool two = total >= kTwoPartsFrom && std::thread::hardware_concurrency() >= 2;
  Id split = std::numeric_limits<Id>::max();
  if (two) {
    REPERE_ASSIGN_OR_RETURN(auto median, db.prepare("SELECT id FROM passage ORDER BY id "
                                                    "LIMIT 1 OFFSET ?1"));
    REPERE_ASSIGN_OR_RETURN(const bool row, median.bind(1, total / 2).step());
    if (row) split = median.int64(0);
  }
  std::vector<fs::path> raws = {fs::path(folder.string() + ".raw")};
  if (two) raws.push_back(fs::path(folder.string() + ".raw2"));
  std::vector<std::unique_ptr<LexicalWriter>> writers;
  for (const fs::path& raw : raws) {
    REPERE_ASSIGN_OR_RETURN(auto w, LexicalWriter::create(raw, typical));
    writers.push_back(std::move(w));
  }
  for (const auto& [id, signature] : contents) {
    REPERE_RETURN_IF_ERROR(writers[0]->set_signature(id, signature));
  }
  std::atomic<std::int64_t> done{0};
  std::atomic<bool> second_finished{!two};
  Status second = Status::ok();
  std::thread worker;
  if (two) {
    worker = std::thread([&] {
      auto conn = catalog::Database::open(db.path(), {.read_only = true});
      second = conn.is_ok() ? index_range(**conn, *writers[1], split,
                                          std::numeric_limits<Id>::max(), stop, done)
                            : conn.status();
      second_finished = true;
    });
  }
  // The first part here, reporting progress for both until both are done.
  std::atomic<std::int64_t> last_report{0};
  std::atomic<bool> first_finished{false};
  std::thread reporter([&] {
    while (!(first_finished && second_finished)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      const std::int64_t n = done.load();
      if (progress && n - last_report >= 1000) {
        progress(n, total);
        last_report = n;
      }
    }
  });
  const Status first = index_range(db, *writers[0], 0, split - 1, stop, done);
  first_finished = true;
  if (worker.joinable()) worker.join();
  reporter.join();
  REPERE_RETURN_IF_ERROR(first);
  REPERE_RETURN_IF_ERROR(second);
  report.passages = done.load();
  report.contents = static_cast<std::int64_t>(contents.size());
  writers.clear();
  REPERE_RETURN_IF_ERROR(LexicalWriter::merge_into(raws, folder));
  std::error_code ec;
  for (const fs::path& raw : raws) fs::remove_all(raw, ec);
  if (progress) progress(report.passages, total);
  return Status::ok();
}

// Embeds the passages a statement gives (id, text) into `vectors`, a batch at a time (one
// request per batch for an endpoint). Returns how many.
Result<std::int64_t> embed_rows(catalog::Statement& stmt, const Embedder& embedder,
                                VectorIndex& vectors, const std::atomic<bool>* stop) {
  constexpr std::size_t kBatch = 1024;
  std::int64_t n = 0;
  std::vector<Id> ids;
  std::vector<std::string> texts;
  bool more = true;
  while (more) {
    ids.clear();
    texts.clear();
    while (texts.size() < kBatch) {
      REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
      if (!row) {
        more = false;
        break;
      }
      ids.push_back(stmt.int64(0));
      texts.push_back(stmt.text(1));
    }
    if (stop && *stop) {
      return Status::unavailable("reindex interrupted; the previous index still serves");
    }
    REPERE_ASSIGN_OR_RETURN(const auto embedded, embedder.embed_batch(texts));
    REPERE_RETURN_IF_ERROR(vectors.add_batch(ids, embedded));
    n += static_cast<std::int64_t>(ids.size());
  }
  return n;
}

// Embeds every passage of the catalog with the embedder of `gen.embeddings()` into
// `gen.vectors()`.
Status build_vectors(catalog::Database& db, const Generation& gen, const std::atomic<bool>& stop,
                     const EmbeddingSettings& settings, ReindexReport& report) {
  REPERE_ASSIGN_OR_RETURN(const auto embedder, open_embedder(gen.embeddings(), settings));
  REPERE_ASSIGN_OR_RETURN(auto vectors, VectorIndex::create(embedder->dimension()));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT p.id, p.text FROM passage p JOIN content c ON "
                                     "c.id = p.content_id WHERE c.status != 'retired'"));
  REPERE_RETURN_IF_ERROR(embed_rows(stmt, *embedder, *vectors, &stop).status());
  report.vectors = static_cast<std::int64_t>(vectors->size());
  report.embedder = embedder->name();
  return vectors->save(gen.vectors());
}

// Texts of every passage, for training.
TextSource passage_texts(catalog::Statement& stmt) {
  return [&stmt](std::string& text) {
    auto row = stmt.step();
    if (!row.is_ok() || !*row) return false;
    text = stmt.text(0);
    return true;
  };
}

Status build_embeddings(catalog::Database& db, const std::optional<Generation>& current,
                        const Generation& gen, const ReindexOptions& options) {
  std::error_code ec;
  if (options.train_embeddings) {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT text FROM passage ORDER BY id"));
    return make_embeddings(passage_texts(stmt), gen.embeddings(), options.embeddings,
                           options.training);
  }
  if (current && fs::is_directory(current->embeddings(), ec)) {
    fs::copy(current->embeddings(), gen.embeddings(), fs::copy_options::recursive, ec);
    if (ec) return Status::io_error("cannot copy the embeddings: " + ec.message());
  }
  return Status::ok();
}

// Removes unfinished builds and every generation older than `keep_from`.
void clean_up(const fs::path& index_dir, int keep_from) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(index_dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool building = name.size() > 9 && name.ends_with(".building");
    const int n = generation_number(name);
    if (building || (n >= 0 && n < keep_from)) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

Result<std::optional<Generation>> current_generation(const fs::path& index_dir) {
  std::error_code ec;
  const fs::path current = index_dir / "CURRENT";
  if (!fs::exists(current, ec)) return std::optional<Generation>();
  REPERE_ASSIGN_OR_RETURN(std::string name, read_file(current));
  while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
  const int n = generation_number(name);
  if (n < 0 || !fs::is_directory(index_dir / name, ec)) {
    return Status::corruption(current.string() + " names '" + name +
                              "', which is not there: run `repere reindex`");
  }
  return std::optional<Generation>(Generation{n, index_dir / name});
}

Result<UpdateReport> update_index(catalog::Database& db, const fs::path& index_dir,
                                  const EmbeddingSettings& embeddings) {
  REPERE_ASSIGN_OR_RETURN(const auto current, current_generation(index_dir));
  UpdateReport report;
  auto full_reindex = [&]() -> Result<UpdateReport> {
    std::atomic<bool> stop{false};
    REPERE_ASSIGN_OR_RETURN(const ReindexReport full,
                            reindex(db, index_dir, nullptr, stop, {.embeddings = embeddings}));
    report.generation = full.generation;
    report.contents_indexed = full.contents;
    report.passages = full.passages;
    report.vectors = full.vectors;
    return report;
  };
  if (!current) return full_reindex();
  report.generation = current->number;
  auto opened = LexicalWriter::open(current->lexical());
  // An index of an older layout is rebuilt (keeping its embeddings) rather than updated.
  if (!opened.is_ok() && opened.status().code() == StatusCode::kUnsupported) return full_reindex();
  REPERE_ASSIGN_OR_RETURN(auto writer, std::move(opened));
  REPERE_ASSIGN_OR_RETURN(auto indexed, writer->signatures());
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<VectorIndex> vectors;
  if (current->has_vectors()) {
    REPERE_ASSIGN_OR_RETURN(embedder, open_embedder(current->embeddings(), embeddings));
    REPERE_ASSIGN_OR_RETURN(vectors, VectorIndex::load(current->vectors(), embedder->dimension()));
  }
  // Replaces a content's vectors: the old passages' go, the new ones' come.
  auto revector = [&](Id id, bool add) -> Status {
    if (!vectors) return Status::ok();
    REPERE_ASSIGN_OR_RETURN(const auto old_ids, writer->passages_of(id));
    for (const Id p : old_ids) vectors->remove(p);
    if (!add) return Status::ok();
    REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT id, text FROM passage WHERE "
                                                  "content_id = ?1"));
    stmt.bind(1, id);
    REPERE_ASSIGN_OR_RETURN(const std::int64_t n, embed_rows(stmt, *embedder, *vectors, nullptr));
    report.vectors += n;
    return Status::ok();
  };
  REPERE_ASSIGN_OR_RETURN(const auto contents, catalog_signatures(db));
  for (const auto& [id, signature] : contents) {
    const auto found = indexed.find(id);
    const bool same = found != indexed.end() && found->second == signature;
    if (found != indexed.end()) indexed.erase(found);
    if (same) continue;
    REPERE_RETURN_IF_ERROR(revector(id, true));
    REPERE_RETURN_IF_ERROR(writer->remove_content(id));
    REPERE_ASSIGN_OR_RETURN(const std::int64_t n, index_content(db, *writer, id));
    REPERE_RETURN_IF_ERROR(writer->set_signature(id, signature));
    report.passages += n;
    ++report.contents_indexed;
  }
  for (const auto& [id, signature] : indexed) {  // gone from the catalog, or retired
    if (signature.empty()) continue;
    REPERE_RETURN_IF_ERROR(revector(id, false));
    REPERE_RETURN_IF_ERROR(writer->remove_content(id));
    ++report.contents_removed;
  }
  // Vectors first: a reader that sees the new lexical commit finds their vectors too.
  if (vectors) {
    REPERE_RETURN_IF_ERROR(vectors->save(current->vectors()));
  }
  REPERE_RETURN_IF_ERROR(writer->commit());
  return report;
}

bool Generation::has_vectors() const {
  std::error_code ec;
  return fs::is_regular_file(vectors(), ec);
}

Result<ReindexReport> reindex(catalog::Database& db, const fs::path& index_dir,
                              const IndexProgress& progress, const std::atomic<bool>& stop,
                              const ReindexOptions& options) {
  std::error_code ec;
  fs::create_directories(index_dir, ec);
  if (ec) return Status::io_error("cannot create " + index_dir.string() + ": " + ec.message());
  REPERE_ASSIGN_OR_RETURN(const auto current, current_generation(index_dir));
  const int previous = current ? current->number : 0;
  // Beyond any generation folder already there, even one CURRENT no longer names.
  int next = previous + 1;
  for (const auto& entry : fs::directory_iterator(index_dir, ec))
    next = std::max(next, generation_number(entry.path().filename().string()) + 1);
  clean_up(index_dir, previous);
  const fs::path building = index_dir / (generation_name(next) + ".building");
  fs::create_directories(building, ec);
  if (ec) return Status::io_error("cannot create " + building.string() + ": " + ec.message());
  ReindexReport report;
  report.generation = next;
  const Generation gen{next, building};
  auto clock = std::chrono::steady_clock::now();
  auto lap = [&clock] {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - clock).count();
    clock = now;
    return s;
  };
  Status built = build_lexical(db, gen.lexical(), progress, stop, report);
  report.lexical_seconds = lap();
  if (built.is_ok()) built = build_embeddings(db, current, gen, options);
  report.embeddings_seconds = lap();
  if (built.is_ok() && fs::is_directory(gen.embeddings(), ec))
    built = build_vectors(db, gen, stop, options.embeddings, report);
  report.vectors_seconds = lap();
  if (!built.is_ok()) {
    fs::remove_all(building, ec);
    return built;
  }
  const fs::path done = index_dir / generation_name(next);
  fs::rename(building, done, ec);
  if (ec) return Status::io_error("cannot rename " + building.string() + ": " + ec.message());
  REPERE_RETURN_IF_ERROR(write_file_atomic(index_dir / "CURRENT", generation_name(next) + "\n"));
  clean_up(index_dir, previous);  // keeps the previous generation for readers still on it
  return report;
}

}  // namespace repere::index
