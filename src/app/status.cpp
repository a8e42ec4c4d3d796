// repere status: counts by kind and state, failures with their messages, sizes on disk.
#include <nlohmann/json.hpp>

#include <iomanip>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "repere/catalog/database.h"
#include "repere/catalog/summary.h"
#include "repere/core/config.h"
#include "repere/core/data_dir.h"
#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/core/version.h"
#include "repere/index/library.h"

namespace repere::app {
namespace {

using nlohmann::json;

struct Sizes {
  std::uint64_t catalog = 0;  // the database with its write-ahead log
  std::uint64_t index = 0;
  int index_generation = 0;  // 0: nothing indexed yet
  std::uint64_t media = 0;
};

Sizes measure(const DataDir& dir) {
  Sizes s;
  const std::string db = dir.catalog().string();
  s.catalog = disk_usage(db) + disk_usage(db + "-wal") + disk_usage(db + "-shm");
  s.index = disk_usage(dir.index());
  const auto generation = index::current_generation(dir.index());
  if (generation.is_ok() && generation->has_value()) s.index_generation = (*generation)->number;
  s.media = disk_usage(dir.media());
  return s;
}

std::string human_size(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  std::ostringstream out;
  out << std::fixed << std::setprecision(unit == 0 ? 0 : 1) << value << " " << kUnits[unit];
  return out.str();
}

json counts_json(const catalog::Counts& counts) {
  json out = json::object();
  for (const auto& [name, n] : counts) out[name] = n;
  return out;
}

json to_json(const DataDir& dir, const catalog::CatalogSummary& s, const Sizes& sizes) {
  json failures = json::array();
  for (const auto& f : s.failures) {
    failures.push_back({{"path", f.path},
                        {"stage", f.stage},
                        {"error", f.error},
                        {"content_id", f.content_id ? json(*f.content_id) : json(nullptr)},
                        {"title", f.title},
                        {"attempts", f.attempts}});
  }
  json warnings = json::array();
  for (const auto& w : s.warnings) {
    warnings.push_back({{"content_id", w.content_id}, {"title", w.title}, {"message", w.message}});
  }
  return {
      {"data_dir", std::filesystem::absolute(dir.root).string()},
      {"repere_version", std::string(version())},
      {"schema_version", s.schema_version},
      {"collections", s.collections},
      {"contents",
       {{"total", s.contents},
        {"by_kind", counts_json(s.contents_by_kind)},
        {"by_status", counts_json(s.contents_by_status)}}},
      {"tracks", s.tracks},
      {"cues", s.cues},
      {"passages", s.passages},
      {"jobs", counts_json(s.jobs_by_state)},
      {"failures", failures},
      {"warnings", warnings},
      {"index",
       {{"generation", sizes.index_generation > 0 ? json(sizes.index_generation) : json(nullptr)}}},
      {"sizes",
       {{"catalog_bytes", sizes.catalog},
        {"index_bytes", sizes.index},
        {"media_bytes", sizes.media}}}};
}

std::string counts_text(const catalog::Counts& counts) {
  if (counts.empty()) return "none";
  std::string out;
  for (const auto& [name, n] : counts) {
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + name;
  }
  return out;
}

// The first warnings in full, then how many more (`--json` lists them all).
void print_warnings(std::ostream& out, const std::vector<catalog::Warning>& warnings) {
  constexpr std::size_t kShown = 20;
  if (warnings.empty()) {
    out << "Warnings  none\n";
    return;
  }
  out << "Warnings  " << warnings.size() << " (the contents are searchable; check them)\n";
  for (std::size_t i = 0; i < warnings.size() && i < kShown; ++i) {
    out << "  #" << warnings[i].content_id << " " << text::escape_control(warnings[i].message)
        << "\n";
  }
  if (warnings.size() > kShown) {
    out << "  ... and " << warnings.size() - kShown << " more: `repere status --json`\n";
  }
}

void print_text(std::ostream& out, const DataDir& dir, const catalog::CatalogSummary& s,
                const Sizes& sizes) {
  out << "Library   " << std::filesystem::absolute(dir.root).string() << " (catalog schema "
      << s.schema_version << ", repere " << version() << ")\n";
  out << "Contents  " << s.contents << " (" << counts_text(s.contents_by_kind) << ")\n";
  out << "Status    " << counts_text(s.contents_by_status) << "\n";
  out << "Text      " << s.tracks << " tracks, " << s.cues << " cues, " << s.passages
      << " passages\n";
  out << "Jobs      " << counts_text(s.jobs_by_state) << "\n";
  if (sizes.index_generation > 0) {
    out << "Index     generation " << sizes.index_generation << "\n";
  } else {
    out << "Index     none yet: run `repere reindex`\n";
  }
  out << "Disk      catalog " << human_size(sizes.catalog) << ", index " << human_size(sizes.index)
      << ", media copies " << human_size(sizes.media) << "\n";
  print_warnings(out, s.warnings);
  if (s.failures.empty()) {
    out << "Failures  none\n";
    return;
  }
  out << "Failures  " << s.failures.size() << " (retry with `repere ingest --retry-failed`)\n";
  for (const auto& f : s.failures) {
    // Names and errors come from files: escaped, so that a newline or an escape sequence in a
    // file name cannot fake a line of this report.
    out << "  " << text::escape_control(f.path.empty() ? f.title : f.path) << " [" << f.stage
        << "]: " << text::escape_control(f.error) << "\n";
  }
}

Status status(const StatusOptions& options, std::ostream& out) {
  const DataDir dir{options.common.data_dir};
  REPERE_RETURN_IF_ERROR(check_data_dir(dir));
  REPERE_RETURN_IF_ERROR(
      load_config(
          {.data_dir = dir.root, .env = repere_environment(), .overrides = options.common.settings})
          .status());
  REPERE_ASSIGN_OR_RETURN(auto db, catalog::Database::open(dir.catalog(), {.read_only = true}));
  REPERE_ASSIGN_OR_RETURN(const catalog::CatalogSummary summary, catalog::summarize(*db));
  const Sizes sizes = measure(dir);
  if (options.json) {
    out << to_json(dir, summary, sizes).dump(2) << "\n";
  } else {
    print_text(out, dir, summary, sizes);
  }
  return Status::ok();
}

}  // namespace

int run_status(const StatusOptions& options, Io io) {
  const Status s = status(options, io.out);
  if (!s.is_ok()) {
    io.err << "repere status: " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace repere::app
