#include "repere/sso/schema.h"

#include <string_view>

namespace repere::sso {
namespace {

// Version 1. Times are UTC seconds since the epoch. Rows name other modules' rows by id
// (user_account, class_share, course_class, pupil, course_pupil) without foreign keys: those
// tables are not this module's.
constexpr std::string_view kTables = R"sql(
-- An identity provider: kind 'oidc', 'cas' or 'saml'. `slug` names it in URLs
-- (/sso/SLUG/...). `mapping` is a JSON object (see identity.h). The OIDC key set is cached
-- here; a SAML IdP keeps its metadata (issuer: its entityID) and this SP's key for it.
CREATE TABLE sso_provider (
  id             INTEGER PRIMARY KEY,
  slug           TEXT NOT NULL UNIQUE,
  kind           TEXT NOT NULL CHECK (kind IN ('oidc', 'cas', 'saml')),
  name           TEXT NOT NULL,
  issuer         TEXT NOT NULL DEFAULT '',
  client_id      TEXT NOT NULL DEFAULT '',
  client_secret  TEXT NOT NULL DEFAULT '',
  authorize_url  TEXT NOT NULL DEFAULT '',
  token_url      TEXT NOT NULL DEFAULT '',
  userinfo_url   TEXT NOT NULL DEFAULT '',
  jwks_url       TEXT NOT NULL DEFAULT '',
  scopes         TEXT NOT NULL DEFAULT 'openid',
  extra_params   TEXT NOT NULL DEFAULT '',
  cas_url        TEXT NOT NULL DEFAULT '',
  mapping        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(mapping)),
  idp_metadata   TEXT NOT NULL DEFAULT '',
  sp_key_pem     TEXT NOT NULL DEFAULT '',
  sp_cert_pem    TEXT NOT NULL DEFAULT '',
  jwks           TEXT NOT NULL DEFAULT '',
  jwks_fetched   INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- Logins sent to a provider and not yet back: the state (its SHA-256), the OIDC nonce and
-- PKCE verifier, where to go after. Used once; 10 minutes to come back.
CREATE TABLE sso_login (
  state_hash   TEXT PRIMARY KEY,
  provider_id  INTEGER NOT NULL REFERENCES sso_provider(id) ON DELETE CASCADE,
  nonce        TEXT NOT NULL DEFAULT '',
  verifier     TEXT NOT NULL DEFAULT '',
  return_path  TEXT NOT NULL DEFAULT '/',
  created_at   INTEGER NOT NULL
);
-- CAS tickets validated (their SHA-256), kept a day: a replayed ticket is refused even if the
-- server would accept it again.
CREATE TABLE sso_cas_ticket (
  ticket_hash TEXT PRIMARY KEY,
  used_at     INTEGER NOT NULL
);
-- SAML assertions accepted (their ID's SHA-256), kept a day: a replayed one is refused.
CREATE TABLE sso_saml_assertion (
  id_hash TEXT PRIMARY KEY,
  used_at INTEGER NOT NULL
);
-- What single logout needs of a SAML sign-on: Lasso's session, under the Repère session's
-- token (its SHA-256) that the sign-on started.
CREATE TABLE sso_saml_session (
  token_hash  TEXT PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES sso_provider(id) ON DELETE CASCADE,
  dump        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
-- A person a provider brought: `subject` is the provider's opaque identifier (GAR: IDO).
-- A teacher has a Repère account (user_id); a pupil has none. `given_initial` is what the
-- pseudonym is made of; `full_name` stays '' unless the provider's mapping keeps names.
CREATE TABLE sso_person (
  id            INTEGER PRIMARY KEY,
  provider_id   INTEGER NOT NULL REFERENCES sso_provider(id) ON DELETE CASCADE,
  subject       TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('teacher', 'pupil')),
  user_id       INTEGER,
  given_initial TEXT NOT NULL DEFAULT '',
  full_name     TEXT NOT NULL DEFAULT '',
  seen_at       INTEGER NOT NULL,
  UNIQUE (provider_id, subject)
);
-- An ENT class (GAR DIV) or group (GAR GRO). A school's class is the same whichever provider
-- (or protocol) names it: `scope` is 'uai:UAI'. A class without a school belongs to the
-- provider that named it: 'provider:ID' (and provider_id is set).
CREATE TABLE sso_division (
  id          INTEGER PRIMARY KEY,
  scope       TEXT NOT NULL,
  provider_id INTEGER REFERENCES sso_provider(id) ON DELETE CASCADE,
  school      TEXT NOT NULL DEFAULT '',
  code        TEXT NOT NULL,
  label       TEXT NOT NULL,
  UNIQUE (scope, code)
);
-- Who is in which division, as of their last login (replaced at each one).
CREATE TABLE sso_member (
  person_id   INTEGER NOT NULL REFERENCES sso_person(id) ON DELETE CASCADE,
  division_id INTEGER NOT NULL REFERENCES sso_division(id) ON DELETE CASCADE,
  PRIMARY KEY (person_id, division_id)
);
-- A Repère class (of an activity: kind 'activite', class_share; of a course: 'cours',
-- course_class) a teacher made for a division: its pupils land there.
CREATE TABLE sso_class_link (
  division_id INTEGER NOT NULL REFERENCES sso_division(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('activite', 'cours')),
  target_id   INTEGER NOT NULL,
  class_id    INTEGER NOT NULL,
  linked_by   INTEGER NOT NULL,
  linked_at   INTEGER NOT NULL,
  PRIMARY KEY (division_id, kind, target_id)
);
-- The pupil a person became in a linked class (made on her first visit).
CREATE TABLE sso_seat (
  person_id INTEGER NOT NULL REFERENCES sso_person(id) ON DELETE CASCADE,
  kind      TEXT NOT NULL CHECK (kind IN ('activite', 'cours')),
  class_id  INTEGER NOT NULL,
  pupil_id  INTEGER NOT NULL,
  PRIMARY KEY (person_id, kind, class_id)
);
-- A pupil's ENT session (she has no account): the token's SHA-256, for the /ent pages.
CREATE TABLE sso_pupil_session (
  token_hash TEXT PRIMARY KEY,
  person_id  INTEGER NOT NULL REFERENCES sso_person(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "sso", {{1, "identity providers, logins, people, ENT classes and their links", kTables}}};
  return kSchema;
}

}  // namespace repere::sso
