// A teacher's dashboard of one class of an interactive video: how far the pupils got, the
// success of each question and of each pupil, day after day, how much of the video was watched,
// the questions missed most with the moment to replay, and « Élèves à accompagner » with the
// facts that flagged each pupil (repere/insight; the teacher can turn it off per class).
// Charts are SVG drawn here, each followed by a table of its figures. Internal to src/web.
//
//   GET  /activites/ID/tableau?cle=K&classe=C                       the page
//   POST /activites/ID/classes/C/accompagnement (cle, mode=oui|non)  the indicator on or off
//   GET  /api/v1/activities/ID/classes/C/dashboard?key=K             the same figures, JSON
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void page_dashboard(Context& ctx, const http::Request& req, http::Response& res);
void page_class_insight(Context& ctx, const http::Request& req, http::Response& res);
void api_dashboard(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
