// What the tool needs to call a platform's services (grades, rosters): an HTTP client and an
// OAuth 2 access token by client credentials with a JWT assertion signed by the tool's key
// (IMS Security Framework 1.0, section 4.1).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "repere/core/result.h"
#include "repere/lti/jose.h"
#include "repere/lti/registry.h"

namespace repere::lti {

struct HttpAnswer {
  int status = 0;  // 0: no answer (the error says why)
  std::string body;
  std::string error;
};
// POSTs `body` of `content_type` to `url`, with `bearer` as an Authorization bearer token when
// not empty.
using Poster = std::function<HttpAnswer(const std::string& url, const std::string& content_type,
                                        const std::string& body, const std::string& bearer)>;
// GETs `url` asking for `accept`, with a bearer token.
using Getter = std::function<HttpAnswer(const std::string& url, const std::string& accept,
                                        const std::string& bearer)>;

// An access token for `scope` (space-separated scopes) from the platform's token URL.
// Errors: invalid_argument (no token URL registered), unavailable (no answer, a refusal, or no
// access_token in it).
Result<std::string> access_token(const Platform& p, const KeyPair& key, std::int64_t now,
                                 const Poster& post, const std::string& scope);

// The HTTP client the server uses (cpp-httplib, TLS included). Bodies are capped at 1 MB;
// 10 s timeouts. http_get returns a 200 answer's body (errors: unavailable, invalid_argument
// for a URL that is not http(s)).
Result<std::string> http_get(const std::string& url);
HttpAnswer http_get_with(const std::string& url, const std::string& accept,
                         const std::string& bearer);
HttpAnswer http_post(const std::string& url, const std::string& content_type,
                     const std::string& body, const std::string& bearer);

}  // namespace repere::lti
