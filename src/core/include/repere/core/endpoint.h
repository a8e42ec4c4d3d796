// Helpers for the OpenAI-compatible HTTP endpoints Repère may call (speech to text,
// embeddings): reading the configured base URL, and the server's own words for a refusal.
// Thread safety: pure functions.
#pragma once

#include <string>

#include "repere/core/result.h"

namespace repere {

struct EndpointUrl {
  std::string origin;  // "http://host:port"
  std::string prefix;  // "" or "/openai": put before /v1/...
};

// Splits a configured base URL ("https://api.example.org", "http://host:8000/openai/v1").
// A trailing "/v1" is dropped, as people paste it. Errors: invalid_argument naming `setting`
// for anything that is not an http:// or https:// URL.
Result<EndpointUrl> split_endpoint_url(const std::string& base, const std::string& setting);

// "api.example.org": the host of an origin, to say where a model ran.
std::string endpoint_host(const EndpointUrl& url);

// The server's message in a refusal: OpenAI's {"error": {"message"}} or the start of the body.
std::string endpoint_message(const std::string& body);

// What an endpoint's HTTP answer means for its caller: ok for 200; unavailable for 429 and 5xx
// (busy or down: try later, or fall back); invalid_argument for any other refusal (a wrong
// model, key or request: the operator must act). The message names `what` ("the embeddings
// endpoint"), `where` (its URL), the status and the server's own words.
Status endpoint_answer_status(int http_status, const std::string& body, const std::string& what,
                              const std::string& where);

}  // namespace repere
