#include "repere/index/engine.h"

#include <xapian.h>

namespace repere::index {

std::string xapian_version() { return Xapian::version_string(); }

}  // namespace repere::index
