// The supervised classifier (fastText) on texts it was taught and texts it was not: it names the
// label of a new text that shares their words, reads plurals and accents as the index does, and
// refuses to learn from a single label.
#include <gtest/gtest.h>

#include "repere/index/classifier.h"
#include "support/temp_dir.h"

namespace repere::index {
namespace {

std::vector<LabelledText> lessons() {
  std::vector<LabelledText> out;
  const char* digestion[] = {
      "La digestion transforme les aliments en nutriments dans l'intestin grêle.",
      "Les enzymes de la salive découpent l'amidon pendant la digestion.",
      "L'estomac brasse les aliments ; les sucs digestifs les transforment.",
      "Les nutriments passent dans le sang au niveau de l'intestin."};
  const char* volcans[] = {
      "Les volcans et les séismes se trouvent aux frontières des plaques.",
      "Le magma remonte et le volcan entre en éruption : la lave coule.",
      "Les plaques lithosphériques se déplacent de quelques centimètres par an.",
      "Un séisme libère l'énergie accumulée le long d'une faille entre deux plaques."};
  for (const char* t : digestion) out.push_back({t, "fr", "urn:digestion"});
  for (const char* t : volcans) out.push_back({t, "fr", "urn:geologie"});
  return out;
}

TEST(Classifier, NamesTheLabelOfANewTextFromTheWordsItWasTaught) {
  testing::TempDir dir;
  const auto c = train_classifier(lessons(), dir.path(), {.epoch = 100});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  const auto a = (*c)->predict("Où les ALIMENTS deviennent-ils des nutriments ?", "fr", 2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].first, "urn:digestion");
  EXPECT_GT(a[0].second, a[1].second);
  const auto b = (*c)->predict("Pourquoi la plaque bouge et le volcan gronde", "fr", 1);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].first, "urn:geologie");
  // The training file is gone.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Classifier, OneLabelIsNothingToLearnFrom) {
  testing::TempDir dir;
  auto one = lessons();
  one.resize(4);
  EXPECT_EQ(train_classifier(one, dir.path()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(train_classifier({}, dir.path()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace repere::index
