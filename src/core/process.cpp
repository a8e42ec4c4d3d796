#include "repere/core/process.h"

#include <unistd.h>

#include <cstdlib>

namespace repere {

void limit_openmp_threads(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  ::execv("/proc/self/exe", argv);
}

}  // namespace repere
