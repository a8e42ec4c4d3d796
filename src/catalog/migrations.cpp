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

// Version 3 created the interactive videos' tables; they are the learn module's now, made by
// its own migrations (learn::schema()), which find them there in catalogs made at version 3.

// Version 4: who changed a content's editorial status and when; contents that existed before
// the statuses were enforced, and have passages, were shown to everyone: they stay published.
constexpr std::string_view kEditorial = R"sql(
ALTER TABLE content ADD COLUMN status_by TEXT NOT NULL DEFAULT '';
ALTER TABLE content ADD COLUMN status_at TEXT;
UPDATE content SET status = 'published', status_by = 'upgrade',
                   status_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE status = 'draft' AND EXISTS (SELECT 1 FROM passage p WHERE p.content_id = content.id);
CREATE INDEX content_by_status ON content(status);

CREATE TABLE module_schema (
  module      TEXT NOT NULL CHECK (length(module) > 0),
  version     INTEGER NOT NULL CHECK (version > 0),
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (module, version)
);
)sql";

// Version 5: people correct machine text. A track's earlier cues are kept as revisions (JSON,
// numbered from 1) each time someone saves a correction; a track records who reviewed it; a
// content counts the times its passages were cut (the index's signature of it: new passages
// may reuse the ids of the ones they replace).
constexpr std::string_view kRevisions = R"sql(
ALTER TABLE content ADD COLUMN text_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE track_revision (
  id        INTEGER PRIMARY KEY,
  track_id  INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
  number    INTEGER NOT NULL CHECK (number > 0),
  made_by   TEXT NOT NULL DEFAULT '',
  made_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  cues      TEXT NOT NULL CHECK (json_valid(cues)),
  UNIQUE (track_id, number)
);
ALTER TABLE track ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE track ADD COLUMN reviewed_at TEXT;
)sql";

// Version 6: what the server and ingest spent (CPU seconds, searches, media read), added to by
// each process, for `repere status`.
constexpr std::string_view kUsage = R"sql(
CREATE TABLE usage_counter (
  name       TEXT PRIMARY KEY CHECK (length(name) > 0),
  value      REAL NOT NULL DEFAULT 0,
  since      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
)sql";

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "contents, tracks and cues", kContents},
      {2, "passages and jobs", kPipeline},
      {3, "activities, classes, pupils and answers (now the learn module's)", ""},
      {4, "who published a content and when; the modules' schema versions", kEditorial},
      {5, "revisions of corrected tracks; who reviewed a track", kRevisions},
      {6, "usage counters: CPU seconds per search and per ingested hour", kUsage},
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

Result<int> module_version(Database& db, std::string_view module) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT coalesce(max(version), 0) FROM "
                                                "module_schema WHERE module = ?1"));
  stmt.bind(1, module);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? static_cast<int>(stmt.int64(0)) : 0;
}

namespace {
// Switches foreign keys back on when a table-rebuilding migration ends, however it ends.
struct KeysBackOn {
  Database* db;
  explicit KeysBackOn(Database* d) : db(d) {}
  KeysBackOn(const KeysBackOn&) = delete;
  KeysBackOn& operator=(const KeysBackOn&) = delete;
  ~KeysBackOn() {
    if (db) (void)db->exec("PRAGMA foreign_keys = ON");
  }
};
}  // namespace

Status migrate_module(Database& db, const ModuleSchema& schema) {
  const std::string name(schema.module);
  const int latest = schema.migrations.empty() ? 0 : schema.migrations.back().version;
  for (const ModuleMigration& m : schema.migrations) {
    // Foreign keys can only be switched outside a transaction; they are switched back on
    // whatever happens.
    const bool keys_off = m.rebuilds_tables;
    if (keys_off) REPERE_RETURN_IF_ERROR(db.exec("PRAGMA foreign_keys = OFF"));
    const KeysBackOn keys_back{keys_off ? &db : nullptr};
    REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db));
    // Read inside the transaction: another process may have migrated meanwhile.
    REPERE_ASSIGN_OR_RETURN(const int current, module_version(db, schema.module));
    if (current > latest) {
      return Status::unsupported("the " + name + " tables of " + db.path().string() +
                                 " are at version " + std::to_string(current) +
                                 ", newer than this repere knows (" + std::to_string(latest) +
                                 "): upgrade repere");
    }
    if (current >= m.version) continue;
    REPERE_RETURN_IF_ERROR(
        db.exec(m.sql).with_context(name + " migration " + std::to_string(m.version)));
    if (keys_off) {
      REPERE_ASSIGN_OR_RETURN(Statement check, db.prepare("PRAGMA foreign_key_check"));
      REPERE_ASSIGN_OR_RETURN(const bool broken, check.step());
      if (broken) {
        return Status::corruption(name + " migration " + std::to_string(m.version) + " of " +
                                  db.path().string() + " would leave a row of " + check.text(0) +
                                  " pointing at nothing in " + check.text(2) +
                                  "; nothing was changed");
      }
    }
    REPERE_ASSIGN_OR_RETURN(Statement record,
                            db.prepare("INSERT INTO module_schema (module, version, description) "
                                       "VALUES (?1, ?2, ?3)"));
    REPERE_RETURN_IF_ERROR(
        record.bind(1, schema.module).bind(2, m.version).bind(3, m.description).run());
    REPERE_RETURN_IF_ERROR(txn.commit());
  }
  return Status::ok();
}

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
