// The lti module on a real catalog: JOSE (RS256 with OpenSSL, key sets, what is refused before
// any key is read), each rule of launch validation as a row of a matrix, who a launch makes of
// a person, the deep-linking response as a platform checks it, and the score queue that keeps
// what it could not send.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "../catalog/test_catalog.h"
#include "repere/auth/schema.h"
#include "repere/courses/schema.h"
#include "repere/courses/store.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/lti/deep_linking.h"
#include "repere/lti/jose.h"
#include "repere/lti/launch.h"
#include "repere/lti/people.h"
#include "repere/lti/registry.h"
#include "repere/lti/roster.h"
#include "repere/lti/schema.h"
#include "repere/lti/scores.h"

namespace repere::lti {
namespace {

using catalog::open_or_die;
using nlohmann::json;

const std::string kClaim = "https://purl.imsglobal.org/spec/lti/claim/";
constexpr std::int64_t kNow = 1'800'000'000;

// One platform key for the whole file: RSA generation takes a while.
const KeyPair& platform_key() {
  static const KeyPair k = *generate_key_pair();
  return k;
}
const KeyPair& other_key() {
  static const KeyPair k = *generate_key_pair();
  return k;
}
std::string key_set(const std::vector<KeyPair>& keys) {
  json set = {{"keys", json::array()}};
  for (const KeyPair& k : keys) set["keys"].push_back(json::parse(*public_jwk(k)));
  return set.dump();
}

TEST(Jose, Base64urlRoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(unbase64url(base64url(bytes)).value_or("?"), bytes) << i;
    bytes += static_cast<char>(i * 37 + 200);
  }
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  EXPECT_FALSE(unbase64url("ab+c").has_value());  // base64, not base64url
  EXPECT_FALSE(unbase64url("a").has_value());
}

TEST(Jose, SignedTokensVerifyAndTamperedOnesDoNot) {
  const std::string token = *sign_jwt(R"({"sub":"x","n":1})", platform_key());
  const auto claims = verify_jwt(token, key_set({platform_key()}));
  ASSERT_TRUE(claims.is_ok()) << claims.status().to_string();
  EXPECT_EQ(json::parse(*claims)["sub"], "x");
  EXPECT_EQ(read_jwt_header(token)->kid, platform_key().kid);
  // The claims changed under the signature.
  const auto dot = token.find('.');
  const std::string forged = token.substr(0, dot + 1) + base64url(R"({"sub":"admin","n":1})") +
                             token.substr(token.rfind('.'));
  EXPECT_NE(verify_jwt(forged, key_set({platform_key()})).status().message().find("signature"),
            std::string::npos);
  // Another key of the same kid.
  json other = json::parse(*public_jwk(other_key()));
  other["kid"] = platform_key().kid;
  EXPECT_FALSE(verify_jwt(token, json{{"keys", {other}}}.dump()).is_ok());
  // A kid the set does not have: the caller is told to fetch the set again.
  bool missing = false;
  EXPECT_FALSE(verify_jwt(token, key_set({other_key()}), &missing).is_ok());
  EXPECT_TRUE(missing);
}

TEST(Jose, AlgorithmsOtherThanRsaAreRefusedBeforeAnyKey) {
  const std::string body = base64url(R"({"sub":"x"})");
  for (const std::string alg : {"none", "HS256", "ES256", "PS256", "RS1"}) {
    const std::string token =
        base64url(R"({"alg":")" + alg + R"(","kid":")" + platform_key().kid + "\"}") + "." + body +
        "." + base64url("sig");
    const auto r = verify_jwt(token, key_set({platform_key()}));
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << alg;
    EXPECT_NE(r.status().message().find("only RS256"), std::string::npos) << alg;
  }
  for (const std::string& bad :
       std::vector<std::string>{"", "a.b", "a.b.c.d", "!!.e30.e30", base64url("[1]") + ".e30.x"})
    EXPECT_EQ(verify_jwt(bad, key_set({platform_key()})).status().code(),
              StatusCode::kUnauthenticated)
        << bad;
}

