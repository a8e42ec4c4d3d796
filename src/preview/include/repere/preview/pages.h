// Pages as images, for the reading page of a document or a picture: a PDF's page rendered by
// poppler, a scan or a photograph scaled by Leptonica, both encoded as WebP (lossless, which
// keeps a text page sharp in about 30 KB at 800 px; lossy when that is smaller, for
// photographs) and kept in a cache folder, so that each page is made once per width.
//
// Thread-safe: each call opens its own document, and a cached file is written under a
// temporary name then renamed, so two requests for one page never see half a file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::preview {

// The widths pages are made at, in pixels: a request for another width gets the nearest one,
// so that the cache holds three sizes of a page, not one per screen.
inline constexpr int kWidths[] = {480, 800, 1200};
int nearest_width(int asked);

// Only the ratio counts: points for a PDF, pixels for an image.
struct PageSize {
  double width = 0, height = 0;
};

enum class Source { kPdf, kImage };

// The size of each page (an image has one). Errors: invalid_argument naming the file when it
// is not a readable PDF or image, or is a picture of more than 100 megapixels.
Result<std::vector<PageSize>> page_sizes(const std::filesystem::path& file, Source source);

// Page `page` (from 1) of `file` as WebP, `width` pixels wide (see nearest_width), from the
// cache folder `cache` when it is there (the name starts with `key`, which must change when
// the file does); returns the cached file. Errors: invalid_argument (no such page, an
// unreadable file, naming it), io_error (the cache cannot be written).
Result<std::filesystem::path> page_image(const std::filesystem::path& file, Source source, int page,
                                         int width, const std::filesystem::path& cache,
                                         const std::string& key);

// The picture of a video at `at_ms` (rounded down to the second, so that the moments of a
// lecture share a few hundred thumbnails), kThumbWidth pixels wide, as lossy WebP of a few KB;
// cached as page_image. Errors: not_found (no file), invalid_argument (no video stream or no
// picture there, naming the file), io_error (the cache cannot be written).
inline constexpr int kThumbWidth = 192;
Result<std::filesystem::path> moment_image(const std::filesystem::path& video, std::int64_t at_ms,
                                           const std::filesystem::path& cache,
                                           const std::string& key);

// A key for `file` that changes when it is replaced: its size and modification time.
std::string file_key(const std::filesystem::path& file);

}  // namespace repere::preview
