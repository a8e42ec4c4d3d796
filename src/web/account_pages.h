// Signing in and out (account_pages.cpp). Internal to src/web.
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void page_login(Context& ctx, const http::Request& req, http::Response& res);
// Throttled per address and per account (429 with Retry-After); a wrong login or password
// answers 401 with the form again; success starts a session and goes to `suite`.
void page_login_post(Context& ctx, const http::Request& req, http::Response& res);
void page_logout(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