TEST(Jose, KeyIdIsTheRfc7638Thumbprint) {
  // RFC 7638, section 3.1's example key and its thumbprint.
  const std::string n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
      "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
      "FDW2QvzqY3"
      "68QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
      "bFTWhAI4vMQFh6WeZu0fM4"
      "lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  EXPECT_EQ(*jwk_thumbprint(n, "AQAB"), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

// A catalog with the lti tables (and those of the accounts and activities they name).
class LtiCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog::OpenOptions o;
    o.modules = {&learn::schema(), &auth::schema(), &courses::schema(), &schema()};
    db_ = open_or_die(dir_.path() / "catalog.sqlite", o);
    ASSERT_TRUE(db_);
    Platform p{0,
               "https://moodle.example",
               "tool-1",
               "Éléa",
               "https://moodle.example/auth",
               "https://moodle.example/token",
               "https://moodle.example/jwks",
               {"dep-1"}};
    auto stored = PlatformStore(*db_).put(p);
    ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
    platform_ = *stored;
    jwks_ = key_set({platform_key()});
  }

  // A login, and the nonce the tool sent in it.
  std::pair<std::string, std::string> login(std::int64_t now = kNow) {
    LoginRequest r{platform_.issuer, "hint", "https://repere.example/lti/launch", "", "tool-1", ""};
    auto begun =
        begin_login(*db_, r, "https://repere.example/lti/launch", "https://repere.example", now);
    EXPECT_TRUE(begun.is_ok()) << begun.status().to_string();
    std::smatch m;
    std::regex_search(begun->url, m, std::regex("nonce=([^&]+)"));
    return {begun->state, m[1].str()};
  }

  json claims(const std::string& nonce, std::int64_t now = kNow) const {
    return {{"iss", platform_.issuer},
            {"aud", "tool-1"},
            {"sub", "u-1"},
            {"iat", now},
            {"exp", now + 300},
            {"nonce", nonce},
            {kClaim + "message_type", "LtiResourceLinkRequest"},
            {kClaim + "version", "1.3.0"},
            {kClaim + "deployment_id", "dep-1"},
            {kClaim + "roles", {"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"}},
            {kClaim + "resource_link", {{"id", "rl-1"}}},
            {kClaim + "context", {{"id", "c-1"}, {"title", "5e A"}}}};
  }

  Fetcher fetcher() {
    return [this](const std::string& url) -> Result<std::string> {
      ++fetches_;
      if (url != platform_.jwks_url) return Status::unavailable("wrong URL " + url);
      if (jwks_.empty()) return Status::unavailable("connection refused");
      return jwks_;
    };
  }

  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
  Platform platform_;
  std::string jwks_;
  int fetches_ = 0;
};

// One rule of launch validation: what is changed, and the words of the refusal ("" : passes).
struct LaunchRow {
  const char* name;
  std::function<void(json&)> change;
  const char* refusal;
  const KeyPair* signer = nullptr;
};

class LaunchRules : public LtiCatalog, public ::testing::WithParamInterface<LaunchRow> {};

TEST_P(LaunchRules, AreEachCheckedInTheirSituation) {
  const LaunchRow& row = GetParam();
  const auto [state, nonce] = login();
  json c = claims(nonce);
  row.change(c);
  const std::string token = *sign_jwt(c.dump(), row.signer ? *row.signer : platform_key());
  const auto launch = validate_launch(*db_, token, state, kNow, fetcher());
  if (std::string(row.refusal).empty()) {
    ASSERT_TRUE(launch.is_ok()) << launch.status().to_string();
    EXPECT_EQ(launch->platform.id, platform_.id);
  } else {
    ASSERT_FALSE(launch.is_ok()) << row.name;
    EXPECT_EQ(launch.status().code(), StatusCode::kUnauthenticated);
    EXPECT_NE(launch.status().message().find(row.refusal), std::string::npos)
        << launch.status().message();
  }
}

const auto kNothing = [](json&) {};

