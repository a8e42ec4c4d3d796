#include "repere/oai/schema.h"

#include <string_view>

namespace repere::oai {
namespace {

// Version 1. A content that stops being published (retired, sent back to review, deleted)
// becomes a deleted record, dated when it left, with the sets it was in (a deleted content's
// kind, collection and programme parts are kept with its record; a retired one still tells
// them); published again, it is a record again. Triggers on the
// catalog's content table do it, so that no path that changes a status can forget it. The
// contents harvested from another catalogue (metadata.harvested_from) are not this
// repository's items: they are neither records nor deleted records here. The
// signing key is drawn once by SQLite's randomness (seeded by the system's), 32 bytes.
constexpr std::string_view kDeleted = R"sql(
CREATE TABLE oai_deleted (
  content_id INTEGER PRIMARY KEY,
  datestamp  TEXT NOT NULL,
  sets       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sets))
);
CREATE INDEX oai_deleted_by_datestamp ON oai_deleted(datestamp);
CREATE TRIGGER oai_unpublished AFTER UPDATE OF status ON content
  WHEN OLD.status = 'published' AND NEW.status != 'published'
   AND json_extract(OLD.metadata, '$.harvested_from') IS NULL
BEGIN
  INSERT OR REPLACE INTO oai_deleted(content_id, datestamp, sets)
  VALUES (OLD.id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
          json_array('type:' || OLD.kind));
  UPDATE oai_deleted SET sets = json_insert(sets, '$[#]', 'collection:' || (SELECT slug FROM
         collection WHERE id = OLD.collection_id))
  WHERE content_id = OLD.id AND OLD.collection_id IS NOT NULL;
END;
CREATE TRIGGER oai_removed BEFORE DELETE ON content
  WHEN OLD.status = 'published' AND json_extract(OLD.metadata, '$.harvested_from') IS NULL
BEGIN
  INSERT OR REPLACE INTO oai_deleted(content_id, datestamp, sets)
  VALUES (OLD.id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), json_array('type:' || OLD.kind));
  UPDATE oai_deleted SET sets = json_insert(sets, '$[#]', 'collection:' || (SELECT slug FROM
         collection WHERE id = OLD.collection_id))
  WHERE content_id = OLD.id AND OLD.collection_id IS NOT NULL;
  -- Its programme parts go with it (they are deleted with the content): kept as
  -- « concept:URI », read back as programme sets.
  UPDATE oai_deleted SET sets = (SELECT json_group_array(value) FROM (
           SELECT value FROM json_each(oai_deleted.sets) UNION ALL
           SELECT 'concept:' || concept_uri FROM content_concept WHERE content_id = OLD.id AND
           state = 'confirmed' AND purpose = 'programme'))
  WHERE content_id = OLD.id;
END;
CREATE TRIGGER oai_republished AFTER UPDATE OF status ON content WHEN NEW.status = 'published'
BEGIN
  DELETE FROM oai_deleted WHERE content_id = NEW.id;
END;
CREATE TABLE oai_key (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  key BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO oai_key(id, key) VALUES (1, randomblob(32));
-- The harvests of partners (« URL PREFIX SET »): the partner's name and the responseDate of
-- the last harvest that went to the end of its list, where the next one starts.
CREATE TABLE oai_partner (
  harvest       TEXT PRIMARY KEY,
  name          TEXT NOT NULL DEFAULT '',
  last_complete TEXT NOT NULL DEFAULT ''
);
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "oai", {{1, "deleted records, token key, harvests", kDeleted}}};
  return kSchema;
}

}  // namespace repere::oai
