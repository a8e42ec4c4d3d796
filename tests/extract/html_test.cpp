#include <gtest/gtest.h>

#include "repere/extract/html.h"

namespace repere::extract {
namespace {

TEST(Html, TitleVisibleTextAndBlocks) {
  const std::string html = R"(<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="utf-8"><title>La cellule &ndash; cours</title>
<style>body { color: red }</style><script>var x = "<p>invisible</p>";</script></head>
<body><header><nav><a href="/">Accueil</a></nav></header>
<main><h1>La cellule</h1>
<p>La <b>cellule</b> est l&rsquo;unit&eacute; du vivant&nbsp;: elle contient l'ADN.</p>
<!-- un commentaire -->
<ul><li>Noyau</li><li>Cytoplasme<br>Membrane</li></ul>
<p>Si 3 < 4 alors <img src="x.png" alt="schéma d'une cellule"> s'affiche.</p></main>
<footer>Mentions légales</footer></body></html>)";
  const HtmlDocument doc = read_html(html);
  EXPECT_EQ(doc.language, "fr");
  EXPECT_EQ(doc.encoding, "UTF-8");
  ASSERT_GE(doc.paragraphs.size(), 5u);
  EXPECT_EQ(doc.paragraphs[0], "La cellule");
  EXPECT_EQ(doc.paragraphs[1], "La cellule est l’unité du vivant\u00a0: elle contient l'ADN.");
  EXPECT_EQ(doc.paragraphs[2], "Noyau");
  EXPECT_EQ(doc.paragraphs[3], "Cytoplasme");
  EXPECT_EQ(doc.paragraphs[4], "Membrane");
  EXPECT_EQ(doc.paragraphs.back(), "Si 3 < 4 alors schéma d'une cellule s'affiche.");
  for (const auto& p : doc.paragraphs) {
    EXPECT_EQ(p.find("invisible"), std::string::npos);
    EXPECT_EQ(p.find("Accueil"), std::string::npos);
    EXPECT_EQ(p.find("commentaire"), std::string::npos);
    EXPECT_EQ(p.find("Mentions"), std::string::npos);
    EXPECT_EQ(p.find("color"), std::string::npos);
  }
}

TEST(Html, TitleFallsBackToH1AndEntitiesAreDecoded) {
  const HtmlDocument doc = read_html("<h1>L&#39;eau &amp; la vie</h1><p>Texte</p>");
  EXPECT_EQ(doc.title, "L'eau & la vie");
}

TEST(Html, Latin1PageIsDecoded) {
  const HtmlDocument doc = read_html(
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
      "charset=iso-8859-1\"></head><body><p>\xC9l\xE8ve</p></body></html>");
  EXPECT_EQ(doc.encoding, "windows-1252");
  ASSERT_EQ(doc.paragraphs.size(), 1u);
  EXPECT_EQ(doc.paragraphs[0], "Élève");
}

TEST(Html, BrokenMarkupNeverFails) {
  EXPECT_TRUE(read_html("").paragraphs.empty());
  EXPECT_EQ(read_html("<p>ouvert <b>jamais fermé").paragraphs.size(), 1u);
  EXPECT_TRUE(read_html("<script>toujours ouvert").paragraphs.empty());
  EXPECT_TRUE(read_html("<p").paragraphs.empty());
  EXPECT_EQ(read_html("<!-- pas fini").paragraphs.size(), 0u);
}

}  // namespace
}  // namespace repere::extract
