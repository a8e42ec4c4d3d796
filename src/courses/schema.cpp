#include "repere/courses/schema.h"

#include <string_view>

namespace repere::courses {
namespace {

// Version 1: a course, owned by a staff account (none once the account is removed), a draft or
// published, possibly a model (« cours type ») or a copy of one (model_id, kept when the model
// goes); its programme concepts by URI; ordered chapters (seq), each of ordered blocks of one
// kind, whose fields the kind says: a content's clip or page, or a text in `body` (Markdown, a
// key idea, a quiz question as the interactive videos' JSON).
constexpr std::string_view kCourses = R"sql(
CREATE TABLE course (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  level_uri  TEXT NOT NULL DEFAULT '',
  owner_id   INTEGER REFERENCES user_account(id) ON DELETE SET NULL,
  state      TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
  is_model   INTEGER NOT NULL DEFAULT 0 CHECK (is_model IN (0, 1)),
  model_id   INTEGER REFERENCES course(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX course_by_owner ON course(owner_id);
CREATE TABLE course_concept (
  course_id   INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
  concept_uri TEXT NOT NULL CHECK (length(concept_uri) > 0),
  PRIMARY KEY (course_id, concept_uri)
);
CREATE INDEX course_concept_by_concept ON course_concept(concept_uri);
CREATE TABLE course_chapter (
  id        INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  title     TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200)
);
CREATE INDEX course_chapter_by_course ON course_chapter(course_id, seq);
CREATE TABLE course_block (
  id         INTEGER PRIMARY KEY,
  chapter_id INTEGER NOT NULL REFERENCES course_chapter(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('text', 'moment', 'page', 'key_idea', 'quiz')),
  content_id INTEGER REFERENCES content(id) ON DELETE SET NULL,
  start_ms   INTEGER CHECK (start_ms IS NULL OR start_ms >= 0),
  end_ms     INTEGER CHECK (end_ms IS NULL OR end_ms > start_ms),
  page       INTEGER CHECK (page IS NULL OR page >= 1),
  body       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX course_block_by_chapter ON course_block(chapter_id, seq);
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{"courses", {{1, "courses", kCourses}}};
  return kSchema;
}

}  // namespace repere::courses
