// The job queue: one row per stage of the processing of one content (or of a file that
// failed before becoming one). Claiming is atomic, so several worker processes or threads,
// each with its own Database, can share the queue. One thread per repository object.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/catalog/types.h"

namespace repere::catalog {

class JobRepository {
 public:
  explicit JobRepository(Database& db) : db_(db) {}

  // Queues `stage` for `content_id` as pending with no attempts; a job that already exists
  // for that content and stage is reset. Without a content, always adds a row (used to record
  // a file that could not be imported). Returns the job's id.
  Result<Id> enqueue(std::optional<Id> content_id, std::string_view stage, std::string_view path);
  // Takes the oldest pending job of `stage`, marks it running and counts the attempt.
  // Returns none when no job is pending.
  Result<std::optional<Job>> claim(std::string_view stage);
  Status set_progress(Id id, double progress);  // progress is clamped to [0, 1]
  Status complete(Id id);
  Status fail(Id id, std::string_view error);
  // After a crash: jobs left running by a dead process go back to pending. Returns how many.
  Result<int> requeue_interrupted();
  // A running job goes back to pending, keeping its attempts (a transient failure).
  Status requeue(Id id);
  // Forgets the failures recorded for a file that never became a content.
  Status forget_path(std::string_view path);
  // Forgets the failures recorded for the lines of a manifest ("PATH:LINE").
  Status forget_manifest_lines(std::string_view manifest_path);
  // Failed jobs go back to pending (for `repere ingest --retry-failed`). Returns how many.
  Result<int> retry_failed();
  Result<Job> get(Id id);
  Result<std::vector<Job>> list(std::optional<JobState> state = std::nullopt);

 private:
  Status set_state(Id id, JobState state, std::string_view error, double progress);
  Database& db_;
};

}  // namespace repere::catalog
