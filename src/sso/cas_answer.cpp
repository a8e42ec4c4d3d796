// Reading a CAS 3.0 /p3/serviceValidate answer (libxml2 only: the fuzz target's part).
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

#include "repere/sso/cas.h"

namespace repere::sso {

namespace {

constexpr const char* kCasNs = "http://www.yale.edu/tp/cas";

Status refuse(const std::string& why) {
  return Status::unauthenticated("CAS sign-on refused: " + why);
}

bool is_cas(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && n->ns != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->ns->href), kCasNs) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

struct XmlFree {
  void operator()(xmlChar* p) const { xmlFree(p); }
};
using XmlText = std::unique_ptr<xmlChar, XmlFree>;

const xmlNode* child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (is_cas(c, name)) return c;
  }
  return nullptr;
}

std::string content(const xmlNode* n) {
  XmlText text(xmlNodeGetContent(n));
  if (!text) return "";
  std::string s(reinterpret_cast<const char*>(text.get()));
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

Result<CasAnswer> parse_cas_answer(const std::string& xml) {
  if (xml.size() > 1024 * 1024) return Status::invalid_argument("the CAS answer is over 1 MB");
  // No network, no DTD, no entity substitution: an answer cannot make Repère read anything.
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "cas.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  if (!doc) return Status::invalid_argument("the CAS answer is not XML");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || !is_cas(root, "serviceResponse"))
    return Status::invalid_argument("the CAS answer is not a cas:serviceResponse");
  if (const xmlNode* failure = child(root, "authenticationFailure")) {
    XmlText code(xmlGetProp(failure, reinterpret_cast<const xmlChar*>("code")));
    return refuse("the server says " +
                  (code ? std::string(reinterpret_cast<const char*>(code.get())) : "no code") +
                  ": " + content(failure).substr(0, 200));
  }
  const xmlNode* success = child(root, "authenticationSuccess");
  if (success == nullptr)
    return Status::invalid_argument("the CAS answer has neither success nor failure");
  const xmlNode* user = child(success, "user");
  CasAnswer a;
  if (user != nullptr) a.user = content(user);
  if (a.user.empty()) return refuse("the server's answer names no user");
  if (const xmlNode* attrs = child(success, "attributes")) {
    for (const xmlNode* c = attrs->children; c != nullptr; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      a.attributes[reinterpret_cast<const char*>(c->name)].push_back(content(c));
    }
  }
  return a;
}

}  // namespace repere::sso
