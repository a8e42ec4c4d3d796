#include "repere/lti/roster.h"

#include <nlohmann/json.hpp>

#include "repere/lti/launch.h"

namespace repere::lti {

using nlohmann::json;

namespace {

constexpr const char* kScope =
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly";
constexpr const char* kMembers = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";

std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The pseudonym of a platform's person in the class, or "" when she never launched it.
Result<std::string> pseudonym_of(catalog::Database& db, Id platform_id, const std::string& sub,
                                 const std::string& kind, Id class_id) {
  const std::string table = kind == "cours" ? "course_pupil" : "pupil";
  REPERE_ASSIGN_OR_RETURN(
      auto st, db.prepare("SELECT p.pseudonym FROM lti_pupil l JOIN " + table +
                          " p ON p.id = l.pupil_id WHERE l.platform_id = ?1 AND l.sub = ?2 AND "
                          "l.kind = ?3 AND l.class_id = ?4"));
  st.bind(1, platform_id).bind(2, sub).bind(3, kind).bind(4, class_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  return found ? st.text(0) : std::string();
}

}  // namespace

Result<Roster> roster(catalog::Database& db, const KeyPair& key, const std::string& kind,
                      Id class_id, std::int64_t now, const Poster& post, const Getter& get) {
  if (kind != "activite" && kind != "cours")
    return Status::invalid_argument("a class is of an activite or a cours");
  REPERE_ASSIGN_OR_RETURN(
      auto st, db.prepare("SELECT platform_id, memberships_url FROM lti_class WHERE class_id = ?1 "
                          "AND target LIKE ?2 || ':%' AND memberships_url != '' LIMIT 1"));
  st.bind(1, class_id).bind(2, kind);
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found) return Status::not_found("this class has no platform roster");
  const Id platform_id = st.int64(0);
  const std::string url = st.text(1);
  REPERE_ASSIGN_OR_RETURN(const Platform p, PlatformStore(db).get(platform_id));
  REPERE_ASSIGN_OR_RETURN(const std::string token, access_token(p, key, now, post, kScope));
  const HttpAnswer a = get(url, kMembers, token);
  if (a.status == 0) return Status::unavailable("the roster: " + a.error);
  if (a.status != 200) return Status::unavailable("the roster: HTTP " + std::to_string(a.status));
  const json body = json::parse(a.body, nullptr, false);
  if (!body.is_object() || !body.contains("members") || !body["members"].is_array())
    return Status::unavailable("the roster is not a membership container");
  Roster out{p.name.empty() ? p.issuer : p.name, {}};
  for (const json& m : body["members"]) {
    if (!m.is_object() || text_of(m, "user_id").empty()) continue;
    const std::string status = text_of(m, "status");
    if (status == "Inactive" || status == "Deleted") continue;
    std::vector<std::string> roles;
    if (m.contains("roles") && m["roles"].is_array()) {
      for (const json& r : m["roles"]) {
        if (r.is_string()) roles.push_back(r);
      }
    }
    if (who_is(roles) != Who::kLearner) continue;
    RosterMember member;
    member.name = text_of(m, "name");
    if (member.name.empty()) {
      member.name = text_of(m, "given_name");
      const std::string family = text_of(m, "family_name");
      if (!family.empty()) member.name += (member.name.empty() ? "" : " ") + family;
    }
    REPERE_ASSIGN_OR_RETURN(member.pseudonym,
                            pseudonym_of(db, platform_id, text_of(m, "user_id"), kind, class_id));
    member.joined = !member.pseudonym.empty();
    out.learners.push_back(std::move(member));
  }
  return out;
}

}  // namespace repere::lti
