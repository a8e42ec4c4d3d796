// Pages as images: real PDFs (rendered by poppler) and real pictures (scaled by Leptonica)
// from the fixtures, encoded as WebP and cached; what cannot be shown is refused by name.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "repere/core/files.h"
#include "repere/preview/pages.h"
#include "support/temp_dir.h"

namespace repere::preview {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = REPERE_FIXTURES_DIR;

struct WebpInfo {
  bool webp = false;
  int width = 0;
};

// The RIFF/WEBP signature and the width the file says (lossless VP8L or lossy VP8).
WebpInfo read_webp(const fs::path& file) {
  const std::string b = read_file(file).value_or("");
  WebpInfo out;
  if (b.size() < 30 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WEBP") != 0) return out;
  out.webp = true;
  const auto u = [&](std::size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(b[i]));
  };
  if (b.compare(12, 4, "VP8L") == 0)
    out.width = 1 + static_cast<int>(u(21) | ((u(22) & 0x3F) << 8));
  if (b.compare(12, 4, "VP8 ") == 0) out.width = static_cast<int>((u(26) | (u(27) << 8)) & 0x3FFF);
  if (b.compare(12, 4, "VP8X") == 0)
    out.width = 1 + static_cast<int>(u(24) | (u(25) << 8) | (u(26) << 16));
  return out;
}

// PNG's CRC-32 (ISO 3309), for a chunk made by hand.
std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) {
    c ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

TEST(NearestWidth, AsksForOneOfThreeSizes) {
  EXPECT_EQ(nearest_width(0), 480);
  EXPECT_EQ(nearest_width(700), 800);
  EXPECT_EQ(nearest_width(5000), 1200);
}

TEST(PageImage, RendersAPdfPageAsWebpOnceThenFromTheCache) {
  testing::TempDir cache;
  const fs::path pdf = kFixtures / "long.pdf";
  const auto first = page_image(pdf, Source::kPdf, 3, 800, cache.path(), "7-" + file_key(pdf));
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  const WebpInfo info = read_webp(*first);
  EXPECT_TRUE(info.webp);
  EXPECT_EQ(info.width, 800);
  const auto size = fs::file_size(*first);
  EXPECT_GT(size, 1000u);
  EXPECT_LT(size, 100u * 1024);  // a text page: a few tens of KB
  const auto made_at = fs::last_write_time(*first);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto again = page_image(pdf, Source::kPdf, 3, 790, cache.path(), "7-" + file_key(pdf));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, *first);  // 790 asks for the 800 one, from the cache
  EXPECT_EQ(fs::last_write_time(*again), made_at);
  const auto small = page_image(pdf, Source::kPdf, 3, 480, cache.path(), "7-" + file_key(pdf));
  ASSERT_TRUE(small.is_ok());
  EXPECT_EQ(read_webp(*small).width, 480);
  // Nothing half-written is left beside them.
  for (const auto& e : fs::directory_iterator(cache.path()))
    EXPECT_EQ(e.path().extension(), ".webp") << e.path();
}

TEST(PageImage, ScalesAPictureDownAndNeverUp) {
  testing::TempDir cache;
  const fs::path scan = kFixtures / "scan.png";
  const auto sizes = page_sizes(scan, Source::kImage);
  ASSERT_TRUE(sizes.is_ok()) << sizes.status().to_string();
  ASSERT_EQ(sizes->size(), 1u);
  const auto small = page_image(scan, Source::kImage, 1, 480, cache.path(), "scan");
  ASSERT_TRUE(small.is_ok()) << small.status().to_string();
  EXPECT_EQ(read_webp(*small).width, 480);
  const auto big = page_image(scan, Source::kImage, 1, 1200, cache.path(), "scan");
  ASSERT_TRUE(big.is_ok());
  EXPECT_EQ(read_webp(*big).width, std::min(1200, static_cast<int>((*sizes)[0].width)));
  EXPECT_EQ(page_image(scan, Source::kImage, 2, 800, cache.path(), "scan").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(PageSizes, GivesEachPdfPageItsShape) {
  const auto sizes = page_sizes(kFixtures / "long.pdf", Source::kPdf);
  ASSERT_TRUE(sizes.is_ok()) << sizes.status().to_string();
  ASSERT_EQ(sizes->size(), 12u);
  EXPECT_NEAR((*sizes)[0].height / (*sizes)[0].width, 842.0 / 595.0, 0.01);
}

TEST(MomentImage, IsAFewKilobytesMadeOncePerSecond) {
  testing::TempDir cache;
  const fs::path video = kFixtures / "slides.mp4";
  const auto a = moment_image(video, 13400, cache.path(), "v");
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  const WebpInfo info = read_webp(*a);
  EXPECT_TRUE(info.webp);
  EXPECT_EQ(info.width, kThumbWidth);
  EXPECT_LT(fs::file_size(*a), 12u * 1024);
  const auto b = moment_image(video, 13900, cache.path(), "v");  // the same second
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(moment_image(kFixtures / "fr-speech.wav", 0, cache.path(), "s").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(PageImage, RefusesWhatItCannotShowNamingTheFile) {
  testing::TempDir cache;
  const fs::path pdf = kFixtures / "long.pdf";
  const auto none = page_image(pdf, Source::kPdf, 13, 800, cache.path(), "k");
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("no page 13 (it has 12)"), std::string::npos)
      << none.status().message();
  const auto broken = page_image(kFixtures / "broken.pdf", Source::kPdf, 1, 800, cache.path(), "b");
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(broken.status().message().find("broken.pdf"), std::string::npos);
  const auto text =
      page_image(kFixtures / "not-an-image.png", Source::kImage, 1, 800, cache.path(), "t");
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  // A PNG that says it is 40,000 x 40,000 pixels is refused before anything is decoded.
  const std::string ihdr("IHDR\0\0\x9c\x40\0\0\x9c\x40\x08\x02\0\0\0", 17);
  const std::uint32_t crc = crc32(ihdr);
  std::string huge_png = std::string("\x89PNG\r\n\x1a\n\0\0\0\x0d", 12) + ihdr;
  auto put = [&huge_png](std::uint32_t v) {
    for (const int shift : {24, 16, 8, 0}) huge_png += static_cast<char>((v >> shift) & 0xFF);
  };
  put(crc);
  put(0);  // an empty IDAT and the IEND: a whole file, whose pixels could never be decoded
  huge_png += "IDAT";
  put(crc32("IDAT"));
  put(0);
  huge_png += "IEND";
  put(crc32("IEND"));
  const fs::path bomb = cache.path() / "bomb.png";
  std::ofstream(bomb, std::ios::binary) << huge_png;
  const auto refused = page_image(bomb, Source::kImage, 1, 800, cache.path(), "bomb");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("100 megapixels"), std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace repere::preview
