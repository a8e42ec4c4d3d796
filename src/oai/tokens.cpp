#include "tokens.h"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace repere::oai {

namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, kVariant);
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

std::optional<std::string> unbase64(const std::string& text) {
  std::string out(text.size(), '\0');
  std::size_t size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &size, nullptr, kVariant) != 0)
    return std::nullopt;
  out.resize(size);
  return out;
}

std::string signature(const std::string& payload, const std::string& key) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                                payload.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return base64(mac, sizeof mac);
}

}  // namespace

std::string encode_token(const Resumption& r, const std::string& key) {
  const std::string json = nlohmann::json{{"v", r.verb},   {"p", r.prefix}, {"s", r.set},
                                          {"f", r.from},   {"u", r.until},  {"a", r.after_id},
                                          {"c", r.cursor}, {"n", r.size},   {"e", r.expires}}
                               // Text that is not UTF-8 (a set a harvester sent) never throws.
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string payload =
      base64(reinterpret_cast<const unsigned char*>(json.data()), json.size());
  return payload + "." + signature(payload, key);
}

std::optional<Resumption> decode_token(const std::string& token, const std::string& key,
                                       std::int64_t now) {
  if (token.size() > kMaxTokenBytes || sodium_init() < 0) return std::nullopt;
  const std::size_t dot = token.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string payload = token.substr(0, dot);
  const std::string expected = signature(payload, key);
  const std::string given = token.substr(dot + 1);
  if (given.size() != expected.size() ||
      sodium_memcmp(given.data(), expected.data(), expected.size()) != 0)
    return std::nullopt;
  const auto json = unbase64(payload);
  if (!json) return std::nullopt;
  const auto j = nlohmann::json::parse(*json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Resumption r;
  try {
    r.verb = j.at("v").get<std::string>();
    r.prefix = j.at("p").get<std::string>();
    r.set = j.at("s").get<std::string>();
    r.from = j.at("f").get<std::string>();
    r.until = j.at("u").get<std::string>();
    r.after_id = j.at("a").get<std::int64_t>();
    r.cursor = j.at("c").get<std::int64_t>();
    r.size = j.at("n").get<std::int64_t>();
    r.expires = j.at("e").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (r.expires < now) return std::nullopt;
  return r;
}

}  // namespace repere::oai
