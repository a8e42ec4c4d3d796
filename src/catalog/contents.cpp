#include "repere/catalog/contents.h"

#include <cctype>

namespace repere::catalog {
namespace {

constexpr std::string_view kContentColumns =
    "id, collection_id, external_id, kind, title, description, language, licence, authors, "
    "source_url, media_path, sha256, duration_ms, page_count, status, metadata, status_by, "
    "status_at";

Result<Content> read_content(const Statement& row) {
  Content c;
  c.id = row.int64(0);
  c.collection_id = row.optional_int64(1);
  if (!row.is_null(2)) c.external_id = row.text(2);
  REPERE_ASSIGN_OR_RETURN(c.kind, parse_content_kind(row.text(3)));
  c.title = row.text(4);
  c.description = row.text(5);
  c.language = row.text(6);
  c.licence = row.text(7);
  c.authors_json = row.text(8);
  c.source_url = row.text(9);
  c.media_path = row.text(10);
  c.sha256 = row.text(11);
  c.duration_ms = row.optional_int64(12);
  c.page_count = row.optional_int64(13);
  REPERE_ASSIGN_OR_RETURN(c.status, parse_editorial_status(row.text(14)));
  c.metadata_json = row.text(15);
  c.status_by = row.text(16);
  c.status_at = row.text(17);
  return c;
}

// Binds the 14 fields a content's update writes to parameters 1..14 (not its status: that
// changes only through set_status, so that re-reading a file never undoes a publication).
void bind_content(Statement& stmt, const Content& c) {
  stmt.bind(1, c.collection_id)
      .bind(2, c.external_id)
      .bind(3, to_string(c.kind))
      .bind(4, c.title)
      .bind(5, c.description)
      .bind(6, c.language)
      .bind(7, c.licence)
      .bind(8, c.authors_json)
      .bind(9, c.source_url)
      .bind(10, c.media_path)
      .bind(11, c.sha256)
      .bind(12, c.duration_ms)
      .bind(13, c.page_count)
      .bind(14, c.metadata_json);
}

Result<std::vector<Content>> read_all(Statement& stmt) {
  std::vector<Content> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    REPERE_ASSIGN_OR_RETURN(Content c, read_content(stmt));
    out.push_back(std::move(c));
  }
}

Result<std::optional<Content>> read_first(Statement& stmt) {
  REPERE_ASSIGN_OR_RETURN(std::vector<Content> all, read_all(stmt));
  if (all.empty()) return std::optional<Content>();
  return std::optional<Content>(std::move(all.front()));
}

Result<Collection> read_collection(const Statement& row) {
  return Collection{
      .id = row.int64(0), .slug = row.text(1), .name = row.text(2), .licence = row.text(3)};
}

}  // namespace

// ---- collections ----

Result<Id> CollectionRepository::insert(const Collection& collection) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("INSERT INTO collection (slug, name, licence) "
                                      "VALUES (?1, ?2, ?3)"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, collection.slug)
                             .bind(2, collection.name)
                             .bind(3, collection.licence)
                             .run()
                             .with_context("collection '" + collection.slug + "'"));
  return db_.last_insert_id();
}

Result<Collection> CollectionRepository::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT id, slug, name, licence FROM collection "
                                      "WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no collection with id " + std::to_string(id));
  return read_collection(stmt);
}

Result<std::optional<Collection>> CollectionRepository::find_by_slug(std::string_view slug) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT id, slug, name, licence FROM collection "
                                      "WHERE slug = ?1"));
  stmt.bind(1, slug);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Collection>();
  REPERE_ASSIGN_OR_RETURN(Collection c, read_collection(stmt));
  return std::optional<Collection>(std::move(c));
}

Result<std::vector<Collection>> CollectionRepository::list() {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("SELECT id, slug, name, licence "
                                                      "FROM collection ORDER BY slug"));
  std::vector<Collection> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    REPERE_ASSIGN_OR_RETURN(Collection c, read_collection(stmt));
    out.push_back(std::move(c));
  }
}

// ---- contents ----

