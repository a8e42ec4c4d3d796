// The sso module on a real catalog: the GAR mapping of attributes, logins that come back once,
// each check of an OpenID Connect id_token as a row of a matrix (with key rotation), the code
// exchange and userinfo against a provider played by functions, CAS answers (and a replayed
// ticket), and who a sign-on makes of a person: a teacher account, a pupil with no name kept,
// ENT classes, what teachers share with them and the seats pupils take.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../catalog/test_catalog.h"
#include "repere/auth/schema.h"
#include "repere/courses/classes.h"
#include "repere/courses/schema.h"
#include "repere/courses/store.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/lti/jose.h"
#include "repere/sso/cas.h"
#include "repere/sso/identity.h"
#include "repere/sso/logins.h"
#include "repere/sso/oidc.h"
#include "repere/sso/people.h"
#include "repere/sso/providers.h"
#include "repere/sso/schema.h"

namespace repere::sso {
namespace {

using catalog::open_or_die;
using nlohmann::json;

constexpr std::int64_t kNow = 1'800'000'000;

const lti::KeyPair& provider_key() {
  static const lti::KeyPair k = *lti::generate_key_pair();
  return k;
}
const lti::KeyPair& rotated_key() {
  static const lti::KeyPair k = *lti::generate_key_pair();
  return k;
}
std::string key_set(const std::vector<lti::KeyPair>& keys) {
  json set = {{"keys", json::array()}};
  for (const auto& k : keys) set["keys"].push_back(json::parse(*lti::public_jwk(k)));
  return set.dump();
}

TEST(Identity, GarAttributesMakeRolesSchoolsAndClasses) {
  const Attributes teacher = {
      {"PRO", {"National_ens"}},   {"UAI", {"0750001A"}}, {"DIV", {"5A##5e A", "4B##4e B"}},
      {"GRO", {"LAT5##Latin 5e"}}, {"PRE", {"Émilie"}},   {"NOM", {"Durand"}},
      {"IDO", {"ido-1"}}};
  Mapping gar;
  gar.subject = "IDO";
  const auto who = map_identity(teacher, "ignored", gar);
  ASSERT_TRUE(who.is_ok()) << who.status().to_string();
  EXPECT_EQ(who->subject, "ido-1");
  EXPECT_EQ(who->role, Identity::Role::kTeacher);
  ASSERT_EQ(who->divisions.size(), 3u);
  EXPECT_EQ(who->divisions[0].school, "0750001A");
  EXPECT_EQ(who->divisions[0].code, "5A");
  EXPECT_EQ(who->divisions[0].label, "5e A");
  EXPECT_EQ(who->divisions[2].label, "Latin 5e");
  EXPECT_EQ(who->given_name, "Émilie");
  // A documentalist is a teacher; a pupil a pupil; another profile neither.
  EXPECT_EQ(map_identity({{"PRO", {"National_doc"}}}, "s", Mapping{})->role,
            Identity::Role::kTeacher);
  EXPECT_EQ(map_identity({{"PRO", {"National_elv"}}}, "s", Mapping{})->role,
            Identity::Role::kPupil);
  EXPECT_EQ(map_identity({{"PRO", {"National_eta"}}}, "s", Mapping{})->role, Identity::Role::kNone);
  // No identifier: refused.
  EXPECT_EQ(map_identity({{"PRO", {"National_elv"}}}, "s", gar).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(map_identity({}, "", Mapping{}).status().code(), StatusCode::kUnauthenticated);
}

TEST(Identity, SeveralSchoolsAndJoinedValues) {
  // A person of two schools: each class names its own ("UAI$CODE##LABEL").
  const auto two = map_identity({{"PRO", {"National_ens"}},
                                 {"UAI", {"0750001A", "0750002B"}},
                                 {"DIV", {"0750002B$3C##3e C", "6D"}}},
                                "s", Mapping{});
  ASSERT_TRUE(two.is_ok());
  ASSERT_EQ(two->divisions.size(), 2u);
  EXPECT_EQ(two->divisions[0].school, "0750002B");
  EXPECT_EQ(two->divisions[0].code, "3C");
  EXPECT_EQ(two->divisions[1].school, "");  // which of her two schools: unknown
  EXPECT_EQ(two->divisions[1].label, "6D");
  // Several values joined by ';' in one string (LemonLDAP::NG's multi-valued attributes).
  const auto joined =
      map_identity({{"PRO", {"National_elv"}}, {"DIV", {"5A##5e A;4B##4e B"}}}, "s", Mapping{});
  ASSERT_EQ(joined->divisions.size(), 2u);
  EXPECT_EQ(joined->divisions[1].code, "4B");
  EXPECT_FALSE(parse_division("", "").has_value());
  EXPECT_FALSE(parse_division("##label", "").has_value());
  EXPECT_FALSE(parse_division(std::string(300, 'x'), "").has_value());
}

TEST(Identity, MappingRoundTripsAndFillsDefaults) {
  Mapping m;
  m.subject = "uid";
  m.role = "eduPersonAffiliation";
  m.teacher_values = {"faculty"};
  m.keep_names = true;
  const auto back = Mapping::parse(m.to_json());
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->role, "eduPersonAffiliation");
  EXPECT_EQ(back->teacher_values, std::vector<std::string>{"faculty"});
  EXPECT_TRUE(back->keep_names);
  const auto defaults = Mapping::parse("{}");
  EXPECT_EQ(defaults->role, "PRO");
  EXPECT_EQ(defaults->classes, (std::vector<std::string>{"DIV", "GRO"}));
  EXPECT_FALSE(Mapping::parse("[1]").is_ok());
}

class SsoCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog::OpenOptions o;
    o.modules = {&learn::schema(), &auth::schema(), &courses::schema(), &schema()};
    db_ = open_or_die(dir_.path() / "catalog.sqlite", o);
    ASSERT_TRUE(db_);
    Provider p;
    p.slug = "ent";
    p.name = "ENT de test";
    p.issuer = "https://idp.example";
    p.client_id = "repere";
    p.client_secret = "secret";
    p.authorize_url = "https://idp.example/authorize";
    p.token_url = "https://idp.example/token";
    p.userinfo_url = "https://idp.example/userinfo";
    p.jwks_url = "https://idp.example/jwks";
    auto stored = ProviderStore(*db_).put(p);
    ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
    oidc_ = *stored;
    Provider c;
    c.slug = "cas";
    c.name = "CAS de test";
    c.kind = Provider::Kind::kCas;
    c.cas_url = "https://cas.example/cas/";
    c.mapping.subject = "IDO";
    cas_ = *ProviderStore(*db_).put(c);
  }

