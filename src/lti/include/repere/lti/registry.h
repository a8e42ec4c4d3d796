// The platforms (LMS, ENT) registered with this tool, their deployments, and the tool's own
// signing keys. Like the catalog's repositories, a store holds a Database that must outlive it
// and is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/lti/jose.h"

namespace repere::lti {

using Id = std::int64_t;

struct Platform {
  Id id = 0;
  std::string issuer;     // the platform's iss ("https://elea.ac-example.fr")
  std::string client_id;  // what the platform calls this tool
  std::string name;       // as pages and logs show it
  std::string auth_url;   // its OIDC authorisation endpoint (where logins are sent)
  std::string token_url;  // its OAuth 2 token endpoint (grades); "" when none
  std::string jwks_url;   // its public keys
  std::vector<std::string> deployments;
  // The origin pages may be framed by ("https://elea.ac-example.fr"), from auth_url.
  std::string origin() const;
};

// "scheme://host[:port]" of an http(s) URL; "" when it is not one.
std::string origin_of(const std::string& url);

class PlatformStore {
 public:
  explicit PlatformStore(catalog::Database& db) : db_(db) {}

  // Registers a platform, or updates the one of the same issuer and client id (its deployments
  // are added to those it has). Errors: invalid_argument naming the field (an issuer or URL
  // that is not http(s), an empty client id or deployment).
  Result<Platform> put(const Platform& p);
  Result<std::vector<Platform>> list();
  Result<Platform> get(Id id);  // errors: not_found
  // The platform of a token's iss and aud. Errors: not_found.
  Result<Platform> find(const std::string& issuer, const std::string& client_id);
  // Every platform of an issuer (a login may not name its client id).
  Result<std::vector<Platform>> by_issuer(const std::string& issuer);
  Status remove(Id id);  // errors: not_found

  // The platform's key set as last fetched, and when (UTC seconds; 0: never).
  Result<std::pair<std::string, std::int64_t>> cached_keys(Id id);
  Status cache_keys(Id id, const std::string& jwks_json, std::int64_t now);

 private:
  catalog::Database& db_;
};

// The tool's keys: the newest signs; the key set publishes it and the keys retired less than
// a day ago.
class ToolKeys {
 public:
  explicit ToolKeys(catalog::Database& db) : db_(db) {}
  // The signing key, made on first use. Errors: internal, io_error.
  Result<KeyPair> current(std::int64_t now);
  // A new signing key; the old one is retired. Returns the new one.
  Result<KeyPair> rotate(std::int64_t now);
  // {"keys": [...]}: the public JWKs to publish.
  Result<std::string> jwks(std::int64_t now);

 private:
  catalog::Database& db_;
};

// Seconds since the epoch (UTC).
std::int64_t unix_now();

}  // namespace repere::lti
