// Logger: leveled messages to standard error, for people ("human") or as JSON lines ("json").
//
// There is no global logger: the program builds one from its Config and hands it to what
// needs it. Thread safety: a Logger may be used from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "repere/core/result.h"

namespace spdlog {
class logger;
}

namespace repere {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct LogOptions {
  LogLevel level = LogLevel::kInfo;
  bool json = false;  // one JSON object per line: {"ts","level","logger","msg"}
  std::string name = "repere";
};

// Parses "trace", "debug", "info", "warn", "error" or "off".
Result<LogLevel> parse_log_level(std::string_view name);

class Logger {
 public:
  explicit Logger(const LogOptions& options);
  // Writes to `sink_path` (appending) instead of standard error; used by tests.
  Logger(const LogOptions& options, const std::string& sink_path);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void debug(std::string_view message);
  void info(std::string_view message);
  void warn(std::string_view message);
  void error(std::string_view message);
  void flush();

 private:
  void log(LogLevel level, std::string_view message);

  LogOptions options_;
  std::shared_ptr<spdlog::logger> impl_;
};

}  // namespace repere
