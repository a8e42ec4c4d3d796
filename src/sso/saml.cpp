#include "repere/sso/saml.h"

// libxml2 before Lasso: Lasso includes it inside extern "C", where ICU's C++ headers (that
// libxml2 includes) cannot be.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <lasso/lasso.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <lasso/xml/saml-2.0/samlp2_request_abstract.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include "repere/auth/accounts.h"
#include "repere/core/text.h"

namespace repere::sso {

namespace {

constexpr const char* kSaml = "urn:oasis:names:tc:SAML:2.0:assertion";
constexpr const char* kMd = "urn:oasis:names:tc:SAML:2.0:metadata";
constexpr std::int64_t kLeeway = 60;
constexpr std::int64_t kAssertionKept = 24 * 3600;

Status refuse(const std::string& why) {
  return Status::unauthenticated("SAML sign-on refused: " + why);
}

// Lasso's one-time library set-up (it initialises libxml2 and xmlsec).
void init_lasso() {
  static std::once_flag once;
  std::call_once(once, [] { (void)lasso_init(); });
}

std::string lasso_error(int rc) {
  const char* text = lasso_strerror(rc);
  return std::string(text ? text : "unknown Lasso error") + " (" + std::to_string(rc) + ")";
}

struct GFree {
  void operator()(gchar* p) const { g_free(p); }
};
using GText = std::unique_ptr<gchar, GFree>;

struct ServerFree {
  void operator()(LassoServer* s) const { lasso_server_destroy(s); }
};
using Server = std::unique_ptr<LassoServer, ServerFree>;
struct NodeUnref {
  void operator()(void* n) const { g_object_unref(n); }
};

std::string pem_body(const std::string& pem) {
  std::string out;
  bool inside = false;
  std::size_t at = 0;
  while (at < pem.size()) {
    std::size_t end = pem.find('\n', at);
    if (end == std::string::npos) end = pem.size();
    const std::string line = pem.substr(at, end - at);
    if (line.rfind("-----BEGIN", 0) == 0) {
      inside = true;
    } else if (line.rfind("-----END", 0) == 0) {
      break;
    } else if (inside) {
      out += line;
    }
    at = end + 1;
  }
  return out;
}

// Attribute values and text of the metadata: HTML's escaping is XML's (& < > ").
std::string escape(const std::string& s) { return text::escape_html(s); }

// The SP as Lasso sees it, with the IdP of the provider's metadata.
Result<Server> sp_server(const Provider& p, const SpUrls& urls) {
  init_lasso();
  if (p.sp_key_pem.empty() || p.sp_cert_pem.empty())
    return Status::internal("the SAML provider " + p.slug + " has no SP key");
  const std::string md = sp_metadata(p, urls);
  Server s(lasso_server_new_from_buffers(md.c_str(), p.sp_key_pem.c_str(), nullptr,
                                         p.sp_cert_pem.c_str()));
  if (!s) return Status::internal("Lasso refused this SP's metadata or key");
  // RSA-SHA256, not Lasso's historical default RSA-SHA1, for every signature Repère makes.
  LassoKey* key = lasso_key_new_for_signature_from_memory(
      p.sp_key_pem.data(), p.sp_key_pem.size(), nullptr, LASSO_SIGNATURE_METHOD_RSA_SHA256,
      const_cast<char*>(p.sp_cert_pem.c_str()));
  if (key == nullptr) return Status::internal("Lasso refused this SP's key");
  int rc = lasso_provider_set_server_signing_key(LASSO_PROVIDER(s.get()), key);
  g_object_unref(key);
  if (rc != 0) return Status::internal("this SP's signing key: " + lasso_error(rc));
  s->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
  rc = lasso_server_add_provider_from_buffer(s.get(), LASSO_PROVIDER_ROLE_IDP,
                                             p.idp_metadata.c_str(), nullptr, nullptr);
  if (rc != 0)
    return Status::invalid_argument("the IdP's metadata is refused by Lasso: " + lasso_error(rc));
  return s;
}

// ---- Reading a verified assertion (as Lasso exports it) with libxml2.

bool is(const xmlNode* n, const char* ns, const char* name) {
  return n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}
const xmlNode* child(const xmlNode* n, const char* ns, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c != nullptr; c = c->next) {
    if (is(c, ns, name)) return c;
  }
  return nullptr;
}
std::string attr(const xmlNode* n, const char* name) {
  if (n == nullptr) return "";
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}
std::string text(const xmlNode* n) {
  if (n == nullptr) return "";
  xmlChar* v = xmlNodeGetContent(n);
  if (v == nullptr) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "2026-12-02T14:30:00Z" (fractions of a second ignored) as UTC seconds; -1 when unreadable.
std::int64_t instant(const std::string& s) {
  std::tm t{};
  if (s.size() < 19 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &t.tm_year, &t.tm_mon,
                                   &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec) != 6)
    return -1;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&t));
}

