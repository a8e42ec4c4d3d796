// The French pages, rendered on the server from the templates of web/templates (mustache,
// escaped by default) so that they work without JavaScript. Internal to src/web.
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere {
template <typename T>
class Result;
}  // namespace repere

namespace repere::search {
struct SearchRequest;
}  // namespace repere::search

namespace repere::web {

struct Context;

void page_home(Context& ctx, const http::Request& req, http::Response& res);
void page_results(Context& ctx, const http::Request& req, http::Response& res);
void page_content(Context& ctx, const http::Request& req, http::Response& res);
// GET /contenus/ID/integrer?t=S: the player alone, for an ENT's or a Moodle's frame (the sites
// of web.frame_ancestors); what the viewer may see only, as the content page.
void page_embed(Context& ctx, const http::Request& req, http::Response& res);
void page_not_found(const http::Request& req, http::Response& res);

// The search request of a query string; errors name the parameter (server.cpp).
Result<search::SearchRequest> search_request(const http::Request& req);

}  // namespace repere::web
