// Table-driven tests of the French-aware text utilities, over real French.
#include <gtest/gtest.h>

#include "repere/core/text.h"

namespace repere::text {
namespace {

struct TokenCase {
  std::string input;
  std::vector<std::string> tokens;  // elisions end with '
};

std::vector<std::string> texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.text);
  return out;
}

TEST(Tokenize, FrenchCases) {
  const std::vector<TokenCase> cases = {
      {"l'ADN", {"l'", "ADN"}},
      {"L’ADN", {"L'", "ADN"}},
      {"aujourd'hui", {"aujourd'hui"}},
      {"aujourd’hui il pleut", {"aujourd'hui", "il", "pleut"}},
      {"qu'est-ce que", {"qu'", "est-ce", "que"}},
      {"jusqu'à lorsqu'il puisqu'elle", {"jusqu'", "à", "lorsqu'", "il", "puisqu'", "elle"}},
      {"d'abord, j'ai vu l'œuvre", {"d'", "abord", "j'", "ai", "vu", "l'", "œuvre"}},
      {"presqu'île et prud'homme", {"presqu'île", "et", "prud'homme"}},
      {"Œuvre", {"Œuvre"}},
      {"porte-monnaie", {"porte-monnaie"}},
      {"Saint-Étienne, c'est loin", {"Saint-Étienne", "c'", "est", "loin"}},
      {"π vaut 3,14 environ", {"π", "vaut", "3,14", "environ"}},
      {"3,14", {"3,14"}},
      {"1.5 litre", {"1.5", "litre"}},
      {"10\u00a0000 habitants", {"10\u00a0000", "habitants"}},
      {"10\u202f000\u202f000 étoiles", {"10\u202f000\u202f000", "étoiles"}},
      {"XIXe siècle", {"XIXe", "siècle"}},
      {"le 1er janvier 2024", {"le", "1er", "janvier", "2024"}},
      {"2024-2025", {"2024", "2025"}},
      {"« l'ADN », dit-il.", {"l'", "ADN", "dit-il"}},
      {"fin de phrase. Début", {"fin", "de", "phrase", "Début"}},
      {"e\u0301te\u0301", {"e\u0301te\u0301"}},  // decomposed accents stay in their word
      {"---  ...  '", {}},
      {"", {}},
  };
  for (const TokenCase& c : cases) {
    EXPECT_EQ(texts(tokenize(c.input)), c.tokens) << "input: " << c.input;
  }
}

TEST(Tokenize, KindsAndOffsets) {
  const std::string input = "l'ADN mesure 2,5 nm";
  const std::vector<Token> tokens = tokenize(input);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kElision);
  EXPECT_EQ(tokens[1].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[3].kind, TokenKind::kNumber);
  for (const Token& t : tokens) {
    EXPECT_EQ(input.substr(t.begin, t.end - t.begin), t.text);
  }
}

TEST(Tokenize, OffsetsPointAtTypographicApostrophes) {
  const std::string input = "l’eau";
  const std::vector<Token> tokens = tokenize(input);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].begin, 0u);
  EXPECT_EQ(tokens[0].end, 4u);  // l + the three bytes of ’
  EXPECT_EQ(input.substr(tokens[1].begin), "eau");
}

TEST(Tokenize, IllFormedUtf8IsASeparatorNotACrash) {
  const std::string input =
      "ab\xff\xfe"
      "cd \xc3";
  EXPECT_EQ(texts(tokenize(input)), (std::vector<std::string>{"ab", "cd"}));
}

struct FoldCase {
  std::string input;
  std::string folded;
};

TEST(Fold, CaseAccentsLigaturesApostrophes) {
  const std::vector<FoldCase> cases = {
      {"Œuvre", "oeuvre"},
      {"ŒUVRE", "oeuvre"},
      {"cœur", "coeur"},
      {"Lætitia", "laetitia"},
      {"ÉLÈVE", "eleve"},
      {"photosynthèse", "photosynthese"},
      {"Noël à l’école", "noel a l'ecole"},
      {"garçon", "garcon"},
      {"maïs", "mais"},
      {"ﬁn", "fin"},
      {"Straße", "strasse"},
      {"e\u0301te\u0301", "ete"},
      {"XIXᵉ", "xixe"},
      {"3,14", "3,14"},
  };
  for (const FoldCase& c : cases) EXPECT_EQ(fold(c.input), c.folded) << "input: " << c.input;
}

TEST(Nfc, ComposesDecomposedAccents) {
  EXPECT_EQ(nfc("e\u0301le\u0300ve"), "élève");
  EXPECT_EQ(nfc("déjà"), "déjà");
  EXPECT_EQ(nfc("a\xff"), "a\uFFFD");  // ill-formed bytes become U+FFFD
}

TEST(Utf8, Validity) {
  EXPECT_TRUE(is_valid_utf8("l'œuvre « ADN »"));
  EXPECT_FALSE(is_valid_utf8("caf\xe9"));  // Latin-1 é
  EXPECT_FALSE(is_valid_utf8("\xc3"));
}

TEST(SearchTerms, ElisionsDroppedAndFolded) {
  EXPECT_EQ(search_terms("L'Œuvre d’art"), (std::vector<std::string>{"oeuvre", "art"}));
  EXPECT_EQ(search_terms("l'ADN"), search_terms("ADN"));
  EXPECT_EQ(search_terms("Qu'est-ce que la photosynthèse ?"),
            (std::vector<std::string>{"est-ce", "que", "la", "photosynthese"}));
}

TEST(IcuVersion, IsReported) { EXPECT_NE(icu_version().find("Unicode"), std::string::npos); }

}  // namespace
}  // namespace repere::text

namespace repere::text {
namespace {

TEST(TextFormat, ClockAndHtml) {
  EXPECT_EQ(clock_time(127000), "02:07");
  EXPECT_EQ(clock_time(127999, false), "2:07");
  EXPECT_EQ(clock_time(3723000), "1:02:03");
  EXPECT_EQ(clock_time(-5), "00:00");
  EXPECT_EQ(escape_html(R"(a < b & "c" > d)"), "a &lt; b &amp; &quot;c&quot; &gt; d");
  EXPECT_EQ(escape_html("l'ADN œuvre"), "l'ADN œuvre");
}

}  // namespace
}  // namespace repere::text