struct Assertion {
  std::string id, issuer, name_id, recipient, in_response_to, session_index;
  std::int64_t confirmation_until = -1, not_before = -1, not_after = -1;
  std::vector<std::string> audiences;
  Attributes attributes;
};

Result<Assertion> read_assertion(const std::string& xml) {
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "assertion.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr || !is(root, kSaml, "Assertion")) return refuse("no assertion");
  Assertion a;
  a.id = attr(root, "ID");
  a.issuer = text(child(root, kSaml, "Issuer"));
  const xmlNode* subject = child(root, kSaml, "Subject");
  a.name_id = text(child(subject, kSaml, "NameID"));
  const xmlNode* confirmation = child(subject, kSaml, "SubjectConfirmation");
  const xmlNode* data = child(confirmation, kSaml, "SubjectConfirmationData");
  a.recipient = attr(data, "Recipient");
  a.in_response_to = attr(data, "InResponseTo");
  if (data) a.confirmation_until = instant(attr(data, "NotOnOrAfter"));
  const xmlNode* conditions = child(root, kSaml, "Conditions");
  if (conditions) {
    const std::string nb = attr(conditions, "NotBefore"), na = attr(conditions, "NotOnOrAfter");
    if (!nb.empty()) a.not_before = instant(nb);
    if (!na.empty()) a.not_after = instant(na);
    for (const xmlNode* r = conditions->children; r != nullptr; r = r->next) {
      if (!is(r, kSaml, "AudienceRestriction")) continue;
      for (const xmlNode* au = r->children; au != nullptr; au = au->next) {
        if (is(au, kSaml, "Audience")) a.audiences.push_back(text(au));
      }
    }
  }
  a.session_index = attr(child(root, kSaml, "AuthnStatement"), "SessionIndex");
  for (const xmlNode* st = root->children; st != nullptr; st = st->next) {
    if (!is(st, kSaml, "AttributeStatement")) continue;
    for (const xmlNode* at = st->children; at != nullptr; at = at->next) {
      if (!is(at, kSaml, "Attribute")) continue;
      std::vector<std::string> values;
      for (const xmlNode* v = at->children; v != nullptr; v = v->next) {
        if (is(v, kSaml, "AttributeValue")) values.push_back(text(v));
      }
      for (const std::string& name : {attr(at, "Name"), attr(at, "FriendlyName")}) {
        if (!name.empty()) a.attributes[name] = values;
      }
    }
  }
  return a;
}

// The checks Repère makes itself on what Lasso verified.
Status check_assertion(const Assertion& a, const Provider& p, const SpUrls& urls,
                       const std::string& request_id, std::int64_t now) {
  if (a.id.empty()) return refuse("the assertion has no ID");
  if (a.issuer != p.issuer)
    return refuse("wrong issuer: \"" + a.issuer.substr(0, 100) + "\" is not \"" + p.issuer + "\"");
  if (a.name_id.empty()) return refuse("the assertion names no subject (NameID)");
  if (a.in_response_to != request_id)
    return refuse(
        "InResponseTo is not the request this login sent (a replayed or unsolicited "
        "answer)");
  if (a.recipient != urls.acs)
    return refuse("wrong recipient: \"" + a.recipient.substr(0, 200) + "\" is not " + urls.acs);
  if (a.confirmation_until < 0 || a.confirmation_until < now - kLeeway)
    return refuse("the assertion has expired (SubjectConfirmationData NotOnOrAfter)");
  if (a.not_after >= 0 && a.not_after < now - kLeeway)
    return refuse("the assertion has expired (Conditions NotOnOrAfter)");
  if (a.not_before > now + kLeeway) return refuse("the assertion is not valid yet (NotBefore)");
  if (std::find(a.audiences.begin(), a.audiences.end(), urls.entity_id) == a.audiences.end())
    return refuse("wrong audience: the assertion is not for " + urls.entity_id);
  return Status::ok();
}

