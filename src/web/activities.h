// Handlers of the activities API (activities.cpp). Internal to src/web.
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

// Teacher, with the edit key (X-Edit-Key header or ?key=).
void api_create_activity(Context& ctx, const http::Request& req, http::Response& res);
void api_activity(Context& ctx, const http::Request& req, http::Response& res);
void api_update_activity(Context& ctx, const http::Request& req, http::Response& res);
void api_delete_activity(Context& ctx, const http::Request& req, http::Response& res);
void api_create_class(Context& ctx, const http::Request& req, http::Response& res);
void api_classes(Context& ctx, const http::Request& req, http::Response& res);
void api_results(Context& ctx, const http::Request& req, http::Response& res);
void api_results_csv(Context& ctx, const http::Request& req, http::Response& res);
// Pupil, with the class code (and the X-Pupil-Token header to answer).
void api_class(Context& ctx, const http::Request& req, http::Response& res);
void api_join(Context& ctx, const http::Request& req, http::Response& res);
void api_answer(Context& ctx, const http::Request& req, http::Response& res);
// GET /api/v1/classes/CODE/progress (X-Pupil-Token): the pupil's score out of every graded
// question and each question's attempts left; never the right answers.
void api_progress(Context& ctx, const http::Request& req, http::Response& res);
void api_export_h5p(Context& ctx, const http::Request& req, http::Response& res);
void api_statements(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
