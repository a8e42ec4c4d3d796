#include "repere/core/version.h"

namespace repere {

std::string_view version() { return REPERE_VERSION; }

}  // namespace repere
