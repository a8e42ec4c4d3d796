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
  // Its pupils get the reading view (a dyslexia-friendly font, larger spacing, one idea per
  // line) unless they chose otherwise.
  bool reading_view = false;
  // Its results page shows « Élèves à accompagner » (repere/insight); the teacher may turn it off.
  bool insight = true;
};

struct Pupil {
  Id id = 0;
  Id class_id = 0;
  std::string pseudonym;
  std::string token;  // only when joining; the store keeps its hash
};

struct AnswerRecord {
  Id id = 0;  // later answers have larger ids
  Id interaction_id = 0;
  std::optional<bool> correct;
  double score = 0, max_score = 0;
  std::string response_json;
  std::int64_t elapsed_ms = 0;
  std::string created_at;
  int attempt = 1;   // this answer was the pupil's n-th to the question
  int attempts = 1;  // answers the pupil gave to the question in all
};

struct PupilResult {
  Id pupil_id = 0;
  int number = 0;  // 1, 2, 3… in the order pupils joined the class: two « Léa » are told apart
  std::string pseudonym;
  // The counted answers (Settings::counting) over every graded question of the activity,
  // answered or not: 1 / 3 for one right answer of three graded questions.
  double score = 0, max_score = 0;
  std::int64_t time_ms = 0;    // from joining to the last answer
  double watched = 0;          // the furthest share of the clip the player reached, 0 to 1 (xAPI)
  bool watched_known = false;  // the player sent its progress (not without JavaScript)
  std::vector<AnswerRecord> answers;  // the counted one per question, in the activity's order
  std::vector<AnswerRecord> every;    // every answer given, each attempt, in the order given
  std::string joined_at;              // ISO 8601, UTC
};

struct QuestionResult {
  Id interaction_id = 0;
  std::string label;   // the question, or the blanks text
  bool graded = true;  // false: an open question; its answers are listed, never scored
  int answered = 0, right = 0;
  double success_rate = 0;  // right / answered, on the counted answers (open questions: 0)
  std::vector<std::pair<std::string, int>> common_wrong;  // response text, count; at most 3
  std::vector<std::string> responses;  // open questions: each pupil's latest text
};

// Where one pupil stands on one question, for the end screen.
struct QuestionProgress {
  Id interaction_id = 0;
  bool graded = true;
  double max_score = 0;
  int attempts_used = 0;
  std::optional<int> attempts_left;     // none: unlimited
  std::optional<AnswerRecord> counted;  // none: not answered
};

// One pupil's score out of every graded question of the activity, and each question.
struct PupilProgress {
  double score = 0, max_score = 0;
  int graded = 0, right = 0, answered = 0;
  bool can_retry = false;                   // some question can still be answered again
  std::vector<QuestionProgress> questions;  // the activity's questions, in its order
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

// Who edits an activity: the holder of its edit key (the link a teacher keeps), or a signed-in
// teacher (an auth user id) who owns it or was given editing rights. Built from a key alone
// wherever a key used to be asked.
struct Editor {
  std::string key;
  std::optional<Id> user_id;
  Editor(std::string edit_key = "") : key(std::move(edit_key)) {}  // NOLINT: a key is an editor
  Editor(const char* edit_key) : key(edit_key) {}                  // NOLINT
  static Editor user(Id id, std::string edit_key = "") {
    Editor e(std::move(edit_key));
    e.user_id = id;
    return e;
  }
};

// An activity as « Mes activités » lists it.
struct OwnedActivity {
  Id id = 0;
  Id content_id = 0;
  std::string title;
  std::string updated_at;
  bool owner = false;  // false: editing rights given by its owner
  int classes = 0;
};

// The class-code mechanism, shared by the courses' classes: a new 9-character share code, a
// typed code as stored (case and spaces ignored), a pupil's new secret token (32 hex
// characters) and the SHA-256 under which it is kept.
std::string new_share_code();
std::string clean_share_code(const std::string& typed);
std::string new_pupil_token();
std::string token_digest(const std::string& token);

class ActivityStore {
 public:
  explicit ActivityStore(catalog::Database& db) : db_(db) {}

