// repere doctor: checks every required and optional dependency, one line each, and says how
// to fix what is missing.
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "repere/catalog/database.h"
#include "repere/catalog/migrations.h"
#include "repere/core/config.h"
#include "repere/core/data_dir.h"
#include "repere/core/text.h"
#include "repere/extract/engine.h"
#include "repere/index/engine.h"
#include "repere/media/engine.h"

namespace repere::app {
namespace {

namespace fs = std::filesystem;

enum class Verdict { kOk, kMissing, kOptional };

struct Check {
  std::string name;
  Verdict verdict;
  std::string detail;  // the version found, or what is missing and how to get it
};

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "ok";
    case Verdict::kMissing: return "missing";
    case Verdict::kOptional: return "optional";
  }
  return "?";
}

Check from_status(std::string name, const Status& s, std::string ok_detail) {
  if (s.is_ok()) return {std::move(name), Verdict::kOk, std::move(ok_detail)};
  return {std::move(name), Verdict::kMissing, s.message()};
}

// ---- endpoints: a TCP connection to the URL's host and port proves it is reachable ----

struct Endpoint {
  std::string host;
  std::string port;
};

Result<Endpoint> parse_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos)
    return Status::invalid_argument("'" + url + "' is not a URL");
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::invalid_argument("'" + url + "' is neither http:// nor https://");
  }
  std::string authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find('/'));
  Endpoint e{authority, scheme == "https" ? "443" : "80"};
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    e.host = authority.substr(0, colon);
    e.port = authority.substr(colon + 1);
  }
  if (!e.host.empty() && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  if (e.host.empty()) return Status::invalid_argument("'" + url + "' names no host");
  return e;
}

bool connect_within(const addrinfo& ai, int timeout_ms) {
  const int fd =
      ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) return false;
  bool ok = ::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0;
  if (!ok && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof(err);
    ok = ::poll(&p, 1, timeout_ms) == 1 &&
         ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
  }
  ::close(fd);
  return ok;
}

Status probe_url(const std::string& url) {
  REPERE_ASSIGN_OR_RETURN(const Endpoint e, parse_url(url));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(e.host.c_str(), e.port.c_str(), &hints, &found) != 0 || found == nullptr) {
    return Status::unavailable("cannot resolve host '" + e.host + "' of " + url);
  }
  bool reached = false;
  for (addrinfo* ai = found; ai != nullptr && !reached; ai = ai->ai_next) {
    reached = connect_within(*ai, 2000);
  }
  ::freeaddrinfo(found);
  if (!reached)
    return Status::unavailable("nothing answers at " + e.host + ":" + e.port + " (" + url + ")");
  return Status::ok();
}

// ---- the checks ----

std::string find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string_view rest(path);
  while (!rest.empty()) {
    const std::size_t colon = std::min(rest.find(':'), rest.size());
    const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    rest.remove_prefix(std::min(colon + 1, rest.size()));
  }
  return {};
}

void check_engines(const Config& config, std::vector<Check>& out) {
  out.push_back({"sqlite", Verdict::kOk, catalog::sqlite_version()});
  out.push_back({"icu", Verdict::kOk, text::icu_version()});
  std::string ffmpeg;
  for (const auto& lib : media::ffmpeg_versions()) {
    ffmpeg += (ffmpeg.empty() ? "" : ", ") + lib.name + " " + lib.version;
  }
  std::string missing;
  for (const auto& feature : media::missing_ffmpeg_features()) {
    missing += (missing.empty() ? "" : ", ") + feature;
  }
  if (missing.empty()) {
    out.push_back({"ffmpeg", Verdict::kOk, ffmpeg});
  } else {
    out.push_back({"ffmpeg", Verdict::kMissing,
                   "lacks " + missing + ": install Debian's libavcodec59 and libavformat59"});
  }
  out.push_back({"poppler", Verdict::kOk, extract::poppler_version()});
  out.push_back({"tesseract", Verdict::kOk, extract::tesseract_version()});
  std::string_view langs = config.ocr_languages;
  while (!langs.empty()) {
    const std::size_t plus = std::min(langs.find('+'), langs.size());
    const std::string lang(langs.substr(0, plus));
    langs.remove_prefix(std::min(plus + 1, langs.size()));
    if (lang.empty()) continue;
    out.push_back(from_status("tesseract-" + lang,
                              extract::check_tesseract_language(config.ocr_tessdata, lang),
                              "language data loads"));
  }
  out.push_back({"xapian", Verdict::kOk, index::xapian_version()});
}

