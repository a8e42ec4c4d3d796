#include "repere/catalog/migrations.h"

#include <string_view>
#include <vector>

namespace repere::catalog {
namespace {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Version 1: what the institution holds — collections, contents, their text tracks and cues.
constexpr std::string_view kContents = R"sql(
CREATE TABLE collection (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE CHECK (length(slug) > 0),
  name        TEXT NOT NULL,
  licence     TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE content (
  id            INTEGER PRIMARY KEY,
  collection_id INTEGER REFERENCES collection(id) ON DELETE SET NULL,
  external_id   TEXT,
  kind          TEXT NOT NULL
                CHECK (kind IN ('video', 'audio', 'document', 'image', 'webpage', 'text')),
  title         TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL DEFAULT '',
  language      TEXT NOT NULL DEFAULT '',
  licence       TEXT NOT NULL DEFAULT '',
  authors       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
  source_url    TEXT NOT NULL DEFAULT '',
  media_path    TEXT NOT NULL DEFAULT '',
  sha256        TEXT NOT NULL DEFAULT '',
  duration_ms   INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
  page_count    INTEGER CHECK (page_count IS NULL OR page_count >= 0),
  status        TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'review', 'published', 'retired')),
  metadata      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX content_by_sha256 ON content(sha256);
CREATE INDEX content_by_media_path ON content(media_path);
-- coalesce: SQLite treats NULLs as distinct in unique indexes, and contents outside any
-- collection must have unique external ids too.
CREATE UNIQUE INDEX content_by_external_id ON content(coalesce(collection_id, 0), external_id)
  WHERE external_id IS NOT NULL;

CREATE TABLE track (
  id          INTEGER PRIMARY KEY,
  content_id  INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL
              CHECK (kind IN ('subtitles', 'asr', 'pdf_text', 'ocr_scan', 'ocr_frames', 'text')),
  language    TEXT NOT NULL DEFAULT '',
  origin      TEXT NOT NULL CHECK (origin = 'human' OR origin GLOB 'ai:?*@?*'),
  review      TEXT NOT NULL DEFAULT 'unreviewed'
              CHECK (review IN ('unreviewed', 'approved', 'rejected')),
  label       TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX track_by_content ON track(content_id);

CREATE TABLE cue (
  id          INTEGER PRIMARY KEY,
  track_id    INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  start_ms    INTEGER,
  end_ms      INTEGER,
  page        INTEGER,
  box_x       REAL,
  box_y       REAL,
  box_w       REAL,
  box_h       REAL,
  confidence  REAL,
  text        TEXT NOT NULL,
  UNIQUE (track_id, seq),
  CHECK (start_ms IS NULL OR end_ms IS NULL OR end_ms >= start_ms)
);
)sql";

// Version 2: the pipeline's own records — search passages and the jobs that made them.
constexpr std::string_view kPipeline = R"sql(
CREATE TABLE passage (
  id          INTEGER PRIMARY KEY,
  content_id  INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
  track_id    INTEGER REFERENCES track(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  start_ms    INTEGER,
  end_ms      INTEGER,
  page        INTEGER,
  language    TEXT NOT NULL DEFAULT '',
  text        TEXT NOT NULL CHECK (length(text) > 0),
  UNIQUE (content_id, seq),
  CHECK (start_ms IS NULL OR end_ms IS NULL OR end_ms >= start_ms)
);

CREATE TABLE job (
  id          INTEGER PRIMARY KEY,
  content_id  INTEGER REFERENCES content(id) ON DELETE CASCADE,
  path        TEXT NOT NULL DEFAULT '',
  stage       TEXT NOT NULL CHECK (length(stage) > 0),
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'running', 'done', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  error       TEXT NOT NULL DEFAULT '',
  progress    REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX job_by_content_stage ON job(content_id, stage) WHERE content_id IS NOT NULL;
CREATE INDEX job_by_state ON job(state);
)sql";

// Version 3: interactive videos. An activity is a clip of a content with interactions at
// times within it; a teacher holds it by a secret edit key (only its hash is stored), shares
// it with each class by a short code, and pupils of a class, known by a pseudonym only,
// answer. The statements of xAPI are kept per activity, with whether the LRS has them.
constexpr std::string_view kActivities = R"sql(
CREATE TABLE activity (
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
CREATE INDEX activity_by_content ON activity(content_id);

CREATE TABLE interaction (
  id            INTEGER PRIMARY KEY,
  activity_id   INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  at_ms         INTEGER NOT NULL CHECK (at_ms >= 0),
  type          TEXT NOT NULL CHECK (type IN ('definition', 'choice', 'true_false', 'blanks',
                                              'open', 'chapter')),
  pause         INTEGER NOT NULL DEFAULT 1 CHECK (pause IN (0, 1)),
  wrong_goto_ms INTEGER CHECK (wrong_goto_ms IS NULL OR wrong_goto_ms >= 0),
  body          TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX interaction_by_activity ON interaction(activity_id, at_ms);

CREATE TABLE class_share (
  id          INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  code        TEXT NOT NULL UNIQUE CHECK (length(code) >= 6),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX class_by_activity ON class_share(activity_id);

CREATE TABLE pupil (
  id          INTEGER PRIMARY KEY,
  class_id    INTEGER NOT NULL REFERENCES class_share(id) ON DELETE CASCADE,
  pseudonym   TEXT NOT NULL CHECK (length(pseudonym) > 0),
  token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX pupil_by_class ON pupil(class_id);

CREATE TABLE answer (
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
CREATE INDEX answer_by_pupil ON answer(pupil_id, interaction_id);
CREATE INDEX answer_by_interaction ON answer(interaction_id);

CREATE TABLE xapi_statement (
  id          INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  pupil_id    INTEGER REFERENCES pupil(id) ON DELETE CASCADE,
  statement   TEXT NOT NULL CHECK (json_valid(statement)),
  sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX xapi_by_activity ON xapi_statement(activity_id, id);
CREATE INDEX xapi_unsent ON xapi_statement(sent) WHERE sent = 0;
)sql";

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "contents, tracks and cues", kContents},
      {2, "passages and jobs", kPipeline},
      {3, "activities, classes, pupils and answers", kActivities},
  };
  return kMigrations;
}

Status apply(Database& db, const Migration& m) {
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db));
  REPERE_RETURN_IF_ERROR(
      db.exec("CREATE TABLE IF NOT EXISTS schema_version ("
              " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
              " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"));
  // Re-read inside the transaction: another process may have migrated meanwhile.
  REPERE_ASSIGN_OR_RETURN(const int current, db.schema_version());
  if (current >= m.version) return Status::ok();
  REPERE_RETURN_IF_ERROR(db.exec(m.sql).with_context("migration " + std::to_string(m.version)));
  REPERE_ASSIGN_OR_RETURN(Statement record,
                          db.prepare("INSERT INTO schema_version (version, description) "
                                     "VALUES (?1, ?2)"));
  REPERE_RETURN_IF_ERROR(record.bind(1, m.version).bind(2, m.description).run());
  return txn.commit();
}

}  // namespace

int latest_schema_version() { return all_migrations().back().version; }

Status migrate(Database& db, int target) {
  REPERE_ASSIGN_OR_RETURN(const int current, db.schema_version());
  if (current > target) {
    return Status::unsupported("catalog is at schema version " + std::to_string(current) +
                               ", newer than " + std::to_string(target));
  }
  for (const Migration& m : all_migrations()) {
    if (m.version <= current || m.version > target) continue;
    REPERE_RETURN_IF_ERROR(apply(db, m));
  }
  return Status::ok();
}

}  // namespace repere::catalog