  json claims(const std::string& nonce, std::int64_t now = kNow) const {
    return {{"iss", "https://idp.example"},
            {"aud", "repere"},
            {"sub", "u-1"},
            {"exp", now + 300},
            {"iat", now},
            {"nonce", nonce},
            {"PRO", "National_ens"}};
  }
  std::string token(const json& c, const lti::KeyPair& key) const {
    return *lti::sign_jwt(c.dump(), key);
  }

  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
  Provider oidc_, cas_;
};

TEST_F(SsoCatalog, ProvidersAreCheckedFieldByField) {
  ProviderStore store(*db_);
  Provider bad = oidc_;
  bad.slug = "Bad Name";
  EXPECT_NE(store.put(bad).status().message().find("name"), std::string::npos);
  bad = oidc_;
  bad.jwks_url = "file:///etc/passwd";
  EXPECT_NE(store.put(bad).status().message().find("JWKS URL"), std::string::npos);
  bad = oidc_;
  bad.scopes = "profile";
  EXPECT_NE(store.put(bad).status().message().find("openid"), std::string::npos);
  bad = cas_;
  bad.cas_url = "javascript:alert(1)";
  EXPECT_NE(store.put(bad).status().message().find("CAS URL"), std::string::npos);
  EXPECT_EQ(store.list()->size(), 2u);
  EXPECT_EQ(store.by_slug("cas")->mapping.subject, "IDO");
  EXPECT_TRUE(store.remove("cas").is_ok());
  EXPECT_EQ(store.remove("cas").code(), StatusCode::kNotFound);
}

