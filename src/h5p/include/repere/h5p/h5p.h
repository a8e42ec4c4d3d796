// H5P export of interactive videos: an activity becomes an H5P.InteractiveVideo 1.22 package
// (.h5p) that Moodle, Drupal, WordPress or Lumi import when they have the H5P libraries it
// names. Definitions are H5P.Text, questions H5P.MultiChoice, H5P.TrueFalse, H5P.Blanks and
// H5P.FreeTextQuestion; chapters are bookmarks; the clip's own video file (cut by ffmpeg, so
// times start at 00:00) and its WebVTT captions travel in the package. The package holds the
// content and h5p.json, not the libraries' code.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "repere/core/data_dir.h"
#include "repere/core/result.h"
#include "repere/learn/activity.h"

namespace repere::catalog {
class Database;
}

namespace repere::h5p {

// Checks `params` against H5P semantics (the field list of a library's semantics.json) as H5P's
// content validator does: every value present has its field's type — text (maxLength), number
// (min, max), boolean, select (among the options; "" for an optional one left unset), list (min,
// max), group, library (among the options, with its params), file, video — and no key is unknown.
// Missing fields are not errors: H5P gives them their defaults. `libraries` maps
// "H5P.MultiChoice 1.14" to that library's semantics, to check sub-content too. Errors:
// invalid_argument naming the path, "interactiveVideo.assets.interactions[2].action.library:
// H5P.Foo 1.0 is not allowed here".
Status check_semantics(const nlohmann::json& fields, const nlohmann::json& params,
                       const std::map<std::string, nlohmann::json>& libraries = {});

// The libraries a package made here needs, as "H5P.MultiChoice 1.14".
const std::vector<std::string>& libraries_used();

struct Package {
  nlohmann::json h5p;      // h5p.json
  nlohmann::json content;  // content/content.json
};

// Who made the content and under which licence (the catalog's SPDX-like id, "CC-BY-SA-4.0").
struct Rights {
  std::string licence;
  std::vector<std::string> authors;
};

// H5P's licence code and version for a catalog licence: "CC-BY-SA-4.0" -> {"CC BY-SA", "4.0"},
// "CC0-1.0" -> {"CC0 1.0", ""}; one H5P has no code for (the Licence Ouverte) or none -> "U".
std::pair<std::string, std::string> h5p_licence(const std::string& licence);

// The package of `a` for a clip file "videos/extrait.mp4" that starts at the clip's start;
// `with_captions` adds "videos/sous-titres.vtt" as its text track. The teacher's attempt rule
// becomes H5P's retry button (one attempt: no « Réessayer »); H5P has no count of attempts.
Package package_of(const learn::Activity& a, bool with_captions, const std::string& language,
                   const Rights& rights = {});

struct ExportOptions {
  std::string ffmpeg = "ffmpeg";  // the program that cuts the clip (Debian package ffmpeg)
};

// Writes the .h5p of an activity to `out` (through a temporary file beside it, renamed at the
// end). Errors: not_found for an unknown activity; unavailable when ffmpeg cannot be started;
// io_error naming the file otherwise.
Status export_activity(catalog::Database& db, const DataDir& dir, learn::Id activity_id,
                       const std::filesystem::path& out, const ExportOptions& options = {});

}  // namespace repere::h5p