INSTANTIATE_TEST_SUITE_P(
    Matrix, LaunchRules,
    ::testing::Values(
        LaunchRow{"valid", kNothing, ""},
        LaunchRow{"aud_array_with_azp",
                  [](json& c) {
                    c["aud"] = {"tool-1", "other"}, c["azp"] = "tool-1";
                  },
                  ""},
        LaunchRow{"deep_linking",
                  [](json& c) {
                    c[kClaim + "message_type"] = "LtiDeepLinkingRequest";
                    c["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                        {"deep_link_return_url", "https://moodle.example/dl"}};
                  },
                  ""},
        LaunchRow{"expired", [](json& c) { c["exp"] = kNow - 61; }, "expired"},
        LaunchRow{"issued_in_future", [](json& c) { c["iat"] = kNow + 120; }, "future"},
        LaunchRow{"no_exp", [](json& c) { c.erase("exp"); }, "no exp"},
        LaunchRow{"wrong_audience", [](json& c) { c["aud"] = "another-tool"; }, "wrong audience"},
        LaunchRow{"aud_array_without_azp",
                  [](json& c) {
                    c["aud"] = {"tool-1", "other"};
                  },
                  "authorised party"},
        LaunchRow{"wrong_azp", [](json& c) { c["azp"] = "other"; }, "authorised party"},
        LaunchRow{"wrong_issuer", [](json& c) { c["iss"] = "https://evil.example"; },
                  "wrong issuer"},
        LaunchRow{"wrong_nonce", [](json& c) { c["nonce"] = "guessed"; }, "nonce"},
        LaunchRow{"unknown_deployment", [](json& c) { c[kClaim + "deployment_id"] = "dep-9"; },
                  "unknown deployment"},
        LaunchRow{"wrong_version", [](json& c) { c[kClaim + "version"] = "1.1"; }, "version"},
        LaunchRow{"unknown_message",
                  [](json& c) { c[kClaim + "message_type"] = "LtiSubmissionReviewRequest"; },
                  "unknown message type"},
        LaunchRow{"no_sub", [](json& c) { c.erase("sub"); }, "no sub"},
        LaunchRow{"no_resource_link", [](json& c) { c.erase(kClaim + "resource_link"); },
                  "resource_link.id"},
        LaunchRow{"deep_link_without_return",
                  [](json& c) { c[kClaim + "message_type"] = "LtiDeepLinkingRequest"; },
                  "deep_link_return_url"},
        LaunchRow{"signed_by_another_key", kNothing, "no signing key", &other_key()}),
    [](const ::testing::TestParamInfo<LaunchRow>& row) { return std::string(row.param.name); });

TEST_F(LtiCatalog, StateIsUsedOnceAndExpires) {
  auto [state, nonce] = login();
  const std::string token = *sign_jwt(claims(nonce).dump(), platform_key());
  ASSERT_TRUE(validate_launch(*db_, token, state, kNow, fetcher()).is_ok());
  EXPECT_NE(
      validate_launch(*db_, token, state, kNow, fetcher()).status().message().find("already used"),
      std::string::npos);
  // The same token under a fresh login: its nonce is not this login's.
  const auto fresh = login();
  EXPECT_FALSE(validate_launch(*db_, token, fresh.first, kNow, fetcher()).is_ok());
  // A login older than ten minutes.
  const auto old = login();
  const std::string later = *sign_jwt(claims(old.second).dump(), platform_key());
  EXPECT_NE(validate_launch(*db_, later, old.first, kNow + 601, fetcher())
                .status()
                .message()
                .find("10 minutes"),
            std::string::npos);
  EXPECT_FALSE(validate_launch(*db_, token, "", kNow, fetcher()).is_ok());
}

TEST_F(LtiCatalog, NonceReplayedUnderItsOwnStateIsRefused) {
  // Two logins that a forger made share a nonce: only the first launch passes.
  auto a = login();
  auto b = login();
  auto st = db_->prepare("UPDATE lti_login SET nonce = ?1");
  ASSERT_TRUE(st.is_ok());
  ASSERT_TRUE(st->bind(1, a.second).run().is_ok());
  const std::string token = *sign_jwt(claims(a.second).dump(), platform_key());
  ASSERT_TRUE(validate_launch(*db_, token, a.first, kNow, fetcher()).is_ok());
  EXPECT_NE(validate_launch(*db_, token, b.first, kNow, fetcher())
                .status()
                .message()
                .find("already used"),
            std::string::npos);
}

TEST_F(LtiCatalog, PlatformKeysAreCachedAndFetchedAgainForANewKid) {
  auto l1 = login();
  ASSERT_TRUE(validate_launch(*db_, *sign_jwt(claims(l1.second).dump(), platform_key()), l1.first,
                              kNow, fetcher())
                  .is_ok());
  auto l2 = login();
  ASSERT_TRUE(validate_launch(*db_, *sign_jwt(claims(l2.second).dump(), platform_key()), l2.first,
                              kNow, fetcher())
                  .is_ok());
  EXPECT_EQ(fetches_, 1);                          // the second launch used the cached set
  jwks_ = key_set({platform_key(), other_key()});  // the platform rotated its key
  auto l3 = login();
  ASSERT_TRUE(validate_launch(*db_, *sign_jwt(claims(l3.second).dump(), other_key()), l3.first,
                              kNow, fetcher())
                  .is_ok());
  EXPECT_EQ(fetches_, 2);
  jwks_.clear();  // the platform's key server is down: a day-old cache is fetched again
  const std::int64_t later = kNow + 2 * 86400;
  auto l4 = login(later);
  const auto down = validate_launch(
      *db_, *sign_jwt(claims(l4.second, later).dump(), platform_key()), l4.first, later, fetcher());
  EXPECT_NE(down.status().message().find("could not be fetched"), std::string::npos)
      << down.status().to_string();
}

TEST_F(LtiCatalog, LoginsAreCheckedBeforeAnythingIsSent) {
  LoginRequest r{platform_.issuer, "hint", "https://evil.example/lti/launch", "", "tool-1", ""};
  const std::string base = "https://repere.example";
  EXPECT_EQ(begin_login(*db_, r, base + "/lti/launch", base, kNow).status().code(),
            StatusCode::kInvalidArgument);
  r.target_link_uri = "https://repere.example.evil.example/lti/launch";  // a prefix is not a host
  EXPECT_FALSE(begin_login(*db_, r, base + "/lti/launch", base, kNow).is_ok());
  r.target_link_uri = base + "/lti/launch?cible=activite:1";
  r.deployment_id = "dep-unknown";
  EXPECT_EQ(begin_login(*db_, r, base + "/lti/launch", base, kNow).status().code(),
            StatusCode::kNotFound);
  r.deployment_id = "";
  r.issuer = "https://unknown.example";
  EXPECT_EQ(begin_login(*db_, r, base + "/lti/launch", base, kNow).status().code(),
            StatusCode::kNotFound);
  r.issuer = platform_.issuer;
  r.client_id = "";  // the issuer's only registration
  const auto ok = begin_login(*db_, r, base + "/lti/launch", base, kNow);
  ASSERT_TRUE(ok.is_ok());
  for (const char* part : {"response_type=id_token", "response_mode=form_post", "prompt=none",
                           "scope=openid", "client_id=tool-1", "login_hint=hint"})
    EXPECT_NE(ok->url.find(part), std::string::npos) << part << " in " << ok->url;
  EXPECT_EQ(ok->url.rfind(platform_.auth_url + "?", 0), 0u);
}

TEST_F(LtiCatalog, RegistrationsAreValidatedAndMerged) {
  PlatformStore store(*db_);
  Platform bad = platform_;
  bad.jwks_url = "file:///etc/passwd";
  EXPECT_NE(store.put(bad).status().message().find("JWKS URL"), std::string::npos);
  bad = platform_;
  bad.client_id = "";
  EXPECT_EQ(store.put(bad).status().code(), StatusCode::kInvalidArgument);
  Platform more = platform_;
  more.deployments = {"dep-2"};
  const auto merged = store.put(more);
  ASSERT_TRUE(merged.is_ok());
  EXPECT_EQ(merged->id, platform_.id);
  EXPECT_EQ(merged->deployments, (std::vector<std::string>{"dep-1", "dep-2"}));
  EXPECT_EQ(merged->origin(), "https://moodle.example");
  ASSERT_TRUE(store.remove(platform_.id).is_ok());
  EXPECT_EQ(store.remove(platform_.id).code(), StatusCode::kNotFound);
}

TEST_F(LtiCatalog, ToolKeysRotateAndTheOldOneStaysPublishedADay) {
  ToolKeys keys(*db_);
  const KeyPair first = *keys.current(kNow);
  EXPECT_EQ(keys.current(kNow)->kid, first.kid);
  const KeyPair second = *keys.rotate(kNow);
  EXPECT_NE(second.kid, first.kid);
  EXPECT_EQ(keys.current(kNow)->kid, second.kid);
  EXPECT_EQ(json::parse(*keys.jwks(kNow))["keys"].size(), 2u);
  EXPECT_EQ(json::parse(*keys.jwks(kNow + 86401))["keys"].size(), 1u);
  EXPECT_EQ(json::parse(*keys.jwks(kNow))["keys"][0].count("d"), 0u);  // never the private part
}

TEST(People, RolesTargetsAndPseudonyms) {
  const std::string m = "http://purl.imsglobal.org/vocab/lis/v2/membership#";
  EXPECT_EQ(who_is({m + "Instructor"}), Who::kTeacher);
  EXPECT_EQ(who_is({m + "Learner", m + "Instructor"}), Who::kTeacher);
  EXPECT_EQ(who_is({m + "Learner"}), Who::kLearner);
  EXPECT_EQ(who_is({"Learner"}), Who::kLearner);  // the short form platforms still send
  EXPECT_EQ(who_is({"http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"}),
            Who::kLearner);
  EXPECT_EQ(who_is({m + "Mentor"}), Who::kOther);
  EXPECT_EQ(who_is({"http://evil.example/roles#Instructor"}), Who::kOther);
  EXPECT_EQ(who_is({}), Who::kOther);
  EXPECT_EQ(parse_target("contenu:12@83")->teacher_path(), "/contenus/12?t=83");
  EXPECT_EQ(parse_target("activite:4")->teacher_path(), "/activites/4/apercu");
  EXPECT_EQ(parse_target("cours:3")->spec(), "cours:3");
  for (const char* bad : {"activite:4@3", "contenu:", "contenu:1/../2", "cours:x", "../x", ""})
    EXPECT_FALSE(parse_target(bad).has_value()) << bad;
  EXPECT_EQ(pseudonym_for("léa", 1), "L. 1");
  EXPECT_EQ(pseudonym_for("Léa", 1), "L. 1");
  EXPECT_EQ(pseudonym_for("Émile", 2), "É. 2");
  EXPECT_EQ(pseudonym_for("", 3), "Élève 3");
  EXPECT_EQ(pseudonym_for("  ", 3), "Élève 3");
  Launch l;
  l.custom["repere_target"] = "activite:7";
  EXPECT_EQ(target_of(l)->id, 7);
  l.custom.clear();
  l.target_link_uri = "https://repere.example/lti/launch?cible=contenu%3A5%4012";
  EXPECT_EQ(target_of(l)->spec(), "contenu:5@12");
}

class LtiPeople : public LtiCatalog {
 protected:
  void SetUp() override {
    LtiCatalog::SetUp();
    auto video = catalog::ContentRepository(*db_).insert(catalog::sample_content());
    ASSERT_TRUE(video.is_ok());
    learn::Activity a;
    a.content_id = *video;
    a.title = "Quiz";
    a.start_ms = 0;
    a.end_ms = 60000;
    learn::Interaction q;
    q.type = learn::InteractionType::kTrueFalse;
    q.at_ms = 10000;
    q.question = "Vrai ?";
    q.answer_true = true;
    a.interactions = {q};
    auto made = learn::ActivityStore(*db_).create(a);
    ASSERT_TRUE(made.is_ok()) << made.status().to_string();
    activity_ = made->id;
    launch_.platform = platform_;
    launch_.sub = "eleve-1";
    launch_.given_name = "Léa";
    launch_.family_name = "Durand";
    launch_.context_id = "c-1";
    launch_.context_title = "5e A";
    launch_.lineitem = "https://moodle.example/li/3?type=x";
  }
  learn::Id activity_ = 0;
  Launch launch_;
};

TEST_F(LtiPeople, ALearnerIsOnePupilOfHerContextsClassWithoutHerName) {
  const auto first = pupil_for(*db_, launch_, activity_);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->pseudonym, "L. 1");
  const auto again = pupil_for(*db_, launch_, activity_);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_NE(again->token, first->token);  // a new browser gets a new token; the old one ends
  learn::ActivityStore store(*db_);
  EXPECT_FALSE(store.pupil_by_token(first->token).is_ok());
  EXPECT_EQ(store.class_by_id(first->class_id)->name, "5e A");
  Launch other = launch_;
  other.sub = "eleve-2";
  other.given_name = "";
  EXPECT_EQ(pupil_for(*db_, other, activity_)->pseudonym, "Élève 2");
  other.context_id = "c-2";  // another course of the platform: another class
  EXPECT_NE(pupil_for(*db_, other, activity_)->class_id, first->class_id);
  EXPECT_EQ(pupil_for(*db_, launch_, 999).status().code(), StatusCode::kNotFound);
  auto names = db_->prepare(
      "SELECT count(*) FROM pupil WHERE pseudonym LIKE '%Durand%' OR "
      "pseudonym LIKE '%Léa%'");
  ASSERT_TRUE(names.is_ok() && *names->step());
  EXPECT_EQ(names->int64(0), 0);
}

