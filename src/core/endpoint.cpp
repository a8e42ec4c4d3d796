#include "repere/core/endpoint.h"

#include <nlohmann/json.hpp>

#include "repere/core/text.h"

namespace repere {

Result<EndpointUrl> split_endpoint_url(const std::string& base, const std::string& setting) {
  const auto scheme_end = base.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : base.substr(0, scheme_end);
  if ((scheme != "http" && scheme != "https") || base.size() <= scheme_end + 3) {
    return Status::invalid_argument(setting + " '" + base + "' is not an http:// or https:// URL");
  }
  const auto path_start = base.find('/', scheme_end + 3);
  EndpointUrl url{base.substr(0, path_start),
                  path_start == std::string::npos ? "" : base.substr(path_start)};
  while (!url.prefix.empty() && url.prefix.back() == '/') url.prefix.pop_back();
  if (url.prefix.ends_with("/v1")) url.prefix.resize(url.prefix.size() - 3);
  return url;
}

std::string endpoint_host(const EndpointUrl& url) {
  const auto host_start = url.origin.find("://");
  return host_start == std::string::npos ? url.origin : url.origin.substr(host_start + 3);
}

std::string endpoint_message(const std::string& body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object() && json.contains("error")) {
    const auto& e = json["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string())
      return e["message"].get<std::string>();
    if (e.is_string()) return e.get<std::string>();
  }
  return text::sanitize_utf8(body.substr(0, 200));
}

Status endpoint_answer_status(int http_status, const std::string& body, const std::string& what,
                              const std::string& where) {
  if (http_status == 200) return Status::ok();
  if (http_status == 429 || http_status >= 500) {
    return Status::unavailable(what + " " + where + " answered " + std::to_string(http_status) +
                               ": " + endpoint_message(body));
  }
  return Status::invalid_argument(what + " " + where + " refused (" + std::to_string(http_status) +
                                  "): " + endpoint_message(body));
}

}  // namespace repere
