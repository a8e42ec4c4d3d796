#include "repere/extract/title.h"

#include <gtest/gtest.h>

#include "repere/extract/pdf.h"

namespace repere::extract {
namespace {

const std::filesystem::path kFixtures = REPERE_FIXTURES_DIR;

TEST(CleanTitle, KeepsTitlesAndRefusesToolDefaultsAndFileNames) {
  EXPECT_EQ(clean_title("  La photosynthèse \n en  5e "), "La photosynthèse en 5e");
  EXPECT_EQ(clean_title("Titre de séjour et citoyenneté"), "Titre de séjour et citoyenneté");
  EXPECT_EQ(clean_title("Microsoft Word - cours3.docx"), "");
  EXPECT_EQ(clean_title("Présentation1"), "");
  EXPECT_EQ(clean_title("Untitled document"), "");
  EXPECT_EQ(clean_title("Sans titre"), "");
  EXPECT_EQ(clean_title("svt_photosynthese_v2.pdf"), "");
  EXPECT_EQ(clean_title("2024-03-12"), "");
  EXPECT_EQ(clean_title(""), "");
  EXPECT_LE(clean_title(std::string(300, 'e') + "é").size(), 200u);
}

TEST(PdfTitle, TheMetadataTitleComesFirst) {
  const auto pdf = read_pdf_text(kFixtures / "titled.pdf");
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  EXPECT_EQ(pdf->title, "La digestion des aliments");
}

// Round 1: titles came from file names (« svt photosynthese »).
TEST(PdfTitle, AWordProcessorsDefaultGivesWayToTheFirstHeading) {
  const auto pdf = read_pdf_text(kFixtures / "heading.pdf");
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  EXPECT_EQ(pdf->title, "Les volcans d'Auvergne");
  ASSERT_FALSE(pdf->words.empty());
  EXPECT_NEAR(pdf->words.front().font_size, 22, 0.5);
}

TEST(PdfTitle, APageInOneFontHasNoHeading) {
  const auto pdf = read_pdf_text(kFixtures / "document.pdf");
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  EXPECT_EQ(pdf->title, "");
}

}  // namespace
}  // namespace repere::extract