void check_asr(const Config& config, std::vector<Check>& out) {
  const Status model = extract::check_pocketsphinx_model(config.asr_pocketsphinx_model);
  if (config.asr_engine == "pocketsphinx" || model.is_ok()) {
    out.push_back(from_status("pocketsphinx", model, "model " + config.asr_pocketsphinx_model));
  } else {
    out.push_back({"pocketsphinx", Verdict::kOptional, model.message()});
  }
  const bool whisper_required = config.asr_engine == "whisper";
  if (config.asr_whisper_cli.empty()) {
    const std::string found = find_in_path("whisper-cli");
    std::string hint =
        "not configured: build whisper.cpp, then set asr.whisper_cli and "
        "asr.whisper_model";
    if (!found.empty())
      hint = "found " + found + ": set asr.whisper_cli and asr.whisper_model to use it";
    out.push_back({"whisper-cli", whisper_required ? Verdict::kMissing : Verdict::kOptional, hint});
  } else if (::access(config.asr_whisper_cli.c_str(), X_OK) != 0) {
    out.push_back(
        {"whisper-cli", Verdict::kMissing,
         "asr.whisper_cli is " + config.asr_whisper_cli + ", which is not an executable"});
  } else if (std::error_code ec; !fs::is_regular_file(config.asr_whisper_model, ec)) {
    out.push_back({"whisper-cli", Verdict::kMissing,
                   "asr.whisper_model '" + config.asr_whisper_model + "' is not a model file"});
  } else {
    out.push_back({"whisper-cli", Verdict::kOk, config.asr_whisper_cli});
  }
}

void check_endpoint(const std::string& name, const std::string& setting, const std::string& url,
                    bool required, std::vector<Check>& out) {
  if (url.empty()) {
    out.push_back({name, required ? Verdict::kMissing : Verdict::kOptional,
                   "not configured (set " + setting + ")"});
    return;
  }
  const Status reached = probe_url(url);
  out.push_back(from_status(name, reached, url + " reachable"));
}

void check_vectors(const Config& config, std::vector<Check>& out) {
  if (config.embeddings_vectors.empty()) {
    out.push_back({"vectors", Verdict::kOptional,
                   "none configured: vectors are trained on the catalog (embeddings.vectors)"});
  } else if (std::error_code ec; fs::is_regular_file(config.embeddings_vectors, ec)) {
    out.push_back({"vectors", Verdict::kOk, config.embeddings_vectors});
  } else {
    out.push_back({"vectors", Verdict::kMissing,
                   "embeddings.vectors '" + config.embeddings_vectors + "' is not a file"});
  }
}

void check_thesaurus(const Config& config, std::vector<Check>& out) {
  std::error_code ec;
  if (config.search_thesaurus.empty()) {
    out.push_back({"thesaurus", Verdict::kOptional, "none: French queries get no synonyms"});
  } else if (fs::is_regular_file(config.search_thesaurus, ec)) {
    out.push_back({"thesaurus", Verdict::kOk, config.search_thesaurus});
  } else {
    out.push_back({"thesaurus", Verdict::kOptional,
                   config.search_thesaurus +
                       " is missing: French queries get no synonyms (apt-get install mythes-fr)"});
  }
}

void check_data_folder(const DataDir& dir, std::vector<Check>& out) {
  if (!check_data_dir(dir).is_ok()) {
    out.push_back(
        {"data-folder", Verdict::kOptional,
         dir.root.string() + " is not initialised: `repere init " + dir.root.string() + "`"});
    return;
  }
  auto db = catalog::Database::open(dir.catalog(), {.read_only = true});
  if (!db.is_ok()) {
    out.push_back({"data-folder", Verdict::kMissing, db.status().message()});
    return;
  }
  const Status integrity = (*db)->check_integrity();
  out.push_back(from_status("data-folder", integrity,
                            fs::absolute(dir.root).string() + " (catalog schema " +
                                std::to_string(catalog::latest_schema_version()) + ", intact)"));
}

}  // namespace

int run_doctor(const DoctorOptions& options, Io io) {
  const DataDir dir{options.common.data_dir};
  auto config = load_config({.data_dir = check_data_dir(dir).is_ok() ? dir.root : fs::path(),
                             .env = repere_environment(),
                             .overrides = options.common.settings});
  if (!config.is_ok()) {
    io.err << "repere doctor: " << config.status().message() << "\n";
    return kExitFailure;
  }
  std::vector<Check> checks;
  check_engines(*config, checks);
  check_asr(*config, checks);
  check_endpoint("asr-endpoint", "asr.endpoint", config->asr_endpoint,
                 config->asr_engine == "endpoint", checks);
  check_endpoint("embeddings-endpoint", "embeddings.endpoint", config->embeddings_endpoint, false,
                 checks);
  check_endpoint("generation-endpoint", "answers.generation_endpoint",
                 config->answers_generation_endpoint, false, checks);
  check_vectors(*config, checks);
  check_thesaurus(*config, checks);
  check_data_folder(dir, checks);

  bool missing = false;
  nlohmann::json json = nlohmann::json::array();
  for (const Check& c : checks) {
    missing = missing || c.verdict == Verdict::kMissing;
    if (options.json) {
      json.push_back(
          {{"name", c.name}, {"verdict", verdict_name(c.verdict)}, {"detail", c.detail}});
    } else {
      io.out << std::left << std::setw(9) << verdict_name(c.verdict) << std::setw(21) << c.name
             << c.detail << "\n";
    }
  }
  if (options.json) io.out << nlohmann::json{{"checks", json}, {"ok", !missing}}.dump(2) << "\n";
  return missing ? kExitMissingDeps : kExitOk;
}

}  // namespace repere::app
