// Repère as an LTI 1.3 tool (docs/lti.md): the third-party login a platform begins, the
// launch it posts, the tool's key set, the deep-linking picker, and the score sent back after a
// pupil's answer. Internal to src/web.
#pragma once

#include <cstdint>
#include <string>

#include "render.h"

namespace repere::learn {
class ActivityStore;
struct Pupil;
}  // namespace repere::learn

namespace repere::catalog {
class Database;
}  // namespace repere::catalog

namespace repere::courses {
struct Course;
struct CoursePupil;
}  // namespace repere::courses

namespace repere::web {

struct Context;
namespace http {
struct Request;
struct Response;
}  // namespace http

void lti_login(Context& ctx, const http::Request& req, http::Response& res);
void lti_launch(Context& ctx, const http::Request& req, http::Response& res);
void lti_jwks(Context& ctx, const http::Request& req, http::Response& res);
void lti_handoff(Context& ctx, const http::Request& req, http::Response& res);
void lti_choose(Context& ctx, const http::Request& req, http::Response& res);
void lti_choose_post(Context& ctx, const http::Request& req, http::Response& res);
// The administrators' page of registered platforms, and its form.
void page_lti_platforms(Context& ctx, const http::Request& req, http::Response& res);
void page_lti_platforms_post(Context& ctx, const http::Request& req, http::Response& res);

// After a pupil's answer: when she came by LTI with a line item, her score (out of every
// graded question) is queued for the platform. Never fails the answer.
void queue_lti_score(Context& ctx, learn::ActivityStore& store, const learn::Pupil& pupil);

// After a course pupil's answer or finished chapter: when she came by LTI with a line item,
// her course score is queued — a point per graded question block, and the graded questions of
// the course's interactive videos as she answered them there. Never fails the answer.
void queue_lti_course_score(Context& ctx, catalog::Database& db, const courses::Course& course,
                            const courses::CoursePupil& pupil);

// The class's platform roster (Names and Role Provisioning), when a launch made the class: who
// of its learners has started (with her pseudonym) and who has not, read now and not kept;
// `kind` "activite" or "cours". Sets `roster` (or `roster_error`) in `page`.
void add_lti_roster(Context& ctx, catalog::Database& db, const std::string& kind,
                    std::int64_t class_id, data& page);

// Sends the queued scores that are due (the server's sender thread, every few seconds).
void send_lti_scores(Context& ctx);

}  // namespace repere::web
