// How handlers answer: RFC 9457 problem details for errors, JSON bodies, the HTTP status of
// a Status. Internal to src/web (server.cpp defines them).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "repere/core/status.h"

namespace repere::web::http {
struct Response;
}  // namespace repere::web::http

namespace repere::web {

int http_status(StatusCode code);
const char* reason_phrase(int status);
void problem(http::Response& res, int status, const std::string& title, const std::string& detail);
void problem(http::Response& res, const Status& s);
void send_json(http::Response& res, const nlohmann::json& body);

}  // namespace repere::web
