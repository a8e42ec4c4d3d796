#include "repere/lti/schema.h"

#include <string_view>

namespace repere::lti {
namespace {

// Version 1. Times are UTC seconds since the epoch. Rows name other modules' rows by id
// (user_account, class_share, pupil) without foreign keys: those tables are not this module's.
constexpr std::string_view kTables = R"sql(
CREATE TABLE lti_platform (
  id           INTEGER PRIMARY KEY,
  issuer       TEXT NOT NULL,
  client_id    TEXT NOT NULL,
  name         TEXT NOT NULL DEFAULT '',
  auth_url     TEXT NOT NULL,
  token_url    TEXT NOT NULL DEFAULT '',
  jwks_url     TEXT NOT NULL,
  jwks         TEXT NOT NULL DEFAULT '',
  jwks_fetched INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (issuer, client_id)
);
CREATE TABLE lti_deployment (
  platform_id   INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL,
  PRIMARY KEY (platform_id, deployment_id)
);
-- The tool's RSA keys: the newest signs; a retired one stays in the published key set for a
-- day, so that what it signed can still be checked.
CREATE TABLE lti_key (
  kid         TEXT PRIMARY KEY,
  private_pem TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
-- Third-party logins begun and not yet launched: the state (its SHA-256) and the nonce sent.
CREATE TABLE lti_login (
  state_hash  TEXT PRIMARY KEY,
  nonce       TEXT NOT NULL,
  platform_id INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL
);
-- Nonces of launches accepted, kept until their token expires: a replay is refused.
CREATE TABLE lti_nonce (
  platform_id INTEGER NOT NULL,
  nonce       TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (platform_id, nonce)
);
CREATE TABLE lti_account (
  platform_id INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  sub         TEXT NOT NULL,
  user_id     INTEGER NOT NULL,
  PRIMARY KEY (platform_id, sub)
);
-- A platform's course (LTI context) given one interactive video ("activite:4") or course
-- ("cours:3"): a Repère class of it (class_share or course_class).
CREATE TABLE lti_class (
  platform_id INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  context_id  TEXT NOT NULL,
  target      TEXT NOT NULL,
  class_id    INTEGER NOT NULL,
  PRIMARY KEY (platform_id, context_id, target)
);
-- A learner of a platform in one such class (kind "activite": a pupil row; "cours": a
-- course_pupil row), and the line item her score goes to.
CREATE TABLE lti_pupil (
  platform_id INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  sub         TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('activite', 'cours')),
  class_id    INTEGER NOT NULL,
  pupil_id    INTEGER NOT NULL,
  lineitem    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (platform_id, sub, kind, class_id),
  UNIQUE (kind, pupil_id)
);
-- A deep-linking request being answered: where to send the choice, and for whom.
CREATE TABLE lti_deep_link (
  token_hash    TEXT PRIMARY KEY,
  platform_id   INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL,
  user_id       INTEGER NOT NULL,
  return_url    TEXT NOT NULL,
  data          TEXT NOT NULL DEFAULT '',
  multiple      INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL
);
-- Scores to post to line items (Assignment and Grade Services). A row is never deleted: sent
-- ones keep when; failed ones when to try again and why.
CREATE TABLE lti_score (
  id          INTEGER PRIMARY KEY,
  platform_id INTEGER NOT NULL REFERENCES lti_platform(id) ON DELETE CASCADE,
  lineitem    TEXT NOT NULL,
  body        TEXT NOT NULL CHECK (json_valid(body)),
  created_at  INTEGER NOT NULL,
  tries       INTEGER NOT NULL DEFAULT 0,
  next_try    INTEGER NOT NULL DEFAULT 0,
  sent_at     INTEGER,
  superseded  INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lti_score_due ON lti_score(next_try) WHERE sent_at IS NULL AND superseded = 0;
)sql";

// Version 2. The context's Names and Role Provisioning Services URL, from its latest launch
// ('': none), so that the class's results can show the platform's roster.
constexpr std::string_view kRoster = R"sql(
ALTER TABLE lti_class ADD COLUMN memberships_url TEXT NOT NULL DEFAULT '';
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "lti",
      {{1, "platforms, keys, launches, deep links, score queue", kTables},
       {2, "the roster's address of a platform's class", kRoster}}};
  return kSchema;
}

}  // namespace repere::lti
