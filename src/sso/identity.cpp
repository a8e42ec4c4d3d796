#include "repere/sso/identity.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace repere::sso {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxValue = 200;

std::vector<std::string> strings_of(const json& j) {
  std::vector<std::string> out;
  if (j.is_string()) out.push_back(j.get<std::string>());
  if (j.is_array()) {
    for (const json& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

// An attribute's values; a value holding several joined by ';' (how LemonLDAP::NG and some
// ENTs send a multi-valued attribute as one string) counts as several. No GAR code holds ';'.
std::vector<std::string> values(const Attributes& a, const std::string& name) {
  std::vector<std::string> out;
  if (name.empty()) return out;
  const auto it = a.find(name);
  if (it == a.end()) return out;
  for (const std::string& v : it->second) {
    for (std::size_t at = 0;;) {
      const auto semi = v.find(';', at);
      out.push_back(v.substr(at, semi == std::string::npos ? std::string::npos : semi - at));
      if (semi == std::string::npos || out.size() > 200) break;
      at = semi + 1;
    }
  }
  return out;
}

std::string first(const Attributes& a, const std::string& name) {
  const auto v = values(a, name);
  return v.empty() ? std::string() : v.front().substr(0, kMaxValue);
}

bool any_in(const std::vector<std::string>& have, const std::vector<std::string>& wanted) {
  return std::any_of(have.begin(), have.end(), [&](const std::string& h) {
    return std::find(wanted.begin(), wanted.end(), h) != wanted.end();
  });
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::string Mapping::to_json() const {
  return json{{"subject", subject},
              {"role", role},
              {"teacher_values", teacher_values},
              {"pupil_values", pupil_values},
              {"school", school},
              {"classes", classes},
              {"given_name", given_name},
              {"family_name", family_name},
              {"keep_names", keep_names}}
      .dump();
}

Result<Mapping> Mapping::parse(const std::string& json_text) {
  const json j = json::parse(json_text, nullptr, false);
  if (!j.is_object()) return Status::invalid_argument("the mapping is not a JSON object");
  Mapping m;
  auto text = [&](const char* key, std::string& into) {
    if (j.contains(key) && j[key].is_string()) into = j[key].get<std::string>();
  };
  auto list = [&](const char* key, std::vector<std::string>& into) {
    if (j.contains(key)) into = strings_of(j[key]);
  };
  text("subject", m.subject);
  text("role", m.role);
  list("teacher_values", m.teacher_values);
  list("pupil_values", m.pupil_values);
  text("school", m.school);
  list("classes", m.classes);
  text("given_name", m.given_name);
  text("family_name", m.family_name);
  if (j.contains("keep_names") && j["keep_names"].is_boolean()) m.keep_names = j["keep_names"];
  return m;
}

std::optional<Division> parse_division(const std::string& value, const std::string& school) {
  if (value.empty() || value.size() > kMaxValue) return std::nullopt;
  Division d;
  d.school = school;
  std::string code = value;
  if (const auto sep = value.find("##"); sep != std::string::npos) {
    code = value.substr(0, sep);
    d.label = trimmed(value.substr(sep + 2));
  }
  if (const auto dollar = code.find('$'); dollar != std::string::npos) {
    d.school = trimmed(code.substr(0, dollar));
    code = code.substr(dollar + 1);
  }
  d.code = trimmed(code);
  if (d.code.empty()) return std::nullopt;
  if (d.label.empty()) d.label = d.code;
  return d;
}

Result<Identity> map_identity(const Attributes& attributes, const std::string& protocol_subject,
                              const Mapping& mapping) {
  Identity who;
  who.subject = mapping.subject.empty() ? protocol_subject : first(attributes, mapping.subject);
  if (who.subject.empty() || who.subject.size() > kMaxValue) {
    return Status::unauthenticated(
        "the provider sent no usable identifier" +
        (mapping.subject.empty() ? std::string() : " (attribute " + mapping.subject + ")"));
  }
  const auto roles = values(attributes, mapping.role);
  if (any_in(roles, mapping.teacher_values)) {
    who.role = Identity::Role::kTeacher;
  } else if (any_in(roles, mapping.pupil_values)) {
    who.role = Identity::Role::kPupil;
  }
  for (const std::string& s : values(attributes, mapping.school)) {
    const std::string uai = trimmed(s);
    if (!uai.empty() && uai.size() <= 20 &&
        std::find(who.schools.begin(), who.schools.end(), uai) == who.schools.end())
      who.schools.push_back(uai);
  }
  // A value without its own school belongs to the person's only school, when she has one.
  const std::string school = who.schools.size() == 1 ? who.schools.front() : std::string();
  for (const std::string& attribute : mapping.classes) {
    for (const std::string& v : values(attributes, attribute)) {
      auto d = parse_division(v, school);
      if (!d) continue;
      const bool seen = std::any_of(who.divisions.begin(), who.divisions.end(), [&](auto& x) {
        return x.school == d->school && x.code == d->code;
      });
      if (!seen && who.divisions.size() < 100) who.divisions.push_back(std::move(*d));
    }
  }
  who.given_name = first(attributes, mapping.given_name);
  who.family_name = first(attributes, mapping.family_name);
  return who;
}

}  // namespace repere::sso
