#include "repere/preview/pages.h"

#include "repere/media/frames.h"

#include <leptonica/allheaders.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace repere::preview {

namespace fs = std::filesystem;

namespace {

constexpr double kMaxPixels = 100e6;  // a bigger picture is refused rather than decoded
// Past this size a lossless page is encoded again lossy, and the smaller one kept.
constexpr std::size_t kLosslessEnough = 100 * 1024;
constexpr int kLossyQuality = 75;
constexpr int kThumbQuality = 60;  // a 192-pixel frame of a slide or a lecturer: 3 to 8 KB

struct PixFree {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using Pix = std::unique_ptr<PIX, PixFree>;

Result<std::unique_ptr<poppler::document>> open_pdf(const fs::path& file) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(file.string()));
  if (!doc) return Status::invalid_argument(file.string() + ": not a readable PDF");
  if (doc->is_locked()) return Status::invalid_argument(file.string() + ": the PDF is locked");
  return doc;
}

Result<PageSize> image_size(const fs::path& file) {
  l_int32 w = 0, h = 0, bps = 0, spp = 0;
  if (pixReadHeader(file.c_str(), nullptr, &w, &h, &bps, &spp, nullptr) != 0 || w <= 0 || h <= 0) {
    return Status::invalid_argument(file.string() + ": not a readable image");
  }
  if (static_cast<double>(w) * h > kMaxPixels) {
    return Status::invalid_argument(file.string() + ": " + std::to_string(w) + "x" +
                                    std::to_string(h) + " pixels, more than 100 megapixels");
  }
  return PageSize{static_cast<double>(w), static_cast<double>(h)};
}

// RGB bytes (rows `stride` bytes apart) as a 32-bit Leptonica picture.
Result<Pix> pix_of_rgb(const std::uint8_t* rgb, int width, int height, std::size_t stride) {
  Pix pix(pixCreate(width, height, 32));
  if (!pix) return Status::internal("out of memory for a picture");
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* row = rgb + static_cast<std::size_t>(y) * stride;
    l_uint32* line = pixGetData(pix.get()) + y * pixGetWpl(pix.get());
    for (int x = 0; x < width; ++x)
      composeRGBPixel(row[3 * x], row[3 * x + 1], row[3 * x + 2], line + x);
  }
  return pix;
}

// A poppler page as a 32-bit Leptonica picture `width` pixels wide.
Result<Pix> render_pdf(const fs::path& file, int page, int width) {
  REPERE_ASSIGN_OR_RETURN(const auto doc, open_pdf(file));
  if (page < 1 || page > doc->pages()) {
    return Status::invalid_argument(file.string() + ": no page " + std::to_string(page) +
                                    " (it has " + std::to_string(doc->pages()) + ")");
  }
  std::unique_ptr<poppler::page> p(doc->create_page(page - 1));
  if (!p)
    return Status::invalid_argument(file.string() + ": page " + std::to_string(page) +
                                    " cannot be read");
  const poppler::rectf box = p->page_rect();
  if (box.width() <= 0) return Status::invalid_argument(file.string() + ": an empty page");
  const double dpi = width / (box.width() / 72.0);
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_rgb24);
  const poppler::image img = renderer.render_page(p.get(), dpi, dpi);
  if (!img.is_valid() || img.width() <= 0 || img.height() <= 0) {
    return Status::invalid_argument(file.string() + ": page " + std::to_string(page) +
                                    " cannot be rendered");
  }
  return pix_of_rgb(reinterpret_cast<const std::uint8_t*>(img.const_data()), img.width(),
                    img.height(), static_cast<std::size_t>(img.bytes_per_row()));
}

// A picture scaled to `width` pixels (never enlarged), as 32 bits.
Result<Pix> scale_image(const fs::path& file, int width) {
  REPERE_RETURN_IF_ERROR(image_size(file).status());
  Pix read(pixRead(file.c_str()));
  if (!read) return Status::invalid_argument(file.string() + ": not a readable image");
  Pix rgb(pixConvertTo32(read.get()));
  if (!rgb) return Status::invalid_argument(file.string() + ": an image of an unknown kind");
  if (pixGetWidth(rgb.get()) <= width) return rgb;
  Pix scaled(pixScaleToSize(rgb.get(), width, 0));
  if (!scaled) return Status::internal("cannot scale " + file.string());
  return scaled;
}

