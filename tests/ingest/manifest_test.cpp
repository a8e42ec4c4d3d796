#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "repere/ingest/manifest.h"

namespace repere::ingest {
namespace {

TEST(ManifestCsv, FrenchSpreadsheetWithSemicolonsAndWindows1252) {
  // As Excel saves it in France: ';', CRLF, Windows-1252 (è = E8, é = E9), a BOM-less header.
  const std::string csv =
      "Fichier;Titre;Mati\xE8re;Niveau;Auteurs;Identifiant;Collection;Cote\r\n"
      "videos/adn.mp4;L'ADN;SVT;3e;\"Curie, Marie; Langevin, Paul\";V-1;Cit\xE9 des "
      "sciences;B12\r\n"
      "\r\n"
      "docs/cours.pdf;\"Le cours \"\"complet\"\"\nsur deux lignes\";Physique;4e;;D-7;;\r\n";
  const auto m = parse_manifest_csv(csv);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_TRUE(m->errors.empty());
  ASSERT_EQ(m->rows.size(), 2u);
  const ManifestRow& a = m->rows[0];
  EXPECT_EQ(a.line, 2);
  EXPECT_EQ(a.path, "videos/adn.mp4");
  EXPECT_EQ(a.title, "L'ADN");
  EXPECT_EQ(a.subject, "SVT");
  EXPECT_EQ(a.level, "3e");
  EXPECT_EQ(a.authors, (std::vector<std::string>{"Curie, Marie", "Langevin, Paul"}));
  EXPECT_EQ(a.external_id, "V-1");
  EXPECT_EQ(a.collection, "Cité des sciences");
  EXPECT_EQ(nlohmann::json::parse(a.extra_json)["Cote"], "B12");
  const ManifestRow& b = m->rows[1];
  EXPECT_EQ(b.line, 4);
  EXPECT_EQ(b.title, "Le cours \"complet\"\nsur deux lignes");
  EXPECT_TRUE(b.authors.empty());
}

TEST(ManifestCsv, EnglishCommaHeaderAndBadRows) {
  const std::string csv =
      "path,title,licence,External ID,notes\n"
      "a.mp4,A,CC-BY-4.0,1,first\n"
      ",no file,,,\n"
      "b.mp4,B,,2,x,too many\n"
      "c.mp4,\"never closed\n";
  const auto m = parse_manifest_csv(csv);
  ASSERT_TRUE(m.is_ok());
  ASSERT_EQ(m->rows.size(), 1u);
  EXPECT_EQ(m->rows[0].licence, "CC-BY-4.0");
  EXPECT_EQ(m->rows[0].external_id, "1");
  EXPECT_EQ(nlohmann::json::parse(m->rows[0].extra_json)["notes"], "first");
  ASSERT_EQ(m->errors.size(), 3u);
  EXPECT_EQ(m->errors[0].line, 3);
  EXPECT_NE(m->errors[0].message.find("no path"), std::string::npos);
  EXPECT_EQ(m->errors[1].line, 4);
  EXPECT_NE(m->errors[1].message.find("6 cells"), std::string::npos);
  EXPECT_EQ(m->errors[2].line, 5);
  EXPECT_NE(m->errors[2].message.find("never closed"), std::string::npos);
}

TEST(ManifestCsv, NoPathColumnOrEmpty) {
  const auto m = parse_manifest_csv("title,author\nA,B\n");
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("path"), std::string::npos);
  EXPECT_FALSE(parse_manifest_csv("").is_ok());
  EXPECT_FALSE(parse_manifest_csv("\n\n").is_ok());
}

TEST(ManifestJsonl, RowsErrorsAndExtras) {
  const std::string jsonl =
      R"({"path": "a.mp4", "title": "L'eau", "authors": ["A", "B"], "level": "6e", "duree": 90})"
      "\n"
      "\n"
      "{not json\n"
      R"(["an", "array"])"
      "\n"
      R"({"path": "b.mp4", "title": {"nested": true}})"
      "\n"
      R"({"title": "no path"})"
      "\n";
  const auto m = parse_manifest_jsonl(jsonl);
  ASSERT_TRUE(m.is_ok());
  ASSERT_EQ(m->rows.size(), 2u);
  EXPECT_EQ(m->rows[0].authors, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(m->rows[0].level, "6e");
  EXPECT_EQ(nlohmann::json::parse(m->rows[0].extra_json)["duree"], 90);
  EXPECT_EQ(m->rows[1].line, 5);
  ASSERT_EQ(m->errors.size(), 4u);
  EXPECT_EQ(m->errors[0].line, 3);
  EXPECT_EQ(m->errors[1].line, 4);
  EXPECT_EQ(m->errors[2].line, 5);  // title is not a string; the row is kept without it
  EXPECT_EQ(m->errors[3].line, 6);
  EXPECT_FALSE(parse_manifest_jsonl("oops\n").is_ok());
}

TEST(Manifest, FileNames) {
  EXPECT_TRUE(is_manifest_file("/data/Catalogue.CSV"));
  EXPECT_TRUE(is_manifest_file("x.jsonl"));
  EXPECT_FALSE(is_manifest_file("x.json"));
}

}  // namespace
}  // namespace repere::ingest
