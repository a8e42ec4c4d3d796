#include "repere/sso/cas.h"

#include <httplib.h>

#include "repere/auth/accounts.h"

namespace repere::sso {

namespace {

constexpr std::int64_t kTicketKept = 24 * 3600;

Status refuse(const std::string& why) {
  return Status::unauthenticated("CAS sign-on refused: " + why);
}

std::string without_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string cas_login_url(const Provider& p, const std::string& service) {
  return without_slash(p.cas_url) +
         "/login?service=" + httplib::detail::encode_query_param(service);
}

Result<CasAnswer> validate_cas_ticket(catalog::Database& db, const Provider& p,
                                      const std::string& ticket, const std::string& service,
                                      std::int64_t now, const Fetcher& fetch) {
  if (ticket.empty() || ticket.size() > 256) return refuse("no ticket");
  REPERE_ASSIGN_OR_RETURN(auto old, db.prepare("DELETE FROM sso_cas_ticket WHERE used_at < ?1"));
  REPERE_RETURN_IF_ERROR(old.bind(1, now - kTicketKept).run());
  REPERE_ASSIGN_OR_RETURN(auto use, db.prepare("INSERT OR IGNORE INTO sso_cas_ticket(ticket_hash, "
                                               "used_at) VALUES (?1, ?2)"));
  REPERE_RETURN_IF_ERROR(use.bind(1, auth::sha256_hex(ticket)).bind(2, now).run());
  if (db.changes() == 0) return refuse("the ticket was already used (a replayed ticket)");
  const std::string url = without_slash(p.cas_url) + "/p3/serviceValidate?service=" +
                          httplib::detail::encode_query_param(service) +
                          "&ticket=" + httplib::detail::encode_query_param(ticket);
  auto body = fetch(url);
  if (!body.is_ok())
    return Status::unavailable("the CAS server did not answer " + without_slash(p.cas_url) +
                               "/p3/serviceValidate: " + body.status().message());
  auto answer = parse_cas_answer(*body);
  if (!answer.is_ok() && answer.status().code() == StatusCode::kInvalidArgument)
    return refuse(answer.status().message());
  return answer;
}

}  // namespace repere::sso
