// The `repere` subcommands, as functions of plain options, so tests can call them directly.
// Each returns the process exit code (see docs/cli.md) and writes only to the given streams.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>

namespace repere::app {

// Exit codes, documented in docs/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // the command could not do its work
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitMissingDeps = 3;  // doctor: a required dependency is missing

struct Io {
  std::ostream& out;
  std::ostream& err;
};

struct CommonOptions {
  std::filesystem::path data_dir;               // resolved: flag, $REPERE_DATA or default
  std::map<std::string, std::string> settings;  // --set key=value overrides
};

struct InitOptions {
  CommonOptions common;
};

struct StatusOptions {
  CommonOptions common;
  bool json = false;
};

struct DoctorOptions {
  CommonOptions common;
  bool json = false;
};

int run_init(const InitOptions& options, Io io);
int run_status(const StatusOptions& options, Io io);
int run_doctor(const DoctorOptions& options, Io io);

// Parses the command line and runs the chosen subcommand.
int run_cli(int argc, char** argv, Io io);

}  // namespace repere::app
