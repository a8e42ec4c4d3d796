// PDF files with poppler: the words of each page with their positions, and page rendering
// for pages that have no text layer (scans), which then go to OCR. Thread-safe: each call
// loads its own document.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"
#include "repere/extract/ocr.h"

namespace repere::extract {

struct PdfWord {
  int page = 0;  // from 1
  std::string text;
  double x = 0, y = 0, w = 0, h = 0;  // fractions of the page
  double font_size = 0;               // in points, 0 when the PDF does not say
};

struct PdfText {
  int page_count = 0;
  // The document's title: its metadata's Title when it is one (not « Microsoft Word -
  // cours.docx », not « untitled »), else the first heading of page 1 — the first run of
  // words in its largest font when that font is at least 1.2 times the page's usual one; "".
  std::string title;
  std::vector<PdfWord> words;           // in reading order, page by page
  std::vector<int> pages_without_text;  // pages with no text layer: scans, images
};

// Errors: invalid_argument naming the file when it is not a PDF, is damaged, or is
// encrypted with a password.
Result<PdfText> read_pdf_text(const std::filesystem::path& path);

// Renders page `page` (from 1) at `dpi` as grey pixels. Errors: invalid_argument.
Result<GreyImage> render_pdf_page(const std::filesystem::path& path, int page, int dpi = 300);

}  // namespace repere::extract
