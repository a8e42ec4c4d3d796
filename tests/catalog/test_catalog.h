// Helpers shared by the catalog tests: a fresh catalog in a temp folder, sample records.
#pragma once

#include <gtest/gtest.h>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "support/temp_dir.h"

namespace repere::catalog {

inline std::unique_ptr<Database> open_or_die(const std::filesystem::path& path,
                                             const OpenOptions& options = {}) {
  auto db = Database::open(path, options);
  if (!db.is_ok()) ADD_FAILURE() << db.status().to_string();
  return db.is_ok() ? std::move(db).value() : nullptr;
}

inline Content sample_content(std::string title = "La photosynthèse") {
  Content c;
  c.kind = ContentKind::kVideo;
  c.title = std::move(title);
  c.language = "fr";
  c.licence = "CC-BY-4.0";
  c.media_path = "/media/" + c.title + ".mp4";
  c.sha256 = std::string(64, 'a');
  c.duration_ms = 90 * 60 * 1000;
  c.metadata_json = R"({"subject":"SVT","level":"5e"})";
  return c;
}

inline std::int64_t count_rows(Database& db, const std::string& table) {
  auto stmt = db.prepare("SELECT count(*) FROM " + table);
  if (!stmt.is_ok()) return -1;
  auto row = stmt->step();
  return row.is_ok() && *row ? stmt->int64(0) : -1;
}

}  // namespace repere::catalog
