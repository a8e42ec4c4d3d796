// A course shared with classes: share codes (the interactive videos' mechanism, codes unique
// across both), pupils known by a pseudonym and a secret token, the chapters each has finished
// and their answers to the course's questions; the teacher's view of a class's progress.
// Errors: not_found for an unknown course, code or token; invalid_argument for a name or
// pseudonym that does not fit (a message for people); io_error from the catalog.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "repere/core/result.h"
#include "repere/courses/course.h"

namespace repere::catalog {
class Database;
}

namespace repere::courses {

struct CourseClass {
  Id id = 0, course_id = 0;
  std::string code, name, created_at;
  // Its pupils get the reading view (a dyslexia-friendly font, larger spacing, one idea per
  // line) unless they chose otherwise.
  bool reading_view = false;
};

struct CoursePupil {
  Id id = 0, class_id = 0;
  std::string pseudonym;
  std::string token;  // only when joining
};

// Where a pupil stands in one interactive video of a course, as its own store grades it.
struct VideoProgress {
  int graded = 0, answered = 0, right = 0;  // questions
  double score = 0, max_score = 0;          // the counted answers, over every graded question
};

// Where one pupil stands.
struct PupilCourseProgress {
  std::set<Id> chapters_done;
  std::map<Id, std::optional<bool>> answers;  // block -> right (none: an open question)
  std::map<Id, VideoProgress> videos;         // interactive-video block -> the pupil's answers
};

// What a pupil of a course needs to do one of its interactive videos: the code of the video's
// class made for the course's class, and the pupil there with a new secret token.
struct VideoPass {
  std::string code;
  Id video_pupil = 0;
  std::string token;
};

// A class's progress, for its teacher.
struct ClassProgress {
  struct Row {
    int number = 0;  // 1, 2, 3… in the order pupils joined
    std::string pseudonym;
    int chapters_done = 0, answered = 0, right = 0;
    std::set<Id> chapters;                      // those finished
    std::map<Id, std::optional<bool>> answers;  // block -> right
    std::map<Id, VideoProgress> videos;         // interactive-video block -> answers
  };
  std::vector<Row> pupils;
  struct Question {
    Id block = 0;
    int answered = 0, right = 0;
  };
  std::vector<Question> questions;  // the course's, in order
};

class ClassStore {
 public:
  explicit ClassStore(catalog::Database& db) : db_(db) {}

  Result<CourseClass> add_class(Id course_id, const std::string& name);
  Result<std::vector<CourseClass>> classes(Id course_id);
  // The class's default reading view; the caller checked the course is the teacher's.
  // Errors: not_found for a class of another course.
  Status set_reading_view(Id course_id, Id class_id, bool on);
  Result<CourseClass> class_by_code(const std::string& code);  // case and spaces ignored
  Result<CoursePupil> join(const std::string& code, const std::string& pseudonym);
  Result<CoursePupil> pupil_by_token(const std::string& token);
  // A pupil by id, and a new secret token for it (the old one stops working): for a caller that
  // knows the pupil another way (an LTI launch). Errors: not_found.
  Result<CoursePupil> renew_token(Id pupil_id);
  // The pupil finished a chapter of the class's course.
  Status finish_chapter(const CoursePupil& pupil, Id chapter_id);
  // The pupil's latest answer to a question block (`correct`: none for an open question).
  Status answer(const CoursePupil& pupil, Id block_id, const std::string& response_json,
                std::optional<bool> correct);
  Result<PupilCourseProgress> progress(const CoursePupil& pupil);
  // Sends a pupil to an interactive video of the course: on first use the video gets a class of
  // its own for the course's class (« 5e B · cours »), made in the name of the course's owner,
  // and the pupil joins it under the same pseudonym; each call gives that pupil a new token (the
  // older one stops working). The video's store then grades, limits and keeps the answers.
  // Errors: not_found (the block is not an interactive video of the pupil's course, or its video
  // is gone); not_found too when the course's owner may no longer share that video.
  Result<VideoPass> video_pass(const CoursePupil& pupil, Id block_id);
  // The course's class a video's class was made for (the pupil's way back to the course);
  // not_found for a class a teacher made for the video itself.
  Result<CourseClass> class_of_video_class(Id share_id);
  Result<ClassProgress> class_progress(Id class_id, const Course& course);
  // The classes the course's class has in its interactive videos (made when a pupil first
  // opened one): activity id -> the video's class id, for the videos' dashboards.
  Result<std::map<Id, Id>> video_classes(Id class_id);

 private:
  Status check_in_course(const CoursePupil& pupil, const char* table, Id id);
  Result<Id> video_class(const CoursePupil& pupil, Id activity_id);
  catalog::Database& db_;
};

}  // namespace repere::courses
