// The sso module's tables in the catalog: the identity providers and how their attributes
// map, logins in progress, CAS tickets used, the people who arrived (an opaque subject, never a
// full name unless the operator asks), their ENT classes (divisions and groups), the Repère
// classes teachers shared with those, and the seats pupils took there.
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::sso {

const catalog::ModuleSchema& schema();

}  // namespace repere::sso