Status use_assertion(catalog::Database& db, const std::string& id, std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(auto old,
                          db.prepare("DELETE FROM sso_saml_assertion WHERE used_at < ?1"));
  REPERE_RETURN_IF_ERROR(old.bind(1, now - kAssertionKept).run());
  REPERE_ASSIGN_OR_RETURN(auto use, db.prepare("INSERT OR IGNORE INTO sso_saml_assertion("
                                               "id_hash, used_at) VALUES (?1, ?2)"));
  REPERE_RETURN_IF_ERROR(use.bind(1, auth::sha256_hex(id)).bind(2, now).run());
  if (db.changes() == 0) return refuse("the assertion was already used (a replayed assertion)");
  return Status::ok();
}

}  // namespace

Result<SpKeys> make_sp_keys(const std::string& common_name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return Status::internal("OpenSSL could not make a key");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = common_name.substr(0, 60);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    return Status::internal("OpenSSL could not sign the certificate");
  auto pem = [](auto write) -> std::string {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || write(bio.get()) != 1) return "";
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  };
  SpKeys k;
  k.key_pem = pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  k.cert_pem = pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
  if (k.key_pem.empty() || k.cert_pem.empty()) return Status::internal("OpenSSL PEM failed");
  return k;
}

SpUrls sp_urls(const std::string& base_url, const std::string& slug) {
  const std::string root = base_url + "/sso/" + slug;
  return {root + "/metadata", root + "/acs", root + "/slo"};
}

std::string sp_metadata(const Provider& p, const SpUrls& urls) {
  const std::string cert = pem_body(p.sp_cert_pem);
  const std::string key_info =
      "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
      "<ds:X509Data><ds:X509Certificate>" +
      cert + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"" +
         escape(urls.entity_id) +
         "\">\n <md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\" "
         "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
         "  <md:KeyDescriptor use=\"signing\">" +
         key_info + "</md:KeyDescriptor>\n  <md:KeyDescriptor use=\"encryption\">" + key_info +
         "</md:KeyDescriptor>\n"
         "  <md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
         "Location=\"" +
         escape(urls.slo) +
         "\"/>\n"
         "  "
         "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n"
         "  "
         "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>\n"
         "  <md:AssertionConsumerService index=\"0\" isDefault=\"true\" "
         "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"" +
         escape(urls.acs) +
         "\"/>\n </md:SPSSODescriptor>\n <md:Organization><md:OrganizationName xml:lang=\"fr\">" +
         escape(p.name) +
         "</md:OrganizationName><md:OrganizationDisplayName xml:lang=\"fr\">Repère" +
         "</md:OrganizationDisplayName><md:OrganizationURL xml:lang=\"fr\">" +
         escape(urls.entity_id.substr(0, urls.entity_id.find("/sso/"))) +
         "</md:OrganizationURL></md:Organization>\n</md:EntityDescriptor>\n";
}

