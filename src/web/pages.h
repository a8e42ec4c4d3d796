// The French pages, rendered on the server from the templates of web/templates (mustache,
// escaped by default) so that they work without JavaScript. Internal to src/web.
#pragma once

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace repere {
template <typename T>
class Result;
}  // namespace repere

namespace repere::search {
struct SearchRequest;
}  // namespace repere::search

namespace repere::web {

struct Context;

void page_home(Context& ctx, const httplib::Request& req, httplib::Response& res);
void page_results(Context& ctx, const httplib::Request& req, httplib::Response& res);
void page_content(Context& ctx, const httplib::Request& req, httplib::Response& res);
void page_not_found(const httplib::Request& req, httplib::Response& res);

// The search request of a query string; errors name the parameter (server.cpp).
Result<search::SearchRequest> search_request(const httplib::Request& req);

}  // namespace repere::web
