#include "repere/auth/workflow.h"

#include "repere/auth/audit.h"
#include "repere/catalog/contents.h"

namespace repere::auth {
namespace {

Result<std::vector<catalog::Id>> ids_of(catalog::Statement& stmt) {
  std::vector<catalog::Id> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(stmt.int64(0));
  }
}

}  // namespace

Result<StatusChange> set_status(catalog::Database& db, const std::vector<catalog::Id>& ids,
                                catalog::EditorialStatus status, const std::string& actor) {
  StatusChange change;
  REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db));
  catalog::ContentRepository contents(db);
  AuditLog audit(db);
  const std::string action = "content." + std::string(catalog::to_string(status));
  for (const catalog::Id id : ids) {
    auto c = contents.get(id);
    if (!c.is_ok() && c.status().code() == StatusCode::kNotFound) {
      change.missing.push_back(id);
      continue;
    }
    REPERE_RETURN_IF_ERROR(c.status());
    if (c->status == status) {
      ++change.unchanged;
      continue;
    }
    REPERE_RETURN_IF_ERROR(contents.set_status(id, status, actor));
    REPERE_RETURN_IF_ERROR(audit.record(actor, action, "content:" + std::to_string(id),
                                        std::string(catalog::to_string(c->status)) + " -> " +
                                            std::string(catalog::to_string(status)) + " « " +
                                            c->title + " »"));
    ++change.changed;
  }
  REPERE_RETURN_IF_ERROR(txn.commit());
  return change;
}

Result<std::vector<catalog::Id>> contents_of_collection(catalog::Database& db,
                                                        const std::string& slug) {
  REPERE_ASSIGN_OR_RETURN(auto find, db.prepare("SELECT id FROM collection WHERE slug = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool found, find.bind(1, slug).step());
  if (!found) return Status::not_found("no collection '" + slug + "'");
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT id FROM content WHERE collection_id = ?1 "
                                                "ORDER BY id"));
  stmt.bind(1, find.int64(0));
  return ids_of(stmt);
}

Result<std::vector<catalog::Id>> contents_with_status(catalog::Database& db,
                                                      catalog::EditorialStatus from) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT id FROM content WHERE status = ?1 ORDER BY id"));
  stmt.bind(1, catalog::to_string(from));
  return ids_of(stmt);
}

}  // namespace repere::auth
