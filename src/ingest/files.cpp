#include "repere/ingest/files.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>

namespace repere::ingest {
namespace {

namespace fs = std::filesystem;
using catalog::ContentKind;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string extension(const fs::path& p) { return lower(p.extension().string()); }

// "fr", "en", "fr-FR", "pt-BR": what may stand between a media name and ".vtt".
bool looks_like_language(std::string_view s) {
  if (s.size() < 2 || s.size() > 8) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = std::isalpha(static_cast<unsigned char>(c)) || (c == '-' && i >= 2);
    if (!ok) return false;
  }
  return std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::isalpha(static_cast<unsigned char>(s[1]));
}

bool is_media_kind(std::optional<ContentKind> kind) {
  return kind && *kind != ContentKind::kText && *kind != ContentKind::kWebpage;
}

}  // namespace

std::optional<ContentKind> content_kind_for(const fs::path& path) {
  static const std::map<std::string, ContentKind> kKinds = {
      {".mp4", ContentKind::kVideo},    {".m4v", ContentKind::kVideo},
      {".mkv", ContentKind::kVideo},    {".webm", ContentKind::kVideo},
      {".mov", ContentKind::kVideo},    {".avi", ContentKind::kVideo},
      {".ogv", ContentKind::kVideo},    {".mp3", ContentKind::kAudio},
      {".wav", ContentKind::kAudio},    {".ogg", ContentKind::kAudio},
      {".oga", ContentKind::kAudio},    {".opus", ContentKind::kAudio},
      {".m4a", ContentKind::kAudio},    {".flac", ContentKind::kAudio},
      {".pdf", ContentKind::kDocument}, {".png", ContentKind::kImage},
      {".jpg", ContentKind::kImage},    {".jpeg", ContentKind::kImage},
      {".tif", ContentKind::kImage},    {".tiff", ContentKind::kImage},
      {".pbm", ContentKind::kImage},    {".pgm", ContentKind::kImage},
      {".ppm", ContentKind::kImage},    {".webp", ContentKind::kImage},
      {".html", ContentKind::kWebpage}, {".htm", ContentKind::kWebpage},
      {".txt", ContentKind::kText},     {".md", ContentKind::kText},
      {".markdown", ContentKind::kText}};
  const auto it = kKinds.find(extension(path));
  if (it == kKinds.end()) return std::nullopt;
  return it->second;
}

bool is_subtitle_file(const fs::path& path) {
  const std::string ext = extension(path);
  return ext == ".vtt" || ext == ".srt";
}

std::vector<Sidecar> find_sidecars(const fs::path& media) {
  std::vector<Sidecar> out;
  const std::string stem = media.stem().string();
  std::error_code ec;
  for (const auto& entry :
       fs::directory_iterator(media.parent_path().empty() ? "." : media.parent_path(), ec)) {
    const fs::path& p = entry.path();
    if (!entry.is_regular_file(ec) || !is_subtitle_file(p)) continue;
    const std::string name = p.stem().string();  // "lecture" or "lecture.fr"
    if (name == stem) {
      out.push_back({p, ""});
    } else if (name.size() > stem.size() + 1 && name.compare(0, stem.size(), stem) == 0 &&
               name[stem.size()] == '.' && looks_like_language(name.substr(stem.size() + 1))) {
      out.push_back({p, lower(name.substr(stem.size() + 1))});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Sidecar& a, const Sidecar& b) { return a.path < b.path; });
  return out;
}

bool is_sidecar_of_some_media(const fs::path& subtitle) {
  std::error_code ec;
  for (const auto& entry :
       fs::directory_iterator(subtitle.parent_path().empty() ? "." : subtitle.parent_path(), ec)) {
    if (!entry.is_regular_file(ec) || !is_media_kind(content_kind_for(entry.path()))) continue;
    for (const Sidecar& s : find_sidecars(entry.path())) {
      if (fs::equivalent(s.path, subtitle, ec)) return true;
    }
  }
  return false;
}

Result<std::string> sha256_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return Status::not_found("no such file: " + path.string());
    return Status::io_error("cannot open " + path.string());
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = in.gcount();
    if (n > 0) {
      crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                                static_cast<unsigned long long>(n));
    }
  }
  if (in.bad()) return Status::io_error("cannot read " + path.string());
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::string hex;
  for (const unsigned char b : digest) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

std::string title_from_path(const fs::path& path) {
  std::string title = path.stem().string();
  std::replace(title.begin(), title.end(), '_', ' ');
  std::replace(title.begin(), title.end(), '-', ' ');
  return title;
}

}  // namespace repere::ingest
