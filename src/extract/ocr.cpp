#include "repere/extract/ocr.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "repere/core/text.h"

namespace repere::extract {

struct OcrEngine::Impl {
  OcrOptions options;
  tesseract::TessBaseAPI api;
};

namespace {

struct PixFreer {
  void operator()(Pix* p) const { pixDestroy(&p); }
};

std::vector<OcrWord> collect_words(tesseract::TessBaseAPI& api, int width, int height,
                                   double low_confidence) {
  std::vector<OcrWord> words;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it) return words;
  const auto level = tesseract::RIL_WORD;
  do {
    const std::unique_ptr<char[]> raw(it->GetUTF8Text(level));
    if (!raw) continue;
    std::string text = text::nfc(raw.get());
    if (text.empty()) continue;
    int left = 0, top = 0, right = 0, bottom = 0;
    it->BoundingBox(level, &left, &top, &right, &bottom);
    OcrWord w;
    w.text = std::move(text);
    w.x = static_cast<double>(left) / width;
    w.y = static_cast<double>(top) / height;
    w.w = static_cast<double>(right - left) / width;
    w.h = static_cast<double>(bottom - top) / height;
    w.confidence = it->Confidence(level) / 100.0;
    w.low_confidence = w.confidence < low_confidence;
    w.starts_paragraph = it->IsAtBeginningOf(tesseract::RIL_PARA);
    words.push_back(std::move(w));
  } while (it->Next(level));
  return words;
}

}  // namespace

OcrEngine::OcrEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OcrEngine::~OcrEngine() { impl_->api.End(); }

Result<std::unique_ptr<OcrEngine>> OcrEngine::create(const OcrOptions& options) {
  // Leptonica reports unreadable files on stderr; the Status we return says it instead.
  setMsgSeverity(L_SEVERITY_NONE);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const char* datapath = options.tessdata.empty() ? nullptr : options.tessdata.c_str();
  if (impl->api.Init(datapath, options.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::not_found("Tesseract cannot load '" + options.languages +
                             "': install the tesseract-ocr-<language> packages or set ocr.tessdata "
                             "(`repere doctor` says which)");
  }
  // Keep inter-word spaces as they are; we rebuild lines from word boxes anyway.
  impl->api.SetVariable("debug_file", "/dev/null");
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(impl)));
}

// An A3 page scanned at 600 dpi is 70 megapixels; a 20,000 × 20,000 PNG of 1 MB would decode
// to 1.2 GB. The header is read first, and an image past this is refused before decoding.
constexpr double kMaxImagePixels = 80e6;

Result<std::vector<OcrWord>> OcrEngine::read_file(const std::filesystem::path& path) {
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (pixReadHeader(path.c_str(), &format, &w, &h, &bps, &spp, &cmap) != 0)
    return Status::invalid_argument(path.string() + ": not an image Repère can read");
  if (static_cast<double>(w) * h > kMaxImagePixels) {
    return Status::invalid_argument(
        path.string() + ": " + std::to_string(w) + " × " + std::to_string(h) +
        " pixels, over the 80 megapixels Repère reads (an A3 page at 600 dpi is 70): scale it "
        "down, e.g. `convert IN -resize 50% OUT`");
  }
  std::unique_ptr<Pix, PixFreer> pix(pixRead(path.c_str()));
  if (!pix) return Status::invalid_argument(path.string() + ": not an image Repère can read");
  const int width = pixGetWidth(pix.get());
  const int height = pixGetHeight(pix.get());
  if (width < 8 || height < 8)
    return Status::invalid_argument(path.string() + ": image too small to read");
  impl_->api.SetImage(pix.get());
  if (pixGetXRes(pix.get()) < 70) impl_->api.SetSourceResolution(300);
  if (impl_->api.Recognize(nullptr) != 0)
    return Status::internal(path.string() + ": Tesseract failed");
  auto words = collect_words(impl_->api, width, height, impl_->options.low_confidence);
  impl_->api.Clear();
  return words;
}

Result<std::vector<OcrWord>> OcrEngine::read_image(const GreyImage& image) {
  if (image.width < 8 || image.height < 8 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height) {
    return Status::invalid_argument("image to read is empty or malformed");
  }
  impl_->api.SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
  impl_->api.SetSourceResolution(image.dpi > 0 ? image.dpi : 300);
  if (impl_->api.Recognize(nullptr) != 0) return Status::internal("Tesseract failed");
  auto words = collect_words(impl_->api, image.width, image.height, impl_->options.low_confidence);
  impl_->api.Clear();
  return words;
}

std::string OcrEngine::origin() const {
  return std::string("ai:tesseract@") + tesseract::TessBaseAPI::Version();
}

}  // namespace repere::extract
