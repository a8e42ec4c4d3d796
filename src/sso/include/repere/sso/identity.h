// What a provider's attributes say about a person, in Repère's terms: a role (teacher or
// pupil), schools, ENT classes, and a first name's initial for the pseudonym. Which attribute
// says what is the provider's mapping; the default is the GAR's (PRO, UAI, DIV, GRO, PRE, NOM).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::sso {

// A provider's attributes: name → values (CAS repeats an element for several values, OIDC
// gives arrays or strings).
using Attributes = std::map<std::string, std::vector<std::string>>;

struct Mapping {
  std::string subject;  // the attribute that identifies the person; "": the protocol's own
                        // (OIDC sub, CAS user). GAR: "IDO".
  std::string role = "PRO";
  std::vector<std::string> teacher_values = {"National_ens", "National_doc"};
  std::vector<std::string> pupil_values = {"National_elv"};
  std::string school = "UAI";
  std::vector<std::string> classes = {"DIV", "GRO"};
  std::string given_name = "PRE";
  std::string family_name = "NOM";
  bool keep_names = false;  // store the full name of teachers and pupils (off: initial only)

  // As stored (a JSON object with these keys); parse fills the missing ones with defaults.
  std::string to_json() const;
  static Result<Mapping> parse(const std::string& json_text);
};

struct Division {
  std::string school;  // UAI, "" when the value names none
  std::string code;
  std::string label;
};
// A GAR class value: "CODE##LABEL", "UAI$CODE##LABEL" (a person of several schools), or a bare
// code. nullopt for an empty or overlong value.
std::optional<Division> parse_division(const std::string& value, const std::string& school);

struct Identity {
  enum class Role { kNone, kTeacher, kPupil };
  std::string subject;
  Role role = Role::kNone;
  std::vector<std::string> schools;
  std::vector<Division> divisions;
  std::string given_name;
  std::string family_name;
};

// The identity the attributes describe. `protocol_subject` is the OIDC sub or CAS user.
// Errors: unauthenticated when no subject can be read.
Result<Identity> map_identity(const Attributes& attributes, const std::string& protocol_subject,
                              const Mapping& mapping);

}  // namespace repere::sso
