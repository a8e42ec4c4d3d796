// Handlers of the search and contents API (contents_api.cpp). Internal to src/web.
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void api_search(Context& ctx, const http::Request& req, http::Response& res);
void api_contents(Context& ctx, const http::Request& req, http::Response& res);
void api_content(Context& ctx, const http::Request& req, http::Response& res);
void api_passages(Context& ctx, const http::Request& req, http::Response& res);
void api_track_vtt(Context& ctx, const http::Request& req, http::Response& res);
void api_media(Context& ctx, const http::Request& req, http::Response& res);
void api_health(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
