#include "repere/catalog/jobs.h"

#include <algorithm>

namespace repere::catalog {
namespace {

constexpr std::string_view kJobColumns =
    "id, content_id, path, stage, state, attempts, error, progress";

Result<Job> read_job(const Statement& row) {
  Job j;
  j.id = row.int64(0);
  j.content_id = row.optional_int64(1);
  j.path = row.text(2);
  j.stage = row.text(3);
  REPERE_ASSIGN_OR_RETURN(j.state, parse_job_state(row.text(4)));
  j.attempts = static_cast<int>(row.int64(5));
  j.error = row.text(6);
  j.progress = row.real(7);
  return j;
}

Result<std::vector<Job>> read_jobs(Statement& stmt) {
  std::vector<Job> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    REPERE_ASSIGN_OR_RETURN(Job j, read_job(stmt));
    out.push_back(std::move(j));
  }
}

}  // namespace

Result<Id> JobRepository::enqueue(std::optional<Id> content_id, std::string_view stage,
                                  std::string_view path) {
  if (stage.empty()) return Status::invalid_argument("a job needs a stage name");
  if (content_id) {
    REPERE_ASSIGN_OR_RETURN(
        Statement upsert,
        db_.prepare("INSERT INTO job (content_id, stage, path) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT (content_id, stage) WHERE content_id IS NOT NULL DO UPDATE SET "
                    "state = 'pending', attempts = 0, error = '', progress = 0, path = ?3, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') RETURNING id"));
    upsert.bind(1, content_id).bind(2, stage).bind(3, path);
    REPERE_ASSIGN_OR_RETURN(const bool row, upsert.step());
    if (!row) return Status::internal("job upsert returned no id");
    const Id id = upsert.int64(0);
    REPERE_RETURN_IF_ERROR(upsert.run());
    return id;
  }
  REPERE_ASSIGN_OR_RETURN(Statement insert,
                          db_.prepare("INSERT INTO job (stage, path) VALUES (?1, ?2)"));
  REPERE_RETURN_IF_ERROR(insert.bind(1, stage).bind(2, path).run());
  return db_.last_insert_id();
}

Result<std::optional<Job>> JobRepository::claim(std::string_view stage) {
  // One statement: SQLite runs it under the write lock, so two workers never get one job.
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("UPDATE job SET state = 'running', attempts = attempts + 1, "
                  "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = "
                  "(SELECT id FROM job WHERE state = 'pending' AND stage = ?1 ORDER BY id LIMIT 1) "
                  "RETURNING " +
                  std::string(kJobColumns)));
  stmt.bind(1, stage);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Job>();
  REPERE_ASSIGN_OR_RETURN(Job job, read_job(stmt));
  REPERE_RETURN_IF_ERROR(stmt.run());
  return std::optional<Job>(std::move(job));
}

Status JobRepository::set_state(Id id, JobState state, std::string_view error, double progress) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("UPDATE job SET state = ?2, error = ?3, progress = ?4, "
                                      "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                                      "WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(
      stmt.bind(1, id).bind(2, to_string(state)).bind(3, error).bind(4, progress).run());
  if (db_.changes() == 0) return Status::not_found("no job with id " + std::to_string(id));
  return Status::ok();
}

Status JobRepository::set_progress(Id id, double progress) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("UPDATE job SET progress = ?2 WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, id).bind(2, std::clamp(progress, 0.0, 1.0)).run());
  if (db_.changes() == 0) return Status::not_found("no job with id " + std::to_string(id));
  return Status::ok();
}

Status JobRepository::complete(Id id) { return set_state(id, JobState::kDone, "", 1.0); }

Status JobRepository::fail(Id id, std::string_view error) {
  return set_state(id, JobState::kFailed, error, 0.0);
}

Result<int> JobRepository::requeue_interrupted() {
  REPERE_RETURN_IF_ERROR(db_.exec("UPDATE job SET state = 'pending' WHERE state = 'running'"));
  return db_.changes();
}

Status JobRepository::requeue(Id id) { return set_state(id, JobState::kPending, "", 0.0); }

Status JobRepository::forget_path(std::string_view path) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("DELETE FROM job WHERE content_id IS NULL AND path = ?1"));
  return stmt.bind(1, path).run();
}

Status JobRepository::forget_manifest_lines(std::string_view manifest_path) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("DELETE FROM job WHERE content_id IS NULL AND "
                                      "substr(path, 1, length(?1) + 1) = ?1 || ':'"));
  return stmt.bind(1, manifest_path).run();
}

Result<int> JobRepository::retry_failed() {
  REPERE_RETURN_IF_ERROR(
      db_.exec("UPDATE job SET state = 'pending', attempts = 0 WHERE state = 'failed'"));
  return db_.changes();
}

Result<Job> JobRepository::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("SELECT " + std::string(kJobColumns) +
                                                      " FROM job WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(std::vector<Job> jobs, read_jobs(stmt));
  if (jobs.empty()) return Status::not_found("no job with id " + std::to_string(id));
  return std::move(jobs.front());
}

Result<std::vector<Job>> JobRepository::list(std::optional<JobState> state) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT " + std::string(kJobColumns) +
                                      " FROM job WHERE ?1 IS NULL OR state = ?1 ORDER BY id"));
  if (state) stmt.bind(1, to_string(*state));
  return read_jobs(stmt);
}

}  // namespace repere::catalog
