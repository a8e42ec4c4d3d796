// LTI 1.3 launches, as the tool sees them (IMS LTI 1.3 Core and Security Framework 1.0):
// the third-party login that a platform begins, and the id_token it then posts, checked
// claim by claim. Every refusal is `unauthenticated` with a message that says what failed,
// for the log; nothing of a refused launch is kept but the used state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/lti/registry.h"

namespace repere::lti {

// What a platform sends to begin a login (OIDC third-party initiated login).
struct LoginRequest {
  std::string issuer;  // iss
  std::string login_hint;
  std::string target_link_uri;
  std::string lti_message_hint;  // "" when absent
  std::string client_id;         // "" when absent: the issuer's only platform
  std::string deployment_id;     // "" when absent
};

struct LoginRedirect {
  std::string url;    // the platform's authorisation endpoint with the request
  std::string state;  // also set in a cookie, to bind the login to this browser
};

// Checks the login request and records a state and a nonce, valid 10 minutes.
// `redirect_uri` is this tool's launch URL, `base_url` its public URL: the target must be under
// it. Errors: not_found (no such platform, or several for the issuer and no client id),
// invalid_argument (a missing field, a target elsewhere).
Result<LoginRedirect> begin_login(catalog::Database& db, const LoginRequest& request,
                                  const std::string& redirect_uri, const std::string& base_url,
                                  std::int64_t now);

// A launch that passed every check.
struct Launch {
  Platform platform;
  std::string deployment_id;
  std::string message_type;  // LtiResourceLinkRequest or LtiDeepLinkingRequest
  std::string sub;           // the person, opaque
  std::string given_name, family_name, name, email;
  std::vector<std::string> roles;  // full role URIs
  std::string context_id, context_title;
  std::string resource_link_id, resource_link_title;
  std::string target_link_uri;
  std::map<std::string, std::string> custom;
  // Assignment and Grade Services: the line item of this link, and the scopes granted.
  std::string lineitem;
  std::vector<std::string> ags_scopes;
  // Names and Role Provisioning Services: the context's roster.
  std::string memberships_url;
  // Deep linking.
  std::string return_url, dl_data;
  bool accept_multiple = true;
  std::vector<std::string> accept_types;
  std::string presentation_target;  // launch_presentation.document_target: iframe, window…
};

// Fetches a URL's body (the platform's JWKS); errors when it cannot.
using Fetcher = std::function<Result<std::string>(const std::string& url)>;

// Checks a posted id_token against the state it came with: the state is known, unused and
// fresh (it is used up whatever follows); the token is signed RS256/384/512 by a key of the
// platform's JWKS named by its kid (fetched when absent from the cached set, or when the set is
// a day old: key rotation); iss is the platform; aud holds the client id (with azp when it
// holds several); exp is not past and iat not in the future (a minute of leeway); the nonce is
// the one sent and was never used before; the deployment is registered; message type, version
// and the claims that type needs are present.
Result<Launch> validate_launch(catalog::Database& db, const std::string& id_token,
                               const std::string& state, std::int64_t now, const Fetcher& fetch);

// Forgets logins begun more than 10 minutes ago and nonces past their token's expiry.
Status sweep_launches(catalog::Database& db, std::int64_t now);

// The kinds of person a launch may bring.
enum class Who { kTeacher, kLearner, kOther };
// Instructor, content developer, administrator, mentor-free teaching staff → teacher;
// learner or student → learner (a teacher role wins). Short role names (« Instructor »),
// which LTI 1.3 deprecates but platforms still send, count as their membership role.
Who who_is(const std::vector<std::string>& roles);

}  // namespace repere::lti
