#include "repere/courses/classes.h"

#include "repere/catalog/database.h"
#include "repere/core/text.h"
#include "repere/learn/store.h"

namespace repere::courses {

namespace {

std::string cleaned(const std::string& s) {
  std::string out = text::strip_control(s, /*keep_lines=*/false);
  const std::size_t a = out.find_first_not_of(' ');
  if (a == std::string::npos) return "";
  return out.substr(a, out.find_last_not_of(' ') - a + 1);
}

CourseClass class_from(catalog::Statement& s) {
  return {s.int64(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.int64(5) != 0};
}

constexpr const char* kClassColumns =
    "SELECT id, course_id, code, name, created_at, reading_view FROM course_class ";

}  // namespace

Status ClassStore::set_reading_view(Id course_id, Id class_id, bool on) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("UPDATE course_class SET reading_view = ?1 "
                                                 "WHERE id = ?2 AND course_id = ?3"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, on ? 1 : 0).bind(2, class_id).bind(3, course_id).run());
  if (db_.changes() == 0)
    return Status::not_found("no class " + std::to_string(class_id) + " of this course");
  return Status::ok();
}

Result<CourseClass> ClassStore::add_class(Id course_id, const std::string& name) {
  const std::string clean = cleaned(name);
  if (clean.empty())
    return Status::invalid_argument("Donnez un nom à la classe (par exemple 5e B).");
  if (clean.size() > 100)
    return Status::invalid_argument("Un nom de classe de 100 caractères au plus.");
  learn::ActivityStore activities(db_);
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string code = learn::new_share_code();
    // Unique across the courses' classes and the interactive videos' ones: /classe/CODE is one.
    if (activities.class_by_code(code).is_ok()) continue;
    REPERE_ASSIGN_OR_RETURN(auto taken, db_.prepare("SELECT 1 FROM course_class WHERE code = ?1"));
    REPERE_ASSIGN_OR_RETURN(const bool exists, taken.bind(1, code).step());
    if (exists) continue;
    REPERE_ASSIGN_OR_RETURN(auto add, db_.prepare("INSERT INTO course_class (course_id, code, "
                                                  "name) VALUES (?1, ?2, ?3)"));
    REPERE_RETURN_IF_ERROR(add.bind(1, course_id).bind(2, code).bind(3, clean).run());
    return class_by_code(code);
  }
  return Status::unavailable("could not find a free share code; try again");
}

Result<std::vector<CourseClass>> ClassStore::classes(Id course_id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare(std::string(kClassColumns) + "WHERE course_id = ?1 ORDER BY id"));
  stmt.bind(1, course_id);
  std::vector<CourseClass> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(class_from(stmt));
  }
  return out;
}

Result<CourseClass> ClassStore::class_by_code(const std::string& code) {
  const std::string clean = learn::clean_share_code(code);
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare(std::string(kClassColumns) + "WHERE code = ?1"));
  stmt.bind(1, clean);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no class with the code " + clean.substr(0, 12));
  return class_from(stmt);
}

Result<CoursePupil> ClassStore::join(const std::string& code, const std::string& pseudonym) {
  REPERE_ASSIGN_OR_RETURN(const CourseClass share, class_by_code(code));
  const std::string clean = cleaned(pseudonym);
  if (clean.empty() || clean.size() > 40)
    return Status::invalid_argument("Choisis un pseudonyme de 1 à 40 caractères.");
  CoursePupil p{0, share.id, clean, learn::new_pupil_token()};
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO course_pupil (class_id, pseudonym, "
                                                 "token_hash) VALUES (?1, ?2, ?3)"));
  REPERE_RETURN_IF_ERROR(
      stmt.bind(1, share.id).bind(2, clean).bind(3, learn::token_digest(p.token)).run());
  p.id = db_.last_insert_id();
  return p;
}

Result<CoursePupil> ClassStore::pupil_by_token(const std::string& token) {
  if (token.size() != 32) return Status::not_found("unknown pupil");
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id, class_id, pseudonym FROM "
                                                 "course_pupil WHERE token_hash = ?1"));
  stmt.bind(1, learn::token_digest(token));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("unknown pupil");
  return CoursePupil{stmt.int64(0), stmt.int64(1), stmt.text(2), ""};
}

Result<CoursePupil> ClassStore::renew_token(Id pupil_id) {
  CoursePupil p{pupil_id, 0, "", learn::new_pupil_token()};
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("UPDATE course_pupil SET token_hash = ?2 WHERE "
                                                 "id = ?1 RETURNING class_id, pseudonym"));
  stmt.bind(1, pupil_id).bind(2, learn::token_digest(p.token));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no course pupil " + std::to_string(pupil_id));
  p.class_id = stmt.int64(0);
  p.pseudonym = stmt.text(1);
  REPERE_ASSIGN_OR_RETURN(const bool more, stmt.step());
  (void)more;
  return p;
}

