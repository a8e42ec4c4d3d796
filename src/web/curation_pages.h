// The curators' and admins' pages and API (curation_pages.cpp): every content with its
// editorial status, publishing and retiring one, a selection or a collection, the failed
// files, and the audit log. Internal to src/web.
#pragma once

#include "repere/catalog/types.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void page_curation(Context& ctx, const http::Request& req, http::Response& res);
void page_set_status(Context& ctx, const http::Request& req, http::Response& res);
void page_audit(Context& ctx, const http::Request& req, http::Response& res);
void page_audit_csv(Context& ctx, const http::Request& req, http::Response& res);
// Who is signed in: {"signed_in": false} or the account, its role and the CSRF token that
// changes made with the session cookie must carry.
void api_me(Context& ctx, const http::Request& req, http::Response& res);
// {"status": "published"}: a curator moves one content.
void api_set_status(Context& ctx, const http::Request& req, http::Response& res);

// The French label of an editorial status (« Brouillon », « Publié »).
const char* status_label(catalog::EditorialStatus status);

}  // namespace repere::web
