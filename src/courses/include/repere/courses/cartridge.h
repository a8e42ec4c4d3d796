// A course as an IMS Common Cartridge 1.3 (.imscc), which Moodle and the ENTs import: the
// imsmanifest.xml (its title and language in the LOM metadata; an organization of the course's
// chapters), a web link (imswl_xmlv1p3) to Repère for each moment and page — the pupils watch
// and read them where they are —, a web page (webcontent) for each run of a chapter's texts,
// key ideas and questions (the questions without their answers), and each interactive video as
// its H5P package (webcontent), which Moodle's H5P activity plays. Pure; the web module zips it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "repere/courses/course.h"

namespace repere::courses {

// What the cartridge says of a content a block names; none when it is not to be linked (gone,
// or not published).
struct LinkedContent {
  std::string title;
};
using ContentLookup = std::function<std::optional<LinkedContent>(Id)>;

// What the cartridge holds of an interactive video (an activity id): its title and its .h5p
// bytes; none when it is not to be exported.
struct LinkedVideo {
  std::string title;
  std::string h5p;
};
using VideoLookup = std::function<std::optional<LinkedVideo>(Id)>;

// (path in the archive, bytes), imsmanifest.xml first. `base_url`: Repère's public address,
// without a trailing slash ("https://mediatheque.example.fr").
std::vector<std::pair<std::string, std::string>> cartridge_files(const Course& course,
                                                                 const std::string& base_url,
                                                                 const ContentLookup& lookup,
                                                                 const VideoLookup& videos = {});

}  // namespace repere::courses