Status ClassStore::check_in_course(const CoursePupil& pupil, const char* table, Id id) {
  // The chapter or block must be of the pupil's class's course.
  const std::string sql =
      std::string(
          "SELECT 1 FROM course_class k JOIN course_chapter h ON h.course_id = "
          "k.course_id ") +
      (std::string(table) == "block" ? "JOIN course_block b ON b.chapter_id = h.id WHERE b.id = ?2"
                                     : "WHERE h.id = ?2") +
      " AND k.id = ?1";
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare(sql));
  stmt.bind(1, pupil.class_id).bind(2, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("not in this class's course");
  return Status::ok();
}

Status ClassStore::finish_chapter(const CoursePupil& pupil, Id chapter_id) {
  REPERE_RETURN_IF_ERROR(check_in_course(pupil, "chapter", chapter_id));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT OR IGNORE INTO course_chapter_done "
                                                 "(pupil_id, chapter_id) VALUES (?1, ?2)"));
  return stmt.bind(1, pupil.id).bind(2, chapter_id).run();
}

Status ClassStore::answer(const CoursePupil& pupil, Id block_id, const std::string& response_json,
                          std::optional<bool> correct) {
  REPERE_RETURN_IF_ERROR(check_in_course(pupil, "block", block_id));
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("INSERT INTO course_answer (pupil_id, block_id, response, correct) VALUES (?1, "
                  "?2, ?3, ?4) ON CONFLICT DO UPDATE SET response = excluded.response, correct = "
                  "excluded.correct, answers = answers + 1, answered_at = "
                  "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"));
  return stmt.bind(1, pupil.id)
      .bind(2, block_id)
      .bind(3, response_json)
      .bind(4, correct ? std::optional<std::int64_t>(*correct ? 1 : 0) : std::nullopt)
      .run();
}

Result<PupilCourseProgress> ClassStore::progress(const CoursePupil& pupil) {
  PupilCourseProgress out;
  REPERE_ASSIGN_OR_RETURN(auto done, db_.prepare("SELECT chapter_id FROM course_chapter_done "
                                                 "WHERE pupil_id = ?1"));
  done.bind(1, pupil.id);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, done.step());
    if (!row) break;
    out.chapters_done.insert(done.int64(0));
  }
  REPERE_ASSIGN_OR_RETURN(auto answers, db_.prepare("SELECT block_id, correct FROM course_answer "
                                                    "WHERE pupil_id = ?1"));
  answers.bind(1, pupil.id);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, answers.step());
    if (!row) break;
    out.answers[answers.int64(0)] =
        answers.is_null(1) ? std::nullopt : std::optional<bool>(answers.int64(1) != 0);
  }
  // The interactive videos of the course the pupil has opened, graded by their own store.
  REPERE_ASSIGN_OR_RETURN(
      auto videos,
      db_.prepare("SELECT b.id, p.video_pupil, p.share_id FROM course_video_pupil p JOIN "
                  "course_video_class v ON v.share_id = p.share_id JOIN course_class k ON k.id = "
                  "v.class_id JOIN course_chapter h ON h.course_id = k.course_id JOIN "
                  "course_block b ON b.chapter_id = h.id AND b.kind = 'video' AND b.activity_id "
                  "= v.activity_id WHERE p.pupil_id = ?1"));
  videos.bind(1, pupil.id);
  learn::ActivityStore store(db_);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, videos.step());
    if (!row) break;
    REPERE_ASSIGN_OR_RETURN(const learn::PupilProgress p,
                            store.progress({videos.int64(1), videos.int64(2), "", ""}));
    out.videos[videos.int64(0)] = {p.graded, p.answered, p.right, p.score, p.max_score};
  }
  return out;
}

Result<std::map<Id, Id>> ClassStore::video_classes(Id class_id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT activity_id, share_id FROM "
                                                 "course_video_class WHERE class_id = ?1"));
  stmt.bind(1, class_id);
  std::map<Id, Id> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out[stmt.int64(0)] = stmt.int64(1);
  }
  return out;
}