TEST_F(LtiPeople, ALearnerOfAPublishedCourseIsOnePupilOfItsClass) {
  courses::CourseStore store(*db_);
  const courses::Id course = *store.create("La digestion", std::nullopt);
  EXPECT_EQ(course_pupil_for(*db_, launch_, course).status().code(), StatusCode::kNotFound);
  courses::CourseFields fields;
  fields.title = "La digestion";
  fields.state = courses::CourseState::kPublished;
  ASSERT_TRUE(store.update(course, fields).is_ok());
  const auto seat = course_pupil_for(*db_, launch_, course);
  ASSERT_TRUE(seat.is_ok()) << seat.status().to_string();
  EXPECT_EQ(seat->pupil.pseudonym, "L. 1");
  courses::ClassStore classes(*db_);
  EXPECT_EQ(classes.class_by_code(seat->code)->name, "5e A");
  const auto again = course_pupil_for(*db_, launch_, course);
  EXPECT_EQ(again->pupil.id, seat->pupil.id);
  EXPECT_EQ(again->code, seat->code);
  EXPECT_FALSE(classes.pupil_by_token(seat->pupil.token).is_ok());  // the old token ended
  EXPECT_TRUE(classes.pupil_by_token(again->pupil.token).is_ok());
}

TEST_F(LtiPeople, ACoursePupilsScoreGoesToHerLineItem) {
  courses::CourseStore store(*db_);
  const courses::Id course = *store.create("La digestion", std::nullopt);
  courses::CourseFields fields;
  fields.title = "La digestion";
  fields.state = courses::CourseState::kPublished;
  ASSERT_TRUE(store.update(course, fields).is_ok());
  launch_.lineitem = "";
  const auto first = course_pupil_for(*db_, launch_, course);
  ASSERT_TRUE(first.is_ok());
  // Launched first from an ungraded link: nothing to send.
  EXPECT_FALSE(*queue_score(*db_, first->pupil.id, 1, 2, false, kNow, "cours"));
  // The link was graded since: her next launch brings its line item.
  launch_.lineitem = "https://moodle.example/li/9";
  ASSERT_TRUE(course_pupil_for(*db_, launch_, course).is_ok());
  EXPECT_TRUE(*queue_score(*db_, first->pupil.id, 1, 2, false, kNow, "cours"));
  // The same number as an interactive video's pupil is another pupil.
  EXPECT_FALSE(*queue_score(*db_, first->pupil.id, 1, 2, false, kNow, "activite"));
  auto row = db_->prepare(
      "SELECT lineitem, json_extract(body, '$.scoreGiven'), "
      "json_extract(body, '$.scoreMaximum') FROM lti_score");
  ASSERT_TRUE(row.is_ok() && *row->step());
  EXPECT_EQ(row->text(0), "https://moodle.example/li/9");
  EXPECT_EQ(row->real(1), 1.0);
  EXPECT_EQ(row->real(2), 2.0);
}

