// The auth module's own tables (accounts, sessions, audit log), brought up to date by naming
// auth::schema() in catalog::OpenOptions::modules.
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::auth {

const catalog::ModuleSchema& schema();

}  // namespace repere::auth
