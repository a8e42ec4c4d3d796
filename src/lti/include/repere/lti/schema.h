// The lti module's tables in the catalog: registered platforms and their deployments, the
// tool's signing keys, logins in progress, used nonces, the people and classes that launches
// made, deep-linking choices in progress, and the queue of scores to send back.
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::lti {

const catalog::ModuleSchema& schema();

}  // namespace repere::lti
