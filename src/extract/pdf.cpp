#include "repere/extract/pdf.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "repere/core/text.h"
#include "repere/extract/title.h"

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

// The first run of words of page 1 in its largest font, when that font stands out from the
// page's usual (median) size: a heading, not a paragraph's first words.
std::string first_heading(const std::vector<PdfWord>& words) {
  std::vector<double> sizes;
  for (const PdfWord& w : words) {
    if (w.page == 1 && w.font_size > 0) sizes.push_back(w.font_size);
  }
  if (sizes.size() < 2) return "";
  const double largest = *std::max_element(sizes.begin(), sizes.end());
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                   sizes.end());
  const double usual = sizes[sizes.size() / 2];
  if (largest < 1.2 * usual) return "";
  std::string heading;
  int taken = 0;
  for (const PdfWord& w : words) {
    if (w.page != 1) break;
    const bool big = w.font_size >= 0.95 * largest;
    if (!big && taken > 0) break;
    if (!big) continue;
    if (++taken > 20) return "";  // a big paragraph, not a title
    heading += (heading.empty() ? "" : " ") + w.text;
  }
  return heading;
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
    for (const poppler::text_box& box : page->text_list(poppler::page::text_list_include_font)) {
      std::string word = utf8(box.text());
      if (word.empty()) continue;
      const poppler::rectf b = box.bbox();
      out.words.push_back({i + 1, std::move(word), b.x() / width, b.y() / height, b.width() / width,
                           b.height() / height, box.get_font_size()});
      any = true;
    }
    if (!any) out.pages_without_text.push_back(i + 1);
  }
  out.title = clean_title(utf8(doc->info_key("Title")));
  if (out.title.empty()) out.title = clean_title(first_heading(out.words));
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
