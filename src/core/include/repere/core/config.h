// Configuration: every setting Repère reads, with its documented default.
//
// A setting is resolved, from weakest to strongest, from: its default; the data folder's
// `repere.toml`; a `REPERE_*` environment variable (key "asr.whisper_cli" is read from
// REPERE_ASR_WHISPER_CLI); a command-line flag. The list is settings(); docs/config.md
// documents the same list and a test keeps the two in step.
// Thread safety: Config is a plain value; load_config() touches only the files it names.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere {

struct Config {
  std::filesystem::path data_dir;  // the library folder; not a setting of repere.toml itself

  std::string log_level = "info";           // log.level
  std::string log_format = "human";         // log.format
  std::string ocr_languages = "fra+eng";    // ocr.languages
  std::string ocr_tessdata;                 // ocr.tessdata
  std::string asr_engine = "pocketsphinx";  // asr.engine
  std::string asr_pocketsphinx_model =
      "/usr/share/pocketsphinx/model/en-us";                           // asr.pocketsphinx_model
  std::string asr_whisper_cli;                                         // asr.whisper_cli
  std::string asr_whisper_model;                                       // asr.whisper_model
  std::string asr_endpoint;                                            // asr.endpoint
  std::string asr_endpoint_model = "whisper-1";                        // asr.endpoint_model
  std::string asr_endpoint_key;                                        // asr.endpoint_key
  std::string embeddings_vectors;                                      // embeddings.vectors
  std::string embeddings_endpoint;                                     // embeddings.endpoint
  std::string embeddings_endpoint_model = "text-embedding-3-small";    // embeddings.endpoint_model
  std::string embeddings_endpoint_key;                                 // embeddings.endpoint_key
  std::string search_thesaurus = "/usr/share/mythes/th_fr_FR_v2.dat";  // search.thesaurus
  std::string search_dictionaries = "/usr/share/hunspell";             // search.dictionaries
  std::string answers_generation_endpoint;                // answers.generation_endpoint
  std::string answers_generation_model;                   // answers.generation_model
  std::string answers_generation_key;                     // answers.generation_key
  std::string answers_generation_timeout_seconds = "20";  // answers.generation_timeout_seconds
  std::string serve_heavy_hours;                          // serve.heavy_hours
  std::string xapi_lrs_endpoint;                          // xapi.lrs_endpoint
  std::string xapi_lrs_username;                          // xapi.lrs_username
  std::string xapi_lrs_password;                          // xapi.lrs_password
  std::string web_public_url;                             // web.public_url
  std::string web_trusted_proxies;                        // web.trusted_proxies
  std::string web_frame_ancestors;                        // web.frame_ancestors
  std::string web_max_connections_per_address = "256";    // web.max_connections_per_address
  std::string ingest_default_state = "draft";             // ingest.default_state
  std::string auth_session_idle_minutes = "120";          // auth.session_idle_minutes
  std::string web_secure_cookies = "auto";                // web.secure_cookies
  std::string web_max_upload_bytes = "4294967296";        // web.max_upload_bytes
  std::string oai_repository_name = "Repère";             // oai.repository_name
  std::string oai_admin_email;                            // oai.admin_email
  std::string oai_page_size = "100";                      // oai.page_size
  std::string oai_partners;                               // oai.partners
  std::string oai_harvest_minutes = "1440";               // oai.harvest_minutes
};

struct SettingInfo {
  std::string_view key;            // "asr.whisper_cli"
  std::string_view default_value;  // as written in repere.toml
  std::string_view allowed;        // "" (any text) or "a|b|c"
  std::string_view description;    // one sentence, for docs and the generated repere.toml
};

// Every setting, in the order of the generated repere.toml.
const std::vector<SettingInfo>& settings();

// The environment variable that overrides `key`: "log.level" -> "REPERE_LOG_LEVEL".
std::string env_name(std::string_view key);

// Sets `key` to `value` after checking it against the setting's allowed values.
// Errors: invalid_argument naming the key for an unknown key or a value not allowed.
Status set_setting(Config& config, std::string_view key, std::string_view value);

// The current value of `key` in `config`; empty for an unknown key.
std::string get_setting(const Config& config, std::string_view key);

struct ConfigSources {
  std::filesystem::path data_dir;                // repere.toml is read from here, if present
  std::map<std::string, std::string> env;        // variables as name -> value (REPERE_* used)
  std::map<std::string, std::string> overrides;  // from flags, key -> value
};

// Resolves the configuration. Errors: invalid_argument with "repere.toml:LINE:COL" for a TOML
// syntax error, an unknown key or a bad value; the environment variable's name for a bad
// value there; io_error when repere.toml exists but cannot be read.
Result<Config> load_config(const ConfigSources& sources);

// The process's REPERE_* environment variables.
std::map<std::string, std::string> repere_environment();

// The text of a fresh repere.toml: every setting commented out at its default, with its
// description, so an operator sees what can be set.
std::string default_config_toml();

}  // namespace repere
