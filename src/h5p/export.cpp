#include <sodium.h>

#include <cctype>
#include <cstdio>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/catalog/webvtt.h"
#include "repere/core/files.h"
#include "repere/core/process.h"
#include "repere/core/text.h"
#include "repere/h5p/h5p.h"
#include "repere/h5p/zip.h"
#include "repere/learn/store.h"

namespace repere::h5p {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kVideo = "videos/extrait.mp4";
constexpr const char* kCaptions = "videos/sous-titres.vtt";

std::string paragraph(const std::string& s) { return "<p>" + text::escape_html(s) + "</p>\n"; }

// A stable id per interaction, as H5P gives each sub-content (a UUID made from the ids).
std::string sub_content_id(learn::Id activity, learn::Id interaction) {
  unsigned char h[16];
  const std::string seed = "repere:" + std::to_string(activity) + ":" + std::to_string(interaction);
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(seed.data()), seed.size(),
                     nullptr, 0);
  h[6] = static_cast<unsigned char>((h[6] & 0x0f) | 0x50);
  h[8] = static_cast<unsigned char>((h[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
                h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
                h[15]);
  return out;
}

// One attempt: no « Réessayer », and the solution shown after it; more: retries, and the
// solution kept back until the pupil asks.
json behaviour(const learn::Settings& s) {
  return {{"enableRetry", s.attempts != 1},
          {"enableSolutionsButton", true},
          {"enableCheckButton", true}};
}

json multi_choice(const learn::Interaction& x, const learn::Settings& s) {
  json answers = json::array();
  int right = 0;
  for (const auto& c : x.choices) {
    right += c.correct ? 1 : 0;
    answers.push_back(
        {{"text", "<div>" + text::escape_html(c.text) + "</div>\n"},
         {"correct", c.correct},
         {"tipsAndFeedback",
          {{"tip", ""},
           {"chosenFeedback",
            c.feedback.empty() ? "" : "<div>" + text::escape_html(c.feedback) + "</div>\n"},
           {"notChosenFeedback", ""}}}});
  }
  json b = behaviour(s);
  b["type"] = right > 1 ? "multi" : "single";
  b["singlePoint"] = false;
  b["randomAnswers"] = false;
  return {{"question", paragraph(x.question)},
          {"answers", answers},
          {"behaviour", b},
          {"overallFeedback", json::array({{{"from", 0}, {"to", 100}}})},
          {"UI",
           {{"checkAnswerButton", "Vérifier"},
            {"showSolutionButton", "Voir la solution"},
            {"tryAgainButton", "Réessayer"},
            {"wrongAnswer", "Réponse fausse"},
            {"correctAnswer", "Bonne réponse"},
            {"noInput", "Réponds avant de voir la solution"},
            {"scoreBarLabel", "Tu as :num points sur :total"}}}};
}

json true_false(const learn::Interaction& x, const learn::Settings& s) {
  json b = behaviour(s);
  if (!x.feedback_right.empty()) b["feedbackOnCorrect"] = x.feedback_right;
  if (!x.feedback_wrong.empty()) b["feedbackOnWrong"] = x.feedback_wrong;
  return {{"question", paragraph(x.question)},
          {"correct", x.answer_true ? "true" : "false"},
          {"behaviour", b},
          {"l10n",
           {{"trueText", "Vrai"},
            {"falseText", "Faux"},
            {"checkAnswer", "Vérifier"},
            {"showSolutionButton", "Voir la solution"},
            {"tryAgain", "Réessayer"},
            {"wrongAnswerMessage", "Réponse fausse"},
            {"correctAnswerMessage", "Bonne réponse"},
            {"scoreBarLabel", "Tu as :num points sur :total"}}}};
}

json blanks(const learn::Interaction& x, const learn::Settings& s) {
  json b = behaviour(s);
  b["caseSensitive"] = false;
  return {{"text", "<p>Complète le texte.</p>\n"},
          {"questions", json::array({paragraph(x.text)})},
          {"behaviour", b},
          {"overallFeedback", json::array({{{"from", 0}, {"to", 100}}})},
          {"checkAnswer", "Vérifier"},
          {"showSolutions", "Voir la solution"},
          {"tryAgain", "Réessayer"},
          {"notFilledOut", "Remplis tous les trous pour voir la solution"},
          {"scoreBarLabel", "Tu as :num points sur :total"}};
}

json free_text(const learn::Interaction& x) {
  return {{"question", paragraph(x.question)},
          {"placeholder", "Écris ta réponse ici"},
          {"maxScore", 0},  // an open question is read by the teacher, never scored
          {"isRequired", false},
          {"i10n",
           {{"requiredText", "obligatoire"},
            {"requiredMessage", "Cette question demande une réponse."},
            {"skipButtonLabel", "Passer la question"},
            {"submitButtonLabel", "Répondre et continuer"},
            {"language", "fr"}}}};
}

// One interaction of the video; `offset` is the clip's start (times become the clip file's).
json interaction_of(const learn::Activity& a, const learn::Interaction& x,
                    const std::string& licence) {
  const double at = static_cast<double>(x.at_ms - a.start_ms) / 1000.0;
  const double length = static_cast<double>(a.end_ms - a.start_ms) / 1000.0;
  std::string library, title;
  json params;
  switch (x.type) {
    case learn::InteractionType::kDefinition:
      library = "H5P.Text 1.1", title = "Text";
      params = {{"text", "<p><strong>" + text::escape_html(x.term) +
                             "</strong> : " + text::escape_html(x.definition) + "</p>\n"}};
      break;
    case learn::InteractionType::kChoice:
      library = "H5P.MultiChoice 1.14", title = "Multiple Choice";
      params = multi_choice(x, a.settings);
      break;
    case learn::InteractionType::kTrueFalse:
      library = "H5P.TrueFalse 1.6", title = "True/False Question";
      params = true_false(x, a.settings);
      break;
    case learn::InteractionType::kBlanks:
      library = "H5P.Blanks 1.12", title = "Fill in the Blanks";
      params = blanks(x, a.settings);
      break;
    case learn::InteractionType::kOpen:
      library = "H5P.FreeTextQuestion 1.0", title = "Free Text Question";
      params = free_text(x);
      break;
    case learn::InteractionType::kChapter: return nullptr;  // a bookmark
  }
  const bool question = learn::is_question(x.type);
  json out = {{"x", 5},
              {"y", 5},
              {"width", question ? 30 : 24},
              {"height", question ? 20 : 10},
              {"duration", {{"from", at}, {"to", std::min(length, at + 10)}}},
              {"pause", x.pause || (question && a.settings.must_answer)},
              {"displayType", "poster"},
              {"buttonOnMobile", false},
              {"libraryTitle", title},
              {"label", x.type == learn::InteractionType::kDefinition ? paragraph(x.term) : ""},
              {"action",
               {{"library", library},
                {"params", params},
                {"subContentId", sub_content_id(a.id, x.id)},
                {"metadata", {{"contentType", title}, {"license", licence}, {"title", title}}}}}};
  if (question && x.type != learn::InteractionType::kOpen) {
    json adaptivity = {{"correct", {{"allowOptOut", false}}},
                       {"requireCompletion", a.settings.must_answer}};
    adaptivity["wrong"] = {{"allowOptOut", !a.settings.must_answer}};
    if (x.wrong_goto_ms) {
      adaptivity["wrong"]["seekTo"] = static_cast<double>(*x.wrong_goto_ms - a.start_ms) / 1000.0;
      adaptivity["wrong"]["message"] = "Revois le passage.";
      adaptivity["wrong"]["seekLabel"] = "Revoir";
    }
    out["adaptivity"] = adaptivity;
  }
  return out;
}

Status cut_clip(const fs::path& media, const fs::path& clip, const learn::Activity& a,
                const std::string& ffmpeg) {
  const fs::path log = clip.string() + ".log";
  auto seconds = [](std::int64_t ms) {
    char out[32];
    std::snprintf(out, sizeof out, "%.3f", static_cast<double>(ms) / 1000.0);
    return std::string(out);
  };
  // Re-encoded so that the clip starts exactly at its first frame (a stream copy would start at
  // the keyframe before it and shift every interaction).
  REPERE_ASSIGN_OR_RETURN(const int code, run_program({ffmpeg,
                                                       "-nostdin",
                                                       "-v",
                                                       "error",
                                                       "-y",
                                                       "-ss",
                                                       seconds(a.start_ms),
                                                       "-to",
                                                       seconds(a.end_ms),
                                                       "-i",
                                                       media.string(),
                                                       "-map",
                                                       "0:v:0?",
                                                       "-map",
                                                       "0:a:0?",
                                                       "-c:v",
                                                       "libx264",
                                                       "-preset",
                                                       "veryfast",
                                                       "-crf",
                                                       "26",
                                                       "-pix_fmt",
                                                       "yuv420p",
                                                       "-c:a",
                                                       "aac",
                                                       "-b:a",
                                                       "96k",
                                                       "-sn",
                                                       "-movflags",
                                                       "+faststart",
                                                       "-f",
                                                       "mp4",
                                                       clip.string()},
                                                      log));
  const std::string tail = log_tail(log);
  std::error_code ec;
  fs::remove(log, ec);
  if (code != 0) {
    return Status::io_error("ffmpeg could not cut " + media.string() + " (exit " +
                            std::to_string(code) + "): " + tail);
  }
  return Status::ok();
}

}  // namespace

const std::vector<std::string>& libraries_used() {
  static const std::vector<std::string> kLibraries = {
      "H5P.InteractiveVideo 1.22", "H5P.Text 1.1",    "H5P.MultiChoice 1.14",
      "H5P.TrueFalse 1.6",         "H5P.Blanks 1.12", "H5P.FreeTextQuestion 1.0"};
  return kLibraries;
}

std::pair<std::string, std::string> h5p_licence(const std::string& licence) {
  std::string id = licence;
  for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (id == "CC0-1.0" || id == "CC0") return {"CC0 1.0", ""};
  if (id == "PDM" || id == "CC-PDM-1.0") return {"CC PDM", ""};
  if (id == "PD" || id == "PUBLIC-DOMAIN") return {"PD", ""};
  if (id == "C" || id == "COPYRIGHT" || id == "ALL-RIGHTS-RESERVED") return {"C", ""};
  if (id.rfind("CC-BY", 0) != 0) return {"U", ""};
  // CC-BY[-NC][-SA|-ND]-VERSION
  std::string version;
  if (const auto dash = id.find_last_of('-');
      dash != std::string::npos && dash + 1 < id.size() &&
      std::isdigit(static_cast<unsigned char>(id[dash + 1]))) {
    version = id.substr(dash + 1);
    id = id.substr(0, dash);
  }
  static const char* kKnown[] = {"CC-BY",    "CC-BY-SA",    "CC-BY-ND",
                                 "CC-BY-NC", "CC-BY-NC-SA", "CC-BY-NC-ND"};
  for (const char* known : kKnown) {
    if (id != known) continue;
    std::string code = "CC " + id.substr(3);  // "CC BY-SA"
    return {code, version};
  }
  return {"U", ""};
}

Package package_of(const learn::Activity& a, bool with_captions, const std::string& language,
                   const Rights& rights) {
  const auto [licence, licence_version] = h5p_licence(rights.licence);
  const std::string lang = language.empty() ? "fr" : language;
  json video = {
      {"startScreenOptions", {{"title", a.title}, {"hideStartTitle", false}}},
      {"files",
       json::array({{{"path", kVideo},
                     {"mime", "video/mp4"},
                     {"copyright", {{"license", licence}, {"version", licence_version}}}}})}};
  if (with_captions) {
    video["textTracks"] = {
        {"videoTrack", json::array({{{"label", "Français"},
                                     {"kind", "captions"},
                                     {"srcLang", lang},
                                     {"track", {{"path", kCaptions}, {"mime", "text/vtt"}}}}})}};
    if (a.settings.captions_on) video["textTracks"]["defaultTrackLabel"] = "Français";
  }
  json interactions = json::array(), bookmarks = json::array();
  for (const auto& x : a.interactions) {
    if (x.type == learn::InteractionType::kChapter) {
      bookmarks.push_back(
          {{"time", static_cast<double>(x.at_ms - a.start_ms) / 1000.0}, {"label", x.title}});
      continue;
    }
    interactions.push_back(interaction_of(a, x, licence));
  }
  Package p;
  p.content = {
      {"interactiveVideo",
       {{"video", video}, {"assets", {{"interactions", interactions}, {"bookmarks", bookmarks}}}}},
      {"override",
       {{"autoplay", false},
        {"loop", false},
        {"showBookmarksmenuOnLoad", false},
        {"showRewind10", true},
        {"preventSkipping", a.settings.skipping != learn::Skipping::kAllowed},
        {"deactivateSound", false}}}};
  json dependencies = json::array();
  for (const std::string& lib : libraries_used()) {
    const auto space = lib.find(' ');
    const auto dot = lib.find('.', space);
    dependencies.push_back({{"machineName", lib.substr(0, space)},
                            {"majorVersion", std::stoi(lib.substr(space + 1, dot - space - 1))},
                            {"minorVersion", std::stoi(lib.substr(dot + 1))}});
  }
  p.h5p = {{"title", a.title},
           {"language", lang},
           {"mainLibrary", "H5P.InteractiveVideo"},
           {"embedTypes", json::array({"iframe", "div"})},
           {"license", licence},
           {"preloadedDependencies", dependencies}};
  if (!licence_version.empty()) p.h5p["licenseVersion"] = licence_version;
  if (licence == "U" && !rights.licence.empty()) p.h5p["licenseExtras"] = rights.licence;
  json authors = json::array();
  for (const std::string& name : rights.authors)
    authors.push_back({{"name", name}, {"role", "Author"}});
  if (!authors.empty()) p.h5p["authors"] = authors;
  return p;
}

Status export_activity(catalog::Database& db, const DataDir& dir, learn::Id activity_id,
                       const fs::path& out, const ExportOptions& options) {
  learn::ActivityStore store(db);
  REPERE_ASSIGN_OR_RETURN(const learn::Activity a, store.get(activity_id));
  REPERE_ASSIGN_OR_RETURN(const catalog::Content c,
                          catalog::ContentRepository(db).get(a.content_id));
  const fs::path media =
      fs::path(c.media_path).is_absolute() ? fs::path(c.media_path) : dir.root / c.media_path;
  // Captions: the human subtitles, else the speech recognition, of the clip only.
  REPERE_ASSIGN_OR_RETURN(const auto tracks, catalog::TrackRepository(db).list_for_content(c.id));
  std::string vtt;
  for (const auto kind : {catalog::TrackKind::kSubtitles, catalog::TrackKind::kAsr}) {
    for (const auto& t : tracks) {
      if (t.kind != kind || !vtt.empty()) continue;
      REPERE_ASSIGN_OR_RETURN(const auto cues, catalog::CueRepository(db).list_for_track(t.id));
      vtt = catalog::to_webvtt(cues, a.start_ms, a.end_ms);
      if (vtt == "WEBVTT\n") vtt.clear();
    }
  }
  Rights rights{c.licence, {}};
  if (const json names = json::parse(c.authors_json, nullptr, false); names.is_array()) {
    for (const json& n : names) {
      if (n.is_string() && !n.get<std::string>().empty())
        rights.authors.push_back(n.get<std::string>());
    }
  }
  const Package p = package_of(a, !vtt.empty(), c.language, rights);
  const fs::path partial = out.string() + ".partiel";
  const fs::path clip = out.string() + ".extrait.mp4";
  struct Cleanup {
    fs::path a, b;
    ~Cleanup() {
      std::error_code ec;
      fs::remove(a, ec);
      fs::remove(b, ec);
    }
  } cleanup{partial, clip};
  REPERE_RETURN_IF_ERROR(cut_clip(media, clip, a, options.ffmpeg));
  REPERE_ASSIGN_OR_RETURN(ZipWriter zip, ZipWriter::create(partial));
  REPERE_RETURN_IF_ERROR(zip.add("h5p.json", p.h5p.dump(2)));
  REPERE_RETURN_IF_ERROR(zip.add("content/content.json", p.content.dump()));
  REPERE_RETURN_IF_ERROR(zip.add_file(std::string("content/") + kVideo, clip));
  if (!vtt.empty()) REPERE_RETURN_IF_ERROR(zip.add(std::string("content/") + kCaptions, vtt));
  REPERE_RETURN_IF_ERROR(zip.finish());
  std::error_code ec;
  fs::rename(partial, out, ec);
  if (ec) return Status::io_error("cannot write " + out.string() + ": " + ec.message());
  return Status::ok();
}

}  // namespace repere::h5p
