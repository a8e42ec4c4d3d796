#include "repere/courses/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "repere/catalog/database.h"
#include "repere/learn/store.h"

namespace repere::courses {

namespace {

constexpr const char* kSummary =
    "SELECT c.id, c.title, c.state, c.is_model, c.owner_id, c.model_id, (SELECT count(*) FROM "
    "course_chapter h WHERE h.course_id = c.id), (SELECT count(*) FROM course_block b JOIN "
    "course_chapter h ON h.id = b.chapter_id WHERE h.course_id = c.id), c.updated_at FROM "
    "course c ";

Result<std::vector<CourseSummary>> read_summaries(catalog::Statement& stmt) {
  std::vector<CourseSummary> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    CourseSummary s;
    s.id = stmt.int64(0);
    s.title = stmt.text(1);
    s.state = stmt.text(2) == "published" ? CourseState::kPublished : CourseState::kDraft;
    s.model = stmt.int64(3) != 0;
    s.owner_id = stmt.optional_int64(4);
    s.model_id = stmt.optional_int64(5);
    s.chapters = static_cast<int>(stmt.int64(6));
    s.blocks = static_cast<int>(stmt.int64(7));
    s.updated_at = stmt.text(8);
    out.push_back(std::move(s));
  }
  return out;
}

std::string trimmed(const std::string& s) {
  const std::size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

Result<Id> one_id(catalog::Database& db, const char* sql, Id id, const std::string& what) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare(sql));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no " + what + " " + std::to_string(id));
  return stmt.int64(0);
}

Status bind_block(catalog::Statement& stmt, const Block& b, int first) {
  stmt.bind(first, to_string(b.kind))
      .bind(first + 1, b.content_id)
      .bind(first + 2, b.start_ms)
      .bind(first + 3, b.end_ms)
      .bind(first + 4, b.page ? std::optional<std::int64_t>(*b.page) : std::nullopt)
      .bind(first + 5, b.body)
      .bind(first + 6, b.activity_id);
  return Status::ok();
}

}  // namespace

Status CourseStore::touch(Id course) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("UPDATE course SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
                             "'now') WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, course).run());
  if (db_.changes() == 0) return Status::not_found("no course " + std::to_string(course));
  return Status::ok();
}

Result<Id> CourseStore::create(const std::string& title, std::optional<Id> owner) {
  const std::string t = trimmed(title);
  REPERE_RETURN_IF_ERROR(validate_title(t, "Le cours"));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("INSERT INTO course (title, owner_id) VALUES (?1, ?2)"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, t).bind(2, owner).run());
  return db_.last_insert_id();
}

Result<Course> CourseStore::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("SELECT id, title, level_uri, owner_id, state, is_model, model_id, "
                             "created_at, updated_at FROM course WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no course " + std::to_string(id));
  Course c;
  c.id = stmt.int64(0);
  c.title = stmt.text(1);
  c.level_uri = stmt.text(2);
  c.owner_id = stmt.optional_int64(3);
  c.state = stmt.text(4) == "published" ? CourseState::kPublished : CourseState::kDraft;
  c.model = stmt.int64(5) != 0;
  c.model_id = stmt.optional_int64(6);
  c.created_at = stmt.text(7);
  c.updated_at = stmt.text(8);
  REPERE_ASSIGN_OR_RETURN(auto concepts,
                          db_.prepare("SELECT concept_uri FROM course_concept WHERE course_id = "
                                      "?1 ORDER BY concept_uri"));
  concepts.bind(1, id);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool more, concepts.step());
    if (!more) break;
    c.concepts.push_back(concepts.text(0));
  }
  REPERE_ASSIGN_OR_RETURN(
      auto chapters,
      db_.prepare("SELECT id, title FROM course_chapter WHERE course_id = ?1 ORDER BY seq, id"));
  chapters.bind(1, id);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool more, chapters.step());
    if (!more) break;
    c.chapters.push_back({chapters.int64(0), chapters.text(1), {}});
  }
  REPERE_ASSIGN_OR_RETURN(
      auto blocks,
      db_.prepare("SELECT id, kind, content_id, start_ms, end_ms, page, body, activity_id FROM "
                  "course_block WHERE chapter_id = ?1 ORDER BY seq, id"));
  for (Chapter& chapter : c.chapters) {
    blocks.reset();
    blocks.bind(1, chapter.id);
    while (true) {
      REPERE_ASSIGN_OR_RETURN(const bool more, blocks.step());
      if (!more) break;
      Block b;
      b.id = blocks.int64(0);
      REPERE_ASSIGN_OR_RETURN(b.kind, parse_block_kind(blocks.text(1)));
      b.content_id = blocks.optional_int64(2);
      b.start_ms = blocks.optional_int64(3);
      b.end_ms = blocks.optional_int64(4);
      if (const auto p = blocks.optional_int64(5)) b.page = static_cast<int>(*p);
      b.body = blocks.text(6);
      b.activity_id = blocks.optional_int64(7);
      chapter.blocks.push_back(std::move(b));
    }
  }
  return c;
}