Result<Id> ContentRepository::insert(const Content& content) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare(
          "INSERT INTO content (collection_id, external_id, kind, title, description, "
          "language, licence, authors, source_url, media_path, sha256, duration_ms, "
          "page_count, metadata, status, status_by, status_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
          "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
          "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"));
  bind_content(stmt, content);
  stmt.bind(15, to_string(content.status)).bind(16, content.status_by);
  REPERE_RETURN_IF_ERROR(stmt.run().with_context("content '" + content.title + "'"));
  return db_.last_insert_id();
}

Status ContentRepository::update(const Content& content) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("UPDATE content SET collection_id = ?1, external_id = ?2, kind = ?3, "
                  "title = ?4, description = ?5, language = ?6, licence = ?7, authors = ?8, "
                  "source_url = ?9, media_path = ?10, sha256 = ?11, duration_ms = ?12, "
                  "page_count = ?13, metadata = ?14, "
                  "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?15"));
  bind_content(stmt, content);
  stmt.bind(15, content.id);
  REPERE_RETURN_IF_ERROR(stmt.run().with_context("content " + std::to_string(content.id)));
  if (db_.changes() == 0)
    return Status::not_found("no content with id " + std::to_string(content.id));
  return Status::ok();
}

Status ContentRepository::set_status(Id id, EditorialStatus status, std::string_view by) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("UPDATE content SET status = ?1, status_by = ?2, "
                  "status_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
                  "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?3"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, to_string(status)).bind(2, by).bind(3, id).run());
  if (db_.changes() == 0) return Status::not_found("no content with id " + std::to_string(id));
  return Status::ok();
}

Status ContentRepository::remove(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("DELETE FROM content WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, id).run());
  if (db_.changes() == 0) return Status::not_found("no content with id " + std::to_string(id));
  return Status::ok();
}

Result<Content> ContentRepository::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("SELECT " + std::string(kContentColumns) +
                                                      " FROM content WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(std::optional<Content> found, read_first(stmt));
  if (!found) return Status::not_found("no content with id " + std::to_string(id));
  return std::move(*found);
}

Result<std::vector<Content>> ContentRepository::find_by_sha256(std::string_view sha256) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT " + std::string(kContentColumns) +
                                      " FROM content WHERE sha256 = ?1 ORDER BY id"));
  stmt.bind(1, sha256);
  return read_all(stmt);
}

Result<std::optional<Content>> ContentRepository::find_by_external_id(
    std::optional<Id> collection_id, std::string_view external_id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("SELECT " + std::string(kContentColumns) +
                                                      " FROM content WHERE collection_id IS ?1 "
                                                      "AND external_id = ?2"));
  stmt.bind(1, collection_id).bind(2, external_id);
  return read_first(stmt);
}

Result<std::optional<Content>> ContentRepository::find_by_media_path(std::string_view media_path) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT " + std::string(kContentColumns) +
                                      " FROM content WHERE media_path = ?1 ORDER BY id LIMIT 1"));
  stmt.bind(1, media_path);
  return read_first(stmt);
}

Result<std::vector<Content>> ContentRepository::list(const ContentQuery& query) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("SELECT " + std::string(kContentColumns) +
                  " FROM content WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2)"
                  " AND (?3 IS NULL OR collection_id = ?3) ORDER BY id LIMIT ?4 OFFSET ?5"));
  if (query.kind) stmt.bind(1, to_string(*query.kind));
  if (query.status) stmt.bind(2, to_string(*query.status));
  stmt.bind(3, query.collection_id).bind(4, query.limit).bind(5, query.offset);
  return read_all(stmt);
}

Result<std::vector<std::string>> ContentRepository::metadata_values(
    std::string_view field, std::optional<EditorialStatus> status) {
  for (const char c : field) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_')
      return Status::invalid_argument("metadata field '" + std::string(field) + "'");
  }
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("SELECT DISTINCT json_extract(metadata, '$." + std::string(field) +
                  "') AS v FROM content WHERE v IS NOT NULL AND v != '' AND (?1 IS NULL OR "
                  "status = ?1) ORDER BY v LIMIT 50"));
  if (status) stmt.bind(1, to_string(*status));
  std::vector<std::string> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(stmt.text(0));
  }
}

Result<std::int64_t> ContentRepository::count(std::optional<EditorialStatus> status) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("SELECT count(*) FROM content WHERE "
                                                      "?1 IS NULL OR status = ?1"));
  if (status) stmt.bind(1, to_string(*status));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.int64(0) : 0;
}

}  // namespace repere::catalog