Result<std::string> idp_entity_id(const std::string& metadata) {
  if (metadata.empty() || metadata.size() > 2 * 1024 * 1024)
    return Status::invalid_argument("IdP metadata: empty or over 2 MB");
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(metadata.data(), static_cast<int>(metadata.size()), "idp.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr || !is(root, kMd, "EntityDescriptor"))
    return Status::invalid_argument("IdP metadata: not a SAML 2.0 md:EntityDescriptor");
  const std::string id = attr(root, "entityID");
  if (id.empty()) return Status::invalid_argument("IdP metadata: no entityID");
  const xmlNode* idp = child(root, kMd, "IDPSSODescriptor");
  if (idp == nullptr) return Status::invalid_argument("IdP metadata: no IDPSSODescriptor");
  if (child(idp, kMd, "SingleSignOnService") == nullptr)
    return Status::invalid_argument("IdP metadata: no SingleSignOnService");
  bool signing = false;
  for (const xmlNode* k = idp->children; k != nullptr; k = k->next) {
    if (is(k, kMd, "KeyDescriptor") && attr(k, "use") != "encryption") signing = true;
  }
  if (!signing) return Status::invalid_argument("IdP metadata: no signing key (KeyDescriptor)");
  return id;
}

Result<SamlRedirect> authn_request(const Provider& p, const SpUrls& urls,
                                   const std::string& relay_state) {
  REPERE_ASSIGN_OR_RETURN(Server server, sp_server(p, urls));
  std::unique_ptr<LassoLogin, NodeUnref> login(lasso_login_new(server.get()));
  LassoProfile* profile = LASSO_PROFILE(login.get());
  int rc = lasso_login_init_authn_request(login.get(), const_cast<gchar*>(p.issuer.c_str()),
                                          LASSO_HTTP_METHOD_POST);
  if (rc != 0) return Status::internal("AuthnRequest: " + lasso_error(rc));
  LassoSamlp2AuthnRequest* req = LASSO_SAMLP2_AUTHN_REQUEST(profile->request);
  g_free(req->ProtocolBinding);
  req->ProtocolBinding = g_strdup(LASSO_SAML2_METADATA_BINDING_POST);
  if (req->NameIDPolicy != nullptr) {
    g_free(req->NameIDPolicy->Format);
    req->NameIDPolicy->Format = g_strdup(LASSO_SAML2_NAME_IDENTIFIER_FORMAT_PERSISTENT);
    req->NameIDPolicy->AllowCreate = TRUE;
  }
  g_free(profile->msg_relayState);
  profile->msg_relayState = g_strdup(relay_state.c_str());
  lasso_profile_set_signature_hint(profile, LASSO_PROFILE_SIGNATURE_HINT_FORCE);
  rc = lasso_login_build_authn_request_msg(login.get());
  if (rc != 0) return Status::internal("AuthnRequest: " + lasso_error(rc));
  SamlRedirect r;
  r.url = profile->msg_url ? profile->msg_url : "";
  r.saml_request = profile->msg_body ? profile->msg_body : "";
  r.request_id =
      LASSO_SAMLP2_REQUEST_ABSTRACT(req)->ID ? LASSO_SAMLP2_REQUEST_ABSTRACT(req)->ID : "";
  if (r.url.empty() || r.saml_request.empty() || r.request_id.empty())
    return Status::internal("AuthnRequest: the IdP's metadata has no HTTP-POST SSO service");
  return r;
}

Result<SamlAnswer> finish_saml(catalog::Database& db, const Provider& p, const SpUrls& urls,
                               const std::string& saml_response, const std::string& request_id,
                               std::int64_t now) {
  if (saml_response.empty() || saml_response.size() > 1024 * 1024)
    return refuse("no SAMLResponse, or one over 1 MB");
  REPERE_ASSIGN_OR_RETURN(Server server, sp_server(p, urls));
  std::unique_ptr<LassoLogin, NodeUnref> login(lasso_login_new(server.get()));
  LassoProfile* profile = LASSO_PROFILE(login.get());
  // Every signature is checked, whatever the metadata says.
  lasso_profile_set_signature_verify_hint(profile, LASSO_PROFILE_SIGNATURE_VERIFY_HINT_FORCE);
  int rc = lasso_login_process_authn_response_msg(login.get(),
                                                  const_cast<gchar*>(saml_response.c_str()));
  if (rc != 0) return refuse(lasso_error(rc));
  rc = lasso_login_accept_sso(login.get());
  if (rc != 0) return refuse(lasso_error(rc));
  LassoNode* node = lasso_login_get_assertion(login.get());
  if (node == nullptr) return refuse("the answer holds no assertion");
  GText xml(lasso_node_export_to_xml(node));
  g_object_unref(node);
  if (!xml) return refuse("the assertion could not be read");
  REPERE_ASSIGN_OR_RETURN(const Assertion a, read_assertion(xml.get()));
  REPERE_RETURN_IF_ERROR(check_assertion(a, p, urls, request_id, now));
  REPERE_RETURN_IF_ERROR(use_assertion(db, a.id, now));
  SamlAnswer answer;
  answer.name_id = a.name_id;
  answer.attributes = a.attributes;
  answer.session_index = a.session_index;
  if (LassoSession* session = lasso_profile_get_session(profile)) {  // the profile's own
    GText dump(lasso_session_dump(session));
    if (dump) answer.session_dump = dump.get();
  }
  return answer;
}

Result<std::string> logout_request(const Provider& p, const SpUrls& urls,
                                   const std::string& session_dump) {
  REPERE_ASSIGN_OR_RETURN(Server server, sp_server(p, urls));
  std::unique_ptr<LassoLogout, NodeUnref> logout(lasso_logout_new(server.get()));
  LassoProfile* profile = LASSO_PROFILE(logout.get());
  int rc = lasso_profile_set_session_from_dump(profile, session_dump.c_str());
  if (rc != 0) return Status::internal("single logout: " + lasso_error(rc));
  lasso_profile_set_signature_hint(profile, LASSO_PROFILE_SIGNATURE_HINT_FORCE);
  rc = lasso_logout_init_request(logout.get(), const_cast<gchar*>(p.issuer.c_str()),
                                 LASSO_HTTP_METHOD_REDIRECT);
  if (rc != 0) return Status::unavailable("single logout: " + lasso_error(rc));
  rc = lasso_logout_build_request_msg(logout.get());
  if (rc != 0 || profile->msg_url == nullptr)
    return Status::unavailable("single logout: " + lasso_error(rc));
  return std::string(profile->msg_url);
}

Status logout_response(const Provider& p, const SpUrls& urls, const std::string& query) {
  REPERE_ASSIGN_OR_RETURN(Server server, sp_server(p, urls));
  std::unique_ptr<LassoLogout, NodeUnref> logout(lasso_logout_new(server.get()));
  lasso_profile_set_signature_verify_hint(LASSO_PROFILE(logout.get()),
                                          LASSO_PROFILE_SIGNATURE_VERIFY_HINT_FORCE);
  const int rc = lasso_logout_process_response_msg(logout.get(), const_cast<gchar*>(query.c_str()));
  // Without the session (it ended here already) Lasso says so after checking the signature.
  if (rc != 0 && rc != LASSO_PROFILE_ERROR_SESSION_NOT_FOUND &&
      rc != LASSO_PROFILE_ERROR_MISSING_ASSERTION)
    return Status::unauthenticated("SAML logout response refused: " + lasso_error(rc));
  return Status::ok();
}

Status remember_saml_session(catalog::Database& db, const std::string& session_token,
                             Id provider_id, const std::string& dump, std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(auto old,
                          db.prepare("DELETE FROM sso_saml_session WHERE created_at < ?1"));
  REPERE_RETURN_IF_ERROR(old.bind(1, now - 7 * 24 * 3600).run());
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("INSERT OR REPLACE INTO sso_saml_session(token_hash, "
                                              "provider_id, dump, created_at) VALUES (?1, ?2, ?3, "
                                              "?4)"));
  return st.bind(1, auth::sha256_hex(session_token))
      .bind(2, provider_id)
      .bind(3, dump)
      .bind(4, now)
      .run();
}

Result<std::optional<SamlSession>> take_saml_session(catalog::Database& db,
                                                     const std::string& session_token) {
  if (session_token.empty()) return std::optional<SamlSession>();
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("DELETE FROM sso_saml_session WHERE token_hash = "
                                              "?1 RETURNING provider_id, dump"));
  st.bind(1, auth::sha256_hex(session_token));
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found) return std::optional<SamlSession>();
  SamlSession s{st.int64(0), st.text(1)};
  REPERE_ASSIGN_OR_RETURN(const bool more, st.step());
  (void)more;
  return std::optional<SamlSession>(std::move(s));
}

}  // namespace repere::sso
