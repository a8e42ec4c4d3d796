// repere: the command-line entry point. Everything happens in the subcommands.
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  return repere::app::run_cli(argc, argv, {.out = std::cout, .err = std::cerr});
}