TEST_F(SsoCatalog, DiscoveryFillsTheEndpointsOfTheIssuerAskedFor) {
  Provider p;
  const std::string doc =
      R"({"issuer":"https://idp.example","authorization_endpoint":"https://idp.example/a",
    "token_endpoint":"https://idp.example/t","userinfo_endpoint":"https://idp.example/u","jwks_uri":"https://idp.example/k"})";
  std::string asked;
  const Fetcher fetch = [&](const std::string& url) -> Result<std::string> {
    asked = url;
    return doc;
  };
  ASSERT_TRUE(discover(p, "https://idp.example/", fetch).is_ok());
  EXPECT_EQ(asked, "https://idp.example/.well-known/openid-configuration");
  EXPECT_EQ(p.token_url, "https://idp.example/t");
  EXPECT_EQ(p.jwks_url, "https://idp.example/k");
  // A document that names another issuer than the one asked for is refused.
  EXPECT_EQ(discover(p, "https://other.example", fetch).code(), StatusCode::kInvalidArgument);
  const Fetcher down = [](const std::string&) -> Result<std::string> {
    return Status::unavailable("connection refused");
  };
  EXPECT_EQ(discover(p, "https://idp.example", down).code(), StatusCode::kUnavailable);
}

TEST_F(SsoCatalog, ALoginComesBackOnceWithinTenMinutesToItsProvider) {
  const auto b = begin_login(*db_, oidc_.id, "/cours/3", kNow);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->challenge, pkce_challenge(b->verifier));
  const auto p = take_login(*db_, b->state, oidc_.id, kNow + 5);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->return_path, "/cours/3");
  EXPECT_EQ(p->nonce, b->nonce);
  EXPECT_EQ(take_login(*db_, b->state, oidc_.id, kNow + 6).status().code(),
            StatusCode::kUnauthenticated);  // replayed
  const auto late = begin_login(*db_, oidc_.id, "/", kNow);
  EXPECT_NE(
      take_login(*db_, late->state, oidc_.id, kNow + 601).status().message().find("10 minutes"),
      std::string::npos);
  const auto other = begin_login(*db_, cas_.id, "/", kNow);
  EXPECT_NE(take_login(*db_, other->state, oidc_.id, kNow).status().message().find("another"),
            std::string::npos);
  EXPECT_FALSE(take_login(*db_, "forged", oidc_.id, kNow).is_ok());
}

