#include "repere/core/files.h"

#include <sys/file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace repere {
namespace {

Status os_error(std::string_view what, const std::filesystem::path& path, int err) {
  return Status::io_error(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

Status write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::ok();
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return Status::not_found("no such file: " + path.string());
    return os_error("cannot open", path, errno);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return os_error("cannot read", path, errno);
  return buffer.str();
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return os_error("cannot create", tmp, errno);
  Status status = write_all(fd, contents, tmp);
  if (status.is_ok() && ::fsync(fd) != 0) status = os_error("cannot flush", tmp, errno);
  ::close(fd);
  if (status.is_ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = os_error("cannot rename onto", path, errno);
  }
  if (!status.is_ok()) ::unlink(tmp.c_str());
  return status;
}

std::uint64_t disk_usage(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return std::filesystem::file_size(path, ec);
  if (!std::filesystem::is_directory(path, ec)) return 0;
  std::uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

Result<std::unique_ptr<FileLock>> FileLock::acquire(const std::filesystem::path& path,
                                                    const std::string& busy_message) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io_error("cannot open " + path.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::unavailable(busy_message);
  }
  return std::unique_ptr<FileLock>(new FileLock(fd));
}

FileLock::~FileLock() { ::close(fd_); }

}  // namespace repere
