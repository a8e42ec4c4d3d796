#include "multipart.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>

namespace repere::web {
namespace {

// ASCII letters only (text::lower normalises, which may change lengths: positions found in the
// lowered text must hold in the original).
std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kMaxHeaders = 16 * 1024;
constexpr std::size_t kMaxField = 64 * 1024;
constexpr int kMaxParts = 1000;

// The value of `key="…"` (or key=token) in a header's parameters.
std::string parameter(const std::string& header, const std::string& key) {
  const std::string l = ascii_lower(header);
  std::size_t at = 0;
  while ((at = l.find(key + "=", at)) != std::string::npos) {
    if (at > 0 && l[at - 1] != ' ' && l[at - 1] != ';') {
      at += key.size();
      continue;
    }
    std::size_t v = at + key.size() + 1;
    if (v < header.size() && header[v] == '"') {
      std::string out;
      for (++v; v < header.size() && header[v] != '"'; ++v) {
        if (header[v] == '\\' && v + 1 < header.size()) ++v;
        out += header[v];
      }
      return out;
    }
    const std::size_t end = header.find_first_of("; ", v);
    return header.substr(v, end == std::string::npos ? std::string::npos : end - v);
  }
  return "";
}

}  // namespace

std::string multipart_boundary(const std::string& content_type) {
  if (ascii_lower(content_type).rfind("multipart/form-data", 0) != 0) return "";
  std::string b = parameter(content_type, "boundary");
  return b.size() <= 200 ? b : "";
}

std::string safe_file_name(const std::string& sent) {
  std::string name = sent;
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
        c == '>' || c == '|')
      continue;
    out += c;
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 150) {  // keep the extension
    const std::size_t dot = out.rfind('.');
    const std::string ext =
        dot != std::string::npos && out.size() - dot <= 10 ? out.substr(dot) : "";
    out = out.substr(0, 150 - ext.size());
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += ext;
  }
  return out.empty() ? "fichier" : out;
}

Result<std::vector<FormPart>> split_multipart(const std::filesystem::path& body,
                                              const std::string& boundary,
                                              const std::filesystem::path& folder) {
  if (boundary.empty())
    return Status::invalid_argument("the upload is not multipart/form-data with a boundary");
  std::ifstream in(body, std::ios::binary);
  if (!in) return Status::io_error("cannot read the upload " + body.string());
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return Status::io_error("cannot create " + folder.string() + ": " + ec.message());
  const std::string first = "--" + boundary;
  const std::string delimiter = "\r\n--" + boundary;
  std::string buf;
  bool eof = false;
  auto more = [&]() {
    if (eof) return false;
    std::string chunk(kChunk, '\0');
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) eof = true;
    buf.append(chunk.data(), n);
    return n > 0;
  };
  while (buf.size() < first.size() + 2 && more()) {
  }
  if (buf.rfind(first, 0) != 0)
    return Status::invalid_argument("the upload does not start with its boundary");
  buf.erase(0, first.size());
  std::vector<FormPart> parts;
  while (true) {
    while (buf.size() < 2 && more()) {
    }
    if (buf.rfind("--", 0) == 0) return parts;  // the closing delimiter
    if (buf.rfind("\r\n", 0) != 0) return Status::invalid_argument("the upload is malformed");
    buf.erase(0, 2);
    if (static_cast<int>(parts.size()) >= kMaxParts)
      return Status::invalid_argument("the upload has over 1,000 parts");
    std::size_t end_of_headers;
    while ((end_of_headers = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHeaders || !more())
        return Status::invalid_argument("a part of the upload has no end to its headers");
    }
    const std::string headers = buf.substr(0, end_of_headers);
    buf.erase(0, end_of_headers + 4);
    FormPart part;
    for (std::size_t at = 0; at < headers.size();) {
      std::size_t eol = headers.find("\r\n", at);
      if (eol == std::string::npos) eol = headers.size();
      const std::string line = headers.substr(at, eol - at);
      if (ascii_lower(line).rfind("content-disposition:", 0) == 0) {
        part.name = parameter(line, "name");
        part.filename = parameter(line, "filename");
      }
      at = eol + 2;
    }
    std::optional<std::ofstream> out;
    if (!part.filename.empty()) {
      const std::string name = safe_file_name(part.filename);
      std::filesystem::path target = folder / name;
      for (int n = 2; std::filesystem::exists(target, ec); ++n) {
        const std::filesystem::path p(name);
        target = folder / (p.stem().string() + "-" + std::to_string(n) + p.extension().string());
      }
      part.path = target;
      out.emplace(target, std::ios::binary);
      if (!*out) return Status::io_error("cannot write " + target.string());
    }
    auto emit = [&](std::string_view bytes) -> Status {
      part.bytes += bytes.size();
      if (out) {
        out->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!*out) return Status::io_error("cannot write " + part.path.string() + " (disk full?)");
      } else if (part.value.size() + bytes.size() <= kMaxField) {
        part.value.append(bytes);
      } else {
        return Status::invalid_argument("the field '" + part.name + "' is over 64 KiB");
      }
      return Status::ok();
    };
    while (true) {
      const std::size_t at = buf.find(delimiter);
      if (at != std::string::npos) {
        REPERE_RETURN_IF_ERROR(emit(std::string_view(buf).substr(0, at)));
        buf.erase(0, at + delimiter.size());
        break;
      }
      // Keep what may be the start of the delimiter; write the rest.
      if (buf.size() > delimiter.size()) {
        const std::size_t keep = delimiter.size();
        REPERE_RETURN_IF_ERROR(emit(std::string_view(buf).substr(0, buf.size() - keep)));
        buf.erase(0, buf.size() - keep);
      }
      if (!more())
        return Status::invalid_argument(
            "the upload ended in the middle of a part (was it interrupted?)");
    }
    if (out) out->close();
    parts.push_back(std::move(part));
  }
}

}  // namespace repere::web
