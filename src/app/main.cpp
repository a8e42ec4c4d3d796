// repere: the command-line entry point. Everything happens in the subcommands.
#include <iostream>

#include "commands.h"
#include "repere/core/process.h"

int main(int argc, char** argv) {
  repere::limit_openmp_threads(argv);
  return repere::app::run_cli(argc, argv, {.out = std::cout, .err = std::cerr});
}