TEST_F(LtiPeople, ATeacherIsOneAccountAndADisabledOneIsRefused) {
  launch_.sub = "prof-1";
  launch_.name = "Camille Martin";
  const auto t = teacher_for(*db_, launch_);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->role, auth::Role::kTeacher);
  EXPECT_EQ(t->name, "Camille Martin");
  EXPECT_EQ(teacher_for(*db_, launch_)->id, t->id);
  ASSERT_TRUE(auth::UserStore(*db_).set_disabled(t->id, true).is_ok());
  EXPECT_EQ(teacher_for(*db_, launch_).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(LtiPeople, ScoresWaitWhileThePlatformIsDownAndAreNeverLost) {
  const auto pupil = *pupil_for(*db_, launch_, activity_);
  EXPECT_FALSE(*queue_score(*db_, 424242, 1, 1, true, kNow));  // not an LTI pupil
  ASSERT_TRUE(*queue_score(*db_, pupil.id, 0, 1, false, kNow));
  ASSERT_TRUE(*queue_score(*db_, pupil.id, 1, 1, true, kNow));  // supersedes the first
  std::vector<std::string> posted;
  bool down = true;
  const Poster post = [&](const std::string& url, const std::string& type, const std::string& body,
                          const std::string& bearer) -> HttpAnswer {
    posted.push_back(url);
    if (down) return {0, "", "connection refused"};
    if (url == platform_.token_url) {
      EXPECT_EQ(type, "application/x-www-form-urlencoded");
      EXPECT_NE(body.find("client_assertion="), std::string::npos);
      return {200, R"({"access_token":"tok"})", ""};
    }
    EXPECT_EQ(bearer, "tok");
    EXPECT_EQ(type, "application/vnd.ims.lis.v1.score+json");
    EXPECT_EQ(json::parse(body)["scoreGiven"], 1.0);
    return {204, "", ""};
  };
  const KeyPair key = *ToolKeys(*db_).current(kNow);
  auto r = send_scores(*db_, key, kNow, post);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->sent, 0);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(send_scores(*db_, key, kNow + 29, post)->failed, 0);  // not due before 30 s
  EXPECT_EQ(send_scores(*db_, key, kNow + 30, post)->failed, 1);
  EXPECT_EQ(send_scores(*db_, key, kNow + 30 + 59, post)->failed, 0);  // then 60 s
  EXPECT_EQ(score_queue(*db_)->waiting, 1);
  EXPECT_NE(score_queue(*db_)->last_error.find("connection refused"), std::string::npos);
  down = false;
  posted.clear();
  r = send_scores(*db_, key, kNow + 90, post);
  EXPECT_EQ(r->sent, 1);
  EXPECT_EQ(posted.back(), "https://moodle.example/li/3/scores?type=x");
  EXPECT_EQ(score_queue(*db_)->waiting, 0);
  EXPECT_EQ(score_queue(*db_)->sent, 1);
  EXPECT_EQ(catalog::count_rows(*db_, "lti_score"), 2);  // the superseded one is kept too
}

