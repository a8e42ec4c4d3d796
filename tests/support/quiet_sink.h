// An ingest progress sink that says nothing, for tests that ingest a library.
#pragma once

#include <string_view>

#include "repere/ingest/pipeline.h"

namespace repere::testing {

class QuietSink : public ingest::ProgressSink {
 public:
  void progress(int, int) override {}
  void note(std::string_view) override {}
};

}  // namespace repere::testing
