// Repère as a CAS 3.0 client: the redirect to the server's /login with this site's service
// URL, and the ticket validated at /p3/serviceValidate (attributes included), used once.
#pragma once

#include <cstdint>
#include <string>

#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/sso/identity.h"
#include "repere/sso/providers.h"

namespace repere::sso {

std::string cas_login_url(const Provider& p, const std::string& service);

struct CasAnswer {
  std::string user;
  Attributes attributes;
};
// Reads a /p3/serviceValidate answer. Errors: unauthenticated with the server's failure code
// and text, or invalid_argument for a document that is not a CAS answer.
Result<CasAnswer> parse_cas_answer(const std::string& xml);

// Validates `ticket` for `service` (exactly the service URL sent to /login) and records it as
// used. Errors: unauthenticated (a replayed ticket, the server's refusal), unavailable.
Result<CasAnswer> validate_cas_ticket(catalog::Database& db, const Provider& p,
                                      const std::string& ticket, const std::string& service,
                                      std::int64_t now, const Fetcher& fetch);

}  // namespace repere::sso
