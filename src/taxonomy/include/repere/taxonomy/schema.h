// The taxonomy module's tables in the catalog (concepts, their labels, their broader links).
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::taxonomy {

const catalog::ModuleSchema& schema();

}  // namespace repere::taxonomy
