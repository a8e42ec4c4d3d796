#include "repere/core/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "repere/core/files.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, no header declares it

namespace repere {
namespace {

using Field = std::string Config::*;

struct Setting {
  SettingInfo info;
  Field field;
};

const std::vector<Setting>& table() {
  static const std::vector<Setting> kTable = {
      {{"log.level", "info", "trace|debug|info|warn|error|off",
        "Least severe log messages written to standard error."},
       &Config::log_level},
      {{"log.format", "human", "human|json",
        "Log lines for people, or one JSON object per line for log collectors."},
       &Config::log_format},
      {{"ocr.languages", "fra+eng", "",
        "Tesseract languages used to read scans, images and slides, joined by '+'."},
       &Config::ocr_languages},
      {{"ocr.tessdata", "", "",
        "Folder holding Tesseract's *.traineddata files; empty uses Tesseract's own default."},
       &Config::ocr_tessdata},
      {{"asr.engine", "pocketsphinx", "pocketsphinx|whisper|endpoint|none",
        "Speech recogniser for media without subtitles: pocketsphinx (built in, English), whisper "
        "(asr.whisper_cli + asr.whisper_model), endpoint (asr.endpoint) or none."},
       &Config::asr_engine},
      {{"asr.pocketsphinx_model", "/usr/share/pocketsphinx/model/en-us", "",
        "Folder of the pocketsphinx acoustic model, language model and dictionary."},
       &Config::asr_pocketsphinx_model},
      {{"asr.whisper_cli", "", "",
        "Path of whisper.cpp's whisper-cli binary; empty disables whisper."},
       &Config::asr_whisper_cli},
      {{"asr.whisper_model", "", "", "Path of the ggml model file whisper-cli loads."},
       &Config::asr_whisper_model},
      {{"asr.endpoint", "", "",
        "Base URL of an OpenAI-compatible server offering /v1/audio/transcriptions."},
       &Config::asr_endpoint},
      {{"asr.endpoint_model", "whisper-1", "", "Model name sent to the transcription endpoint."},
       &Config::asr_endpoint_model},
      {{"asr.endpoint_key", "", "",
        "API key sent to the transcription endpoint as a Bearer token; better set as "
        "REPERE_ASR_ENDPOINT_KEY than written in repere.toml."},
       &Config::asr_endpoint_key},
      {{"embeddings.vectors", "", "",
        "Pretrained fastText vectors (.bin or .vec) to use instead of training on the catalog."},
       &Config::embeddings_vectors},
      {{"embeddings.endpoint", "", "",
        "Base URL of an OpenAI-compatible server offering /v1/embeddings."},
       &Config::embeddings_endpoint},
      {{"embeddings.endpoint_model", "text-embedding-3-small", "",
        "Model name sent to the embeddings endpoint."},
       &Config::embeddings_endpoint_model},
      {{"embeddings.endpoint_key", "", "",
        "API key sent to the embeddings endpoint as a Bearer token; better set as "
        "REPERE_EMBEDDINGS_ENDPOINT_KEY than written in repere.toml."},
       &Config::embeddings_endpoint_key},
      {{"search.thesaurus", "/usr/share/mythes/th_fr_FR_v2.dat", "",
        "MyThes thesaurus whose synonyms extend French queries (Debian's mythes-fr); empty for "
        "none."},
       &Config::search_thesaurus},
      {{"search.dictionaries", "/usr/share/hunspell", "",
        "Folder of the Hunspell dictionaries fr_FR and en_US (Debian's hunspell-fr-classical, "
        "hunspell-en-us): they tell a real word the library lacks from a misspelling, and the "
        "language of a query; empty for none."},
       &Config::search_dictionaries},
      {{"answers.generation_endpoint", "", "",
        "Base URL of an OpenAI-compatible server offering /v1/chat/completions (a model server "
        "the institution chose) that rephrases answers from the passages they quote, keeping "
        "only the sentences the cited passages say; empty (the default): answers are the "
        "library's own sentences, nothing is generated."},
       &Config::answers_generation_endpoint},
      {{"answers.generation_model", "", "",
        "Model name sent to the generation endpoint, shown beside the generated text."},
       &Config::answers_generation_model},
      {{"answers.generation_key", "", "",
        "API key sent to the generation endpoint as a Bearer token; better set as "
        "REPERE_ANSWERS_GENERATION_KEY than written in repere.toml."},
       &Config::answers_generation_key},
      {{"answers.generation_timeout_seconds", "20", "",
        "Seconds the generation endpoint has to answer before the library's own sentences are "
        "shown instead."},
       &Config::answers_generation_timeout_seconds},
      {{"serve.heavy_hours", "", "",
        "Hours of the day (local time, HH:MM-HH:MM, such as 20:00-07:00) when `repere serve` "
        "reads uploads (OCR, speech recognition, learning the search vectors); outside them "
        "uploads wait. Empty: any time."},
       &Config::serve_heavy_hours},
      {{"xapi.lrs_endpoint", "", "",
        "xAPI endpoint of a Learning Record Store that receives the pupils' statements as they "
        "happen (e.g. https://lrs.example.org/xapi); empty for none."},
       &Config::xapi_lrs_endpoint},
      {{"xapi.lrs_username", "", "", "User name for the LRS (HTTP Basic authentication)."},
       &Config::xapi_lrs_username},
      {{"xapi.lrs_password", "", "",
        "Password for the LRS; better set as REPERE_XAPI_LRS_PASSWORD than written in "
        "repere.toml."},
       &Config::xapi_lrs_password},
      {{"web.public_url", "", "",
        "The address people reach Repère at (e.g. https://mediatheque.example.fr): links to "
        "copy and xAPI identifiers are made from it, never from a request's Host header; empty "
        "for http://localhost:PORT."},
       &Config::web_public_url},
      {{"web.trusted_proxies", "", "",
        "Comma-separated addresses of reverse proxies (e.g. 127.0.0.1) whose X-Forwarded-For "
        "and X-Forwarded-Proto headers are believed; empty: nobody's."},
       &Config::web_trusted_proxies},
      {{"web.frame_ancestors", "", "",
        "Sites whose pages may frame Repère's pupil and reading pages (the player of a class, "
        "contents, search), space-separated origins such as https://ent.example.fr "
        "https://*.moodle.example.org; empty: no site may. Staff pages are never framed."},
       &Config::web_frame_ancestors},
      {{"web.max_connections_per_address", "256", "",
        "Connections one client address may hold open at once (a school behind one address "
        "needs many)."},
       &Config::web_max_connections_per_address},
      {{"web.secure_cookies", "auto", "auto|always|never",
        "Mark the session cookie Secure: auto does when the request came over HTTPS (directly "
        "or, from a trusted proxy, by X-Forwarded-Proto); always for a site only served over "
        "HTTPS."},
       &Config::web_secure_cookies},
      {{"web.max_upload_bytes", "4294967296", "",
        "Largest upload from the browser (/gestion/depot), in bytes; streamed to disk, never "
        "held in memory."},
       &Config::web_max_upload_bytes},
      {{"ingest.default_state", "draft", "draft|review|published",
        "Editorial status a new content takes once its text is read; only published contents "
        "reach teachers and pupils. A manifest's state column overrides it."},
       &Config::ingest_default_state},
      {{"auth.session_idle_minutes", "120", "",
        "Minutes without a request after which a staff session ends (5 to 1440)."},
       &Config::auth_session_idle_minutes},
      {{"oai.repository_name", "Repère", "",
        "The name harvesters of the OAI-PMH endpoint (/oai) see for this library."},
       &Config::oai_repository_name},
      {{"oai.admin_email", "", "",
        "The address the OAI-PMH endpoint gives harvesters to write to; empty: "
        "webmaster@ the host of web.public_url."},
       &Config::oai_admin_email},
      {{"oai.page_size", "100", "",
        "Records (or identifiers) per OAI-PMH answer before its resumption token (1 to 1000)."},
       &Config::oai_page_size},
      {{"oai.partners", "", "",
        "Other catalogues that `repere serve` harvests (OAI-PMH), comma-separated, each "
        "\"URL\" or \"URL PREFIX\" (repere, lom, oai_dc), e.g. https://a.example.fr/oai."},
       &Config::oai_partners},
      {{"oai.harvest_minutes", "1440", "",
        "How often `repere serve` harvests the partners, in minutes (1 to 525600)."},
       &Config::oai_harvest_minutes},
  };
  return kTable;
}

const Setting* find_setting(std::string_view key) {
  for (const Setting& s : table()) {
    if (s.info.key == key) return &s;
  }
  return nullptr;
}

bool allowed(std::string_view allowed_values, std::string_view value) {
  if (allowed_values.empty()) return true;
  std::size_t start = 0;
  while (start <= allowed_values.size()) {
    const std::size_t bar = std::min(allowed_values.find('|', start), allowed_values.size());
    if (allowed_values.substr(start, bar - start) == value) return true;
    start = bar + 1;
  }
  return false;
}

std::string location(const toml::source_region& where) {
  std::ostringstream out;
  out << "repere.toml:" << where.begin.line << ":" << where.begin.column;
  return out.str();
}

// Flattens one TOML table into dotted keys and applies each to `config`.
Status apply_table(Config& config, const toml::table& tbl, const std::string& prefix) {
  for (const auto& [name, node] : tbl) {
    const std::string key =
        prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    if (const toml::table* sub = node.as_table()) {
      REPERE_RETURN_IF_ERROR(apply_table(config, *sub, key));
      continue;
    }
    std::string value;
    if (const auto* s = node.as_string()) {
      value = s->get();
    } else if (const auto* i = node.as_integer()) {
      value = std::to_string(i->get());
    } else if (const auto* b = node.as_boolean()) {
      value = b->get() ? "true" : "false";
    } else {
      return Status::invalid_argument(location(node.source()) + ": setting '" + key +
                                      "' must be a string");
    }
    REPERE_RETURN_IF_ERROR(set_setting(config, key, value).with_context(location(node.source())));
  }
  return Status::ok();
}

Status apply_toml_file(Config& config, const std::filesystem::path& path) {
  REPERE_ASSIGN_OR_RETURN(std::string text, read_file(path));
  try {
    const toml::table tbl = toml::parse(text, path.string());
    return apply_table(config, tbl, "");
  } catch (const toml::parse_error& err) {
    return Status::invalid_argument(location(err.source()) + ": " + std::string(err.description()));
  }
}

}  // namespace

const std::vector<SettingInfo>& settings() {
  static const std::vector<SettingInfo> kInfos = [] {
    std::vector<SettingInfo> out;
    for (const Setting& s : table()) out.push_back(s.info);
    return out;
  }();
  return kInfos;
}

std::string env_name(std::string_view key) {
  std::string out = "REPERE_";
  for (char c : key) {
    out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

Status set_setting(Config& config, std::string_view key, std::string_view value) {
  const Setting* s = find_setting(key);
  if (s == nullptr) {
    return Status::invalid_argument("unknown setting '" + std::string(key) +
                                    "' (see docs/config.md for the list)");
  }
  if (!allowed(s->info.allowed, value)) {
    return Status::invalid_argument("setting '" + std::string(key) + "' is '" + std::string(value) +
                                    "', expected one of " + std::string(s->info.allowed));
  }
  config.*(s->field) = std::string(value);
  return Status::ok();
}

std::string get_setting(const Config& config, std::string_view key) {
  const Setting* s = find_setting(key);
  return s == nullptr ? std::string() : config.*(s->field);
}

Result<Config> load_config(const ConfigSources& sources) {
  Config config;
  config.data_dir = sources.data_dir;
  const std::filesystem::path toml_path = sources.data_dir / "repere.toml";
  std::error_code ec;
  if (!sources.data_dir.empty() && std::filesystem::exists(toml_path, ec)) {
    REPERE_RETURN_IF_ERROR(apply_toml_file(config, toml_path).with_context(toml_path.string()));
  }
  for (const Setting& s : table()) {
    const auto it = sources.env.find(env_name(s.info.key));
    if (it == sources.env.end()) continue;
    REPERE_RETURN_IF_ERROR(set_setting(config, s.info.key, it->second).with_context(it->first));
  }
  for (const auto& [key, value] : sources.overrides) {
    REPERE_RETURN_IF_ERROR(set_setting(config, key, value));
  }
  return config;
}

std::map<std::string, std::string> repere_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.rfind("REPERE_", 0) != 0) continue;
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

std::string default_config_toml() {
  std::ostringstream out;
  out << "# Repère configuration. Every setting is shown at its default, commented out.\n"
         "# Uncomment a line to change it. Environment variables (REPERE_LOG_LEVEL, ...)\n"
         "# and command-line flags override this file. See docs/config.md.\n";
  std::string section;
  for (const SettingInfo& s : settings()) {
    const std::size_t dot = s.key.find('.');
    const std::string table_name(s.key.substr(0, dot));
    if (table_name != section) {
      out << "\n[" << table_name << "]\n";
      section = table_name;
    }
    out << "# " << s.description;
    if (!s.allowed.empty()) out << " One of: " << s.allowed << ".";
    out << "\n# " << s.key.substr(dot + 1) << " = \"" << s.default_value << "\"\n";
  }
  return out.str();
}

}  // namespace repere