Status CourseStore::update(Id id, const CourseFields& f) {
  const std::string title = trimmed(f.title);
  REPERE_RETURN_IF_ERROR(validate_title(title, "Le cours"));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("UPDATE course SET title = ?2, level_uri = ?3, state = ?4, is_model = ?5, "
                  "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, id)
                             .bind(2, title)
                             .bind(3, f.level_uri)
                             .bind(4, to_string(f.state))
                             .bind(5, static_cast<std::int64_t>(f.model ? 1 : 0))
                             .run());
  if (db_.changes() == 0) return Status::not_found("no course " + std::to_string(id));
  REPERE_ASSIGN_OR_RETURN(auto drop,
                          db_.prepare("DELETE FROM course_concept WHERE course_id = ?1"));
  REPERE_RETURN_IF_ERROR(drop.bind(1, id).run());
  REPERE_ASSIGN_OR_RETURN(auto add, db_.prepare("INSERT OR IGNORE INTO course_concept "
                                                "(course_id, concept_uri) VALUES (?1, ?2)"));
  for (const std::string& uri : f.concepts) {
    if (uri.empty()) continue;
    add.reset();
    REPERE_RETURN_IF_ERROR(add.bind(1, id).bind(2, uri).run());
  }
  return txn.commit();
}

Status CourseStore::remove(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM course WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, id).run());
  if (db_.changes() == 0) return Status::not_found("no course " + std::to_string(id));
  return Status::ok();
}

Result<std::vector<CourseSummary>> CourseStore::of_owner(Id owner) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare(std::string(kSummary) + "WHERE c.owner_id = ?1 ORDER BY c.updated_at DESC, "
                                          "c.id DESC"));
  stmt.bind(1, owner);
  return read_summaries(stmt);
}

Result<std::vector<CourseSummary>> CourseStore::models() {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare(std::string(kSummary) + "WHERE c.is_model = 1 AND c.state = 'published' ORDER BY "
                                          "c.title, c.id"));
  return read_summaries(stmt);
}

Result<std::vector<CourseSummary>> CourseStore::published_with(
    const std::vector<std::string>& uris) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare(std::string(kSummary) +
                  "WHERE c.state = 'published' AND EXISTS (SELECT 1 FROM course_concept k WHERE "
                  "k.course_id = c.id AND k.concept_uri IN (SELECT value FROM json_each(?1))) "
                  "ORDER BY c.title, c.id"));
  stmt.bind(1, nlohmann::json(uris).dump());
  return read_summaries(stmt);
}

Result<Id> CourseStore::add_chapter(Id course, const std::string& title) {
  const std::string t = trimmed(title);
  REPERE_RETURN_IF_ERROR(validate_title(t, "Le chapitre"));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_RETURN_IF_ERROR(touch(course));
  REPERE_ASSIGN_OR_RETURN(auto count, db_.prepare("SELECT count(*), coalesce(max(seq), 0) FROM "
                                                  "course_chapter WHERE course_id = ?1"));
  count.bind(1, course);
  REPERE_ASSIGN_OR_RETURN(const bool row, count.step());
  const std::int64_t n = row ? count.int64(0) : 0, last = row ? count.int64(1) : 0;
  count.reset();
  if (n >= kMaxChapters)
    return Status::invalid_argument("Un cours a " + std::to_string(kMaxChapters) +
                                    " chapitres au plus.");
  REPERE_ASSIGN_OR_RETURN(auto add, db_.prepare("INSERT INTO course_chapter (course_id, seq, "
                                                "title) VALUES (?1, ?2, ?3)"));
  REPERE_RETURN_IF_ERROR(add.bind(1, course).bind(2, last + 1).bind(3, t).run());
  const Id id = db_.last_insert_id();
  REPERE_RETURN_IF_ERROR(txn.commit());
  return id;
}

Status CourseStore::rename_chapter(Id chapter, const std::string& title) {
  const std::string t = trimmed(title);
  REPERE_RETURN_IF_ERROR(validate_title(t, "Le chapitre"));
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_chapter(chapter));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("UPDATE course_chapter SET title = ?2 WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, chapter).bind(2, t).run());
  return touch(course);
}

