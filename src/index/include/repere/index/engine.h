// What the search engines linked into this build are, for `repere doctor`.
#pragma once

#include <string>

namespace repere::index {

// The Xapian library version loaded at run time, e.g. "1.4.22".
std::string xapian_version();

}  // namespace repere::index
