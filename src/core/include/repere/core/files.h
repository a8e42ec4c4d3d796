// Small, checked file-system helpers. Errors name the path and the operating system's reason.
// Thread safety: safe to call concurrently on different paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "repere/core/result.h"

namespace repere {

// The whole content of a file. Errors: not_found, io_error.
Result<std::string> read_file(const std::filesystem::path& path);

// Writes `contents` to `path` so that readers see the old file or the new one, never a part:
// writes a temporary file beside it, flushes it to disk, then renames it over `path`.
Status write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// Total size in bytes of a file, or of every regular file under a folder; 0 if absent.
std::uint64_t disk_usage(const std::filesystem::path& path);

// An exclusive advisory lock (flock) on a file, held for the life of the object and released
// by the kernel if the process dies. Errors: unavailable with `busy_message` when another
// process holds it; io_error when the file cannot be opened.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> acquire(const std::filesystem::path& path,
                                                   const std::string& busy_message);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace repere