Result<std::string> encode_webp(PIX* pix) {
  auto encode = [pix](int quality, int lossless) -> std::string {
    l_uint8* data = nullptr;
    std::size_t size = 0;
    if (pixWriteMemWebP(&data, &size, pix, quality, lossless) != 0 || !data) return "";
    std::string out(reinterpret_cast<const char*>(data), size);
    std::free(data);
    return out;
  };
  std::string best = encode(100, 1);
  if (best.empty() || best.size() > kLosslessEnough) {
    std::string lossy = encode(kLossyQuality, 0);
    if (!lossy.empty() && (best.empty() || lossy.size() < best.size())) best = std::move(lossy);
  }
  if (best.empty()) return Status::internal("WebP encoding failed");
  return best;
}

// Writes `bytes` as `target` through a temporary name, so that no reader sees half a file.
Status keep(const fs::path& target, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  static std::atomic<unsigned> counter{0};
  const fs::path partial = target.string() + "." + std::to_string(::getpid()) + "." +
                           std::to_string(counter++) + ".partiel";
  {
    std::ofstream out(partial, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      fs::remove(partial, ec);
      return Status::io_error("cannot write " + partial.string() + ": is the disk full?");
    }
  }
  fs::rename(partial, target, ec);
  if (ec) {
    fs::remove(partial, ec);
    return Status::io_error("cannot keep " + target.string() + ": " + ec.message());
  }
  return Status::ok();
}

}  // namespace

int nearest_width(int asked) {
  int best = kWidths[0];
  for (const int w : kWidths) {
    if (std::abs(w - asked) < std::abs(best - asked)) best = w;
  }
  return best;
}

std::string file_key(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const auto time = fs::last_write_time(file, ec).time_since_epoch().count();
  return std::to_string(ec ? 0 : size) + "-" + std::to_string(ec ? 0 : time);
}

Result<std::vector<PageSize>> page_sizes(const fs::path& file, Source source) {
  if (source == Source::kImage) {
    REPERE_ASSIGN_OR_RETURN(const PageSize s, image_size(file));
    return std::vector<PageSize>{s};
  }
  REPERE_ASSIGN_OR_RETURN(const auto doc, open_pdf(file));
  std::vector<PageSize> out;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> p(doc->create_page(i));
    const poppler::rectf box = p ? p->page_rect() : poppler::rectf();
    out.push_back(box.width() > 0 && box.height() > 0 ? PageSize{box.width(), box.height()}
                                                      : PageSize{595, 842});  // A4
  }
  return out;
}

Result<fs::path> page_image(const fs::path& file, Source source, int page, int width,
                            const fs::path& cache, const std::string& key) {
  width = nearest_width(width);
  const fs::path target =
      cache / (key + "-p" + std::to_string(page) + "-w" + std::to_string(width) + ".webp");
  std::error_code ec;
  if (fs::is_regular_file(target, ec) && fs::file_size(target, ec) > 0) return target;
  if (source == Source::kImage && page != 1) {
    return Status::invalid_argument(file.string() + ": an image has one page, not " +
                                    std::to_string(page));
  }
  Result<Pix> pix =
      source == Source::kPdf ? render_pdf(file, page, width) : scale_image(file, width);
  REPERE_RETURN_IF_ERROR(pix.status());
  REPERE_ASSIGN_OR_RETURN(const std::string webp, encode_webp(pix->get()));
  REPERE_RETURN_IF_ERROR(keep(target, webp));
  return target;
}

Result<fs::path> moment_image(const fs::path& video, std::int64_t at_ms, const fs::path& cache,
                              const std::string& key) {
  const std::int64_t second = std::max<std::int64_t>(at_ms, 0) / 1000;
  const fs::path target = cache / (key + "-t" + std::to_string(second) + ".webp");
  std::error_code ec;
  if (fs::is_regular_file(target, ec) && fs::file_size(target, ec) > 0) return target;
  REPERE_ASSIGN_OR_RETURN(const media::ColourFrame frame,
                          media::frame_at(video, second * 1000, kThumbWidth));
  REPERE_ASSIGN_OR_RETURN(const Pix pix, pix_of_rgb(frame.rgb.data(), frame.width, frame.height,
                                                    static_cast<std::size_t>(frame.width) * 3));
  l_uint8* data = nullptr;
  std::size_t size = 0;
  if (pixWriteMemWebP(&data, &size, pix.get(), kThumbQuality, 0) != 0 || !data)
    return Status::internal("WebP encoding failed for a thumbnail of " + video.string());
  const std::string webp(reinterpret_cast<const char*>(data), size);
  std::free(data);
  REPERE_RETURN_IF_ERROR(keep(target, webp));
  return target;
}

}  // namespace repere::preview