Result<Id> ClassStore::video_class(const CoursePupil& pupil, Id activity_id) {
  REPERE_ASSIGN_OR_RETURN(auto known, db_.prepare("SELECT share_id FROM course_video_class WHERE "
                                                  "class_id = ?1 AND activity_id = ?2"));
  known.bind(1, pupil.class_id).bind(2, activity_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, known.step());
  if (row) return known.int64(0);
  REPERE_ASSIGN_OR_RETURN(auto course, db_.prepare("SELECT c.owner_id, k.name FROM course_class k "
                                                   "JOIN course c ON c.id = k.course_id WHERE "
                                                   "k.id = ?1"));
  course.bind(1, pupil.class_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, course.step());
  if (!found || course.is_null(0)) return Status::not_found("the course has no owner any more");
  const Id owner = course.int64(0);
  std::string name = course.text(1);
  if (name.size() > 90) {  // the video's class names are 100 bytes at most; cut between characters
    std::size_t cut = 90;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  learn::ActivityStore videos(db_);
  // The owner's own right to share the video, as for a class she would make herself.
  REPERE_ASSIGN_OR_RETURN(
      const learn::ClassShare share,
      videos.add_class(activity_id, learn::Editor::user(owner), name + " · cours"));
  REPERE_ASSIGN_OR_RETURN(auto add, db_.prepare("INSERT INTO course_video_class (class_id, "
                                                "activity_id, share_id) VALUES (?1, ?2, ?3)"));
  REPERE_RETURN_IF_ERROR(add.bind(1, pupil.class_id).bind(2, activity_id).bind(3, share.id).run());
  return share.id;
}

Result<VideoPass> ClassStore::video_pass(const CoursePupil& pupil, Id block_id) {
  REPERE_RETURN_IF_ERROR(check_in_course(pupil, "block", block_id));
  REPERE_ASSIGN_OR_RETURN(auto block, db_.prepare("SELECT activity_id FROM course_block WHERE id "
                                                  "= ?1 AND kind = 'video'"));
  block.bind(1, block_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, block.step());
  if (!row || block.is_null(0)) return Status::not_found("no interactive video in this block");
  const Id activity = block.int64(0);
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(const Id share_id, video_class(pupil, activity));
  learn::ActivityStore videos(db_);
  REPERE_ASSIGN_OR_RETURN(const learn::ClassShare share, videos.class_by_id(share_id));
  REPERE_ASSIGN_OR_RETURN(auto mine, db_.prepare("SELECT video_pupil FROM course_video_pupil "
                                                 "WHERE pupil_id = ?1 AND share_id = ?2"));
  mine.bind(1, pupil.id).bind(2, share_id);
  REPERE_ASSIGN_OR_RETURN(const bool joined, mine.step());
  learn::Pupil there;
  if (joined) {
    REPERE_ASSIGN_OR_RETURN(there, videos.renew_token(mine.int64(0)));
  } else {
    REPERE_ASSIGN_OR_RETURN(there, videos.join(share.code, pupil.pseudonym));
    REPERE_ASSIGN_OR_RETURN(auto add, db_.prepare("INSERT INTO course_video_pupil (pupil_id, "
                                                  "share_id, video_pupil) VALUES (?1, ?2, ?3)"));
    REPERE_RETURN_IF_ERROR(add.bind(1, pupil.id).bind(2, share_id).bind(3, there.id).run());
  }
  REPERE_RETURN_IF_ERROR(txn.commit());
  return VideoPass{share.code, there.id, there.token};
}

Result<CourseClass> ClassStore::class_of_video_class(Id share_id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("SELECT k.id, k.course_id, k.code, k.name, k.created_at, k.reading_view FROM "
                  "course_video_class v JOIN course_class k ON k.id = v.class_id "
                  "WHERE v.share_id = ?1"));
  stmt.bind(1, share_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("not a course's video class");
  return class_from(stmt);
}

Result<ClassProgress> ClassStore::class_progress(Id class_id, const Course& course) {
  ClassProgress out;
  REPERE_ASSIGN_OR_RETURN(auto pupils, db_.prepare("SELECT id, pseudonym FROM course_pupil WHERE "
                                                   "class_id = ?1 ORDER BY created_at, id"));
  pupils.bind(1, class_id);
  std::vector<CoursePupil> all;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, pupils.step());
    if (!row) break;
    all.push_back({pupils.int64(0), class_id, pupils.text(1), ""});
  }
  std::map<Id, ClassProgress::Question> questions;
  for (const auto& ch : course.chapters) {
    for (const auto& b : ch.blocks) {
      if (b.kind == BlockKind::kQuiz) questions[b.id] = {b.id, 0, 0};
    }
  }
  int number = 0;
  for (const CoursePupil& p : all) {
    REPERE_ASSIGN_OR_RETURN(const auto mine, progress(p));
    ClassProgress::Row row;
    row.number = ++number;
    row.pseudonym = p.pseudonym;
    row.chapters = mine.chapters_done;
    row.answers = mine.answers;
    row.videos = mine.videos;
    row.chapters_done = static_cast<int>(mine.chapters_done.size());
    for (const auto& [block, right] : mine.answers) {
      auto q = questions.find(block);
      if (q == questions.end()) continue;
      ++row.answered;
      ++q->second.answered;
      if (right.value_or(false)) {
        ++row.right;
        ++q->second.right;
      }
    }
    out.pupils.push_back(std::move(row));
  }
  for (const auto& ch : course.chapters) {
    for (const auto& b : ch.blocks) {
      if (b.kind == BlockKind::kQuiz) out.questions.push_back(questions[b.id]);
    }
  }
  return out;
}

}  // namespace repere::courses
