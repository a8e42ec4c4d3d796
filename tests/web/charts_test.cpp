// The dashboard's SVG charts: named for screen readers, bars within their track, text escaped.
#include "charts.h"

#include <gtest/gtest.h>

namespace repere::web {
namespace {

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(Charts, AnImageNamedByItsTitleWithOneBarPerRow) {
  const std::string svg =
      bar_chart("q-titre", "Réussite par question", {{"Q1", 0.5, "50 %"}, {"Q2", 1, "100 %"}});
  EXPECT_NE(svg.find("role=\"img\" aria-labelledby=\"q-titre\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title id=\"q-titre\">Réussite par question (les chiffres sont dans le "
                     "tableau qui suit)</title>"),
            std::string::npos)
      << svg;
  EXPECT_EQ(count(svg, "class=\"barre\""), 2);
  EXPECT_NE(svg.find("width=\"150.0\""), std::string::npos);  // half of the 300 px track
  EXPECT_NE(svg.find(">100 %</text>"), std::string::npos);
}

TEST(Charts, APseudonymCannotInjectMarkup) {
  const std::string svg = bar_chart("e", "Élèves", {{"<script>x</script>\"", 0.2, "1 & 2"}});
  EXPECT_EQ(svg.find("<script>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos) << svg;
  EXPECT_NE(svg.find("1 &amp; 2"), std::string::npos) << svg;
}

TEST(Charts, BarsStayInTheirTrackAndLongLabelsAreCut) {
  const std::string svg =
      bar_chart("x", "x",
                {{"une question dont l'énoncé est bien trop long pour la colonne", 7, "?"},
                 {"négatif", -1, "?"}});
  EXPECT_NE(svg.find("width=\"300.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"0.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("une question dont l'énoncé est b…"), std::string::npos) << svg;
}

TEST(Charts, NoRowsStillMakesAValidImage) {
  const std::string svg = bar_chart("v", "Vide", {});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

}  // namespace
}  // namespace repere::web
