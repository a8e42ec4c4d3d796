// The store of activities, classes, pupils and answers, in the catalog (SQLite).
//
// No accounts: creating an activity returns a secret edit key (only its SHA-256 is stored);
// whoever holds it may change the activity, make class codes and read the results. Each
// class gets a short share code; a pupil joins a class with a pseudonym and receives a secret
// token (hashed too) under which answers are kept. Classes never see each other's results.
//
// Errors: not_found for an unknown activity, class code, token or a wrong edit key (the same
// answer, so that a guess tells nothing); invalid_argument (validate(), or a response that
// does not fit); io_error / corruption from the catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repere/core/result.h"
#include "repere/learn/activity.h"

namespace repere::catalog {
class Database;
}

namespace repere::learn {

struct Created {
  Id id = 0;
  std::string edit_key;  // 32 characters; shown once
};

struct ClassShare {
  Id id = 0;
  Id activity_id = 0;
  std::string code;  // 6 characters of an alphabet without look-alikes (no 0 O 1 I L)
  std::string name;
  std::string created_at;
};

struct Pupil {
  Id id = 0;
  Id class_id = 0;
  std::string pseudonym;
  std::string token;  // only when joining; the store keeps its hash
};

struct AnswerRecord {
  Id interaction_id = 0;
  std::optional<bool> correct;
  double score = 0, max_score = 0;
  std::string response_json;
  std::int64_t elapsed_ms = 0;
  std::string created_at;
};

struct PupilResult {
  Id pupil_id = 0;
  std::string pseudonym;
  double score = 0, max_score = 0;    // over each question's latest answer
  std::int64_t time_ms = 0;           // from joining to the last answer
  std::vector<AnswerRecord> answers;  // latest per question, in the activity's order
};

struct QuestionResult {
  Id interaction_id = 0;
  std::string label;  // the question, or the blanks text
  int answered = 0, right = 0;
  double success_rate = 0;                                // right / answered (open questions: 0)
  std::vector<std::pair<std::string, int>> common_wrong;  // response text, count; at most 3
};

// An xAPI statement waiting for the LRS.
struct StoredStatement {
  Id id = 0;
  std::string statement;  // JSON
};

struct Results {
  ClassShare share;
  std::vector<PupilResult> pupils;
  std::vector<QuestionResult> questions;
};

class ActivityStore {
 public:
  explicit ActivityStore(catalog::Database& db) : db_(db) {}

  // Validates (against the content's duration) and stores a new activity.
  Result<Created> create(const Activity& a);
  Result<Activity> get(Id id);
  // The activity if `edit_key` is its key; not_found otherwise.
  Result<Activity> get_for_edit(Id id, const std::string& edit_key);
  // Replaces title, clip, settings and interactions. Interactions that keep their id keep
  // their answers; those left out are deleted with theirs.
  Status update(const Activity& a, const std::string& edit_key);
  Status remove(Id id, const std::string& edit_key);

  Result<ClassShare> add_class(Id activity_id, const std::string& edit_key,
                               const std::string& name);
  Result<std::vector<ClassShare>> classes(Id activity_id, const std::string& edit_key);
  Result<ClassShare> class_by_code(const std::string& code);  // case and spaces ignored

  Result<Pupil> join(const std::string& code, const std::string& pseudonym);
  Result<Pupil> pupil_by_token(const std::string& token);
  // Grades and stores a pupil's response to one interaction of the class's activity.
  Result<Grade> answer(const Pupil& pupil, Id interaction_id, const Response& r,
                       std::int64_t elapsed_ms);

  Result<Results> results(Id activity_id, const std::string& edit_key, Id class_id);
  // One line per pupil and question: classe;pseudonyme;question;réponse;juste;points;...
  Result<std::string> results_csv(Id activity_id, const std::string& edit_key, Id class_id);

  // xAPI statements (repere/learn/xapi.h): kept per activity, exported with the edit key as
  // one JSON array in the order they were made, sent to an LRS when one is configured.
  Status record_statement(Id activity_id, std::optional<Id> pupil_id,
                          const std::string& statement_json);
  Result<std::string> statements_json(Id activity_id, const std::string& edit_key);
  Result<std::vector<StoredStatement>> unsent_statements(int limit);
  Status mark_sent(const std::vector<Id>& ids);

 private:
  Status check_key(Id activity_id, const std::string& edit_key);
  catalog::Database& db_;
};

}  // namespace repere::learn
