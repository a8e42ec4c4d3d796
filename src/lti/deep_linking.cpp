#include "repere/lti/deep_linking.h"

#include <nlohmann/json.hpp>

#include "repere/auth/accounts.h"
#include "repere/lti/registry.h"

namespace repere::lti {

using nlohmann::json;

namespace {
constexpr std::int64_t kDeepLinkSeconds = 3600;
}  // namespace

Result<std::string> begin_deep_link(catalog::Database& db, const Launch& launch, Id user_id,
                                    std::int64_t now) {
  const std::string token = auth::random_token();
  REPERE_ASSIGN_OR_RETURN(
      auto st, db.prepare("INSERT INTO lti_deep_link(token_hash, platform_id, deployment_id, "
                          "user_id, return_url, data, multiple, created_at) VALUES "
                          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  st.bind(1, auth::sha256_hex(token)).bind(2, launch.platform.id).bind(3, launch.deployment_id);
  st.bind(4, user_id).bind(5, launch.return_url).bind(6, launch.dl_data);
  st.bind(7, launch.accept_multiple ? 1 : 0).bind(8, now);
  REPERE_RETURN_IF_ERROR(st.run());
  REPERE_ASSIGN_OR_RETURN(auto old, db.prepare("DELETE FROM lti_deep_link WHERE created_at < ?1"));
  REPERE_RETURN_IF_ERROR(old.bind(1, now - kDeepLinkSeconds).run());
  return token;
}

Result<DeepLink> find_deep_link(catalog::Database& db, const std::string& token, Id user_id,
                                std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(
      auto st, db.prepare("SELECT platform_id, deployment_id, return_url, data, multiple, "
                          "user_id, created_at FROM lti_deep_link WHERE token_hash = ?1"));
  st.bind(1, auth::sha256_hex(token));
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found || st.int64(5) != user_id || now - st.int64(6) > kDeepLinkSeconds)
    return Status::not_found("no deep-linking request of yours has this token (it lasts an hour)");
  return DeepLink{st.int64(0), st.text(1), st.text(2), st.text(3), st.int64(4) != 0, st.int64(5)};
}

Status end_deep_link(catalog::Database& db, const std::string& token) {
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("DELETE FROM lti_deep_link WHERE token_hash = ?1"));
  return st.bind(1, auth::sha256_hex(token)).run();
}

Result<std::string> deep_link_response(catalog::Database& db, const DeepLink& link,
                                       const std::vector<LinkItem>& items,
                                       const std::string& launch_url, std::int64_t now) {
  if (items.empty()) return Status::invalid_argument("choose at least one item");
  if (!link.multiple && items.size() > 1)
    return Status::invalid_argument("the platform accepts one item only");
  PlatformStore platforms(db);
  REPERE_ASSIGN_OR_RETURN(const Platform p, platforms.get(link.platform_id));
  json content = json::array();
  for (const LinkItem& item : items) {
    const std::string spec = item.target.spec();
    json c = {{"type", "ltiResourceLink"},
              {"title", item.title},
              {"url", launch_url + "?cible=" + spec},
              {"custom", {{"repere_target", spec}}}};
    if (!item.text.empty()) c["text"] = item.text;
    if (item.score_maximum && *item.score_maximum > 0) {
      c["lineItem"] = {
          {"scoreMaximum", *item.score_maximum}, {"label", item.title}, {"resourceId", spec}};
    }
    content.push_back(std::move(c));
  }
  json claims = {
      {"iss", p.client_id},
      {"aud", p.issuer},
      {"iat", now},
      {"exp", now + 600},
      {"nonce", auth::random_token()},
      {"https://purl.imsglobal.org/spec/lti/claim/message_type", "LtiDeepLinkingResponse"},
      {"https://purl.imsglobal.org/spec/lti/claim/version", "1.3.0"},
      {"https://purl.imsglobal.org/spec/lti/claim/deployment_id", link.deployment_id},
      {"https://purl.imsglobal.org/spec/lti-dl/claim/content_items", content}};
  if (!link.data.empty()) claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] = link.data;
  ToolKeys keys(db);
  REPERE_ASSIGN_OR_RETURN(const KeyPair key, keys.current(now));
  return sign_jwt(claims.dump(), key);
}

}  // namespace repere::lti
