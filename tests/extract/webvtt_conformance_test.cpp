// The WebVTT parser against the 189 conformance cases of ../shared/conformance/webvtt
// (from mozilla/vtt.js): cue count, ids, start and end times, text, and the settings we model.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "repere/core/files.h"
#include "repere/extract/subtitles.h"

namespace repere::extract {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(REPERE_SHARED_DIR) / "conformance/webvtt";

struct Case {
  std::string vtt;
  std::string expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.vtt; }

std::vector<Case> load_manifest() {
  std::vector<Case> cases;
  std::ifstream in(kRoot / "manifest.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    cases.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return cases;
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.vtt.substr(0, info.param.vtt.size() - 4);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::int64_t to_ms(const nlohmann::json& seconds) {
  return std::llround(seconds.get<double>() * 1000.0);
}

// vtt.js names "center" "middle"; the specification (and we) say "center".
std::string normalise_align(std::string a) { return a == "middle" ? "center" : a; }

void expect_settings(const CueSettings& got, const nlohmann::json& want) {
  if (want.contains("align")) {
    EXPECT_EQ(got.align, normalise_align(want["align"]));
  }
  if (want.contains("vertical")) {
    EXPECT_EQ(got.vertical, want["vertical"].get<std::string>());
  }
  if (want.contains("size")) {
    EXPECT_DOUBLE_EQ(got.size, want["size"].get<double>());
  }
  if (want.contains("line")) {
    if (want["line"].is_string()) {
      EXPECT_FALSE(got.line.has_value()) << "line should be auto";
    } else {
      ASSERT_TRUE(got.line.has_value());
      EXPECT_DOUBLE_EQ(*got.line, want["line"].get<double>());
      EXPECT_EQ(got.snap_to_lines, want["snapToLines"].get<bool>());
    }
  }
  if (want.contains("position")) {
    if (want["position"].is_string()) {
      EXPECT_FALSE(got.position.has_value()) << "position should be auto";
    } else {
      ASSERT_TRUE(got.position.has_value());
      EXPECT_DOUBLE_EQ(*got.position, want["position"].get<double>());
    }
  }
}

class WebVttConformance : public ::testing::TestWithParam<Case> {};

TEST_P(WebVttConformance, Cues) {
  const Case& c = GetParam();
  const Result<std::string> vtt = read_file(kRoot / c.vtt);
  ASSERT_TRUE(vtt.is_ok()) << vtt.status().to_string();
  const Result<std::string> expected_text = read_file(kRoot / c.expected);
  ASSERT_TRUE(expected_text.is_ok()) << expected_text.status().to_string();
  const auto expected = nlohmann::json::parse(*expected_text)["cues"];

  const Result<SubtitleTrack> track = parse_webvtt(*vtt);
  const std::vector<SubtitleCue> none;
  const std::vector<SubtitleCue>& cues = track.is_ok() ? track->cues : none;
  ASSERT_EQ(cues.size(), expected.size()) << c.vtt;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    SCOPED_TRACE(c.vtt + " cue " + std::to_string(i));
    EXPECT_EQ(cues[i].id, expected[i]["id"].get<std::string>());
    EXPECT_EQ(cues[i].start_ms, to_ms(expected[i]["startTime"]));
    EXPECT_EQ(cues[i].end_ms, to_ms(expected[i]["endTime"]));
    EXPECT_EQ(cues[i].text, expected[i]["text"].get<std::string>());
    expect_settings(cues[i].settings, expected[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(Manifest, WebVttConformance, ::testing::ValuesIn(load_manifest()),
                         test_name);

TEST(WebVttConformanceManifest, HasAllCases) { EXPECT_EQ(load_manifest().size(), 189u); }

}  // namespace
}  // namespace repere::extract
