// The version of this build of Repère.
#pragma once

#include <string_view>

namespace repere {

// "0.1.0": the project version from CMakeLists.txt.
std::string_view version();

}  // namespace repere
