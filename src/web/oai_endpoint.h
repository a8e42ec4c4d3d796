// The OAI-PMH endpoint, /oai by GET and POST (oai_endpoint.cpp): what the oai module answers,
// from a read-only catalog. Anyone may harvest: only published contents are in it. Internal to
// src/web.
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void oai_endpoint(Context& ctx, const http::Request& req, http::Response& res);
// The XML Schema of the repere format, /oai/repere.xsd.
void oai_repere_xsd(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
