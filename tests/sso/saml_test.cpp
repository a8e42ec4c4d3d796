// The SAML 2.0 service provider against an identity provider played by Lasso itself (the same
// library French public services run as IdP): the answer to a real signed AuthnRequest is
// accepted with its GAR attributes, and refused — each with its reason — when replayed, when it
// answers another request, when it is stale, when its signature is stripped, when it is meant
// for another SP, and when it is wrapped (XML signature wrapping: a forged unsigned assertion
// put before the signed one).
#include <gtest/gtest.h>

// libxml2 before Lasso (Lasso includes it inside extern "C").
#include <libxml/parser.h>

#include <lasso/lasso.h>
#include <lasso/xml/misc_text_node.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/saml2_strings.h>

#include <ctime>
#include <iostream>
#include <regex>

#include "../catalog/test_catalog.h"
#include "repere/lti/jose.h"
#include "repere/sso/saml.h"
#include "repere/sso/schema.h"

namespace repere::sso {
namespace {

using catalog::open_or_die;

constexpr const char* kIdp = "https://idp.example/saml/metadata";

std::string pem_body(const std::string& pem) {
  std::string out;
  std::istringstream in(pem);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("-----", 0) != 0) out += line;
  }
  return out;
}

std::string idp_metadata(const std::string& cert_pem) {
  const std::string key =
      "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data>"
      "<ds:X509Certificate>" +
      pem_body(cert_pem) + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>";
  return std::string(
             "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
             "entityID=\"") +
         kIdp +
         "\"><md:IDPSSODescriptor WantAuthnRequestsSigned=\"true\" "
         "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
         "<md:KeyDescriptor use=\"signing\">" +
         key +
         "</md:KeyDescriptor>"
         "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
         "Location=\"https://idp.example/saml/slo\"/>"
         "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"
         "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" "
         "Location=\"https://idp.example/saml/sso\"/>"
         "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
         "Location=\"https://idp.example/saml/sso\"/>"
         "</md:IDPSSODescriptor></md:EntityDescriptor>";
}

std::string iso_now(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string decode(const std::string& b64) {
  // base64 (not url) → bytes, through the url variant.
  std::string url = b64;
  for (char& c : url) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return lti::unbase64url(url).value_or("");
}
std::string encode(const std::string& bytes) {
  std::string s = lti::base64url(bytes);
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s += '=';
  return s;
}

class Saml : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lasso_init();
    sp_keys_ = new SpKeys(*make_sp_keys("Repère test"));
    idp_keys_ = new SpKeys(*make_sp_keys("IdP test"));
  }
  static void TearDownTestSuite() {
    delete sp_keys_;
    delete idp_keys_;
  }

  void SetUp() override {
    catalog::OpenOptions o;
    o.modules = {&schema()};
    db_ = open_or_die(dir_.path() / "catalog.sqlite", o);
    ASSERT_TRUE(db_);
    p_.slug = "ent";
    p_.name = "ENT de test";
    p_.kind = Provider::Kind::kSaml;
    p_.idp_metadata = idp_metadata(idp_keys_->cert_pem);
    p_.issuer = kIdp;
    p_.sp_key_pem = sp_keys_->key_pem;
    p_.sp_cert_pem = sp_keys_->cert_pem;
    auto stored = ProviderStore(*db_).put(p_);
    ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
    p_ = *stored;
    urls_ = sp_urls("https://repere.example", "ent");
  }

  // The IdP's signed answer to `request` (base64, HTTP-POST), for a person with GAR attributes.
  std::string idp_answer(const SamlRedirect& request, const std::string& ido,
                         const std::string& profile, const SpUrls& sp) {
    LassoServer* idp = lasso_server_new_from_buffers(
        p_.idp_metadata.c_str(), idp_keys_->key_pem.c_str(), nullptr, idp_keys_->cert_pem.c_str());
    EXPECT_NE(idp, nullptr);
    const std::string sp_md = sp_metadata(p_, sp);
    EXPECT_EQ(lasso_server_add_provider_from_buffer(idp, LASSO_PROVIDER_ROLE_SP, sp_md.c_str(),
                                                    nullptr, nullptr),
              0);
    LassoLogin* login = lasso_login_new(idp);
    EXPECT_EQ(lasso_login_process_authn_request_msg(
                  login, const_cast<char*>(request.saml_request.c_str())),
              0);
    EXPECT_EQ(lasso_login_validate_request_msg(login, TRUE, TRUE), 0);
    const std::time_t t = std::time(nullptr);
    const std::string now = iso_now(t), until = iso_now(t + 300);
    EXPECT_EQ(lasso_login_build_assertion(login, LASSO_SAML2_AUTHN_CONTEXT_PASSWORD, now.c_str(),
                                          nullptr, now.c_str(), until.c_str()),
              0);
    LassoNode* node = lasso_login_get_assertion(login);
    auto* assertion = LASSO_SAML2_ASSERTION(node);
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"IDO", ido}, {"PRO", profile}, {"UAI", "0750001A"}, {"DIV", "5A##5e A"}}) {
      LassoMiscTextNode* text = lasso_misc_text_node_new_with_string(value.c_str());
      text->text_child = TRUE;
      lasso_saml2_assertion_add_attribute_with_node(
          assertion, name.c_str(), LASSO_SAML2_ATTRIBUTE_NAME_FORMAT_BASIC, LASSO_NODE(text));
      g_object_unref(text);
    }
    g_object_unref(node);
    EXPECT_EQ(lasso_login_build_authn_response_msg(login), 0);
    const std::string body = LASSO_PROFILE(login)->msg_body ? LASSO_PROFILE(login)->msg_body : "";
    g_object_unref(login);
    lasso_server_destroy(idp);
    return body;
  }

  SamlRedirect request() {
    auto r = authn_request(p_, urls_, "relay");
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? *r : SamlRedirect{};
  }

  std::int64_t now() const { return static_cast<std::int64_t>(std::time(nullptr)); }

  static SpKeys* sp_keys_;
  static SpKeys* idp_keys_;
  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
  Provider p_;
  SpUrls urls_;
};
SpKeys* Saml::sp_keys_ = nullptr;
SpKeys* Saml::idp_keys_ = nullptr;

