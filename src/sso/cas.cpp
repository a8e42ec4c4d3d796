#include "repere/sso/cas.h"

#include <httplib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

#include "repere/auth/accounts.h"

namespace repere::sso {

namespace {

constexpr const char* kCasNs = "http://www.yale.edu/tp/cas";
constexpr std::int64_t kTicketKept = 24 * 3600;

Status refuse(const std::string& why) {
  return Status::unauthenticated("CAS sign-on refused: " + why);
}

std::string without_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

bool is_cas(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->ns->href), kCasNs) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

struct XmlFree {
  void operator()(xmlChar* p) const { xmlFree(p); }
};
using XmlText = std::unique_ptr<xmlChar, XmlFree>;

const xmlNode* child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (is_cas(c, name)) return c;
  }
  return nullptr;
}

std::string content(const xmlNode* n) {
  XmlText text(xmlNodeGetContent(n));
  if (!text) return "";
  std::string s(reinterpret_cast<const char*>(text.get()));
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

std::string cas_login_url(const Provider& p, const std::string& service) {
  return without_slash(p.cas_url) +
         "/login?service=" + httplib::detail::encode_query_param(service);
}

Result<CasAnswer> parse_cas_answer(const std::string& xml) {
  if (xml.size() > 1024 * 1024) return Status::invalid_argument("the CAS answer is over 1 MB");
  // No network, no DTD, no entity substitution: an answer cannot make Repère read anything.
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "cas.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  if (!doc) return Status::invalid_argument("the CAS answer is not XML");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || !is_cas(root, "serviceResponse"))
    return Status::invalid_argument("the CAS answer is not a cas:serviceResponse");
  if (const xmlNode* failure = child(root, "authenticationFailure")) {
    XmlText code(xmlGetProp(failure, reinterpret_cast<const xmlChar*>("code")));
    return refuse("the server says " +
                  (code ? std::string(reinterpret_cast<const char*>(code.get())) : "no code") +
                  ": " + content(failure).substr(0, 200));
  }
  const xmlNode* success = child(root, "authenticationSuccess");
  if (success == nullptr)
    return Status::invalid_argument("the CAS answer has neither success nor failure");
  const xmlNode* user = child(success, "user");
  CasAnswer a;
  if (user != nullptr) a.user = content(user);
  if (a.user.empty()) return refuse("the server's answer names no user");
  if (const xmlNode* attrs = child(success, "attributes")) {
    for (const xmlNode* c = attrs->children; c != nullptr; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      a.attributes[reinterpret_cast<const char*>(c->name)].push_back(content(c));
    }
  }
  return a;
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
