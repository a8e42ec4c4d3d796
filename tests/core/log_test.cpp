#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "repere/core/files.h"
#include "repere/core/log.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  const Result<std::string> text = read_file(path);
  std::vector<std::string> out;
  std::istringstream in(text.value_or(""));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Logger, JsonLinesAreValidJsonEvenWithQuotesAndControls) {
  testing::TempDir dir;
  const auto path = dir / "log.jsonl";
  {
    Logger log({.level = LogLevel::kInfo, .json = true, .name = "test"}, path.string());
    log.info("cours « l'ADN » \"cité\"\n\tligne 2");
    log.debug("hidden");
    log.error("broken \xff byte");
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["logger"], "test");
  EXPECT_EQ(first["msg"], "cours « l'ADN » \"cité\"\n\tligne 2");
  EXPECT_TRUE(first.contains("ts"));
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "error");
}

TEST(Logger, HumanLinesRespectTheLevel) {
  testing::TempDir dir;
  const auto path = dir / "log.txt";
  {
    Logger log({.level = LogLevel::kWarn}, path.string());
    log.info("not shown");
    log.warn("disk almost full");
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("warn"), std::string::npos);
  EXPECT_NE(lines[0].find("disk almost full"), std::string::npos);
}

TEST(Logger, ParseLevel) {
  EXPECT_EQ(*parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(*parse_log_level("off"), LogLevel::kOff);
  EXPECT_FALSE(parse_log_level("loud").is_ok());
}

}  // namespace
}  // namespace repere
