#include "repere/core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace repere {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return spdlog::level::trace;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}

// In JSON mode the message part (%v) is already a JSON string literal, quotes included.
constexpr const char* kJsonPattern =
    R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","msg":%v})";
constexpr const char* kHumanPattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v";

void configure(spdlog::logger& logger, const LogOptions& options) {
  logger.set_level(to_spdlog(options.level));
  logger.set_pattern(options.json ? kJsonPattern : kHumanPattern);
  logger.flush_on(spdlog::level::warn);
}

}  // namespace

Result<LogLevel> parse_log_level(std::string_view name) {
  if (name == "trace") return LogLevel::kTrace;
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "off") return LogLevel::kOff;
  return Status::invalid_argument("unknown log level '" + std::string(name) +
                                  "', expected trace, debug, info, warn, error or off");
}

Logger::Logger(const LogOptions& options)
    : options_(options),
      impl_(std::make_shared<spdlog::logger>(options.name,
                                             std::make_shared<spdlog::sinks::stderr_sink_mt>())) {
  configure(*impl_, options_);
}

Logger::Logger(const LogOptions& options, const std::string& sink_path)
    : options_(options),
      impl_(std::make_shared<spdlog::logger>(
          options.name, std::make_shared<spdlog::sinks::basic_file_sink_mt>(sink_path))) {
  configure(*impl_, options_);
}

Logger::~Logger() { impl_->flush(); }

void Logger::debug(std::string_view message) { log(LogLevel::kDebug, message); }
void Logger::info(std::string_view message) { log(LogLevel::kInfo, message); }
void Logger::warn(std::string_view message) { log(LogLevel::kWarn, message); }
void Logger::error(std::string_view message) { log(LogLevel::kError, message); }
void Logger::flush() { impl_->flush(); }

void Logger::log(LogLevel level, std::string_view message) {
  const auto spd_level = to_spdlog(level);
  if (!impl_->should_log(spd_level)) return;
  if (options_.json) {
    // dump() escapes quotes, control characters and keeps UTF-8; invalid UTF-8 is replaced.
    const std::string literal = nlohmann::json(std::string(message))
                                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    impl_->log(spd_level, "{}", literal);
  } else {
    impl_->log(spd_level, "{}", message);
  }
}

}  // namespace repere
