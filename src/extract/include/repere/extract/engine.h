// What the text-extraction engines of this build can do, for `repere doctor`.
#pragma once

#include <string>
#include <vector>

#include "repere/core/status.h"

namespace repere::extract {

std::string tesseract_version();
std::string poppler_version();

// Loads Tesseract for `language` (e.g. "fra") from `tessdata_dir` ("" = Tesseract's default)
// to prove the language data is usable. Errors: not_found naming the Debian package to install.
// Thread safety: safe; each call uses its own engine.
Status check_tesseract_language(const std::string& tessdata_dir, const std::string& language);

// Checks that `model_dir` holds a pocketsphinx model: an acoustic model folder (with mdef and
// means), a language model (*.lm.bin or *.lm) and a pronunciation dictionary (*.dict).
// Errors: not_found naming what is missing.
Status check_pocketsphinx_model(const std::string& model_dir);

}  // namespace repere::extract
