// `repere gar-notice`: the ScoLOMFR notice that declares this instance to the GAR.
// `repere harvest URL`: another catalogue's records into this library.
#include <atomic>
#include <csignal>
#include <ostream>

#include "repere/core/files.h"
#include "repere/index/library.h"
#include "repere/oai/harvest.h"

#include "commands.h"
#include "repere/catalog/database.h"
#include "repere/oai/records.h"

namespace repere::app {

namespace {

Status gar_notice_command(const GarNoticeOptions& options, std::ostream& out) {
  const DataDir dir{options.common.data_dir};
  REPERE_RETURN_IF_ERROR(check_data_dir(dir));
  REPERE_ASSIGN_OR_RETURN(const Config config, load_config({.data_dir = dir.root,
                                                            .env = repere_environment(),
                                                            .overrides = options.common.settings}));
  const std::string url =
      config.web_public_url.empty() ? std::string("http://localhost:8080") : config.web_public_url;
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return Status::invalid_argument("web.public_url must start with http:// or https:// (it is '" +
                                    url + "')");
  const std::string name = options.name.empty() ? config.oai_repository_name : options.name;
  const std::string description =
      options.description.empty()
          ? "La médiathèque " + name +
                " : vidéos, sons, documents et images cherchés par le sens jusqu'au moment "
                "précis, vidéos interactives et cours alignés sur les programmes."
          : options.description;
  REPERE_ASSIGN_OR_RETURN(auto db, catalog::Database::open(dir.catalog(), {.read_only = true}));
  REPERE_ASSIGN_OR_RETURN(const std::string notice, oai::gar_notice(*db, url, name, description));
  out << notice;
  return Status::ok();
}

std::atomic<bool> g_harvest_stop{false};  // SIGINT/SIGTERM: a handler needs a global
extern "C" void on_harvest_signal(int) { g_harvest_stop = true; }

Status harvest_command(const HarvestCommandOptions& options, std::ostream& out, std::ostream& err) {
  const DataDir dir{options.common.data_dir};
  REPERE_ASSIGN_OR_RETURN(const Config config, load_config({.data_dir = dir.root,
                                                            .env = repere_environment(),
                                                            .overrides = options.common.settings}));
  REPERE_ASSIGN_OR_RETURN(auto db, open_library(dir));
  oai::HarvestOptions h;
  h.base_url = options.url;
  h.prefix = options.prefix;
  h.set = options.set;
  h.from = options.from;
  h.full = options.full;
  h.stop = &g_harvest_stop;
  h.progress = [&](const std::string& line) { err << "harvest: " << line << "\n"; };
  g_harvest_stop = false;
  std::signal(SIGINT, on_harvest_signal);
  std::signal(SIGTERM, on_harvest_signal);
  auto report = oai::harvest(*db, h);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!report.is_ok()) {
    // Pages already taken are kept and searchable: the index follows before the error is said.
    (void)index::update_index(*db, dir.index(), embedding_settings(config));
    return report.status();
  }
  for (const std::string& p : report->problems) err << "harvest: " << p << "\n";
  out << "Harvested « " << report->partner << " » (" << options.url << "): " << report->added
      << " added, " << report->updated << " updated, " << report->removed << " removed, "
      << report->skipped << " skipped, in " << report->pages << " answers"
      << (report->complete ? "" : "; interrupted: run it again to go on")
      << (report->complete && report->pages == 0 ? " (nothing changed since the last harvest)" : "")
      << "\n";
  auto lock = FileLock::acquire(dir.root / "ingest.lock", "an ingest is running");
  if (!lock.is_ok()) {
    out << "Search index: an ingest is running and will update it when it ends\n";
    return Status::ok();
  }
  REPERE_ASSIGN_OR_RETURN(const auto indexed,
                          index::update_index(*db, dir.index(), embedding_settings(config)));
  out << "Search index: " << indexed.contents_indexed + indexed.contents_removed
      << " contents updated\n";
  return Status::ok();
}

}  // namespace

int run_harvest(const HarvestCommandOptions& options, Io io) {
  const Status s = harvest_command(options, io.out, io.err);
  if (s.is_ok()) return g_harvest_stop ? kExitInterrupted : kExitOk;
  io.err << "repere harvest: " << s.message() << "\n";
  return kExitFailure;
}

int run_gar_notice(const GarNoticeOptions& options, Io io) {
  const Status s = gar_notice_command(options, io.out);
  if (s.is_ok()) return kExitOk;
  io.err << "repere gar-notice: " << s.message() << "\n";
  return kExitFailure;
}

}  // namespace repere::app
