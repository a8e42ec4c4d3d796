#include "repere/core/data_dir.h"

#include <cstdlib>

namespace repere {

std::filesystem::path default_data_dir() {
  const char* env = std::getenv("REPERE_DATA");
  if (env != nullptr && *env != '\0') return env;
  return "repere-data";
}

Status check_data_dir(const DataDir& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir.root, ec)) {
    return Status::not_found("no data folder at " + dir.root.string() +
                             ": create one with `repere init " + dir.root.string() + "`");
  }
  if (!std::filesystem::exists(dir.catalog(), ec)) {
    return Status::not_found(dir.root.string() + " is not a Repère data folder (no " +
                             dir.catalog().filename().string() + "): run `repere init " +
                             dir.root.string() + "`");
  }
  return Status::ok();
}

}  // namespace repere