TEST_F(Saml, MetadataAndSignedRequest) {
  const std::string md = sp_metadata(p_, urls_);
  EXPECT_NE(md.find("entityID=\"https://repere.example/sso/ent/metadata\""), std::string::npos);
  EXPECT_NE(md.find("AuthnRequestsSigned=\"true\""), std::string::npos);
  EXPECT_NE(md.find("Location=\"https://repere.example/sso/ent/acs\""), std::string::npos);
  EXPECT_EQ(*idp_entity_id(p_.idp_metadata), kIdp);
  EXPECT_EQ(idp_entity_id(md).status().code(), StatusCode::kInvalidArgument);  // an SP's
  EXPECT_EQ(idp_entity_id("<x/>").status().code(), StatusCode::kInvalidArgument);
  const SamlRedirect r = request();
  EXPECT_EQ(r.url, "https://idp.example/saml/sso");
  const std::string xml = decode(r.saml_request);
  EXPECT_NE(xml.find("rsa-sha256"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Signature"), std::string::npos);
  EXPECT_NE(xml.find(r.request_id), std::string::npos);
  // An SP without its key is refused when declared.
  Provider keyless = p_;
  keyless.sp_key_pem.clear();
  EXPECT_EQ(ProviderStore(*db_).put(keyless).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Saml, TheIdPsSignedAnswerGivesThePersonAndHerAttributes) {
  const SamlRedirect r = request();
  const std::string answer = idp_answer(r, "ido-emilie", "National_ens", urls_);
  ASSERT_FALSE(answer.empty());
  const auto a = finish_saml(*db_, p_, urls_, answer, r.request_id, now());
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_FALSE(a->name_id.empty());
  EXPECT_EQ(a->attributes.at("IDO").front(), "ido-emilie");
  EXPECT_EQ(a->attributes.at("PRO").front(), "National_ens");
  EXPECT_EQ(a->attributes.at("DIV").front(), "5A##5e A");
  EXPECT_FALSE(a->session_dump.empty());
  // What single logout needs: a signed LogoutRequest to the IdP's service.
  const auto out = logout_request(p_, urls_, a->session_dump);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(out->rfind("https://idp.example/saml/slo?SAMLRequest=", 0), 0u) << *out;
  EXPECT_NE(out->find("Signature="), std::string::npos);
}

TEST_F(Saml, RefusalsMatrix) {
  struct Case {
    const char* what;
    std::function<Result<SamlAnswer>()> run;
    const char* reason;
  };
  const SamlRedirect r = request();
  const std::string answer = idp_answer(r, "ido-lea", "National_elv", urls_);
  ASSERT_TRUE(finish_saml(*db_, p_, urls_, answer, r.request_id, now()).is_ok());
  const std::vector<Case> cases = {
      {"replayed assertion",
       [&] { return finish_saml(*db_, p_, urls_, answer, r.request_id, now()); }, "already used"},
      {"an answer to another request",
       [&] {
         const SamlRedirect other = request();
         return finish_saml(*db_, p_, urls_, idp_answer(other, "ido-x", "National_elv", urls_),
                            r.request_id, now());
       },
       "InResponseTo"},
      {"stale (six hours later)",
       [&] {
         const SamlRedirect fresh = request();
         return finish_saml(*db_, p_, urls_, idp_answer(fresh, "ido-y", "National_elv", urls_),
                            fresh.request_id, now() + 6 * 3600);
       },
       "expired"},
      {"signature stripped",
       [&] {
         const SamlRedirect fresh = request();
         std::string bare = decode(idp_answer(fresh, "ido-z", "National_elv", urls_));
         bare = std::regex_replace(
             bare, std::regex("<(\\w+:)?Signature[\\s\\S]*?</(\\w+:)?Signature>"), "");
         return finish_saml(*db_, p_, urls_, encode(bare), fresh.request_id, now());
       },
       "refused"},
      {"meant for another SP",
       [&] {
         // A genuine answer of the IdP to another SP (another entityID and address) that
         // used the same key: its audience and recipient are not this SP's.
         const SpUrls elsewhere = sp_urls("https://other.example", "ent");
         const auto theirs = authn_request(p_, elsewhere, "relay");
         EXPECT_TRUE(theirs.is_ok());
         return finish_saml(*db_, p_, urls_,
                            idp_answer(*theirs, "ido-w", "National_elv", elsewhere),
                            theirs->request_id, now());
       },
       "refused"},
      {"XML signature wrapping",
       [&] {
         const SamlRedirect fresh = request();
         const std::string genuine = decode(idp_answer(fresh, "ido-pupil", "National_elv", urls_));
         std::smatch m;
         const std::regex assertion("<(\\w+:)?Assertion[\\s\\S]*</(\\w+:)?Assertion>");
         EXPECT_TRUE(std::regex_search(genuine, m, assertion));
         std::string forged = std::regex_replace(
             m.str(), std::regex("<(\\w+:)?Signature[\\s\\S]*?</(\\w+:)?Signature>"), "");
         forged = std::regex_replace(forged, std::regex("ID=\"[^\"]+\""), "ID=\"_forged\"",
                                     std::regex_constants::format_first_only);
         forged = std::regex_replace(forged, std::regex("ido-pupil"), "ido-admin");
         forged = std::regex_replace(forged, std::regex("National_elv"), "National_ens");
         const std::string wrapped =
             genuine.substr(0, static_cast<std::size_t>(m.position())) + forged + m.str() +
             genuine.substr(static_cast<std::size_t>(m.position() + m.length()));
         return finish_saml(*db_, p_, urls_, encode(wrapped), fresh.request_id, now());
       },
       "refused"},
      {"not SAML",
       [&] { return finish_saml(*db_, p_, urls_, encode("<a/>"), r.request_id, now()); },
       "refused"},
      {"empty", [&] { return finish_saml(*db_, p_, urls_, "", r.request_id, now()); }, "refused"},
  };
  for (const Case& c : cases) {
    const auto got = c.run();
    std::cout << "     " << c.what << " -> " << got.status().message() << "\n";
    EXPECT_EQ(got.status().code(), StatusCode::kUnauthenticated)
        << c.what << ": "
        << (got.is_ok() ? std::string("accepted, as ") + got->attributes.at("IDO").front()
                        : got.status().to_string());
    EXPECT_NE(got.status().message().find(c.reason), std::string::npos)
        << c.what << ": " << got.status().message();
  }
}

TEST_F(Saml, SessionsForSingleLogoutAreTakenOnce) {
  ASSERT_TRUE(remember_saml_session(*db_, "token-1", p_.id, "<dump/>", now()).is_ok());
  const auto taken = take_saml_session(*db_, "token-1");
  ASSERT_TRUE(taken.is_ok() && taken->has_value());
  EXPECT_EQ((*taken)->dump, "<dump/>");
  EXPECT_FALSE(take_saml_session(*db_, "token-1")->has_value());
  EXPECT_FALSE(take_saml_session(*db_, "")->has_value());
}

}  // namespace
}  // namespace repere::sso
