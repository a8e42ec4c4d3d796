// multipart/form-data (RFC 7578) read from a file on disk, as uploads arrive: file parts are
// copied into a folder as they are read (never held in memory), other fields are kept as text.
// Internal to src/web.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::web {

struct FormPart {
  std::string name;            // the field's name
  std::string filename;        // as the browser sent it; "" for a plain field
  std::string value;           // a plain field's text (at most 64 KiB)
  std::filesystem::path path;  // a file part: where it was written (in `folder`)
  std::uint64_t bytes = 0;
};

// The boundary of a Content-Type "multipart/form-data; boundary=…"; "" when there is none.
std::string multipart_boundary(const std::string& content_type);

// A file name safe to write in a folder: no folders, no leading dot, no control characters,
// at most 150 bytes; "fichier" when nothing is left.
std::string safe_file_name(const std::string& sent);

// Splits the body in `body` by `boundary`; file parts go to `folder` (created) under their safe
// names (a second file of the same name gets a number). Errors: invalid_argument naming what
// is wrong (no boundary, a part without headers, a truncated body, over 1,000 parts).
Result<std::vector<FormPart>> split_multipart(const std::filesystem::path& body,
                                              const std::string& boundary,
                                              const std::filesystem::path& folder);

}  // namespace repere::web
