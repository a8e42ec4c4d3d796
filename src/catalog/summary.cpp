#include "repere/catalog/summary.h"

namespace repere::catalog {
namespace {

Result<std::int64_t> count_rows(Database& db, std::string_view table) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db.prepare("SELECT count(*) FROM " + std::string(table)));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.int64(0) : 0;
}

Result<Counts> group_count(Database& db, std::string_view table, std::string_view column) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db.prepare("SELECT " + std::string(column) + ", count(*) FROM " +
                                     std::string(table) + " GROUP BY 1 ORDER BY 1"));
  Counts out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.emplace_back(stmt.text(0), stmt.int64(1));
  }
}

Result<std::vector<Failure>> failures(Database& db) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare(
          "SELECT job.content_id, coalesce(content.title, ''), "
          "CASE WHEN job.path != '' THEN job.path ELSE coalesce(content.media_path, '') END, "
          "job.stage, job.error, job.attempts FROM job "
          "LEFT JOIN content ON content.id = job.content_id "
          "WHERE job.state = 'failed' ORDER BY job.id"));
  std::vector<Failure> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(Failure{.content_id = stmt.optional_int64(0),
                          .title = stmt.text(1),
                          .path = stmt.text(2),
                          .stage = stmt.text(3),
                          .error = stmt.text(4),
                          .attempts = static_cast<int>(stmt.int64(5))});
  }
}

Result<std::vector<Warning>> warnings(Database& db) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare("SELECT content.id, content.title, w.value FROM content, "
                 "json_each(content.metadata, '$.extract_warnings') AS w WHERE w.type = 'text' "
                 "UNION ALL SELECT content.id, content.title, w.value FROM content, "
                 "json_each(content.metadata, '$.segment_warnings') AS w WHERE w.type = 'text' "
                 "ORDER BY 1"));
  std::vector<Warning> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(
        Warning{.content_id = stmt.int64(0), .title = stmt.text(1), .message = stmt.text(2)});
  }
}

Status fill(Database& db, CatalogSummary& s) {
  REPERE_ASSIGN_OR_RETURN(s.schema_version, db.schema_version());
  REPERE_ASSIGN_OR_RETURN(s.collections, count_rows(db, "collection"));
  REPERE_ASSIGN_OR_RETURN(s.contents, count_rows(db, "content"));
  REPERE_ASSIGN_OR_RETURN(s.tracks, count_rows(db, "track"));
  REPERE_ASSIGN_OR_RETURN(s.cues, count_rows(db, "cue"));
  REPERE_ASSIGN_OR_RETURN(s.passages, count_rows(db, "passage"));
  REPERE_ASSIGN_OR_RETURN(s.contents_by_kind, group_count(db, "content", "kind"));
  REPERE_ASSIGN_OR_RETURN(s.contents_by_status, group_count(db, "content", "status"));
  REPERE_ASSIGN_OR_RETURN(s.jobs_by_state, group_count(db, "job", "state"));
  REPERE_ASSIGN_OR_RETURN(s.failures, failures(db));
  REPERE_ASSIGN_OR_RETURN(s.warnings, warnings(db));
  return Status::ok();
}

}  // namespace

Result<CatalogSummary> summarize(Database& db) {
  // A deferred read transaction gives one consistent snapshot of the WAL.
  REPERE_RETURN_IF_ERROR(db.exec("BEGIN DEFERRED"));
  CatalogSummary summary;
  const Status status = fill(db, summary);
  (void)db.exec("COMMIT");
  if (!status.is_ok()) return status;
  return summary;
}

}  // namespace repere::catalog
