// `repere sso …`: the identity providers people sign on with (OpenID Connect, CAS 3.0), and
// the mapping of each one's attributes to Repère roles, schools and classes.
#include <fstream>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "repere/core/files.h"
#include "repere/lti/services.h"
#include "repere/sso/providers.h"
#include "repere/sso/saml.h"

namespace repere::app {

namespace {

sso::Mapping mapping_of(const SsoCommandOptions& o) {
  sso::Mapping m;
  m.subject = o.subject_attribute;
  if (!o.role_attribute.empty()) m.role = o.role_attribute;
  if (!o.teacher_values.empty()) m.teacher_values = o.teacher_values;
  if (!o.pupil_values.empty()) m.pupil_values = o.pupil_values;
  if (!o.school_attribute.empty()) m.school = o.school_attribute;
  if (!o.class_attributes.empty()) m.classes = o.class_attributes;
  if (!o.given_name_attribute.empty()) m.given_name = o.given_name_attribute;
  if (!o.family_name_attribute.empty()) m.family_name = o.family_name_attribute;
  m.keep_names = o.keep_names;
  return m;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

// IdP metadata from a file, or fetched from an http(s) URL.
Result<std::string> metadata_of(const std::string& where) {
  if (where.rfind("http://", 0) == 0 || where.rfind("https://", 0) == 0)
    return lti::http_get(where);
  std::ifstream in(where, std::ios::binary);
  if (!in) return Status::invalid_argument("--idp-metadata: cannot read " + where);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

std::string base_url_of(const SsoCommandOptions& o) {
  auto config = load_config(
      {.data_dir = o.common.data_dir, .env = repere_environment(), .overrides = o.common.settings});
  if (!config.is_ok() || config->web_public_url.empty()) return "http://localhost:8080";
  return config->web_public_url;
}

Status add(catalog::Database& db, const SsoCommandOptions& o, std::ostream& out) {
  sso::Provider p;
  p.slug = o.slug;
  p.name = o.label;
  p.mapping = mapping_of(o);
  if (o.action == "add-cas") {
    p.kind = sso::Provider::Kind::kCas;
    p.cas_url = o.cas_url;
  } else if (o.action == "add-saml") {
    p.kind = sso::Provider::Kind::kSaml;
    REPERE_ASSIGN_OR_RETURN(p.idp_metadata, metadata_of(o.idp_metadata));
    REPERE_ASSIGN_OR_RETURN(p.issuer, sso::idp_entity_id(p.idp_metadata));
    // The SP keeps its key when the provider is declared again (the IdP knows its certificate).
    auto known = sso::ProviderStore(db).by_slug(o.slug);
    if (known.is_ok() && !known->sp_key_pem.empty()) {
      p.sp_key_pem = known->sp_key_pem;
      p.sp_cert_pem = known->sp_cert_pem;
    } else {
      REPERE_ASSIGN_OR_RETURN(const sso::SpKeys keys, sso::make_sp_keys("Repère " + o.slug));
      p.sp_key_pem = keys.key_pem;
      p.sp_cert_pem = keys.cert_pem;
    }
  } else {
    p.client_id = o.client_id;
    p.client_secret = o.client_secret;
    p.scopes = o.scopes;
    p.extra_params = o.extra_params;
    if (!o.discovery.empty()) {
      REPERE_RETURN_IF_ERROR(sso::discover(p, o.discovery, lti::http_get));
    }
    if (!o.issuer.empty()) p.issuer = o.issuer;
    if (!o.authorize_url.empty()) p.authorize_url = o.authorize_url;
    if (!o.token_url.empty()) p.token_url = o.token_url;
    if (!o.userinfo_url.empty()) p.userinfo_url = o.userinfo_url;
    if (!o.jwks_url.empty()) p.jwks_url = o.jwks_url;
  }
  REPERE_ASSIGN_OR_RETURN(const sso::Provider stored, sso::ProviderStore(db).put(p));
  out << "Identity provider « " << stored.name << " » (" << sso::kind_name(stored.kind)
      << ") declared: people sign on at /sso/" << stored.slug << "/connexion\n";
  if (stored.kind == sso::Provider::Kind::kSaml) {
    const sso::SpUrls urls = sso::sp_urls(base_url_of(o), stored.slug);
    out << "Give the IdP this service provider's metadata: " << urls.entity_id
        << " (entityID), or `repere sso metadata " << stored.slug << "`\n";
  }
  return Status::ok();
}

Status list(catalog::Database& db, std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(const auto all, sso::ProviderStore(db).list());
  if (all.empty()) out << "No identity provider is declared (repere sso add-oidc, add-cas).\n";
  for (const sso::Provider& p : all) {
    out << p.slug << "\t" << p.name << " (" << sso::kind_name(p.kind) << ")\n";
    if (p.kind == sso::Provider::Kind::kCas) {
      out << "  CAS URL    " << p.cas_url << "\n";
    } else if (p.kind == sso::Provider::Kind::kSaml) {
      out << "  IdP        " << p.issuer << "\n";
    } else {
      out << "  issuer     " << p.issuer << "\n  client id  " << p.client_id << "\n  authorize  "
          << p.authorize_url << "\n  token      " << p.token_url << "\n  userinfo   "
          << (p.userinfo_url.empty() ? "(none)" : p.userinfo_url) << "\n  keys       " << p.jwks_url
          << "\n  scopes     " << p.scopes << "\n";
    }
    const sso::Mapping& m = p.mapping;
    out << "  mapping    subject " << (m.subject.empty() ? "(the protocol's)" : m.subject)
        << "; role " << m.role << " (teacher: " << joined(m.teacher_values)
        << "; pupil: " << joined(m.pupil_values) << "); school " << m.school << "; classes "
        << joined(m.classes) << "; names " << (m.keep_names ? "kept" : "not kept") << "\n";
  }
  return Status::ok();
}

Status sso_command(const SsoCommandOptions& o, std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(auto db, open_library(DataDir{o.common.data_dir}));
  if (o.action == "add-oidc" || o.action == "add-cas" || o.action == "add-saml")
    return add(*db, o, out);
  if (o.action == "list") return list(*db, out);
  if (o.action == "metadata") {
    REPERE_ASSIGN_OR_RETURN(const sso::Provider p, sso::ProviderStore(*db).by_slug(o.slug));
    if (p.kind != sso::Provider::Kind::kSaml)
      return Status::invalid_argument(o.slug + " is not a SAML provider");
    out << sso::sp_metadata(p, sso::sp_urls(base_url_of(o), p.slug));
    return Status::ok();
  }
  REPERE_RETURN_IF_ERROR(sso::ProviderStore(*db).remove(o.slug));
  out << "Identity provider " << o.slug << " removed: its sign-ons are refused from now on\n";
  return Status::ok();
}

}  // namespace

int run_sso(const SsoCommandOptions& options, Io io) {
  const Status s = sso_command(options, io.out);
  if (s.is_ok()) return kExitOk;
  io.err << "repere sso " << options.action << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace repere::app