  // Validates (against the content's duration) and stores a new activity, owned by
  // `owner` (an auth user id) when given.
  Result<Created> create(const Activity& a, std::optional<Id> owner = std::nullopt);
  // The activities `user_id` owns or may edit, most recently changed first.
  Result<std::vector<OwnedActivity>> editable_by(Id user_id);
  // The holder of the edit key makes `user_id` the owner of an activity that has none (one
  // made before accounts), or an editor of one that has. Errors: not_found (wrong key).
  Status claim(Id activity_id, const std::string& edit_key, Id user_id);
  // The owner gives editing rights to another user. Errors: not_found (not the owner).
  Status share(Id activity_id, Id owner_id, Id user_id);
  // The owner's user id, if any.
  Result<std::optional<Id>> owner_of(Id activity_id);
  Result<Activity> get(Id id);
  // The activity if `edit_key` is its key; not_found otherwise.
  Result<Activity> get_for_edit(Id id, const Editor& editor);
  // Replaces title, clip, settings and interactions. Interactions that keep their id keep
  // their answers; those left out are deleted with theirs.
  Status update(const Activity& a, const Editor& editor);
  Status remove(Id id, const Editor& editor);
  // A copy of an activity (its clip, settings and interactions; no classes, no answers) under
  // « title (copie) », with a new edit key, owned by `owner` when given. Errors: not_found
  // (not the editor).
  Result<Created> duplicate(Id id, const Editor& editor, std::optional<Id> owner);

  // A copy of an activity (clip, settings, interactions) under the same title, owned by
  // `owner`, without asking for editing rights: for a caller that checked its own (the courses
  // module copies a published model course's interactive videos with the course).
  // Errors: not_found.
  Result<Created> copy_for(Id id, Id owner);

  // Removes an activity nobody owns and no class was given (one an import made, imported
  // again); leaves any other. Errors: io_error from the catalog only.
  Status remove_unowned(Id id);

  Result<ClassShare> add_class(Id activity_id, const Editor& editor, const std::string& name);
  // A new class of an activity, without asking for editing rights: for a caller that checked
  // its own (an LTI launch makes the class of the platform's course). Errors: as add_class.
  Result<ClassShare> add_class_for(Id activity_id, const std::string& name);
  Result<std::vector<ClassShare>> classes(Id activity_id, const Editor& editor);
  // The class's default reading view. Errors: as classes(); not_found for a class of another
  // activity.
  Status set_reading_view(Id activity_id, const Editor& editor, Id class_id, bool on);
  // Whether the class's results show « Élèves à accompagner ». Errors: as set_reading_view().
  Status set_insight(Id activity_id, const Editor& editor, Id class_id, bool on);
  Result<ClassShare> class_by_code(const std::string& code);  // case and spaces ignored
  Result<ClassShare> class_by_id(Id id);

  Result<Pupil> join(const std::string& code, const std::string& pseudonym);
  Result<Pupil> pupil_by_token(const std::string& token);
  // A pupil by id, and a new secret token for it (the old one stops working): for a caller that
  // knows the pupil another way (a course's pupil sent to the course's interactive video).
  Result<Pupil> renew_token(Id pupil_id);
  // Grades and stores a pupil's response to one interaction of the class's activity.
  // Errors: permission_denied when the pupil has used every attempt the activity allows at
  // that question (the check and the insert are one transaction: two answers sent at once
  // cannot both pass).
  // The grade says how many attempts are left.
  Result<Grade> answer(const Pupil& pupil, Id interaction_id, const Response& r,
                       std::int64_t elapsed_ms);
  // The pupil's own results: what the end screen shows.
  Result<PupilProgress> progress(const Pupil& pupil);

  Result<Results> results(Id activity_id, const Editor& editor, Id class_id);
  // One line per pupil and question: classe;pseudonyme;question;réponse;juste;points;...
  Result<std::string> results_csv(Id activity_id, const Editor& editor, Id class_id);

  // xAPI statements (repere/learn/xapi.h): kept per activity, exported with the edit key as
  // one JSON array in the order they were made, sent to an LRS when one is configured.
  Status record_statement(Id activity_id, std::optional<Id> pupil_id,
                          const std::string& statement_json);
  Result<std::string> statements_json(Id activity_id, const Editor& editor);
  Result<std::vector<StoredStatement>> unsent_statements(int limit);
  Status mark_sent(const std::vector<Id>& ids);

 private:
  Status check_key(Id activity_id, const Editor& editor);
  // Sets a class's 0/1 `column` (one of this class's own constant names, never a caller's text).
  Status set_class_setting(Id activity_id, const Editor& editor, Id class_id, const char* column,
                           bool on);
  catalog::Database& db_;
};

}  // namespace repere::learn
