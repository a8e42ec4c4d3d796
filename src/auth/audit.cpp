#include "repere/auth/audit.h"

namespace repere::auth {
namespace {

// One CSV cell: quoted when it must be, and never a formula (=, +, -, @, tab, return).
std::string cell(const std::string& value) {
  std::string v = value;
  if (!v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos)
    v.insert(0, "'");
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Status AuditLog::record(std::string_view actor, std::string_view action, std::string_view object,
                        std::string_view detail) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO audit_event (actor, action, "
                                                 "object, detail) VALUES (?1, ?2, ?3, ?4)"));
  return stmt.bind(1, actor.substr(0, 200))
      .bind(2, action.substr(0, 100))
      .bind(3, object.substr(0, 300))
      .bind(4, detail.substr(0, 2000))
      .run();
}

Result<std::vector<AuditEvent>> AuditLog::list(int limit, int offset, std::string_view object) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id, at, actor, action, object, detail "
                                                 "FROM audit_event WHERE ?1 = '' OR object = ?1 "
                                                 "ORDER BY id DESC LIMIT ?2 OFFSET ?3"));
  stmt.bind(1, object).bind(2, limit).bind(3, offset);
  std::vector<AuditEvent> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(
        {stmt.int64(0), stmt.text(1), stmt.text(2), stmt.text(3), stmt.text(4), stmt.text(5)});
  }
}

Result<std::string> AuditLog::csv() {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT at, actor, action, object, detail FROM "
                                                 "audit_event ORDER BY id"));
  std::string out = "date,auteur,action,objet,detail\r\n";
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    for (int i = 0; i < 5; ++i) out += (i ? "," : "") + cell(stmt.text(i));
    out += "\r\n";
  }
}

}  // namespace repere::auth
