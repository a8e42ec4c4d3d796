// The command-line grammar (CLI11 is included here only: it is slow to compile).
#include <CLI/CLI.hpp>

#include <ostream>

#include "commands.h"
#include "repere/core/data_dir.h"
#include "repere/core/version.h"

namespace repere::app {
namespace {

struct Parsed {
  std::string data_dir;
  std::vector<std::string> settings;  // "key=value"
  std::string init_dir;
  InitOptions init;
  bool json = false;
  IngestCommandOptions ingest;
  SearchCommandOptions search;
  EvalCommandOptions eval;
  ReindexOptions train;
  ServeCommandOptions serve;
  ExportH5pOptions h5p;
  UserCommandOptions user;
  PublishOptions publish;
  TaxonomyCommandOptions taxonomy;
  CoursesCommandOptions courses;
  GarNoticeOptions gar;
  HarvestCommandOptions harvest;
  LtiCommandOptions lti;
  SsoCommandOptions sso;
};

void add_common(CLI::App& cmd, Parsed& p) {
  cmd.add_option("--data", p.data_dir,
                 "Data folder of the library (default: $REPERE_DATA, else ./repere-data)");
  cmd.add_option("--set", p.settings,
                 "Override a setting for this run, e.g. --set log.level=debug (repeatable)")
      ->type_name("KEY=VALUE");
}

Result<CommonOptions> common_options(const Parsed& p, const std::string& positional_dir) {
  CommonOptions c;
  c.data_dir = !positional_dir.empty() ? std::filesystem::path(positional_dir)
               : !p.data_dir.empty()   ? std::filesystem::path(p.data_dir)
                                       : default_data_dir();
  for (const std::string& kv : p.settings) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::invalid_argument("--set expects KEY=VALUE, got '" + kv + "'");
    }
    c.settings[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return c;
}

}  // namespace

int run_cli(int argc, char** argv, Io io) {
  CLI::App app{
      "Repère: search a library of lectures, documents and images by meaning, "
      "down to the moment, and teach from it."};
  app.name("repere");
  app.set_version_flag("--version", std::string(version()));
  app.require_subcommand(1);
  Parsed p;

  CLI::App* init = app.add_subcommand("init", "Create a data folder (or upgrade an existing one)");
  init->add_option("DIR", p.init_dir,
                   "Folder to create (default: --data, $REPERE_DATA, ./repere-data)");
  add_common(*init, p);
  init->add_option("--admin", p.init.admin,
                   "Create the first administrator with this login (a password is printed)");
  init->add_flag("--password-stdin", p.init.password_stdin,
                 "With --admin: read the password from standard input");

  CLI::App* status = app.add_subcommand("status", "Show what the library holds and what failed");
  add_common(*status, p);
  status->add_flag("--json", p.json, "Print one JSON object instead of text");

  CLI::App* doctor = app.add_subcommand("doctor", "Check every required and optional dependency");
  add_common(*doctor, p);
  doctor->add_flag("--json", p.json, "Print one JSON object instead of text");

  CLI::App* ingest = app.add_subcommand(
      "ingest", "Import files and folders, read their text, cut it into passages");
  ingest->add_option("PATH", p.ingest.paths, "Files and folders (read recursively)");
  add_common(*ingest, p);
  ingest->add_flag("--copy", p.ingest.copy,
                   "Copy the files into the data folder (default: reference them in place)");
  ingest->add_option("--language", p.ingest.language,
                     "Language of contents whose files do not say (default: fr)");
  ingest->add_option("--workers", p.ingest.workers, "Extraction threads (default: one per core)")
      ->check(CLI::Range(0, 64));
  ingest->add_flag("--retry-failed", p.ingest.retry_failed, "Try the failed files again");
  ingest->add_flag("--transcribe", p.ingest.transcribe,
                   "Also transcribe the speech of media that have subtitles");

  CLI::App* reindex =
      app.add_subcommand("reindex", "Rebuild the search index from the catalog, then swap it in");
  add_common(*reindex, p);

  CLI::App* train = app.add_subcommand(
      "train-embeddings",
      "Learn word vectors from the library's passages (fastText), then reindex with them");
  add_common(*train, p);
  train->add_option("--dim", p.train.dim, "Vector size (default 100)")->check(CLI::Range(16, 300));
  train
      ->add_option("--epoch", p.train.epoch,
                   "Passes over the text (default: 10 for skipgram, up to 100 for passages; "
                   "fewer for a big library)")
      ->check(CLI::Range(1, 100));
  train
      ->add_option("--objective", p.train.objective,
                   "What the word vectors learn: skipgram (the words around each word, the "
                   "default) or passages (which passage a sentence comes from)")
      ->check(CLI::IsMember({"skipgram", "passages"}));

  CLI::App* h5p = app.add_subcommand(
      "export-h5p", "Write an interactive video as an H5P package (H5P.InteractiveVideo 1.22)");
  add_common(*h5p, p);
  h5p->add_option("ID", p.h5p.activity, "The activity's number")->required();
  h5p->add_option("FILE", p.h5p.file, "The .h5p file to write")->required();

  CLI::App* search = app.add_subcommand("search", "Search the library; print contents and moments");
  search::SearchRequest& rq = p.search.request;
  search->add_option("QUERY", rq.query, "What to look for")->required();
  add_common(*search, p);
  search->add_flag("--json", p.search.json, "Print the JSON the web API serves");
  search->add_option("--limit", rq.limit, "Contents per page (default 10)")
      ->check(CLI::Range(1, 100));
  search->add_option("--offset", rq.offset, "Contents to skip (paging)")
      ->check(CLI::Range(0, 10000));
  search
      ->add_option("--ratio", rq.semantic_ratio,
                   "0: match words only; 1: meaning only (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  search->add_option("--moments", rq.moments_per_content, "Moments per content (default 3)")
      ->check(CLI::Range(1, 20));
  search->add_option("--kind", rq.filters.kinds,
                     "Only this kind: video, audio, document, image, "
                     "webpage, text (repeatable)");
  search->add_option("--collection", rq.filters.collections, "Only this collection (repeatable)");
  search->add_option("--language", rq.filters.languages, "Only contents in this language");
  search->add_option("--subject", rq.filters.subjects, "Only this subject (repeatable)");
  search->add_option("--level", rq.filters.levels, "Only this level, e.g. 5e (repeatable)");
  search->add_option("--licence", rq.filters.licences, "Only this licence (repeatable)");
  search->add_option("--content", rq.filters.contents, "Only inside this content id (repeatable)");
  search->add_option("--query-language", rq.language,
                     "Language of the query: fr, en (default: told by the dictionaries, else fr)");
  search->add_flag("!--no-synonyms", rq.synonyms,
                   "Do not extend a French query with synonyms (search.thesaurus)");
  rq.include_unpublished = true;  // the operator sees every status; teachers see published
  search->add_flag("!--published-only", rq.include_unpublished,
                   "Only published contents, as teachers and pupils see them");

  CLI::App* user = app.add_subcommand("user", "Manage staff accounts (admin, curator, teacher)");
  user->require_subcommand(1);
  CLI::App* user_add = user->add_subcommand("add", "Create an account");
  user_add->add_option("LOGIN", p.user.login, "Login (letters, digits, . - _ @)")->required();
  user_add->add_option("--role", p.user.role, "admin, curator or teacher")->required();
  user_add->add_option("--name", p.user.name, "Name shown on pages");
  user_add->add_flag("--password-stdin", p.user.password_stdin,
                     "Read the password from standard input (default: make one and print it)");
  CLI::App* user_list = user->add_subcommand("list", "List the accounts");
  CLI::App* user_disable =
      user->add_subcommand("disable", "Disable an account, ending its sessions");
  user_disable->add_option("LOGIN", p.user.login, "Login")->required();
  CLI::App* user_enable = user->add_subcommand("enable", "Enable a disabled account again");
  user_enable->add_option("LOGIN", p.user.login, "Login")->required();
  CLI::App* user_reset =
      user->add_subcommand("reset-password", "Give an account a new password, ending its sessions");
  user_reset->add_option("LOGIN", p.user.login, "Login")->required();
  user_reset->add_flag("--password-stdin", p.user.password_stdin,
                       "Read the password from standard input (default: make one and print it)");
  for (CLI::App* sub : {user_add, user_list, user_disable, user_enable, user_reset})
    add_common(*sub, p);

  CLI::App* tax = app.add_subcommand("taxonomy", "The programme as data: SKOS vocabularies");
  tax->require_subcommand(1);
  CLI::App* tax_import =
      tax->add_subcommand("import", "Import SKOS vocabularies (RDF/XML), e.g. ScoLOMFR's 15.rdf");
  tax_import->add_option("FILE", p.taxonomy.files, "RDF/XML files")->required();
  add_common(*tax_import, p);
  CLI::App* tax_tree = tax->add_subcommand("tree", "Show a concept and the concepts under it");
  tax_tree->add_option("URI", p.taxonomy.uri, "The concept's URI")->required();
  tax_tree->add_option("--depth", p.taxonomy.depth, "Levels shown under it (default 2)");
  add_common(*tax_tree, p);
  CLI::App* tax_map = tax->add_subcommand(
      "map", "Give contents the concepts their subject and level name (« SVT », « 5e »)");
  add_common(*tax_map, p);
  CLI::App* tax_suggest = tax->add_subcommand(
      "suggest", "Suggest programme concepts for contents and passages (machine suggestions)");
  tax_suggest->add_option("--content", p.taxonomy.contents, "Only these contents (repeatable)");
  add_common(*tax_suggest, p);
  CLI::App* tax_eval = tax->add_subcommand(
      "eval", "Measure the suggestions against the confirmed programme concepts");
  add_common(*tax_eval, p);
  CLI::App* courses = app.add_subcommand("courses", "Courses: the institution's model courses");
  courses->require_subcommand(1);
  CLI::App* courses_import = courses->add_subcommand(
      "import", "Store courses written as text as published model courses (« cours types »)");
  courses_import->add_option("FILE", p.courses.files, "Course files")->required();
  add_common(*courses_import, p);
  CLI::App* publish = app.add_subcommand(
      "publish", "Publish contents: teachers and pupils see only published contents");
  CLI::App* retire =
      app.add_subcommand("retire", "Retire contents: nobody but curators sees them any more");
  for (CLI::App* cmd : {publish, retire}) {
    add_common(*cmd, p);
    cmd->add_option("ID", p.publish.ids, "Content numbers");
    cmd->add_option("--collection", p.publish.collection, "Every content of this collection");
  }
  publish->add_flag("--all", p.publish.all, "Every draft and every content in review");

  CLI::App* gar = app.add_subcommand(
      "gar-notice", "Print the ScoLOMFR notice that declares this library to the GAR");
  add_common(*gar, p);
  gar->add_option("--name", p.gar.name, "The resource's title (default: oai.repository_name)");
  gar->add_option("--description", p.gar.description, "What the resource offers");

  CLI::App* harvest = app.add_subcommand(
      "harvest", "Harvest another catalogue (OAI-PMH): its records become external contents");
  harvest->add_option("URL", p.harvest.url, "The partner's OAI-PMH address (https://host/oai)")
      ->required();
  add_common(*harvest, p);
  harvest
      ->add_option("--prefix", p.harvest.prefix,
                   "Format: repere (another Repère: passages with their times), lom or oai_dc")
      ->check(CLI::IsMember({"repere", "lom", "oai_dc"}));
  harvest->add_option("--oai-set", p.harvest.set,
                      "Only this OAI set (setSpec; --set is for settings)");
  harvest->add_option("--from", p.harvest.from,
                      "Records changed since this date (default: since the last complete harvest)");
  harvest->add_flag("--full", p.harvest.full, "Everything, whatever was harvested before");

  CLI::App* lti = app.add_subcommand(
      "lti", "LTI 1.3: the platforms (Moodle, ENT) that launch Repère, and the tool's keys");
  lti->require_subcommand(1);
  CLI::App* lti_add = lti->add_subcommand(
      "add-platform", "Register a platform (or add deployments to one registered)");
  lti_add->add_option("--issuer", p.lti.issuer, "The platform's issuer (Platform ID)")->required();
  lti_add->add_option("--client-id", p.lti.client_id, "What the platform calls this tool")
      ->required();
  lti_add->add_option("--name", p.lti.name, "Its name, as logs and pages show it");
  lti_add->add_option("--auth-url", p.lti.auth_url, "Its authentication request URL")->required();
  lti_add->add_option("--token-url", p.lti.token_url, "Its access token URL (grades)");
  lti_add->add_option("--jwks-url", p.lti.jwks_url, "Its public keyset URL")->required();
  lti_add->add_option("--deployment", p.lti.deployments, "A deployment id (repeatable)")
      ->required();
  CLI::App* lti_list = lti->add_subcommand("platforms", "List the registered platforms");
  CLI::App* lti_remove = lti->add_subcommand("remove-platform", "Forget a platform");
  lti_remove->add_option("ID", p.lti.id, "Its number (repere lti platforms)")->required();
  CLI::App* lti_rotate =
      lti->add_subcommand("rotate-key", "Sign with a new key (the old one stays published a day)");
  CLI::App* lti_tool = lti->add_subcommand("tool", "Print what to give a platform");
  CLI::App* lti_scores =
      lti->add_subcommand("scores", "Send the scores that are due, and say the queue");
  for (CLI::App* cmd : {lti_add, lti_list, lti_remove, lti_rotate, lti_tool, lti_scores})
    add_common(*cmd, p);

  CLI::App* sso = app.add_subcommand(
      "sso", "Single sign-on: the identity providers (GAR, ENT, académie) people sign on with");
  sso->require_subcommand(1);
  CLI::App* sso_oidc =
      sso->add_subcommand("add-oidc", "Declare (or change) an OpenID Connect provider");
  CLI::App* sso_cas = sso->add_subcommand("add-cas", "Declare (or change) a CAS 3.0 server");
  CLI::App* sso_saml =
      sso->add_subcommand("add-saml", "Declare (or change) a SAML 2.0 identity provider");
  for (CLI::App* cmd : {sso_oidc, sso_cas, sso_saml}) {
    cmd->add_option("NAME", p.sso.slug, "Its short name in URLs: /sso/NAME/connexion")->required();
    cmd->add_option("--label", p.sso.label,
                    "What the login button says: « Se connecter avec LABEL »")
        ->required();
    cmd->add_option("--subject-attribute", p.sso.subject_attribute,
                    "The attribute that identifies a person (GAR: IDO; default: the protocol's)");
    cmd->add_option("--role-attribute", p.sso.role_attribute,
                    "The profile attribute (default PRO)");
    cmd->add_option("--teacher-value", p.sso.teacher_values,
                    "A profile value that makes a teacher (repeatable; default National_ens, "
                    "National_doc)");
    cmd->add_option("--pupil-value", p.sso.pupil_values,
                    "A profile value that makes a pupil (repeatable; default National_elv)");
    cmd->add_option("--school-attribute", p.sso.school_attribute,
                    "The school attribute (default UAI)");
    cmd->add_option("--class-attribute", p.sso.class_attributes,
                    "An attribute naming classes or groups (repeatable; default DIV and GRO)");
    cmd->add_option("--given-name-attribute", p.sso.given_name_attribute,
                    "The first name attribute (default PRE)");
    cmd->add_option("--family-name-attribute", p.sso.family_name_attribute,
                    "The family name attribute (default NOM)");
    cmd->add_flag("--keep-names", p.sso.keep_names,
                  "Store pupils' full names (off: an opaque identifier and a pseudonym only)");
  }
  sso_oidc->add_option("--discovery", p.sso.discovery,
                       "The issuer, or its .well-known/openid-configuration URL");
  sso_oidc->add_option("--issuer", p.sso.issuer, "The issuer (without --discovery)");
  sso_oidc->add_option("--authorize-url", p.sso.authorize_url, "Authorization endpoint");
  sso_oidc->add_option("--token-url", p.sso.token_url, "Token endpoint");
  sso_oidc->add_option("--userinfo-url", p.sso.userinfo_url, "Userinfo endpoint (optional)");
  sso_oidc->add_option("--jwks-url", p.sso.jwks_url, "The provider's key set");
  sso_oidc->add_option("--client-id", p.sso.client_id, "What the provider calls Repère")
      ->required();
  sso_oidc->add_option("--client-secret", p.sso.client_secret, "Its secret (client_secret_post)");
  sso_oidc->add_option("--scopes", p.sso.scopes,
                       "Scopes asked for (default openid; GAR: \"openid scope.gar\")");
  sso_oidc->add_option("--extra", p.sso.extra_params,
                       "Parameters added to the request, name=value&… (GAR: idRessource=…)");
  sso_cas->add_option("--cas-url", p.sso.cas_url, "The server's base URL (…/cas)")->required();
  sso_saml
      ->add_option("--idp-metadata", p.sso.idp_metadata,
                   "The IdP's metadata: a file, or its http(s) URL")
      ->required();
  CLI::App* sso_list = sso->add_subcommand("list", "List the identity providers");
  CLI::App* sso_md =
      sso->add_subcommand("metadata", "Print this SAML service provider's metadata for an IdP");
  sso_md->add_option("NAME", p.sso.slug, "The SAML provider's short name")->required();
  CLI::App* sso_remove = sso->add_subcommand("remove", "Forget an identity provider");
  sso_remove->add_option("NAME", p.sso.slug, "Its short name")->required();
  for (CLI::App* cmd : {sso_oidc, sso_cas, sso_saml, sso_list, sso_remove, sso_md})
    add_common(*cmd, p);

  CLI::App* serve = app.add_subcommand(
      "serve", "Serve the library to browsers: pages in French and the JSON API under /api/v1");
  add_common(*serve, p);
  serve->add_option("--host", p.serve.host, "Address to listen on (default 127.0.0.1)");
  serve->add_option("--port", p.serve.port, "Port to listen on (default 8080)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--threads", p.serve.threads, "Worker threads (default 8)")
      ->check(CLI::Range(1, 256));

  CLI::App* eval = app.add_subcommand(
      "eval",
      "Measure search quality on a BEIR folder (corpus.jsonl, queries.jsonl, qrels.tsv), or "
      "moments on a folder with lectures.jsonl and queries.jsonl (scripts/make-moment-set)");
  eval->add_option("DIR", p.eval.dataset, "The BEIR folder")
      ->required()
      ->check(CLI::ExistingDirectory);
  eval->add_option("--language", p.eval.language, "Language of the corpus (default: detected)");
  eval->add_flag("--json", p.eval.json, "Print one JSON object");
  eval->add_flag("--misses", p.eval.misses,
                 "Moment mode: say, on stderr, where each missed query landed");
  eval->add_option("--dim", p.eval.dim, "Embedding size (default 100)")->check(CLI::Range(16, 300));
  eval->add_option("--epoch", p.eval.epoch,
                   "Training passes (default: 10 for skipgram, up to 100 for passages; fewer for a "
                   "big library)")
      ->check(CLI::Range(1, 100));
  eval->add_option("--ratio", p.eval.ratio, "semantic_ratio of the hybrid mode (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  eval->add_option("--objective", p.eval.objective,
                   "What the word vectors learn: skipgram (the words around each word, the "
                   "default) or passages (which passage a sentence comes from)")
      ->check(CLI::IsMember({"skipgram", "passages"}));
  eval->add_flag("--answers", p.eval.answers,
                 "Measure answers instead: token F1 and half coverage of the annotated spans "
                 "(answers.jsonl), and abstention");
  eval->add_option("--unanswerable", p.eval.unanswerable,
                   "Answers mode: the queries.jsonl of another domain, asked of the same library "
                   "(abstaining is right there)")
      ->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, io.out, io.err);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (eval->parsed()) return run_eval(p.eval, io);
  auto common = common_options(p, init->parsed() ? p.init_dir : "");
  if (!common.is_ok()) {
    io.err << "repere: " << common.status().message() << "\n";
    return kExitUsage;
  }
  if (init->parsed()) {
    p.init.common = *common;
    return run_init(p.init, io);
  }
  if (status->parsed()) return run_status({.common = *common, .json = p.json}, io);
  if (reindex->parsed()) return run_reindex({.common = *common}, io);
  if (train->parsed()) {
    p.train.common = *common;
    p.train.train_embeddings = true;
    return run_reindex(p.train, io);
  }
  if (search->parsed()) {
    p.search.common = *common;
    return run_search(p.search, io);
  }
  if (courses->parsed()) {
    p.courses.common = *common;
    return run_courses_import(p.courses, io);
  }
  if (tax->parsed()) {
    p.taxonomy.common = *common;
    p.taxonomy.action = tax_tree->parsed()      ? "tree"
                        : tax_map->parsed()     ? "map"
                        : tax_suggest->parsed() ? "suggest"
                        : tax_eval->parsed()    ? "eval"
                                                : "import";
    return run_taxonomy(p.taxonomy, io);
  }
  if (user->parsed()) {
    p.user.common = *common;
    p.user.action = user_add->parsed()       ? "add"
                    : user_list->parsed()    ? "list"
                    : user_disable->parsed() ? "disable"
                    : user_enable->parsed()  ? "enable"
                                             : "reset-password";
    return run_user(p.user, io);
  }
  if (publish->parsed() || retire->parsed()) {
    p.publish.common = *common;
    p.publish.status = publish->parsed() ? "published" : "retired";
    return run_publish(p.publish, io);
  }
  if (h5p->parsed()) {
    p.h5p.common = *common;
    return run_export_h5p(p.h5p, io);
  }
  if (harvest->parsed()) {
    p.harvest.common = *common;
    return run_harvest(p.harvest, io);
  }
  if (lti->parsed()) {
    p.lti.common = *common;
    p.lti.action = lti_add->parsed()      ? "add"
                   : lti_list->parsed()   ? "list"
                   : lti_remove->parsed() ? "remove"
                   : lti_rotate->parsed() ? "rotate-key"
                   : lti_tool->parsed()   ? "tool"
                                          : "scores";
    return run_lti(p.lti, io);
  }
  if (sso->parsed()) {
    p.sso.common = *common;
    p.sso.action = sso_oidc->parsed()   ? "add-oidc"
                   : sso_cas->parsed()  ? "add-cas"
                   : sso_saml->parsed() ? "add-saml"
                   : sso_list->parsed() ? "list"
                   : sso_md->parsed()   ? "metadata"
                                        : "remove";
    return run_sso(p.sso, io);
  }
  if (gar->parsed()) {
    p.gar.common = *common;
    return run_gar_notice(p.gar, io);
  }
  if (serve->parsed()) {
    p.serve.common = *common;
    return run_serve(p.serve, io);
  }
  if (ingest->parsed()) {
    if (p.ingest.paths.empty() && !p.ingest.retry_failed) {
      io.err << "repere ingest: name at least one file or folder (or --retry-failed)\n";
      return kExitUsage;
    }
    p.ingest.common = *common;
    p.ingest.language_given = ingest->count("--language") > 0;
    return run_ingest(p.ingest, io);
  }
  return run_doctor({.common = *common, .json = p.json}, io);
}

}  // namespace repere::app