TEST_F(LtiPeople, TheRosterSaysWhoHasNotStartedAndIsNotStored) {
  const auto first = *pupil_for(*db_, launch_, activity_);
  const KeyPair key = *ToolKeys(*db_).current(kNow);
  const Poster token = [](const std::string&, const std::string&, const std::string& body,
                          const std::string&) -> HttpAnswer {
    EXPECT_NE(body.find("contextmembership.readonly"), std::string::npos);
    return {200, R"({"access_token":"t"})", ""};
  };
  const std::string m = "http://purl.imsglobal.org/vocab/lis/v2/membership#";
  const json members = {
      {"members",
       {{{"user_id", "eleve-1"}, {"name", "Léa Durand"}, {"roles", {m + "Learner"}}},
        {{"user_id", "eleve-9"}, {"given_name", "Zoé"}, {"roles", {m + "Learner"}}},
        {{"user_id", "eleve-8"}, {"roles", {m + "Learner"}}, {"status", "Inactive"}},
        {{"user_id", "prof"}, {"roles", {m + "Instructor"}}}}}};
  std::string asked;
  const Getter get = [&](const std::string& url, const std::string& accept,
                         const std::string& bearer) -> HttpAnswer {
    asked = url;
    EXPECT_EQ(accept, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json");
    EXPECT_EQ(bearer, "t");
    return {200, members.dump(), ""};
  };
  // No launch gave the roster's address yet.
  EXPECT_EQ(roster(*db_, key, "activite", first.class_id, kNow, token, get).status().code(),
            StatusCode::kNotFound);
  launch_.memberships_url = "https://moodle.example/nrps/5A";
  ASSERT_TRUE(pupil_for(*db_, launch_, activity_).is_ok());  // a later launch brings it
  const auto r = roster(*db_, key, "activite", first.class_id, kNow, token, get);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(asked, "https://moodle.example/nrps/5A");
  EXPECT_EQ(r->platform, "Éléa");
  ASSERT_EQ(r->learners.size(), 2u);
  EXPECT_TRUE(r->learners[0].joined);
  EXPECT_EQ(r->learners[0].pseudonym, "L. 1");
  EXPECT_FALSE(r->learners[1].joined);
  EXPECT_EQ(r->learners[1].name, "Zoé");
  const Getter down = [](const std::string&, const std::string&, const std::string&) {
    return HttpAnswer{503, "", ""};
  };
  EXPECT_EQ(roster(*db_, key, "activite", first.class_id, kNow, token, down).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(LtiPeople, DeepLinkingResponsesAreSignedForThePlatform) {
  launch_.deployment_id = "dep-1";
  launch_.return_url = "https://moodle.example/dl";
  launch_.dl_data = "d-42";
  launch_.accept_multiple = false;
  const std::string token = *begin_deep_link(*db_, launch_, 7, kNow);
  EXPECT_FALSE(find_deep_link(*db_, token, 8, kNow).is_ok());  // another teacher's
  EXPECT_FALSE(find_deep_link(*db_, token, 7, kNow + 3601).is_ok());
  const DeepLink link = *find_deep_link(*db_, token, 7, kNow);
  const LinkItem moment{*parse_target("contenu:1@30"), "La photosynthèse", "", std::nullopt};
  const LinkItem quiz{*parse_target("activite:2"), "Quiz", "", 3.0};
  EXPECT_EQ(deep_link_response(*db_, link, {moment, quiz}, "https://r.example/lti/launch", kNow)
                .status()
                .code(),
            StatusCode::kInvalidArgument);  // the platform accepts one
  const std::string jwt =
      *deep_link_response(*db_, link, {quiz}, "https://r.example/lti/launch", kNow);
  const auto claims = verify_jwt(jwt, *ToolKeys(*db_).jwks(kNow));
  ASSERT_TRUE(claims.is_ok()) << claims.status().to_string();
  const json c = json::parse(*claims);
  EXPECT_EQ(c["iss"], "tool-1");
  EXPECT_EQ(c["aud"], platform_.issuer);
  EXPECT_EQ(c[kClaim + "message_type"], "LtiDeepLinkingResponse");
  EXPECT_EQ(c[kClaim + "deployment_id"], "dep-1");
  EXPECT_EQ(c["https://purl.imsglobal.org/spec/lti-dl/claim/data"], "d-42");
  const json item = c["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"][0];
  EXPECT_EQ(item["url"], "https://r.example/lti/launch?cible=activite:2");
  EXPECT_EQ(item["custom"]["repere_target"], "activite:2");
  EXPECT_EQ(item["lineItem"]["scoreMaximum"], 3.0);
}

}  // namespace
}  // namespace repere::lti
