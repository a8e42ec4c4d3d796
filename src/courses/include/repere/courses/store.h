// The store of courses, in the catalog: made, read whole, changed a piece at a time (the
// course's fields, a chapter, a block, an order), copied from a model. Who may do what is the
// web module's rule (access.h); the store checks what a course may hold.
// Errors: not_found for an unknown course, chapter or block; invalid_argument (validate(), a
// limit of chapters or blocks reached) with a message for the teacher; io_error from the catalog.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repere/core/result.h"
#include "repere/courses/course.h"

namespace repere::catalog {
class Database;
}

namespace repere::courses {

// A course in a list: no chapters.
struct CourseSummary {
  Id id = 0;
  std::string title;
  CourseState state = CourseState::kDraft;
  bool model = false;
  std::optional<Id> owner_id;
  std::optional<Id> model_id;
  int chapters = 0, blocks = 0;
  std::string updated_at;
};

// The fields of a course a teacher sets in one form.
struct CourseFields {
  std::string title;
  std::string level_uri;
  std::vector<std::string> concepts;
  CourseState state = CourseState::kDraft;
  bool model = false;
};

class CourseStore {
 public:
  explicit CourseStore(catalog::Database& db) : db_(db) {}

  Result<Id> create(const std::string& title, std::optional<Id> owner);
  Result<Course> get(Id id);
  Status update(Id id, const CourseFields& fields);
  Status remove(Id id);
  // The owner's courses, the latest changed first.
  Result<std::vector<CourseSummary>> of_owner(Id owner);
  // Published models (« cours types »), by title.
  Result<std::vector<CourseSummary>> models();
  // Published courses given one of `uris` (a concept and those under it: the taxonomy module
  // knows the tree), by title.
  Result<std::vector<CourseSummary>> published_with(const std::vector<std::string>& uris);

  Result<Id> add_chapter(Id course, const std::string& title);
  Status rename_chapter(Id chapter, const std::string& title);
  Status remove_chapter(Id chapter);  // with its blocks
  // One place earlier (delta -1) or later (+1) among the course's chapters; at an end, nothing.
  Status move_chapter(Id chapter, int delta);

  // At the end of the chapter.
  Result<Id> add_block(Id chapter, const Block& block);
  Status update_block(Id block, const Block& fields);
  Status remove_block(Id block);
  // One place earlier or later; past the chapter's first (last) block it goes to the end of the
  // previous (the start of the next) chapter, so a block can travel the whole course.
  Status move_block(Id block, int delta);

  // A copy of the course (chapters, blocks, concepts) owned by `owner`, a draft, remembering
  // its model; its title « <title> (copie) ». Its interactive videos are copied too, owned by
  // `owner`, so that she changes them and shares them with her classes.
  Result<Id> duplicate(Id course, std::optional<Id> owner);

  Result<Id> course_of_chapter(Id chapter);
  Result<Id> course_of_block(Id block);

 private:
  Status touch(Id course);
  catalog::Database& db_;
};

}  // namespace repere::courses
