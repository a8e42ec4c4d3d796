// Process-wide set-up that has to happen before any work starts.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere {

// Runs `args` (args[0] is the program, looked up in PATH when it holds no slash) with standard
// input from /dev/null and standard output and error into `log`, and returns its exit status
// (-1 when a signal ended it). Errors: unavailable when it cannot be started (not installed).
Result<int> run_program(const std::vector<std::string>& args, const std::filesystem::path& log);

// CPU seconds the calling thread has used so far (user and system).
double thread_cpu_seconds();
// CPU seconds used by the children this process has waited for (ffmpeg, whisper-cli…).
double children_cpu_seconds();

// The end of a log (at most `max_bytes`, valid UTF-8, trailing blank lines dropped), to quote
// in an error.
std::string log_tail(const std::filesystem::path& log, std::size_t max_bytes = 400);

// Debian's Tesseract is built with OpenMP, which starts its own threads for each page and
// makes them spin while they wait. Repère already reads one file per core, so those threads
// only fight the workers (12 subtitled videos with slides: 40.3 s with 1 worker under OpenMP's
// defaults, 5.8 s with OMP_THREAD_LIMIT=1). libgomp reads its environment when it is loaded,
// before main, so this sets OMP_THREAD_LIMIT=1 and starts the program again with the same
// arguments. A limit the user has set is kept. Call it first thing in main(); it returns only
// when the limit is in place, or when restarting failed (then the program runs as it is).
void limit_openmp_threads(char** argv);

}  // namespace repere
