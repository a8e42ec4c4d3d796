// repere export-h5p ID FILE: an interactive video as an H5P package.
#include <chrono>

#include "commands.h"
#include "repere/catalog/database.h"
#include "repere/h5p/h5p.h"

namespace repere::app {

int run_export_h5p(const ExportH5pOptions& options, Io io) {
  const DataDir dir{options.common.data_dir};
  auto db = catalog::Database::open(dir.catalog(), {.create_if_missing = false});
  if (!db.is_ok()) {
    io.err << "repere export-h5p: " << db.status().message() << "\n";
    return kExitFailure;
  }
  const auto started = std::chrono::steady_clock::now();
  const Status s = h5p::export_activity(**db, dir, options.activity, options.file);
  if (!s.is_ok()) {
    io.err << "repere export-h5p: activity " << options.activity << ": " << s.message() << "\n";
    return kExitFailure;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  io.out << "Wrote " << options.file.string() << " (H5P.InteractiveVideo 1.22) in "
         << static_cast<int>(seconds * 10) / 10.0 << " s\n";
  return kExitOk;
}

}  // namespace repere::app
