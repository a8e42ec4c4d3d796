// Handlers of the activities API (activities.cpp). Internal to src/web.
#pragma once

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace repere::web {

struct Context;

// Teacher, with the edit key (X-Edit-Key header or ?key=).
void api_create_activity(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_activity(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_update_activity(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_delete_activity(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_create_class(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_classes(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_results(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_results_csv(Context& ctx, const httplib::Request& req, httplib::Response& res);
// Pupil, with the class code (and the X-Pupil-Token header to answer).
void api_class(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_join(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_answer(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_export_h5p(Context& ctx, const httplib::Request& req, httplib::Response& res);
void api_statements(Context& ctx, const httplib::Request& req, httplib::Response& res);

}  // namespace repere::web
