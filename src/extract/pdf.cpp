#include "repere/extract/pdf.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <mutex>

#include "repere/core/text.h"

namespace repere::extract {
namespace {

void quiet(const std::string&, void*) {}

Result<std::unique_ptr<poppler::document>> load(const std::filesystem::path& path) {
  // poppler prints its complaints about damaged files on stderr; our Status says it instead.
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(quiet, nullptr); });
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status::not_found("no such file: " + path.string());
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path.string()));
  if (!doc)
    return Status::invalid_argument(path.string() + ": not a readable PDF (damaged or not a PDF)");
  if (doc->is_locked())
    return Status::invalid_argument(path.string() + ": the PDF is protected by a password");
  return doc;
}

std::string utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return text::nfc(std::string(bytes.begin(), bytes.end()));
}

}  // namespace

Result<PdfText> read_pdf_text(const std::filesystem::path& path) {
  REPERE_ASSIGN_OR_RETURN(auto doc, load(path));
  PdfText out;
  out.page_count = doc->pages();
  for (int i = 0; i < out.page_count; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) {
      out.pages_without_text.push_back(i + 1);
      continue;
    }
    const poppler::rectf size = page->page_rect();
    const double width = size.width() > 0 ? size.width() : 1;
    const double height = size.height() > 0 ? size.height() : 1;
    bool any = false;
    for (const poppler::text_box& box : page->text_list()) {
      std::string word = utf8(box.text());
      if (word.empty()) continue;
      const poppler::rectf b = box.bbox();
      out.words.push_back({i + 1, std::move(word), b.x() / width, b.y() / height, b.width() / width,
                           b.height() / height});
      any = true;
    }
    if (!any) out.pages_without_text.push_back(i + 1);
  }
  return out;
}

Result<GreyImage> render_pdf_page(const std::filesystem::path& path, int page_number, int dpi) {
  REPERE_ASSIGN_OR_RETURN(auto doc, load(path));
  if (page_number < 1 || page_number > doc->pages()) {
    return Status::invalid_argument(path.string() + ": no page " + std::to_string(page_number));
  }
  std::unique_ptr<poppler::page> page(doc->create_page(page_number - 1));
  if (!page)
    return Status::invalid_argument(path.string() + ": page " + std::to_string(page_number) +
                                    " is damaged");
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  const poppler::image img = renderer.render_page(page.get(), dpi, dpi);
  if (!img.is_valid() || img.width() <= 0 || img.height() <= 0) {
    return Status::invalid_argument(path.string() + ": page " + std::to_string(page_number) +
                                    " cannot be rendered");
  }
  GreyImage out;
  out.width = img.width();
  out.height = img.height();
  out.dpi = dpi;
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  for (int y = 0; y < out.height; ++y) {
    const char* row = img.const_data() + static_cast<std::ptrdiff_t>(y) * img.bytes_per_row();
    std::copy(row, row + out.width,
              out.pixels.begin() + static_cast<std::ptrdiff_t>(y) * out.width);
  }
  return out;
}

}  // namespace repere::extract
