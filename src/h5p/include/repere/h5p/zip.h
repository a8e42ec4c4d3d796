// A .zip writer for H5P packages: entries stored as they are (no compression: the video is
// already compressed, the JSON is small), UTF-8 names, no ZIP64 (each entry and the whole
// archive under 4 GiB).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::h5p {

class ZipWriter {
 public:
  // Errors: io_error naming the file when it cannot be created.
  static Result<ZipWriter> create(const std::filesystem::path& path);
  ZipWriter(ZipWriter&&) = default;

  Status add(const std::string& name, std::string_view bytes);
  // Copies a file in; errors name it.
  Status add_file(const std::string& name, const std::filesystem::path& file);
  // Writes the central directory; the archive is complete only after it.
  Status finish();

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc = 0, size = 0, offset = 0;
  };
  explicit ZipWriter(std::filesystem::path path) : path_(std::move(path)) {}
  Status header(const std::string& name, std::uint32_t crc, std::uint64_t size);
  std::filesystem::path path_;
  std::ofstream out_;
  std::vector<Entry> entries_;
  std::uint64_t written_ = 0;
};

}  // namespace repere::h5p
