// LTI Names and Role Provisioning Services 2.0: the learners of the platform course that an
// LTI class stands for, read when its teacher opens the class's results and never stored, so
// that she sees who has not started yet. Their names stay on the platform.
#pragma once

#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/lti/registry.h"
#include "repere/lti/services.h"

namespace repere::lti {

struct RosterMember {
  std::string name;       // as the platform gives it; "" when it shares none
  bool joined = false;    // launched it: a pupil of the class here
  std::string pseudonym;  // hers in the class, when joined
};

struct Roster {
  std::string platform;                // its name, or its issuer
  std::vector<RosterMember> learners;  // the active learners, in the platform's order
};

// The roster of class `class_id` of kind "activite" (class_share) or "cours" (course_class).
// Errors: not_found (the class was not made by a launch, or no launch gave the roster's
// address), unavailable (the platform did not answer, or refused).
Result<Roster> roster(catalog::Database& db, const KeyPair& key, const std::string& kind,
                      Id class_id, std::int64_t now, const Poster& post, const Getter& get);

}  // namespace repere::lti