TEST_F(SsoCatalog, OnlyPathsOfThisSiteAreReturnedTo) {
  for (const std::string bad : {"https://evil.example/", "//evil.example/x", "/\\evil.example",
                                "evil", "", "/a\r\nSet-Cookie: x=1"}) {
    EXPECT_FALSE(is_local_path(bad)) << bad;
    EXPECT_EQ(begin_login(*db_, oidc_.id, bad, kNow).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_TRUE(is_local_path("/ent"));
  EXPECT_TRUE(is_local_path("/contenus/3?t=83"));
}

TEST(Oidc, PkceChallengeIsRfc7636s) {
  // RFC 7636, appendix B.
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_F(SsoCatalog, AuthorizationRequestCarriesPkceStateNonceAndExtras) {
  Provider p = oidc_;
  p.scopes = "openid scope.gar";
  p.extra_params = "idRessource=ark%3A%2F12345";
  const std::string url =
      authorization_url(p, "https://repere.example/sso/ent/retour", "S", "N", "C");
  for (const std::string part :
       {"response_type=code", "client_id=repere", "scope=openid%20scope.gar", "state=S", "nonce=N",
        "code_challenge=C", "code_challenge_method=S256",
        "redirect_uri=https%3A%2F%2Frepere.example%2Fsso%2Fent%2Fretour",
        "&idRessource=ark%3A%2F12345"})
    EXPECT_NE(url.find(part), std::string::npos) << part << " in " << url;
}

// Each row: what is wrong with the id_token, and the words of the refusal.
struct TokenCase {
  const char* what;
  std::function<std::string(const json&)> make;
  const char* refusal;
};

TEST_F(SsoCatalog, IdTokenChecksMatrix) {
  const std::string nonce = "n-1";
  const json good = claims(nonce);
  const auto with = [&](const char* key, json value) {
    json c = good;
    c[key] = std::move(value);
    return c;
  };
  const auto unsigned_token = [](const std::string& alg, const json& c, const std::string& sig) {
    return lti::base64url(R"({"alg":")" + alg + R"(","typ":"JWT"})") + "." +
           lti::base64url(c.dump()) + "." + sig;
  };
  const std::vector<TokenCase> cases = {
      {"signed by another key under the provider's kid",
       [&](const json& c) {
         return token(c, lti::KeyPair{provider_key().kid, rotated_key().private_pem});
       },
       "signature"},
      {"signed by a key the provider does not publish",
       [&](const json& c) { return token(c, rotated_key()); }, "no signing key"},
      {"alg none", [&](const json& c) { return unsigned_token("none", c, ""); }, "only RS256"},
      {"HS256 with the public key as secret",
       [&](const json& c) { return unsigned_token("HS256", c, lti::base64url("mac")); },
       "only RS256"},
      {"expired", [&](const json&) { return token(with("exp", kNow - 120), provider_key()); },
       "expired"},
      {"issued in the future",
       [&](const json&) { return token(with("iat", kNow + 3600), provider_key()); }, "future"},
      {"wrong audience",
       [&](const json&) { return token(with("aud", "someone-else"), provider_key()); }, "audience"},
      {"several audiences, no azp",
       [&](const json&) {
         return token(with("aud", json::array({"repere", "x"})), provider_key());
       },
       "authorised party"},
      {"wrong issuer",
       [&](const json&) { return token(with("iss", "https://evil.example"), provider_key()); },
       "issuer"},
      {"another login's nonce",
       [&](const json&) { return token(with("nonce", "n-2"), provider_key()); }, "nonce"},
      {"no sub",
       [&](const json&) {
         json c = good;
         c.erase("sub");
         return token(c, provider_key());
       },
       "sub"},
      {"claims changed under the signature",
       [&](const json& c) {
         const std::string t = token(c, provider_key());
         const auto dot = t.find('.');
         return t.substr(0, dot + 1) + lti::base64url(with("sub", "admin").dump()) +
                t.substr(t.rfind('.'));
       },
       "signature"},
  };
  int fetches = 0;
  const Fetcher fetch = [&](const std::string&) -> Result<std::string> {
    ++fetches;
    return key_set({provider_key()});
  };
  const auto ok = check_id_token(*db_, oidc_, token(good, provider_key()), nonce, kNow, fetch);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->subject, "u-1");
  EXPECT_EQ(ok->attributes.at("PRO").front(), "National_ens");
  for (const TokenCase& c : cases) {
    const auto r = check_id_token(*db_, oidc_, c.make(good), nonce, kNow, fetch);
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << c.what;
    EXPECT_NE(r.status().message().find(c.refusal), std::string::npos)
        << c.what << ": " << r.status().message();
    EXPECT_EQ(r.status().message().rfind("OpenID Connect sign-on refused", 0), 0u) << c.what;
  }
}

TEST_F(SsoCatalog, KeySetIsCachedAndFetchedAgainForARotatedKey) {
  int fetches = 0;
  std::string published = key_set({provider_key()});
  const Fetcher fetch = [&](const std::string&) -> Result<std::string> {
    ++fetches;
    return published;
  };
  ASSERT_TRUE(
      check_id_token(*db_, oidc_, token(claims("a"), provider_key()), "a", kNow, fetch).is_ok());
  ASSERT_TRUE(
      check_id_token(*db_, oidc_, token(claims("b"), provider_key()), "b", kNow, fetch).is_ok());
  EXPECT_EQ(fetches, 1);  // the cached set served the second token
  // The provider rotates its key: an unknown kid makes Repère fetch the set again.
  published = key_set({rotated_key()});
  const auto rotated =
      check_id_token(*db_, oidc_, token(claims("c"), rotated_key()), "c", kNow, fetch);
  ASSERT_TRUE(rotated.is_ok()) << rotated.status().to_string();
  EXPECT_EQ(fetches, 2);
  // A day later the cache is stale: fetched again.
  ASSERT_TRUE(check_id_token(*db_, oidc_, token(claims("d", kNow + 90000), rotated_key()), "d",
                             kNow + 90000, fetch)
                  .is_ok());
  EXPECT_EQ(fetches, 3);
}

TEST_F(SsoCatalog, CodeIsExchangedWithItsVerifierAndUserinfoMustBeTheSamePerson) {
  std::string posted;
  json userinfo = {{"sub", "u-1"}, {"DIV", json::array({"5A##5e A"})}, {"UAI", "0750001A"}};
  int token_status = 200;
  OidcClient client;
  client.post = [&](const std::string& url, const std::string&, const std::string& body,
                    const std::string&) {
    posted = url + "?" + body;
    json answer = {{"access_token", "at-1"},
                   {"token_type", "Bearer"},
                   {"id_token", token(claims("n"), provider_key())}};
    if (token_status != 200) answer = {{"error", "invalid_grant"}};
    return lti::HttpAnswer{token_status, answer.dump(), ""};
  };
  std::string bearer;
  client.get = [&](const std::string&, const std::string&, const std::string& b) {
    bearer = b;
    return lti::HttpAnswer{200, userinfo.dump(), ""};
  };
  client.fetch = [&](const std::string&) -> Result<std::string> {
    return key_set({provider_key()});
  };
  const auto a = finish_oidc(*db_, oidc_, "code-1", "https://r.example/sso/ent/retour", "n",
                             "verifier-1", kNow, client);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_NE(posted.find("grant_type=authorization_code"), std::string::npos);
  EXPECT_NE(posted.find("code_verifier=verifier-1"), std::string::npos);
  EXPECT_NE(posted.find("client_secret=secret"), std::string::npos);
  EXPECT_EQ(bearer, "at-1");
  EXPECT_EQ(a->attributes.at("DIV").front(), "5A##5e A");
  EXPECT_EQ(a->attributes.at("PRO").front(), "National_ens");  // from the id_token
  userinfo["sub"] = "someone-else";
  EXPECT_NE(finish_oidc(*db_, oidc_, "code-2", "r", "n", "v", kNow, client)
                .status()
                .message()
                .find("userinfo's sub"),
            std::string::npos);
  token_status = 400;
  EXPECT_NE(finish_oidc(*db_, oidc_, "code-3", "r", "n", "v", kNow, client)
                .status()
                .message()
                .find("invalid_grant"),
            std::string::npos);
  client.post = [](const std::string&, const std::string&, const std::string&, const std::string&) {
    return lti::HttpAnswer{0, "", "connection refused"};
  };
  EXPECT_EQ(finish_oidc(*db_, oidc_, "code-4", "r", "n", "v", kNow, client).status().code(),
            StatusCode::kUnavailable);
}

constexpr const char* kCasSuccess = R"(<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationSuccess>
    <cas:user>rtyler</cas:user>
    <cas:attributes>
      <cas:IDO>ido-rtyler</cas:IDO><cas:PRO>National_elv</cas:PRO>
      <cas:DIV>5A##5e A</cas:DIV><cas:GRO>LAT##Latin</cas:GRO><cas:PRE>Rose</cas:PRE>
    </cas:attributes>
  </cas:authenticationSuccess>
</cas:serviceResponse>)";

TEST(Cas, AnswersAreReadWithTheirAttributes) {
  const auto a = parse_cas_answer(kCasSuccess);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(a->user, "rtyler");
  EXPECT_EQ(a->attributes.at("IDO").front(), "ido-rtyler");
  EXPECT_EQ(a->attributes.at("GRO").front(), "LAT##Latin");
  const auto failure = parse_cas_answer(
      R"(<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1 not recognized</cas:authenticationFailure></cas:serviceResponse>)");
  EXPECT_EQ(failure.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(failure.status().message().find("INVALID_TICKET"), std::string::npos);
  EXPECT_EQ(parse_cas_answer("not xml").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_cas_answer("<a/>").status().code(), StatusCode::kInvalidArgument);
  // Elements of another namespace that look like CAS's are not CAS's.
  EXPECT_FALSE(
      parse_cas_answer(
          R"(<serviceResponse><authenticationSuccess><user>admin</user></authenticationSuccess></serviceResponse>)")
          .is_ok());
}

TEST(Cas, AnEntityInTheAnswerReadsNoFile) {
  const auto a = parse_cas_answer(
      R"(<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>)"
      R"(<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>)"
      R"(<cas:user>u&x;</cas:user></cas:authenticationSuccess></cas:serviceResponse>)");
  if (a.is_ok()) {
    EXPECT_EQ(a->user.find("root:"), std::string::npos);
  }
}

TEST_F(SsoCatalog, ACasTicketIsValidatedForItsServiceOnce) {
  std::string asked;
  const Fetcher server = [&](const std::string& url) -> Result<std::string> {
    asked = url;
    return std::string(kCasSuccess);
  };
  const auto a = validate_cas_ticket(*db_, cas_, "ST-1", "https://r.example/sso/cas/retour?etat=S",
                                     kNow, server);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(
      asked,
      "https://cas.example/cas/p3/serviceValidate?service=https%3A%2F%2Fr.example%2Fsso%2Fcas%"
      "2Fretour%3Fetat%3DS&ticket=ST-1");
  const auto again = validate_cas_ticket(*db_, cas_, "ST-1", "s", kNow + 1, server);
  EXPECT_NE(again.status().message().find("already used"), std::string::npos);
  EXPECT_EQ(cas_login_url(cas_, "https://r.example/x?a=1"),
            "https://cas.example/cas/login?service=https%3A%2F%2Fr.example%2Fx%3Fa%3D1");
  const Fetcher down = [](const std::string&) -> Result<std::string> {
    return Status::unavailable("refused");
  };
  EXPECT_EQ(validate_cas_ticket(*db_, cas_, "ST-2", "s", kNow, down).status().code(),
            StatusCode::kUnavailable);
}

class SsoPeople : public SsoCatalog {
 protected:
  void SetUp() override {
    SsoCatalog::SetUp();
    auto video = catalog::ContentRepository(*db_).insert(catalog::sample_content());
    ASSERT_TRUE(video.is_ok());
    video_ = *video;
    teacher_.subject = "ido-prof";
    teacher_.role = Identity::Role::kTeacher;
    teacher_.given_name = "Émilie";
    teacher_.family_name = "Durand";
    teacher_.divisions = {{"0750001A", "5A", "5e A"}, {"0750001A", "4B", "4e B"}};
    pupil_.subject = "ido-rose";
    pupil_.role = Identity::Role::kPupil;
    pupil_.given_name = "Rose";
    pupil_.family_name = "Tyler";
    pupil_.divisions = {{"0750001A", "5A", "5e A"}};
  }
  Id activity_of(Id owner) {
    learn::Activity a;
    a.content_id = video_;
    a.title = "Quiz";
    a.start_ms = 0;
    a.end_ms = 60000;
    learn::Interaction q;
    q.type = learn::InteractionType::kTrueFalse;
    q.at_ms = 10000;
    q.question = "Vrai ?";
    q.answer_true = true;
    a.interactions = {q};
    return learn::ActivityStore(*db_).create(a, owner)->id;
  }
  Id division(const std::vector<DivisionView>& ds, const std::string& code) {
    for (const auto& d : ds) {
      if (d.code == code) return d.id;
    }
    return 0;
  }
  Id video_ = 0;
  Identity teacher_, pupil_;
};

TEST_F(SsoPeople, ATeacherGetsOneAccountAndHerEntClasses) {
  const auto a = arrive(*db_, oidc_, teacher_, kNow);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  ASSERT_TRUE(a->teacher.has_value());
  EXPECT_EQ(a->teacher->role, auth::Role::kTeacher);
  EXPECT_EQ(a->teacher->name, "Émilie Durand");
  EXPECT_TRUE(a->pupil_session.empty());
  const auto again = arrive(*db_, oidc_, teacher_, kNow + 10);
  EXPECT_EQ(again->teacher->id, a->teacher->id);
  EXPECT_EQ(again->person_id, a->person_id);
  EXPECT_EQ(divisions_of_user(*db_, a->teacher->id)->size(), 2u);
  // Her ENT classes are replaced at each sign-on.
  Identity fewer = teacher_;
  fewer.divisions.pop_back();
  ASSERT_TRUE(arrive(*db_, oidc_, fewer, kNow + 20).is_ok());
  EXPECT_EQ(divisions_of_user(*db_, a->teacher->id)->size(), 1u);
  // The same subject from another provider is another person.
  EXPECT_NE(arrive(*db_, cas_, teacher_, kNow)->teacher->id, a->teacher->id);
  // A disabled account stays out.
  ASSERT_TRUE(auth::UserStore(*db_).set_disabled(a->teacher->id, true).is_ok());
  EXPECT_EQ(arrive(*db_, oidc_, teacher_, kNow + 30).status().code(),
            StatusCode::kPermissionDenied);
  Identity nobody = teacher_;
  nobody.role = Identity::Role::kNone;
  EXPECT_EQ(arrive(*db_, oidc_, nobody, kNow).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(SsoPeople, APupilOfDivision5ALandsInWhatWasSharedWith5AWithoutHerName) {
  const auto t = arrive(*db_, oidc_, teacher_, kNow);
  ASSERT_TRUE(t.is_ok());
  const Id teacher = t->teacher->id;
  const auto mine = *divisions_of_user(*db_, teacher);
  const Id d5a = division(mine, "5A");
  const Id d4b = division(mine, "4B");
  const Id quiz = activity_of(teacher);
  const auto link = share_with_division(*db_, teacher, d5a, "activite", quiz, kNow);
  ASSERT_TRUE(link.is_ok()) << link.status().to_string();
  EXPECT_EQ(learn::ActivityStore(*db_).class_by_id(link->class_id)->name, "5e A");
  EXPECT_EQ(share_with_division(*db_, teacher, d5a, "activite", quiz, kNow)->class_id,
            link->class_id);  // sharing again: the same class
  // Another teacher's activity, or a division she is not in: refused.
  const Id others = activity_of(
      auth::UserStore(*db_).add("autre", "", auth::Role::kTeacher, "un mot de passe long")->id);
  EXPECT_EQ(share_with_division(*db_, teacher, d4b, "activite", others, kNow).status().code(),
            StatusCode::kPermissionDenied);
  const auto p = arrive(*db_, cas_, pupil_, kNow);
  ASSERT_TRUE(p.is_ok());
  EXPECT_FALSE(p->teacher.has_value());
  ASSERT_FALSE(p->pupil_session.empty());
  // She signed on by another provider than the teacher: her school's 5A is the same class.
  EXPECT_EQ(links_of(*db_, {division(*divisions_of_person(*db_, p->person_id), "5A")})->size(), 1u);
  // A 5A without a school is the provider's own: another provider's 5A is another class.
  Identity schoolless = pupil_;
  schoolless.subject = "ido-nowhere";
  schoolless.divisions = {{"", "5A", "5A"}};
  const auto nowhere = arrive(*db_, cas_, schoolless, kNow);
  EXPECT_TRUE(
      links_of(*db_, {division(*divisions_of_person(*db_, nowhere->person_id), "5A")})->empty());
  const auto same = arrive(*db_, oidc_, pupil_, kNow);
  const Id person = *pupil_of_session(*db_, same->pupil_session, kNow + 60);
  EXPECT_EQ(person, same->person_id);
  std::vector<Id> ids;
  const auto hers = divisions_of_person(*db_, person);
  ASSERT_TRUE(hers.is_ok());
  for (const auto& d : *hers) ids.push_back(d.id);
  const auto shared = links_of(*db_, ids);
  ASSERT_EQ(shared->size(), 1u);
  EXPECT_EQ(shared->front().title, "Quiz");
  const auto seat = take_seat(*db_, person, "activite", link->class_id);
  ASSERT_TRUE(seat.is_ok()) << seat.status().to_string();
  learn::ActivityStore store(*db_);
  const auto pupil = store.pupil_by_token(seat->token);
  ASSERT_TRUE(pupil.is_ok());
  EXPECT_EQ(pupil->pseudonym, "R. 1");
  EXPECT_EQ(store.class_by_code(seat->code)->id, link->class_id);
  const auto back = take_seat(*db_, person, "activite", link->class_id);
  EXPECT_EQ(store.pupil_by_token(back->token)->id, pupil->id);  // the same pupil, a new token
  EXPECT_FALSE(store.pupil_by_token(seat->token).is_ok());
  // Nothing of her name is stored anywhere.
  for (const char* sql : {"SELECT count(*) FROM pupil WHERE pseudonym LIKE '%Rose%' OR "
                          "pseudonym LIKE '%Tyler%'",
                          "SELECT count(*) FROM sso_person WHERE full_name != '' OR subject "
                          "LIKE '%Tyler%'"}) {
    auto st = db_->prepare(sql);
    ASSERT_TRUE(st.is_ok() && *st->step());
    EXPECT_EQ(st->int64(0), 0) << sql;
  }
  // A pupil of 4B does not get into 5A's class.
  Identity other = pupil_;
  other.subject = "ido-mickey";
  other.divisions = {{"0750001A", "4B", "4e B"}};
  const auto m = arrive(*db_, oidc_, other, kNow);
  EXPECT_EQ(take_seat(*db_, m->person_id, "activite", link->class_id).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_FALSE(pupil_of_session(*db_, same->pupil_session, kNow + 9 * 3600).is_ok());  // expired
  ASSERT_TRUE(end_pupil_session(*db_, m->pupil_session).is_ok());
  EXPECT_FALSE(pupil_of_session(*db_, m->pupil_session, kNow).is_ok());
}

TEST_F(SsoPeople, ACourseIsSharedOnlyOncePublishedAndKeepNamesKeepsThem) {
  const auto t = arrive(*db_, oidc_, teacher_, kNow);
  const Id teacher = t->teacher->id;
  const Id d5a = division(*divisions_of_user(*db_, teacher), "5A");
  courses::CourseStore store(*db_);
  const Id course = *store.create("La digestion", teacher);
  EXPECT_EQ(share_with_division(*db_, teacher, d5a, "cours", course, kNow).status().code(),
            StatusCode::kInvalidArgument);
  courses::CourseFields fields;
  fields.title = "La digestion";
  fields.state = courses::CourseState::kPublished;
  ASSERT_TRUE(store.update(course, fields).is_ok());
  const auto link = share_with_division(*db_, teacher, d5a, "cours", course, kNow);
  ASSERT_TRUE(link.is_ok()) << link.status().to_string();
  Provider named = oidc_;
  named.mapping.keep_names = true;
  ASSERT_TRUE(ProviderStore(*db_).put(named).is_ok());
  const auto p = arrive(*db_, named, pupil_, kNow);
  const auto seat = take_seat(*db_, p->person_id, "cours", link->class_id);
  ASSERT_TRUE(seat.is_ok()) << seat.status().to_string();
  EXPECT_EQ(courses::ClassStore(*db_).pupil_by_token(seat->token)->pseudonym, "Rose Tyler");
}

}  // namespace
}  // namespace repere::sso
