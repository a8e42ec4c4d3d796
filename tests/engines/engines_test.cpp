// The real engines of this build, as Debian ships them: no fakes here.
#include <gtest/gtest.h>

#include "repere/catalog/database.h"
#include "repere/extract/engine.h"
#include "repere/index/engine.h"
#include "repere/media/engine.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

TEST(Engines, FfmpegDecodesWhatRepereNeeds) {
  EXPECT_EQ(media::ffmpeg_versions().size(), 5u);
  EXPECT_TRUE(media::missing_ffmpeg_features().empty());
}

TEST(Engines, TesseractLoadsFrenchAndEnglish) {
  EXPECT_FALSE(extract::tesseract_version().empty());
  EXPECT_TRUE(extract::check_tesseract_language("", "fra").is_ok());
  EXPECT_TRUE(extract::check_tesseract_language("", "eng").is_ok());
  const Status missing = extract::check_tesseract_language("", "xyz");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("apt-get install tesseract-ocr-xyz"), std::string::npos);
}

TEST(Engines, PocketsphinxModelIsInstalled) {
  EXPECT_TRUE(extract::check_pocketsphinx_model("/usr/share/pocketsphinx/model/en-us").is_ok());
  testing::TempDir empty;
  EXPECT_EQ(extract::check_pocketsphinx_model(empty.path().string()).code(), StatusCode::kNotFound);
  EXPECT_EQ(extract::check_pocketsphinx_model("/nonexistent").code(), StatusCode::kNotFound);
}

TEST(Engines, LibraryVersions) {
  EXPECT_EQ(index::xapian_version().rfind("1.4", 0), 0u);
  EXPECT_FALSE(extract::poppler_version().empty());
  EXPECT_EQ(catalog::sqlite_version().rfind("3.", 0), 0u);
}

}  // namespace
}  // namespace repere
