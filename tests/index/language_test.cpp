#include "repere/index/language.h"

#include <gtest/gtest.h>

namespace repere::index {
namespace {

TEST(IdentifyLanguage, ASentenceOrMoreIsTold) {
  EXPECT_EQ(identify_language("Le cœur est un muscle qui pousse le sang dans les vaisseaux du "
                              "corps ; ses quatre cavités travaillent tour à tour."),
            "fr");
  EXPECT_EQ(identify_language("The heart is a muscle that pumps blood through the vessels of "
                              "the body; its four chambers work in turn."),
            "en");
  EXPECT_EQ(identify_language("Bugün hava çok güzel, değil mi? Şimdi öğrenciler sınıfa giriyor "
                              "ve öğretmen derse başlıyor."),
            "tr");
}

// CLD2 takes « pourquoi on se vaccine » for English: short text is not asked.
TEST(IdentifyLanguage, AFewWordsAreNotTold) {
  EXPECT_EQ(identify_language("pourquoi on se vaccine"), "");
  EXPECT_EQ(identify_language("Louis XIV"), "");
  EXPECT_EQ(identify_language(""), "");
}

TEST(IdentifyLanguage, NoiseIsNotTold) {
  EXPECT_EQ(identify_language("= ESJE wZe | tqXM kepU NVSR oTTA EkM 3 ~ ' a = \\ : . ing ss . 3 F "
                              "i ~ . a adhd | &: a ~~ 7 TT TS si id > qXMNW + = 12 34"),
            "");
}

}  // namespace
}  // namespace repere::index
