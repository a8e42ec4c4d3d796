// JSON Lines reading shared by the evaluations (private to search).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "repere/core/status.h"

namespace repere::search {

// Calls `each(json, line)` for every line of a JSON Lines file.
template <typename F>
Status read_jsonl(const std::filesystem::path& path, F each) {
  std::ifstream in(path);
  if (!in) return Status::not_found(path.string() + " is missing");
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("_id")) {
      return Status::invalid_argument(path.string() + ":" + std::to_string(line_no) +
                                      ": not a JSON object with an \"_id\"");
    }
    REPERE_RETURN_IF_ERROR(each(j, line_no));
  }
  return Status::ok();
}

inline std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return "";
  if (j[key].is_string()) return j[key].get<std::string>();
  if (j[key].is_number()) return j[key].dump();
  return "";
}

}  // namespace repere::search
