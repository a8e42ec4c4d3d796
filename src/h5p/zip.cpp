#include "repere/h5p/zip.h"

#include <zlib.h>

#include <array>

namespace repere::h5p {

namespace {

constexpr std::uint64_t kLimit = 0xFFFFFFFFull;
constexpr std::uint16_t kUtf8Names = 0x0800;
constexpr std::uint16_t kDosTime = 0;                         // 00:00:00
constexpr std::uint16_t kDosDate = (46 << 9) | (1 << 5) | 1;  // 2026-01-01: reproducible packages

void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

}  // namespace

Result<ZipWriter> ZipWriter::create(const std::filesystem::path& path) {
  ZipWriter w(path);
  w.out_.open(path, std::ios::binary | std::ios::trunc);
  if (!w.out_) return Status::io_error("cannot create " + path.string());
  return w;
}

Status ZipWriter::header(const std::string& name, std::uint32_t crc, std::uint64_t size) {
  if (size > kLimit || written_ + size + name.size() + 30 > kLimit) {
    return Status::invalid_argument(path_.string() + ": " + name +
                                    " would make the package larger than 4 GiB");
  }
  entries_.push_back(
      {name, crc, static_cast<std::uint32_t>(size), static_cast<std::uint32_t>(written_)});
  std::string h;
  put32(h, 0x04034b50);
  put16(h, 10);  // version needed: stored
  put16(h, kUtf8Names);
  put16(h, 0);  // stored
  put16(h, kDosTime);
  put16(h, kDosDate);
  put32(h, crc);
  put32(h, static_cast<std::uint32_t>(size));
  put32(h, static_cast<std::uint32_t>(size));
  put16(h, static_cast<std::uint16_t>(name.size()));
  put16(h, 0);
  h += name;
  out_.write(h.data(), static_cast<std::streamsize>(h.size()));
  written_ += h.size();
  return out_ ? Status::ok() : Status::io_error("cannot write " + path_.string());
}

Status ZipWriter::add(const std::string& name, std::string_view bytes) {
  const auto crc = static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  REPERE_RETURN_IF_ERROR(header(name, crc, bytes.size()));
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  written_ += bytes.size();
  return out_ ? Status::ok() : Status::io_error("cannot write " + path_.string());
}

Status ZipWriter::add_file(const std::string& name, const std::filesystem::path& file) {
  std::array<char, 64 * 1024> buffer{};
  std::uint64_t size = 0;
  uLong crc = crc32(0L, Z_NULL, 0);
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::io_error("cannot read " + file.string());
    while (in) {
      in.read(buffer.data(), buffer.size());
      const auto got = static_cast<std::size_t>(in.gcount());
      crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(got));
      size += got;
    }
  }
  REPERE_RETURN_IF_ERROR(header(name, static_cast<std::uint32_t>(crc), size));
  std::ifstream in(file, std::ios::binary);
  std::uint64_t copied = 0;
  while (in && copied < size) {
    in.read(buffer.data(), buffer.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    out_.write(buffer.data(), static_cast<std::streamsize>(got));
    copied += got;
  }
  if (copied != size) return Status::io_error(file.string() + " changed while it was being packed");
  written_ += size;
  return out_ ? Status::ok() : Status::io_error("cannot write " + path_.string());
}

Status ZipWriter::finish() {
  const std::uint64_t start = written_;
  std::string dir;
  for (const Entry& e : entries_) {
    put32(dir, 0x02014b50);
    put16(dir, 0x0314);  // made by: Unix, 2.0
    put16(dir, 10);
    put16(dir, kUtf8Names);
    put16(dir, 0);
    put16(dir, kDosTime);
    put16(dir, kDosDate);
    put32(dir, e.crc);
    put32(dir, e.size);
    put32(dir, e.size);
    put16(dir, static_cast<std::uint16_t>(e.name.size()));
    put16(dir, 0);
    put16(dir, 0);
    put16(dir, 0);
    put16(dir, 0);
    put32(dir, 0100644u << 16);  // -rw-r--r--
    put32(dir, e.offset);
    dir += e.name;
  }
  if (start + dir.size() + 22 > kLimit || entries_.size() > 0xFFFF) {
    return Status::invalid_argument(path_.string() + ": the package would be larger than 4 GiB");
  }
  put32(dir, 0x06054b50);
  put16(dir, 0);
  put16(dir, 0);
  put16(dir, static_cast<std::uint16_t>(entries_.size()));
  put16(dir, static_cast<std::uint16_t>(entries_.size()));
  put32(dir, static_cast<std::uint32_t>(dir.size() - 0));  // patched below
  put32(dir, static_cast<std::uint32_t>(start));
  put16(dir, 0);
  // The directory's size excludes the end record (22 bytes).
  const auto size = static_cast<std::uint32_t>(dir.size() - 22);
  for (int i = 0; i < 4; ++i)
    dir[dir.size() - 10 + static_cast<std::size_t>(i)] =
        static_cast<char>((size >> (8 * i)) & 0xFF);
  out_.write(dir.data(), static_cast<std::streamsize>(dir.size()));
  out_.close();
  return out_ ? Status::ok() : Status::io_error("cannot write " + path_.string());
}

}  // namespace repere::h5p
