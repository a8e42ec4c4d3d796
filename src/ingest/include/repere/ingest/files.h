// What a file is, by its name: its content kind, its sidecar subtitles, its digest.
// Thread safety: all functions are safe from any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/types.h"
#include "repere/core/result.h"

namespace repere::ingest {

// The kind of content a file becomes, from its extension (case-insensitive); none for files
// that are not contents (subtitle sidecars, unknown types).
std::optional<catalog::ContentKind> content_kind_for(const std::filesystem::path& path);

// .vtt and .srt files: they are read as the subtitles of the media beside them.
bool is_subtitle_file(const std::filesystem::path& path);

struct Sidecar {
  std::filesystem::path path;
  std::string language;  // from the name: "lecture.fr.vtt" -> "fr"; "" when not given
};

// Subtitle files beside `media` that belong to it: same folder, and named like it with a
// subtitle extension, optionally with a language in between ("lecture.vtt", "lecture.fr.srt",
// "lecture.en-GB.vtt"). Sorted by path.
std::vector<Sidecar> find_sidecars(const std::filesystem::path& media);

// Whether a subtitle file belongs to some media file in its folder.
bool is_sidecar_of_some_media(const std::filesystem::path& subtitle);

// The SHA-256 of a file's content, as 64 lowercase hex digits. Errors: not_found, io_error.
Result<std::string> sha256_file(const std::filesystem::path& path);

// A title from a file name: "la_photosynthese-partie-2.mp4" -> "la photosynthese partie 2".
std::string title_from_path(const std::filesystem::path& path);

}  // namespace repere::ingest
