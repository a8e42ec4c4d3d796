#include "repere/learn/schema.h"

#include <string_view>

namespace repere::learn {
namespace {

// Version 1: interactive videos (the catalog's version 3 made these same tables, hence
// IF NOT EXISTS: a catalog made then keeps them and their rows). An activity is a clip of a content
// with interactions at times within it; a teacher holds it by a secret edit key (only its hash is
// stored), shares it with each class by a short code, and pupils of a class, known by a pseudonym
// only, answer. The statements of xAPI are kept per activity, with whether the LRS has them.
constexpr std::string_view kActivities = R"sql(
CREATE TABLE IF NOT EXISTS activity (
  id            INTEGER PRIMARY KEY,
  content_id    INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
  title         TEXT NOT NULL CHECK (length(title) > 0),
  start_ms      INTEGER NOT NULL CHECK (start_ms >= 0),
  end_ms        INTEGER NOT NULL CHECK (end_ms > start_ms),
  skipping      TEXT NOT NULL DEFAULT 'allowed'
                CHECK (skipping IN ('allowed', 'forward_blocked', 'blocked')),
  must_answer   INTEGER NOT NULL DEFAULT 0 CHECK (must_answer IN (0, 1)),
  captions_on   INTEGER NOT NULL DEFAULT 1 CHECK (captions_on IN (0, 1)),
  edit_key_hash TEXT NOT NULL UNIQUE CHECK (length(edit_key_hash) = 64),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS activity_by_content ON activity(content_id);

CREATE TABLE IF NOT EXISTS interaction (
  id            INTEGER PRIMARY KEY,
  activity_id   INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  at_ms         INTEGER NOT NULL CHECK (at_ms >= 0),
  type          TEXT NOT NULL CHECK (type IN ('definition', 'choice', 'true_false', 'blanks',
                                              'open', 'chapter')),
  pause         INTEGER NOT NULL DEFAULT 1 CHECK (pause IN (0, 1)),
  wrong_goto_ms INTEGER CHECK (wrong_goto_ms IS NULL OR wrong_goto_ms >= 0),
  body          TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX IF NOT EXISTS interaction_by_activity ON interaction(activity_id, at_ms);

CREATE TABLE IF NOT EXISTS class_share (
  id          INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  code        TEXT NOT NULL UNIQUE CHECK (length(code) >= 6),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS class_by_activity ON class_share(activity_id);

CREATE TABLE IF NOT EXISTS pupil (
  id          INTEGER PRIMARY KEY,
  class_id    INTEGER NOT NULL REFERENCES class_share(id) ON DELETE CASCADE,
  pseudonym   TEXT NOT NULL CHECK (length(pseudonym) > 0),
  token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS pupil_by_class ON pupil(class_id);

CREATE TABLE IF NOT EXISTS answer (
  id             INTEGER PRIMARY KEY,
  pupil_id       INTEGER NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,
  interaction_id INTEGER NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
  response       TEXT NOT NULL CHECK (json_valid(response)),
  correct        INTEGER CHECK (correct IS NULL OR correct IN (0, 1)),
  score          REAL NOT NULL DEFAULT 0,
  max_score      REAL NOT NULL DEFAULT 0,
  elapsed_ms     INTEGER NOT NULL DEFAULT 0 CHECK (elapsed_ms >= 0),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS answer_by_pupil ON answer(pupil_id, interaction_id);
CREATE INDEX IF NOT EXISTS answer_by_interaction ON answer(interaction_id);

CREATE TABLE IF NOT EXISTS xapi_statement (
  id          INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  pupil_id    INTEGER REFERENCES pupil(id) ON DELETE CASCADE,
  statement   TEXT NOT NULL CHECK (json_valid(statement)),
  sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS xapi_by_activity ON xapi_statement(activity_id, id);
CREATE INDEX IF NOT EXISTS xapi_unsent ON xapi_statement(sent) WHERE sent = 0;
)sql";

// Version 2: activities belong to teachers' accounts (auth's user ids; an activity made
// before accounts, or without one, has none until the holder of its edit key claims it), and
// an owner can give editing rights to colleagues.
constexpr std::string_view kOwners = R"sql(
ALTER TABLE activity ADD COLUMN owner_id INTEGER;
CREATE INDEX activity_by_owner ON activity(owner_id);
CREATE TABLE activity_editor (
  activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL,
  added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX activity_editor_by_user ON activity_editor(user_id);
)sql";

// Version 3: how many answers a pupil may give to each question (0: unlimited) and which one
// counts (the first, or the best). Activities made before keep unlimited attempts, and their
// first answers count: what their results showed (the latest) could be gamed by retrying.
constexpr std::string_view kAttempts = R"sql(
ALTER TABLE activity ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0
  CHECK (attempts BETWEEN 0 AND 10);
ALTER TABLE activity ADD COLUMN counting TEXT NOT NULL DEFAULT 'first'
  CHECK (counting IN ('first', 'best'));
)sql";

// Version 4: a class's default for the reading view (a dyslexia-friendly font, larger spacing,
// one idea per line), which its pupils get unless they chose otherwise.
constexpr std::string_view kReadingView = R"sql(
ALTER TABLE class_share ADD COLUMN reading_view INTEGER NOT NULL DEFAULT 0
  CHECK (reading_view IN (0, 1));
)sql";

// Version 5: whether the class's results show « Élèves à accompagner » (on unless its teacher
// turned it off).
constexpr std::string_view kInsight = R"sql(
ALTER TABLE class_share ADD COLUMN insight INTEGER NOT NULL DEFAULT 1 CHECK (insight IN (0, 1));
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "learn",
      {{1, "activities, classes, pupils and answers", kActivities},
       {2, "owners and editors of activities", kOwners},
       {3, "attempts per question and which one counts", kAttempts},
       {4, "a class's default reading view", kReadingView},
       {5, "whether a class's results show pupils to support", kInsight}}};
  return kSchema;
}

}  // namespace repere::learn
