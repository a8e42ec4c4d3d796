#include "repere/catalog/usage.h"

namespace repere::catalog {

Status UsageRepository::add(const std::vector<std::pair<std::string, double>>& amounts) {
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db_));
  for (const auto& [name, amount] : amounts) {
    REPERE_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare("INSERT INTO usage_counter (name, value) VALUES (?1, ?2) "
                               "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value, "
                               "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"));
    REPERE_RETURN_IF_ERROR(stmt.bind(1, name).bind(2, amount).run());
  }
  return txn.commit();
}

Result<std::map<std::string, Counter>> UsageRepository::all() {
  std::map<std::string, Counter> out;
  REPERE_ASSIGN_OR_RETURN(auto exists,
                          db_.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                      "name = 'usage_counter'"));
  REPERE_ASSIGN_OR_RETURN(const bool there, exists.step());
  if (!there) return out;
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT name, value, since FROM usage_counter"));
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out[stmt.text(0)] = {stmt.real(1), stmt.text(2)};
  }
  return out;
}

}  // namespace repere::catalog
