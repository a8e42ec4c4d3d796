// Who a launch brings, in Repère's terms, and where it takes them: a platform's teacher becomes
// a Repère teacher account (made on the first launch), a learner becomes a pupil of the class
// that the platform's course (the LTI context) is for that activity — no code to type, no
// pseudonym to choose. Data minimisation: a learner is kept as the platform's opaque `sub`
// and a pseudonym (the first name's initial and a number); the name and email the platform
// sends are not stored.
#pragma once

#include <optional>
#include <string>

#include "repere/auth/accounts.h"
#include "repere/catalog/database.h"
#include "repere/courses/classes.h"
#include "repere/learn/store.h"
#include "repere/lti/launch.h"

namespace repere::lti {

// What a link opens: a content (at a moment), an interactive video, a course.
struct Target {
  enum class Kind { kContent, kActivity, kCourse };
  Kind kind = Kind::kContent;
  Id id = 0;
  std::optional<int> seconds;  // contents only
  // "contenu:12@83", "activite:4", "cours:3": how links carry it (custom repere_target).
  std::string spec() const;
  // The Repère page for a teacher: "/contenus/12?t=83", "/activites/4/apercu", "/cours/3".
  std::string teacher_path() const;
};
std::optional<Target> parse_target(const std::string& spec);
// A launch's target: its custom parameter repere_target, else the `cible` parameter of its
// target_link_uri. nullopt when it names none (or a malformed one).
std::optional<Target> target_of(const Launch& launch);

// The Repère teacher account of a platform's teacher, made on her first launch (login
// "lti<platform>-<16 hex>", the name the platform gives, a random password nobody knows).
// Errors: permission_denied when the account was disabled.
Result<auth::User> teacher_for(catalog::Database& db, const Launch& launch);

// The pupil of a platform's learner in the class of the launch's context for activity
// `activity_id` (made on first launch), with a new secret token for her browser. The line
// item of the launch, when it has one, is where her score goes. Errors: not_found (no such
// activity).
Result<learn::Pupil> pupil_for(catalog::Database& db, const Launch& launch, Id activity_id);

// The same for a course (a published one): the pupil of the class that the launch's context
// has for course `course_id`, and that class's share code (where her page is).
// Errors: not_found (no such course, or not published).
struct CourseSeat {
  courses::CoursePupil pupil;
  std::string code;
};
Result<CourseSeat> course_pupil_for(catalog::Database& db, const Launch& launch, Id course_id);

// The pseudonym of the n-th learner of a class: "L. 3" (first name's initial, number), or
// "Élève 3" without a first name.
std::string pseudonym_for(const std::string& given_name, int number);

}  // namespace repere::lti
