// Who a sign-on brings, in Repère's terms, and where they land. A school's ENT class (UAI and
// code) is one class whichever provider or protocol names it. A teacher (or documentalist)
// becomes a Repère teacher account, made on first arrival; her ENT classes are recorded, and
// she may share an activity or a course with one: that makes the Repère class of it. A pupil
// has no account: she is her provider's opaque subject, a session for the /ent pages, and,
// in each class shared with her ENT class, a pupil with a pseudonym (first name's initial and
// a number) — no code to type, no name stored unless the operator asks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repere/auth/accounts.h"
#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/sso/identity.h"
#include "repere/sso/providers.h"

namespace repere::sso {

using Id = std::int64_t;

struct Arrival {
  Id person_id = 0;
  Identity::Role role = Identity::Role::kNone;
  std::optional<auth::User> teacher;  // for a teacher
  std::string pupil_session;          // for a pupil: the /ent session token (8 hours)
};

// Records the person (and her ENT classes, replacing the previous ones) and makes what she
// needs. Errors: permission_denied (a role the mapping does not know, or a disabled account).
Result<Arrival> arrive(catalog::Database& db, const Provider& p, const Identity& who,
                       std::int64_t now);

// A pupil's session. Errors: unauthenticated (unknown or expired).
Result<Id> pupil_of_session(catalog::Database& db, const std::string& token, std::int64_t now);
Status end_pupil_session(catalog::Database& db, const std::string& token);

struct DivisionView {
  Id id = 0;
  std::string provider;  // the provider's name, for a class without a school ("" otherwise)
  std::string school;
  std::string code;
  std::string label;
};
// The ENT classes of a person (pupil) or of a teacher's account.
Result<std::vector<DivisionView>> divisions_of_person(catalog::Database& db, Id person_id);
Result<std::vector<DivisionView>> divisions_of_user(catalog::Database& db, Id user_id);

struct ClassLink {
  Id division_id = 0;
  std::string kind;  // "activite" | "cours"
  Id target_id = 0;  // the activity or course
  Id class_id = 0;
  std::string title;  // of the activity or course
};
// What was shared with these divisions.
Result<std::vector<ClassLink>> links_of(catalog::Database& db, const std::vector<Id>& divisions);

// Shares activity or course `target_id` (kind "activite" | "cours") with a division of the
// teacher `user_id`: makes its Repère class, named after the division. Sharing again returns
// the same link. Errors: permission_denied (not her division, not her activity or course),
// not_found, invalid_argument (a course that is not published).
Result<ClassLink> share_with_division(catalog::Database& db, Id user_id, Id division_id,
                                      const std::string& kind, Id target_id, std::int64_t now);

struct Seat {
  std::string code;   // the class's share code: the pupil's page is /classe/CODE
  std::string token;  // the pupil's new secret token (her browser's cookie for that page)
};
// The pupil person `person_id` is in a linked class (made on her first visit, with her
// pseudonym), with a new token. Errors: permission_denied (the class is not shared with her
// ENT classes), not_found.
Result<Seat> take_seat(catalog::Database& db, Id person_id, const std::string& kind, Id class_id);

}  // namespace repere::sso
