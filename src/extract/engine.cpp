#include "repere/extract/engine.h"

#include <poppler/cpp/poppler-version.h>
#include <tesseract/baseapi.h>

#include <filesystem>

namespace repere::extract {
namespace {

namespace fs = std::filesystem;

bool has_file_ending(const fs::path& dir, std::string_view ending) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() >= ending.size() &&
        name.compare(name.size() - ending.size(), ending.size(), ending) == 0) {
      return true;
    }
  }
  return false;
}

bool is_acoustic_model(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "mdef", ec) && fs::exists(dir / "means", ec);
}

}  // namespace

std::string tesseract_version() { return tesseract::TessBaseAPI::Version(); }

std::string poppler_version() { return poppler::version_string(); }

Status check_tesseract_language(const std::string& tessdata_dir, const std::string& language) {
  tesseract::TessBaseAPI api;
  const char* datapath = tessdata_dir.empty() ? nullptr : tessdata_dir.c_str();
  if (api.Init(datapath, language.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::not_found("Tesseract cannot load language '" + language +
                             "': install it with `apt-get install tesseract-ocr-" + language +
                             "` or set ocr.tessdata");
  }
  api.End();
  return Status::ok();
}

Status check_pocketsphinx_model(const std::string& model_dir) {
  const fs::path dir(model_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::not_found("no pocketsphinx model folder at " + model_dir +
                             ": install it with `apt-get install pocketsphinx-en-us` or set "
                             "asr.pocketsphinx_model");
  }
  bool acoustic = is_acoustic_model(dir);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() && is_acoustic_model(entry.path())) acoustic = true;
  }
  if (!acoustic) return Status::not_found("no acoustic model (mdef, means) in " + model_dir);
  if (!has_file_ending(dir, ".lm.bin") && !has_file_ending(dir, ".lm")) {
    return Status::not_found("no language model (*.lm.bin) in " + model_dir);
  }
  if (!has_file_ending(dir, ".dict")) {
    return Status::not_found("no pronunciation dictionary (*.dict) in " + model_dir);
  }
  return Status::ok();
}

}  // namespace repere::extract
