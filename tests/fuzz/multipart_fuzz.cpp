// Fuzz target: the multipart/form-data reader of uploads must never crash or hang, and must
// only ever write inside the folder it is given.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  static const fs::path work =
      fs::temp_directory_path() / ("repere-multipart-fuzz-" + std::to_string(getpid()));
  const fs::path body = work / "body";
  const fs::path folder = work / "files";
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  std::ofstream(body, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  const auto parts = repere::web::split_multipart(body, "b", folder);
  if (parts.is_ok()) {
    for (const auto& p : *parts) {
      if (p.path.empty()) continue;
      if (p.path.parent_path() != folder) std::abort();                 // a file outside its folder
      if (p.path.filename().string().rfind('.', 0) == 0) std::abort();  // a hidden file
    }
  }
  fs::remove_all(work, ec);
  return 0;
}