Status CourseStore::remove_chapter(Id chapter) {
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_chapter(chapter));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM course_chapter WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, chapter).run());
  return touch(course);
}

namespace {

// The ids of `sql`'s rows (bound to `owner`), in order.
Result<std::vector<Id>> ids_of(catalog::Database& db, const char* sql, Id owner) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare(sql));
  stmt.bind(1, owner);
  std::vector<Id> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(stmt.int64(0));
  }
  return out;
}

// Writes seq 1, 2, 3… in the order of `ids`.
Status renumber(catalog::Database& db, const char* table, const std::vector<Id>& ids) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db.prepare(std::string("UPDATE ") + table + " SET seq = ?2 WHERE id = ?1"));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    stmt.reset();
    REPERE_RETURN_IF_ERROR(stmt.bind(1, ids[i]).bind(2, static_cast<std::int64_t>(i + 1)).run());
  }
  return Status::ok();
}

constexpr const char* kChaptersOf =
    "SELECT id FROM course_chapter WHERE course_id = ?1 ORDER BY seq, id";
constexpr const char* kBlocksOf =
    "SELECT id FROM course_block WHERE chapter_id = ?1 ORDER BY seq, id";

}  // namespace

Status CourseStore::move_chapter(Id chapter, int delta) {
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_chapter(chapter));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto ids, ids_of(db_, kChaptersOf, course));
  const auto at = std::find(ids.begin(), ids.end(), chapter) - ids.begin();
  const auto to = at + (delta < 0 ? -1 : 1);
  if (to >= 0 && to < static_cast<std::ptrdiff_t>(ids.size()))
    std::swap(ids[static_cast<std::size_t>(at)], ids[static_cast<std::size_t>(to)]);
  REPERE_RETURN_IF_ERROR(renumber(db_, "course_chapter", ids));
  REPERE_RETURN_IF_ERROR(touch(course));
  return txn.commit();
}

Result<Id> CourseStore::add_block(Id chapter, const Block& block) {
  REPERE_RETURN_IF_ERROR(validate(block));
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_chapter(chapter));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(
      auto count, db_.prepare("SELECT count(*) FROM course_block b JOIN course_chapter h ON h.id "
                              "= b.chapter_id WHERE h.course_id = ?1"));
  count.bind(1, course);
  REPERE_ASSIGN_OR_RETURN(const bool row, count.step());
  const std::int64_t n = row ? count.int64(0) : 0;
  count.reset();
  if (n >= kMaxBlocks)
    return Status::invalid_argument("Un cours a " + std::to_string(kMaxBlocks) +
                                    " blocs au plus : faites-en deux.");
  REPERE_ASSIGN_OR_RETURN(
      auto add,
      db_.prepare("INSERT INTO course_block (chapter_id, seq, kind, content_id, start_ms, "
                  "end_ms, page, body, activity_id) VALUES (?1, (SELECT coalesce(max(seq), 0) + "
                  "1 FROM course_block WHERE chapter_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  add.bind(1, chapter);
  REPERE_RETURN_IF_ERROR(bind_block(add, block, 2));
  REPERE_RETURN_IF_ERROR(add.run());
  const Id id = db_.last_insert_id();
  REPERE_RETURN_IF_ERROR(touch(course));
  REPERE_RETURN_IF_ERROR(txn.commit());
  return id;
}

Status CourseStore::update_block(Id block, const Block& b) {
  REPERE_RETURN_IF_ERROR(validate(b));
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_block(block));
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("UPDATE course_block SET kind = ?2, content_id = ?3, start_ms = ?4, "
                             "end_ms = ?5, page = ?6, body = ?7, activity_id = ?8 WHERE id = ?1"));
  stmt.bind(1, block);
  REPERE_RETURN_IF_ERROR(bind_block(stmt, b, 2));
  REPERE_RETURN_IF_ERROR(stmt.run());
  return touch(course);
}

Status CourseStore::remove_block(Id block) {
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_block(block));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM course_block WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, block).run());
  return touch(course);
}

