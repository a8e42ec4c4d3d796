#include "repere/taxonomy/schema.h"

#include <string_view>

namespace repere::taxonomy {
namespace {

// Version 1: SKOS concepts. A concept is known by its URI (the vocabularies' own identifiers,
// which OAI-PMH records and other libraries share); its labels are kept by kind (pref, alt,
// hidden, or a publisher's « exact equivalent »), its broader links by URI, so that a link to a
// concept of another file, imported later or never, is kept as it is.
constexpr std::string_view kConcepts = R"sql(
CREATE TABLE concept (
  id          INTEGER PRIMARY KEY,
  uri         TEXT NOT NULL UNIQUE CHECK (length(uri) > 0),
  scheme      TEXT NOT NULL DEFAULT '',
  pref_label  TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX concept_by_scheme ON concept(scheme);
CREATE TABLE concept_label (
  concept_id INTEGER NOT NULL REFERENCES concept(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('alt', 'hidden', 'exact')),
  label      TEXT NOT NULL CHECK (length(label) > 0),
  PRIMARY KEY (concept_id, kind, label)
);
CREATE TABLE concept_broader (
  concept_uri TEXT NOT NULL,
  broader_uri TEXT NOT NULL,
  PRIMARY KEY (concept_uri, broader_uri)
);
CREATE INDEX concept_narrower ON concept_broader(broader_uri);
)sql";

// Version 2: concepts given to contents, for a purpose (the discipline, the level, a part of a
// programme), with where they come from — a person's free text mapped to the vocabulary, a
// person, or a machine's suggestion (with its score and the words that support it) — and
// whether a person confirmed or rejected it (a rejected suggestion is never made again).
constexpr std::string_view kContentConcepts = R"sql(
CREATE TABLE content_concept (
  content_id  INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
  concept_uri TEXT NOT NULL,
  purpose     TEXT NOT NULL CHECK (purpose IN ('discipline', 'level', 'programme')),
  origin      TEXT NOT NULL CHECK (origin IN ('mapped', 'person', 'machine')),
  state       TEXT NOT NULL CHECK (state IN ('suggested', 'confirmed', 'rejected')),
  score       REAL,
  evidence    TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (content_id, concept_uri, purpose)
);
CREATE INDEX content_concept_by_concept ON content_concept(concept_uri, state);
)sql";

// Version 3: the concept a machine suggests for each passage (the moments of a programme part,
// the related moments), made again with the content's suggestions; a passage cut again takes
// its suggestions with it.
constexpr std::string_view kPassageConcepts = R"sql(
CREATE TABLE passage_concept (
  passage_id  INTEGER NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
  concept_uri TEXT NOT NULL,
  score       REAL NOT NULL,
  evidence    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (passage_id, concept_uri)
);
CREATE INDEX passage_concept_by_concept ON passage_concept(concept_uri, score);
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "taxonomy",
      {{1, "SKOS concepts", kConcepts},
       {2, "concepts given to contents", kContentConcepts},
       {3, "concepts suggested for passages", kPassageConcepts}}};
  return kSchema;
}

}  // namespace repere::taxonomy
