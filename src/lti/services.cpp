#include "repere/lti/services.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "repere/auth/accounts.h"

namespace repere::lti {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxBody = 1 << 20;

struct Split {
  std::string origin, path;
};
std::optional<Split> split_url(const std::string& url) {
  static const std::regex kUrl(R"((https?://[A-Za-z0-9.\-]+(:\d{1,5})?)(/[^\s#]*)?)");
  std::smatch m;
  if (!std::regex_match(url, m, kUrl)) return std::nullopt;
  return Split{m[1].str(), m[3].matched ? m[3].str() : "/"};
}

HttpAnswer get(const std::string& url, const httplib::Headers& headers) {
  const auto u = split_url(url);
  if (!u) return {0, "", "not an http(s) URL: " + url.substr(0, 200)};
  httplib::Client client(u->origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(10);
  std::string body;
  bool too_big = false;
  auto res = client.Get(u->path, headers, [&](const char* data, std::size_t size) {
    if (body.size() + size > kMaxBody) {
      too_big = true;
      return false;
    }
    body.append(data, size);
    return true;
  });
  if (too_big) return {0, "", "the answer is larger than 1 MB"};
  if (!res) return {0, "", httplib::to_string(res.error())};
  return {res->status, std::move(body), ""};
}

}  // namespace

Result<std::string> access_token(const Platform& p, const KeyPair& key, std::int64_t now,
                                 const Poster& post, const std::string& scope) {
  if (p.token_url.empty())
    return Status::invalid_argument("the platform has no token URL (register it: --token-url)");
  const json assertion = {{"iss", p.client_id}, {"sub", p.client_id},
                          {"aud", p.token_url}, {"iat", now},
                          {"exp", now + 300},   {"jti", auth::random_token()}};
  REPERE_ASSIGN_OR_RETURN(const std::string jwt, sign_jwt(assertion.dump(), key));
  const std::string form =
      "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3A"
      "client-assertion-type%3Ajwt-bearer&client_assertion=" +
      jwt + "&scope=" + httplib::detail::encode_query_param(scope);
  const HttpAnswer a = post(p.token_url, "application/x-www-form-urlencoded", form, "");
  if (a.status == 0) return Status::unavailable("token endpoint: " + a.error);
  if (a.status != 200)
    return Status::unavailable("token endpoint answered HTTP " + std::to_string(a.status) + ": " +
                               a.body.substr(0, 200));
  const json j = json::parse(a.body, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
    return Status::unavailable("token endpoint: no access_token in its answer");
  return j["access_token"].get<std::string>();
}

Result<std::string> http_get(const std::string& url) {
  if (!split_url(url)) return Status::invalid_argument("not an http(s) URL: " + url.substr(0, 200));
  HttpAnswer a = get(url, {});
  if (a.status == 0) return Status::unavailable(url + ": " + a.error);
  if (a.status != 200) return Status::unavailable(url + ": HTTP " + std::to_string(a.status));
  return std::move(a.body);
}

HttpAnswer http_get_with(const std::string& url, const std::string& accept,
                         const std::string& bearer) {
  httplib::Headers headers{{"Accept", accept}};
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  return get(url, headers);
}

HttpAnswer http_post(const std::string& url, const std::string& content_type,
                     const std::string& body, const std::string& bearer) {
  const auto u = split_url(url);
  if (!u) return {0, "", "not an http(s) URL: " + url.substr(0, 200)};
  httplib::Client client(u->origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(10);
  httplib::Headers headers;
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  auto res = client.Post(u->path, headers, body, content_type);
  if (!res) return {0, "", httplib::to_string(res.error())};
  return {res->status, res->body.substr(0, kMaxBody), ""};
}

}  // namespace repere::lti
