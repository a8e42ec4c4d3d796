// `repere gar-notice`: the ScoLOMFR notice that declares this instance to the GAR.
#include <ostream>

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

}  // namespace

int run_gar_notice(const GarNoticeOptions& options, Io io) {
  const Status s = gar_notice_command(options, io.out);
  if (s.is_ok()) return kExitOk;
  io.err << "repere gar-notice: " << s.message() << "\n";
  return kExitFailure;
}

}  // namespace repere::app
