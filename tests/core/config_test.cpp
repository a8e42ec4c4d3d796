#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "repere/core/config.h"
#include "repere/core/files.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

using testing::TempDir;

void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(Config, DefaultsWithoutAnySource) {
  const Result<Config> c = load_config({});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->log_level, "info");
  EXPECT_EQ(c->log_format, "human");
  EXPECT_EQ(c->ocr_languages, "fra+eng");
  EXPECT_EQ(c->asr_engine, "pocketsphinx");
  for (const SettingInfo& s : settings()) {
    EXPECT_EQ(get_setting(*c, s.key), s.default_value) << s.key;
  }
}

TEST(Config, PrecedenceFileThenEnvironmentThenFlags) {
  TempDir dir;
  write(dir / "repere.toml",
        "[log]\nlevel = \"debug\"\nformat = \"json\"\n[asr]\nwhisper_cli = \"/opt/w\"\n");
  const Result<Config> c = load_config({.data_dir = dir.path(),
                                        .env = {{"REPERE_LOG_LEVEL", "warn"},
                                                {"REPERE_ASR_WHISPER_CLI", "/env/w"},
                                                {"UNRELATED", "x"}},
                                        .overrides = {{"asr.whisper_cli", "/flag/w"}}});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->log_format, "json");          // file
  EXPECT_EQ(c->log_level, "warn");           // environment beats file
  EXPECT_EQ(c->asr_whisper_cli, "/flag/w");  // flag beats environment
}

TEST(Config, UnknownKeyInFileNamesLineAndKey) {
  TempDir dir;
  write(dir / "repere.toml", "[log]\nlevel = \"info\"\nlevle = \"debug\"\n");
  const Result<Config> c = load_config({.data_dir = dir.path()});
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("repere.toml:3"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("log.levle"), std::string::npos);
}

TEST(Config, SyntaxErrorNamesLine) {
  TempDir dir;
  write(dir / "repere.toml", "[log]\nlevel = \"info\n");
  const Result<Config> c = load_config({.data_dir = dir.path()});
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("repere.toml:2"), std::string::npos) << c.status().message();
}

TEST(Config, BadValueIsRefusedWithTheAllowedOnes) {
  const Result<Config> c = load_config({.env = {{"REPERE_LOG_FORMAT", "xml"}}});
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("REPERE_LOG_FORMAT"), std::string::npos);
  EXPECT_NE(c.status().message().find("human|json"), std::string::npos);
  Config config;
  EXPECT_FALSE(set_setting(config, "no.such", "1").is_ok());
  EXPECT_FALSE(set_setting(config, "asr.engine", "siri").is_ok());
  EXPECT_TRUE(set_setting(config, "asr.engine", "none").is_ok());
}

TEST(Config, GeneratedFileParsesBackToDefaults) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "repere.toml", default_config_toml()).is_ok());
  const Result<Config> c = load_config({.data_dir = dir.path()});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  // Uncommenting every line must also parse, and give the defaults.
  std::string text = default_config_toml();
  text = std::regex_replace(text, std::regex("\n# ([a-z_]+ = )"), "\n$1");
  ASSERT_TRUE(write_file_atomic(dir / "repere.toml", text).is_ok());
  const Result<Config> uncommented = load_config({.data_dir = dir.path()});
  ASSERT_TRUE(uncommented.is_ok()) << uncommented.status().to_string() << "\n" << text;
  for (const SettingInfo& s : settings()) {
    EXPECT_EQ(get_setting(*uncommented, s.key), s.default_value) << s.key;
  }
}

TEST(Config, EnvNames) {
  EXPECT_EQ(env_name("log.level"), "REPERE_LOG_LEVEL");
  EXPECT_EQ(env_name("asr.whisper_cli"), "REPERE_ASR_WHISPER_CLI");
}

// docs/config.md must document every setting with its environment variable and default.
TEST(Config, DocumentedInDocsConfig) {
  const Result<std::string> doc =
      read_file(std::filesystem::path(REPERE_SOURCE_DIR) / "docs/config.md");
  ASSERT_TRUE(doc.is_ok()) << doc.status().to_string();
  for (const SettingInfo& s : settings()) {
    EXPECT_NE(doc->find("`" + std::string(s.key) + "`"), std::string::npos) << s.key;
    EXPECT_NE(doc->find("`" + env_name(s.key) + "`"), std::string::npos) << s.key;
  }
}

}  // namespace
}  // namespace repere
