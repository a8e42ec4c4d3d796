// The layout of a Repère data folder (a "library"): everything Repère stores lives here, so
// backing up this one folder backs up the library.
#pragma once

#include <filesystem>

#include "repere/core/result.h"

namespace repere {

struct DataDir {
  std::filesystem::path root;

  std::filesystem::path config() const { return root / "repere.toml"; }
  std::filesystem::path catalog() const { return root / "catalog.sqlite"; }
  std::filesystem::path media() const { return root / "media"; }  // copies made by --copy
  std::filesystem::path index() const { return root / "index"; }  // derived, rebuildable
};

// Where the data folder is when no command-line flag names it: $REPERE_DATA, else
// "./repere-data".
std::filesystem::path default_data_dir();

// Checks that `dir` is an initialised data folder (it holds a catalog). Errors: not_found
// saying to run `repere init`.
Status check_data_dir(const DataDir& dir);

}  // namespace repere
