// The `repere` subcommands, as functions of plain options, so tests can call them directly.
// Each returns the process exit code (see docs/cli.md) and writes only to the given streams.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/config.h"
#include "repere/core/data_dir.h"
#include "repere/index/embedder.h"
#include "repere/ingest/pipeline.h"
#include "repere/search/search.h"

namespace repere::app {

// Exit codes, documented in docs/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;        // the command could not do its work
inline constexpr int kExitUsage = 2;          // bad command line
inline constexpr int kExitMissingDeps = 3;    // doctor: a required dependency is missing
inline constexpr int kExitSomeFailed = 4;     // ingest: done, but some files failed
inline constexpr int kExitInterrupted = 130;  // interrupted by Ctrl-C or SIGTERM; run again

struct Io {
  std::ostream& out;
  std::ostream& err;
};

struct CommonOptions {
  std::filesystem::path data_dir;               // resolved: flag, $REPERE_DATA or default
  std::map<std::string, std::string> settings;  // --set key=value overrides
};

// The configuration's embeddings.* settings, as the index and search take them.
index::EmbeddingSettings embedding_settings(const Config& config);
// How search opens a library: embeddings settings and the thesaurus, when it is there.
search::SearcherOptions searcher_options(const Config& config);

struct InitOptions {
  CommonOptions common;
  std::string admin;            // creates this first administrator (if there is none yet)
  bool password_stdin = false;  // its password from standard input; else one is made, printed
};

struct StatusOptions {
  CommonOptions common;
  bool json = false;
};

// `repere gar-notice`: name and description of the instance (default: oai.repository_name and
// a sentence made from it); its URL is web.public_url.
struct GarNoticeOptions {
  CommonOptions common;
  std::string name, description;
};

// `repere harvest URL`: the partner's OAI-PMH endpoint, the format (repere, lom, oai_dc), a
// set, a start date ("" : since the last complete harvest), or everything again.
struct HarvestCommandOptions {
  CommonOptions common;
  std::string url, prefix = "repere", set, from;
  bool full = false;
};

// `repere lti ACTION`: platforms registered with this LTI 1.3 tool (add, list, remove), the
// tool's keys (rotate-key) and addresses (tool), and the queue of scores (scores).
struct LtiCommandOptions {
  CommonOptions common;
  std::string action;  // add, list, remove, rotate-key, tool, scores
  std::string issuer, client_id, name, auth_url, token_url, jwks_url;
  std::vector<std::string> deployments;
  std::int64_t id = 0;  // remove
};

// `repere sso ACTION`: the identity providers people sign on with (add-oidc, add-cas, list,
// remove), and how each one's attributes map to roles, schools and classes.
struct SsoCommandOptions {
  CommonOptions common;
  std::string action;  // add-oidc, add-cas, add-saml, list, remove, metadata
  std::string slug, label;
  std::string discovery, issuer, client_id, client_secret, authorize_url, token_url, userinfo_url,
      jwks_url, scopes = "openid", extra_params;  // OpenID Connect
  std::string cas_url;                            // CAS
  std::string idp_metadata;                       // SAML: a file or an http(s) URL
  // The mapping ("" or empty: the GAR's defaults).
  std::string subject_attribute, role_attribute, school_attribute, given_name_attribute,
      family_name_attribute;
  std::vector<std::string> teacher_values, pupil_values, class_attributes;
  bool keep_names = false;
};

struct DoctorOptions {
  CommonOptions common;
  bool json = false;
};

struct IngestCommandOptions {
  CommonOptions common;
  std::vector<std::string> paths;
  bool copy = false;
  std::string language = "fr";
  bool language_given = false;  // --language was on the command line
  int workers = 0;
  bool retry_failed = false;
  bool transcribe = false;
};

struct ReindexOptions {
  CommonOptions common;
  bool train_embeddings = false;  // `repere train-embeddings`
  int dim = 100;
  int epoch = 0;                       // 0: as many as the text's size allows (index::TrainOptions)
  std::string objective = "skipgram";  // of the word vectors: skipgram | passages
  bool answers = false;                // answers mode: the folder has answers.jsonl
  std::filesystem::path unanswerable;  // answers mode: another domain's queries.jsonl
};

struct SearchCommandOptions {
  CommonOptions common;
  search::SearchRequest request;
  bool json = false;
};

struct ServeCommandOptions {
  CommonOptions common;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 8;
};

struct ExportH5pOptions {
  CommonOptions common;
  std::int64_t activity = 0;
  std::filesystem::path file;
};

struct EvalCommandOptions {
  std::filesystem::path dataset;
  std::string language;  // "" detects it
  bool json = false;
  int dim = 100;
  int epoch = 0;
  double ratio = 0.5;                  // of the hybrid mode
  bool misses = false;                 // moment mode: print each query that missed (on stderr)
  std::string objective = "skipgram";  // of the word vectors: skipgram | passages
  bool answers = false;                // answers mode: the folder has answers.jsonl
  std::filesystem::path unanswerable;  // answers mode: another domain's queries.jsonl
};

struct UserCommandOptions {
  CommonOptions common;
  std::string action;  // add, list, disable, enable, reset-password
  std::string login;
  std::string role;
  std::string name;
  bool password_stdin = false;
};

struct PublishOptions {
  CommonOptions common;
  std::string status;  // "published" or "retired"
  std::vector<std::int64_t> ids;
  std::string collection;
  bool all = false;  // publish: every draft and every content in review
};

// How the configuration reads files (OCR, speech, embeddings, ingest.default_state), for
// `repere ingest` and the server's uploads.
ingest::IngestOptions ingest_settings(const Config& config);

// The catalog of a data folder, opened for writing with every module's tables up to date
// (the catalog's, learn's and auth's).
Result<std::unique_ptr<catalog::Database>> open_library(const DataDir& dir);

int run_init(const InitOptions& options, Io io);
int run_user(const UserCommandOptions& options, Io io);

// `repere taxonomy import FILE.rdf...`: SKOS vocabularies into the catalog (each file in one
// transaction; a malformed one is refused with its line, the others go on); `repere taxonomy
// tree URI`: a concept and what lies under it, as an indented list; `repere taxonomy map`: the
// contents' free-text subject and level given as concepts.
struct TaxonomyCommandOptions {
  CommonOptions common;
  std::string action;  // "import", "tree", "map", "suggest" or "eval"
  std::vector<std::string> files;
  std::string uri;
  int depth = 2;
  std::vector<std::int64_t> contents;  // suggest: only these (all when empty)
};
int run_taxonomy(const TaxonomyCommandOptions& options, Io io);
// `repere courses import FILE...`: courses written as text (courses/import.h) stored as the
// institution's published model courses (« cours types »); a model of the same title is
// rebuilt, keeping its id (so teachers' copies still point to it).
struct CoursesCommandOptions {
  CommonOptions common;
  std::vector<std::string> files;
};
int run_courses_import(const CoursesCommandOptions& options, Io io);
int run_publish(const PublishOptions& options, Io io);
int run_eval(const EvalCommandOptions& options, Io io);
int run_reindex(const ReindexOptions& options, Io io);
int run_search(const SearchCommandOptions& options, Io io);
int run_serve(const ServeCommandOptions& options, Io io);
int run_status(const StatusOptions& options, Io io);
int run_doctor(const DoctorOptions& options, Io io);
int run_ingest(const IngestCommandOptions& options, Io io);
int run_export_h5p(const ExportH5pOptions& options, Io io);
int run_gar_notice(const GarNoticeOptions& options, Io io);
int run_harvest(const HarvestCommandOptions& options, Io io);
int run_lti(const LtiCommandOptions& options, Io io);
int run_sso(const SsoCommandOptions& options, Io io);

// "41.2 s of CPU for 0:12:30 of audio and video (198 s per hour read)", or, with no media,
// "41.2 s of CPU": what an ingest cost (status.cpp).
std::string cpu_text(double cpu_seconds, double media_seconds);

// Parses the command line and runs the chosen subcommand.
int run_cli(int argc, char** argv, Io io);

}  // namespace repere::app
