// Tesseract and poppler on generated documents: a skewed, noisy French scan and a PDF with
// a text page and a scanned page.
#include <gtest/gtest.h>

#include <map>

#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/extract/ocr.h"
#include "repere/extract/pdf.h"

namespace repere::extract {
namespace {

const std::filesystem::path kFixtures = REPERE_FIXTURES_DIR;

// The share of the truth's words (folded, with repeats) that the recognised words contain.
double word_recall(const std::string& truth, const std::vector<std::string>& found_words) {
  std::map<std::string, int> found;
  for (const std::string& w : found_words) {
    for (const std::string& term : text::search_terms(w)) ++found[term];
  }
  int total = 0;
  int hit = 0;
  for (const std::string& term : text::search_terms(truth)) {
    ++total;
    if (found[term] > 0) {
      --found[term];
      ++hit;
    }
  }
  return total == 0 ? 0 : static_cast<double>(hit) / total;
}

std::vector<std::string> texts(const std::vector<OcrWord>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.text);
  return out;
}

class Ocr : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto e = OcrEngine::create({});
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    engine_ = std::move(e).value().release();
  }
  static void TearDownTestSuite() { delete engine_; }
  static OcrEngine* engine_;
};
OcrEngine* Ocr::engine_ = nullptr;

TEST_F(Ocr, FrenchScanRecoversAtLeast95PercentOfItsWords) {
  const auto words = engine_->read_file(kFixtures / "scan.png");
  ASSERT_TRUE(words.is_ok()) << words.status().to_string();
  const std::string truth = *read_file(kFixtures / "scan.txt");
  const double recall = word_recall(truth, texts(*words));
  std::printf("OCR word recall on the French scan: %.3f (%zu words)\n", recall, words->size());
  EXPECT_GE(recall, 0.95);
  for (const OcrWord& w : *words) {
    EXPECT_GE(w.x, 0.0);
    EXPECT_LE(w.x + w.w, 1.0001);
    EXPECT_GT(w.h, 0.0);
    EXPECT_GE(w.confidence, 0.0);
    EXPECT_LE(w.confidence, 1.0);
    EXPECT_EQ(w.low_confidence, w.confidence < 0.6);
  }
  EXPECT_EQ(words->front().text, "La");  // the title, top left
  EXPECT_LT(words->front().y, 0.2);
  EXPECT_EQ(engine_->origin().rfind("ai:tesseract@5", 0), 0u);
}

TEST_F(Ocr, JpegAndBlankAndNotAnImage) {
  const auto jpeg = engine_->read_file(kFixtures / "scan.jpg");
  ASSERT_TRUE(jpeg.is_ok());
  EXPECT_GE(word_recall(*read_file(kFixtures / "scan.txt"), texts(*jpeg)), 0.95);
  const auto blank = engine_->read_file(kFixtures / "blank.png");
  ASSERT_TRUE(blank.is_ok());
  EXPECT_TRUE(blank->empty());
  const auto bad = engine_->read_file(kFixtures / "not-an-image.png");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("not-an-image.png"), std::string::npos);
}

TEST(Pdf, TextLayerWithPositionsAndAScannedPage) {
  const auto pdf = read_pdf_text(kFixtures / "document.pdf");
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  EXPECT_EQ(pdf->page_count, 2);
  EXPECT_EQ(pdf->pages_without_text, std::vector<int>{2});
  std::vector<std::string> words;
  for (const PdfWord& w : pdf->words) {
    EXPECT_EQ(w.page, 1);
    EXPECT_GE(w.y, 0.0);
    EXPECT_LT(w.y, 0.3);  // the text sits at the top of the page
    words.push_back(w.text);
  }
  EXPECT_DOUBLE_EQ(word_recall(*read_file(kFixtures / "document-page1.txt"), words), 1.0);
  EXPECT_EQ(pdf->words.front().text, "La");
}

TEST_F(Ocr, ScannedPdfPageIsRenderedThenRead) {
  const auto image = render_pdf_page(kFixtures / "document.pdf", 2, 200);
  ASSERT_TRUE(image.is_ok()) << image.status().to_string();
  EXPECT_NEAR(image->width, 595 * 200 / 72, 2);
  const auto words = engine_->read_image(*image);
  ASSERT_TRUE(words.is_ok());
  EXPECT_GE(word_recall(*read_file(kFixtures / "scan.txt"), texts(*words)), 0.9);
  EXPECT_FALSE(render_pdf_page(kFixtures / "document.pdf", 3).is_ok());
}

TEST(Pdf, BrokenAndNotPdf) {
  for (const char* name : {"broken.pdf", "scan.png"}) {
    const auto pdf = read_pdf_text(kFixtures / name);
    ASSERT_FALSE(pdf.is_ok()) << name;
    EXPECT_EQ(pdf.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(pdf.status().message().find(name), std::string::npos);
  }
}

}  // namespace
}  // namespace repere::extract
