// H5P semantics, checked the way H5P's content validator reads them.
#include <set>

#include "repere/h5p/h5p.h"

namespace repere::h5p {

using json = nlohmann::json;

namespace {

class Checker {
 public:
  explicit Checker(const std::map<std::string, json>& libraries) : libraries_(libraries) {}

  Status group(const json& fields, const json& value, const std::string& path) {
    if (!value.is_object()) return wrong(path, "an object is expected");
    std::set<std::string> known;
    for (const json& f : fields) {
      const std::string name = f.value("name", "");
      known.insert(name);
      if (value.contains(name)) {
        REPERE_RETURN_IF_ERROR(field(f, value[name], join(path, name)));
      }
    }
    for (const auto& [key, unused] : value.items()) {
      if (!known.count(key)) return wrong(join(path, key), "no such field in the semantics");
    }
    return Status::ok();
  }

 private:
  static std::string join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }
  static Status wrong(const std::string& path, const std::string& what) {
    return Status::invalid_argument(path + ": " + what);
  }

  Status field(const json& f, const json& v, const std::string& path) {
    const std::string type = f.value("type", "");
    if (type == "group") {
      const json& fields = f.contains("fields") ? f["fields"] : json::array();
      // A group of one field may hold that field's value directly (H5P does so).
      if (fields.size() == 1 && !v.is_object()) return field(fields[0], v, path);
      return group(fields, v, path);
    }
    if (type == "list") {
      if (!v.is_array()) return wrong(path, "a list is expected");
      if (f.contains("min") && f["min"].is_number() && v.size() < f["min"].get<std::size_t>())
        return wrong(path, "at least " + f["min"].dump() + " items are expected");
      if (f.contains("max") && f["max"].is_number() && v.size() > f["max"].get<std::size_t>())
        return wrong(path, "at most " + f["max"].dump() + " items are expected");
      for (std::size_t i = 0; i < v.size(); ++i) {
        REPERE_RETURN_IF_ERROR(field(f["field"], v[i], path + "[" + std::to_string(i) + "]"));
      }
      return Status::ok();
    }
    if (type == "text") {
      if (!v.is_string()) return wrong(path, "a text is expected");
      if (f.contains("maxLength") && f["maxLength"].is_number() &&
          v.get<std::string>().size() > f["maxLength"].get<std::size_t>())
        return wrong(path, "longer than " + f["maxLength"].dump() + " characters");
      return Status::ok();
    }
    if (type == "number") {
      if (!v.is_number()) return wrong(path, "a number is expected");
      if (f.contains("min") && f["min"].is_number() && v.get<double>() < f["min"].get<double>())
        return wrong(path, "below the minimum " + f["min"].dump());
      if (f.contains("max") && f["max"].is_number() && v.get<double>() > f["max"].get<double>())
        return wrong(path, "above the maximum " + f["max"].dump());
      return Status::ok();
    }
    if (type == "boolean")
      return v.is_boolean() ? Status::ok() : wrong(path, "true or false is expected");
    if (type == "select") {
      if (f.value("optional", false) && v == "") return Status::ok();  // left unset
      for (const json& o : f.value("options", json::array())) {
        if (o.contains("value") && o["value"] == v) return Status::ok();
      }
      return wrong(path, v.dump() + " is not one of the options");
    }
    if (type == "library") return library(f, v, path);
    if (type == "file" || type == "image") {
      if (!v.is_object() || !v.contains("path") || !v["path"].is_string())
        return wrong(path, "a file {\"path\", \"mime\"} is expected");
      return Status::ok();
    }
    if (type == "video" || type == "audio") {
      if (!v.is_array()) return wrong(path, "a list of files is expected");
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_object() || !v[i].contains("path") || !v[i]["path"].is_string())
          return wrong(path + "[" + std::to_string(i) + "]",
                       "a file {\"path\", \"mime\"} is expected");
      }
      return Status::ok();
    }
    return Status::ok();  // types without a value check here
  }

  Status library(const json& f, const json& v, const std::string& path) {
    if (!v.is_object() || !v.contains("library") || !v["library"].is_string())
      return wrong(path, "a library {\"library\", \"params\"} is expected");
    const std::string name = v["library"];
    bool allowed = false;
    for (const json& o : f.value("options", json::array())) allowed = allowed || o == name;
    if (!allowed) return wrong(path + ".library", name + " is not allowed here");
    for (const auto& [key, unused] : v.items()) {
      if (key != "library" && key != "params" && key != "subContentId" && key != "metadata")
        return wrong(path + "." + key, "no such key in a library value");
    }
    if (!v.contains("params") || !v["params"].is_object())
      return wrong(path + ".params", "an object is expected");
    const auto sub = libraries_.find(name);
    if (sub != libraries_.end()) return group(sub->second, v["params"], path + ".params");
    return Status::ok();
  }

  const std::map<std::string, json>& libraries_;
};

}  // namespace

Status check_semantics(const json& fields, const json& params,
                       const std::map<std::string, json>& libraries) {
  if (!fields.is_array())
    return Status::invalid_argument("semantics: a list of fields is expected");
  return Checker(libraries).group(fields, params, "");
}

}  // namespace repere::h5p
