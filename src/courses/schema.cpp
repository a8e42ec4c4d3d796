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

// Version 2: a course shared with a class by a share code (the same mechanism as the interactive
// videos: a code of the same alphabet, unique across both), its pupils known by a pseudonym and
// a secret token (only its hash kept), the chapters each has finished and its last answer to
// each question.
constexpr std::string_view kClasses = R"sql(
CREATE TABLE course_class (
  id         INTEGER PRIMARY KEY,
  course_id  INTEGER NOT NULL REFERENCES course(id) ON DELETE CASCADE,
  code       TEXT NOT NULL UNIQUE CHECK (length(code) >= 6),
  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX course_class_by_course ON course_class(course_id);
CREATE TABLE course_pupil (
  id         INTEGER PRIMARY KEY,
  class_id   INTEGER NOT NULL REFERENCES course_class(id) ON DELETE CASCADE,
  pseudonym  TEXT NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 40),
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX course_pupil_by_class ON course_pupil(class_id);
CREATE TABLE course_chapter_done (
  pupil_id   INTEGER NOT NULL REFERENCES course_pupil(id) ON DELETE CASCADE,
  chapter_id INTEGER NOT NULL REFERENCES course_chapter(id) ON DELETE CASCADE,
  done_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (pupil_id, chapter_id)
);
CREATE TABLE course_answer (
  pupil_id    INTEGER NOT NULL REFERENCES course_pupil(id) ON DELETE CASCADE,
  block_id    INTEGER NOT NULL REFERENCES course_block(id) ON DELETE CASCADE,
  response    TEXT NOT NULL CHECK (json_valid(response)),
  correct     INTEGER CHECK (correct IS NULL OR correct IN (0, 1)),
  answers     INTEGER NOT NULL DEFAULT 1,
  answered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (pupil_id, block_id)
);
CREATE INDEX course_answer_by_block ON course_answer(block_id);
)sql";

// Version 3: a block may be an interactive video (kind 'video', activity_id; none once the
// activity is removed). SQLite cannot widen a CHECK in place, so course_block is rebuilt, its
// ids kept: answers and progress that point at blocks stay theirs. A class of a course gets one
// class of each interactive video it holds (course_video_class), and each pupil of the course
// one pupil of that class under the same pseudonym (course_video_pupil): the video's answers
// are kept, graded and limited by the interactive videos' own store.
constexpr std::string_view kVideos = R"sql(
CREATE TABLE course_block_v3 (
  id          INTEGER PRIMARY KEY,
  chapter_id  INTEGER NOT NULL REFERENCES course_chapter(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  kind        TEXT NOT NULL
              CHECK (kind IN ('text', 'moment', 'page', 'key_idea', 'quiz', 'video')),
  content_id  INTEGER REFERENCES content(id) ON DELETE SET NULL,
  start_ms    INTEGER CHECK (start_ms IS NULL OR start_ms >= 0),
  end_ms      INTEGER CHECK (end_ms IS NULL OR end_ms > start_ms),
  page        INTEGER CHECK (page IS NULL OR page >= 1),
  body        TEXT NOT NULL DEFAULT '',
  activity_id INTEGER REFERENCES activity(id) ON DELETE SET NULL
);
INSERT INTO course_block_v3 (id, chapter_id, seq, kind, content_id, start_ms, end_ms, page, body)
  SELECT id, chapter_id, seq, kind, content_id, start_ms, end_ms, page, body FROM course_block;
DROP TABLE course_block;
ALTER TABLE course_block_v3 RENAME TO course_block;
CREATE INDEX course_block_by_chapter ON course_block(chapter_id, seq);
CREATE INDEX course_block_by_activity ON course_block(activity_id);
CREATE TABLE course_video_class (
  class_id    INTEGER NOT NULL REFERENCES course_class(id) ON DELETE CASCADE,
  activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
  share_id    INTEGER NOT NULL UNIQUE REFERENCES class_share(id) ON DELETE CASCADE,
  PRIMARY KEY (class_id, activity_id)
);
CREATE TABLE course_video_pupil (
  pupil_id    INTEGER NOT NULL REFERENCES course_pupil(id) ON DELETE CASCADE,
  share_id    INTEGER NOT NULL REFERENCES class_share(id) ON DELETE CASCADE,
  video_pupil INTEGER NOT NULL UNIQUE REFERENCES pupil(id) ON DELETE CASCADE,
  PRIMARY KEY (pupil_id, share_id)
);
)sql";

// Version 4: a class's default for the reading view (a dyslexia-friendly font, larger spacing,
// one idea per line), which its pupils get unless they chose otherwise.
constexpr std::string_view kReadingView = R"sql(
ALTER TABLE course_class ADD COLUMN reading_view INTEGER NOT NULL DEFAULT 0
  CHECK (reading_view IN (0, 1));
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "courses",
      {{1, "courses", kCourses},
       {2, "courses shared with classes", kClasses},
       {3, "interactive videos in courses", kVideos, /*rebuilds_tables=*/true},
       {4, "a class's default reading view", kReadingView}}};
  return kSchema;
}

}  // namespace repere::courses
