// LTI Deep Linking 2.0: inside the platform, a teacher picks Repère moments, interactive
// videos or courses, and the tool answers with a signed LtiDeepLinkingResponse of
// ltiResourceLink items (with a lineItem for graded ones), posted back to the platform.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/lti/launch.h"
#include "repere/lti/people.h"

namespace repere::lti {

// A deep-linking request being answered by a teacher.
struct DeepLink {
  Id platform_id = 0;
  std::string deployment_id;
  std::string return_url;
  std::string data;  // echoed back as the platform asked
  bool multiple = true;
  Id user_id = 0;
};

// One link to return.
struct LinkItem {
  Target target;
  std::string title;
  std::string text;                     // a line that describes it ("" for none)
  std::optional<double> score_maximum;  // graded: the platform makes a line item
};

// Keeps the request for an hour, for the teacher `user_id`; returns the token of its page.
Result<std::string> begin_deep_link(catalog::Database& db, const Launch& launch, Id user_id,
                                    std::int64_t now);
// The request of a token, for that teacher only. Errors: not_found (unknown, expired, or
// another person's).
Result<DeepLink> find_deep_link(catalog::Database& db, const std::string& token, Id user_id,
                                std::int64_t now);
Status end_deep_link(catalog::Database& db, const std::string& token);

// The signed LtiDeepLinkingResponse JWT for `items` (one only when the platform accepts one):
// iss the client id, aud the platform's issuer, a fresh nonce, the deployment, the data, each
// item an ltiResourceLink to `launch_url?cible=SPEC` with custom repere_target SPEC.
// Errors: invalid_argument (no item, or several where one is accepted).
Result<std::string> deep_link_response(catalog::Database& db, const DeepLink& link,
                                       const std::vector<LinkItem>& items,
                                       const std::string& launch_url, std::int64_t now);

}  // namespace repere::lti