Status CourseStore::move_block(Id block, int delta) {
  REPERE_ASSIGN_OR_RETURN(const Id course, course_of_block(block));
  REPERE_ASSIGN_OR_RETURN(
      const Id chapter,
      one_id(db_, "SELECT chapter_id FROM course_block WHERE id = ?1", block, "block"));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto blocks, ids_of(db_, kBlocksOf, chapter));
  const auto at = std::find(blocks.begin(), blocks.end(), block) - blocks.begin();
  const auto to = at + (delta < 0 ? -1 : 1);
  if (to >= 0 && to < static_cast<std::ptrdiff_t>(blocks.size())) {
    std::swap(blocks[static_cast<std::size_t>(at)], blocks[static_cast<std::size_t>(to)]);
    REPERE_RETURN_IF_ERROR(renumber(db_, "course_block", blocks));
  } else {
    // Past the chapter's edge: into the neighbouring chapter, at its near end.
    REPERE_ASSIGN_OR_RETURN(const auto chapters, ids_of(db_, kChaptersOf, course));
    const auto here = std::find(chapters.begin(), chapters.end(), chapter) - chapters.begin();
    const auto next = here + (delta < 0 ? -1 : 1);
    if (next >= 0 && next < static_cast<std::ptrdiff_t>(chapters.size())) {
      const Id target = chapters[static_cast<std::size_t>(next)];
      REPERE_ASSIGN_OR_RETURN(auto theirs, ids_of(db_, kBlocksOf, target));
      if (delta < 0) {
        theirs.push_back(block);
      } else {
        theirs.insert(theirs.begin(), block);
      }
      REPERE_ASSIGN_OR_RETURN(auto move,
                              db_.prepare("UPDATE course_block SET chapter_id = ?2 WHERE id = ?1"));
      REPERE_RETURN_IF_ERROR(move.bind(1, block).bind(2, target).run());
      REPERE_RETURN_IF_ERROR(renumber(db_, "course_block", theirs));
    }
  }
  REPERE_RETURN_IF_ERROR(touch(course));
  return txn.commit();
}

Result<Id> CourseStore::duplicate(Id course, std::optional<Id> owner) {
  REPERE_ASSIGN_OR_RETURN(const Course c, get(course));
  std::string title = c.title + " (copie)";
  if (title.size() > kMaxTitle) title = c.title.substr(0, kMaxTitle - 9) + " (copie)";
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(
      auto add, db_.prepare("INSERT INTO course (title, level_uri, owner_id, model_id) VALUES "
                            "(?1, ?2, ?3, ?4)"));
  REPERE_RETURN_IF_ERROR(
      add.bind(1, title).bind(2, c.level_uri).bind(3, owner).bind(4, c.id).run());
  const Id copy = db_.last_insert_id();
  REPERE_RETURN_IF_ERROR(
      update(copy, {title, c.level_uri, c.concepts, CourseState::kDraft, false}));
  REPERE_ASSIGN_OR_RETURN(auto chapter, db_.prepare("INSERT INTO course_chapter (course_id, seq, "
                                                    "title) VALUES (?1, ?2, ?3)"));
  REPERE_ASSIGN_OR_RETURN(
      auto block,
      db_.prepare("INSERT INTO course_block (chapter_id, seq, kind, content_id, start_ms, end_ms, "
                  "page, body, activity_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  for (std::size_t i = 0; i < c.chapters.size(); ++i) {
    chapter.reset();
    REPERE_RETURN_IF_ERROR(chapter.bind(1, copy)
                               .bind(2, static_cast<std::int64_t>(i + 1))
                               .bind(3, c.chapters[i].title)
                               .run());
    const Id chapter_id = db_.last_insert_id();
    for (std::size_t k = 0; k < c.chapters[i].blocks.size(); ++k) {
      Block b = c.chapters[i].blocks[k];
      // The copy's interactive videos are its owner's own, to change and to share with classes.
      if (b.kind == BlockKind::kVideo && b.activity_id && owner) {
        REPERE_ASSIGN_OR_RETURN(const learn::Created video,
                                learn::ActivityStore(db_).copy_for(*b.activity_id, *owner));
        b.activity_id = video.id;
      }
      block.reset();
      block.bind(1, chapter_id).bind(2, static_cast<std::int64_t>(k + 1));
      REPERE_RETURN_IF_ERROR(bind_block(block, b, 3));
      REPERE_RETURN_IF_ERROR(block.run());
    }
  }
  REPERE_RETURN_IF_ERROR(txn.commit());
  return copy;
}

Result<Id> CourseStore::course_of_chapter(Id chapter) {
  return one_id(db_, "SELECT course_id FROM course_chapter WHERE id = ?1", chapter, "chapter");
}

Result<Id> CourseStore::course_of_block(Id block) {
  return one_id(db_,
                "SELECT h.course_id FROM course_block b JOIN course_chapter h ON h.id = "
                "b.chapter_id WHERE b.id = ?1",
                block, "block");
}

}  // namespace repere::courses
