// Documents you can read, on a real library: a 12-page PDF, a two-page PDF whose second page is
// a scan, and a scanned picture, ingested for real (poppler, Tesseract); each page shows as an
// image with the searched words boxed, its text as paragraphs; ten pages at a time; drafts
// are nobody's but the curators'. (Round 1: one word per list item, each « p. 1 », 12,842
// items and 1.09 MB for 36 pages, and the page never shown.)
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <thread>

#include "document_pages.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/ingest/pipeline.h"
#include "repere/web/server.h"
#include "support/quiet_sink.h"
#include "support/running_server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = REPERE_FIXTURES_DIR;

using Quiet = testing::QuietSink;

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

class DocumentPages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir;
    const DataDir dir{tmp_->path() / "lib"};
    fs::create_directories(dir.root);
    ASSERT_TRUE(catalog::Database::open(dir.catalog()).is_ok());
    const fs::path media = tmp_->path() / "media";
    fs::create_directories(media / "brouillon");
    fs::copy_file(kFixtures / "long.pdf", media / "cours.pdf");
    fs::copy_file(kFixtures / "scan.png", media / "affiche.png");
    fs::copy_file(kFixtures / "slides.mp4", media / "diaporama.mp4");
    fs::copy_file(kFixtures / "document.pdf", media / "brouillon/fiche.pdf");
    {
      std::ofstream note(media / "notes.md");
      note << "# Notes sur les volcans\n\n";
      for (int i = 1; i <= 6; ++i) {
        note << "Paragraphe " << i << " : les volcans rejettent des gaz et de la lave, et les "
             << "roches fondues remontent par la cheminée jusqu'au cratère du volcan actif.\n\n";
      }
      note << "Le basalte est la roche noire que forme une lave fluide en refroidissant vite.\n";
    }
    Quiet quiet;
    std::atomic<bool> stop{false};
    auto published = ingest::ingest(dir,
                                    {.paths = {media / "cours.pdf", media / "affiche.png",
                                               media / "notes.md", media / "diaporama.mp4"},
                                     .workers = 2,
                                     .state = catalog::EditorialStatus::kPublished},
                                    quiet, stop);
    ASSERT_TRUE(published.is_ok() && published->failed == 0);
    auto draft = ingest::ingest(dir, {.paths = {media / "brouillon"}, .workers = 2}, quiet, stop);
    ASSERT_TRUE(draft.is_ok() && draft->failed == 0);
    auto db = catalog::Database::open(dir.catalog());
    const auto contents = catalog::ContentRepository(**db).list({});
    ASSERT_TRUE(contents.is_ok());
    for (const auto& c : *contents) {
      if (c.media_path.find("cours.pdf") != std::string::npos) course_ = c.id;
      if (c.media_path.find("affiche.png") != std::string::npos) poster_ = c.id;
      if (c.media_path.find("fiche.pdf") != std::string::npos) draft_ = c.id;
      if (c.media_path.find("diaporama.mp4") != std::string::npos) slides_ = c.id;
    }
    server_ = new testing::RunningServer(dir.root, {.port = 0, .threads = 2});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tmp_;
  }
  httplib::Client client() { return server_->client(); }
  static testing::TempDir* tmp_;
  static testing::RunningServer* server_;
  static std::int64_t course_, poster_, draft_, slides_;
};
testing::TempDir* DocumentPages::tmp_ = nullptr;
testing::RunningServer* DocumentPages::server_ = nullptr;
std::int64_t DocumentPages::course_ = 0;
std::int64_t DocumentPages::poster_ = 0;
std::int64_t DocumentPages::draft_ = 0;
std::int64_t DocumentPages::slides_ = 0;

TEST_F(DocumentPages, APageShowsAsAnImageWithTheSearchedWordBoxedAndItsTextAsParagraphs) {
  ASSERT_NE(course_, 0);
  auto c = client();
  const std::string id = std::to_string(course_);
  auto page = c.Get("/contenus/" + id + "?q=stomates");
  ASSERT_EQ(page->status, 200);
  const std::string& html = page->body;
  // Without ?page, the first page that says the word is the one the window holds: 1 to 10.
  EXPECT_NE(html.find("id=\"page-3\""), std::string::npos);
  EXPECT_NE(html.find("<img src=\"/contenus/" + id + "/pages/3.webp?l=800\""), std::string::npos);
  EXPECT_NE(html.find("Page 3 <span class=\"meta\">· 2 mots trouvés</span>"), std::string::npos)
      << html.substr(0, 4000);
  // The word's boxes over the image, from the PDF's own word positions.
  const auto page3 = html.substr(html.find("id=\"page-3\""), 4000);
  EXPECT_EQ(count(page3.substr(0, page3.find("</svg>")), "<rect "), 2) << page3;
  // Its text as paragraphs, the word marked, no list of words; each sentence a span, for the
  // reading view's one idea per line.
  EXPECT_NE(page3.find("<p><span class=\"idee\">Les <mark>stomates</mark> sont de petites "
                       "ouvertures sous les feuilles.</span> <span class=\"idee\">Par les "
                       "<mark>stomates</mark> entrent"),
            std::string::npos)
      << page3;
  EXPECT_EQ(page3.find("<li"), std::string::npos);
  EXPECT_EQ(count(html, "class=\"lignes\""), 0);
  EXPECT_EQ(count(html, "<section class=\"page-doc"), 10);
  EXPECT_NE(html.find("Pages 1 à 10 sur 12."), std::string::npos);
  EXPECT_NE(html.find("href=\"#page-4\">Page suivante"), std::string::npos);
  EXPECT_NE(html.find("href=\"?page=11&amp;q=stomates#page-11\">Page suivante"), std::string::npos);
  EXPECT_LT(html.size(), 40u * 1024);

  // The image itself.
  auto image = c.Get("/contenus/" + id + "/pages/3.webp?l=800");
  ASSERT_EQ(image->status, 200);
  EXPECT_EQ(image->get_header_value("Content-Type"), "image/webp");
  EXPECT_EQ(image->body.compare(0, 4, "RIFF"), 0);
  EXPECT_NE(image->get_header_value("Cache-Control").find("private"), std::string::npos);
  EXPECT_EQ(c.Get("/contenus/" + id + "/pages/13.webp")->status, 404);
  EXPECT_EQ(c.Get("/contenus/" + id + "/pages/0.webp")->status, 404);
}

TEST_F(DocumentPages, PagesBeyondTheFirstTenComeInTheirOwnWindow) {
  auto c = client();
  const std::string id = std::to_string(course_);
  auto page = c.Get("/contenus/" + id + "?page=11&q=chlorophylle");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"page-11\""), std::string::npos);
  EXPECT_NE(page->body.find("id=\"page-12\""), std::string::npos);
  EXPECT_EQ(page->body.find("id=\"page-10\""), std::string::npos);
  EXPECT_NE(page->body.find("Pages 11 à 12 sur 12."), std::string::npos);
  EXPECT_NE(page->body.find("href=\"?page=10&amp;q=chlorophylle#page-10\">Pages précédentes"),
            std::string::npos);
  EXPECT_NE(page->body.find("<mark>chlorophylle</mark>"), std::string::npos);
}

TEST_F(DocumentPages, SearchLinksLandOnThePageThatSaysTheWord) {
  auto c = client();
  auto results = c.Get("/recherche?q=stomates");
  ASSERT_EQ(results->status, 200);
  EXPECT_NE(
      results->body.find("/contenus/" + std::to_string(course_) + "?page=3&amp;q=stomates#page-3"),
      std::string::npos)
      << results->body.substr(0, 5000);
}

TEST_F(DocumentPages, APictureShowsScaledWithItsReadTextLabelledAsMachineMade) {
  ASSERT_NE(poster_, 0);
  auto c = client();
  auto page = c.Get("/contenus/" + std::to_string(poster_) + "?q=chlorophylle");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("L'image et son texte"), std::string::npos);
  EXPECT_NE(page->body.find("Texte reconnu automatiquement"), std::string::npos);
  EXPECT_NE(page->body.find("<mark>chlorophylle</mark>"), std::string::npos);
  EXPECT_NE(page->body.find("<rect "), std::string::npos);
  auto image = c.Get("/contenus/" + std::to_string(poster_) + "/pages/1.webp?l=480");
  ASSERT_EQ(image->status, 200);
  EXPECT_EQ(image->body.compare(8, 4, "WEBP"), 0);
}

TEST_F(DocumentPages, ADraftsPagesAreNotShownToTheAnonymous) {
  ASSERT_NE(draft_, 0);
  auto c = client();
  EXPECT_EQ(c.Get("/contenus/" + std::to_string(draft_))->status, 404);
  EXPECT_EQ(c.Get("/contenus/" + std::to_string(draft_) + "/pages/1.webp")->status, 404);
}

TEST_F(DocumentPages, ANotesPassageLinkLandsOnItsParagraphHighlighted) {
  auto c = client();
  auto results = c.Get("/recherche?q=basalte");
  ASSERT_EQ(results->status, 200);
  const std::regex link(R"re(href="(/contenus/\d+\?passage=\d+&amp;q=basalte#passage)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(results->body, m, link)) << results->body.substr(0, 5000);
  std::string url = m[1].str();
  url.replace(url.find("&amp;"), 5, "&");
  auto page = c.Get(url.substr(0, url.find('#')));
  ASSERT_EQ(page->status, 200);
  const auto at = page->body.find("id=\"passage\"");
  ASSERT_NE(at, std::string::npos) << page->body.substr(0, 5000);
  const std::string line = page->body.substr(at, page->body.find("</li>", at) - at);
  EXPECT_NE(line.find("class=\"courante\""), std::string::npos) << line;
  EXPECT_NE(page->body.find("<mark>basalte</mark>", at), std::string::npos);
}

// Round 1 had no chapters, no thumbnails, no way to share a moment or embed the player.
TEST_F(DocumentPages, AVideoHasChaptersFromItsSlidesToShareAndToEmbed) {
  ASSERT_NE(slides_, 0);
  auto c = client();
  const std::string id = std::to_string(slides_);
  auto page = c.Get("/contenus/" + id + "?t=6");
  ASSERT_EQ(page->status, 200);
  const std::string& html = page->body;
  ASSERT_NE(html.find("<h2 id=\"titre-chapitres\">Chapitres</h2>"), std::string::npos)
      << html.substr(0, 6000);
  // Each slide's title line (slides.txt: 0 s, 6 s, 13 s), with its picture.
  for (const char* title : {"La photosynthèse", "Le rôle de la chlorophylle", "Le bilan chimique"})
    EXPECT_NE(html.find("<span>" + std::string(title) + "</span>"), std::string::npos) << title;
  EXPECT_NE(html.find("<img src=\"/contenus/" + id + "/images/0.webp\""), std::string::npos);
  auto thumb = c.Get("/contenus/" + id + "/images/13.webp");
  ASSERT_EQ(thumb->status, 200);
  EXPECT_EQ(thumb->get_header_value("Content-Type"), "image/webp");
  EXPECT_LT(thumb->body.size(), 12u * 1024);
  // The link to this moment and the embed code, for a teacher to copy.
  EXPECT_NE(html.find("/contenus/" + id + "?t=6\" size=\"50\" data-partage"), std::string::npos);
  EXPECT_NE(html.find("&lt;iframe src=\""), std::string::npos);
  EXPECT_NE(html.find("/contenus/" + id + "/integrer?t=6"), std::string::npos);
  auto embed = c.Get("/contenus/" + id + "/integrer?t=6");
  ASSERT_EQ(embed->status, 200);
  EXPECT_NE(embed->body.find("src=\"/api/v1/media/" + id + "#t=6\""), std::string::npos);
  EXPECT_EQ(embed->body.find("class=\"bandeau\""), std::string::npos);  // the player alone
}

TEST(PageParagraphs, LinesJoinIntoParagraphsAtGapsHeadingsAndBullets) {
  auto word = [](const char* text, double x, double y, double h) {
    catalog::Cue c;
    c.text = text;
    c.box_x = x, c.box_y = y, c.box_w = 0.05, c.box_h = h;
    return c;
  };
  const std::vector<catalog::Cue> cues = {
      word("Titre", 0.1, 0.05, 0.03),                                           // a larger heading
      word("Une", 0.1, 0.10, 0.02),           word("ligne", 0.2, 0.101, 0.02),  // one line
      word("suite", 0.1, 0.125, 0.02),                                          // the next line
      word("Après", 0.1, 0.20, 0.02),         word("un", 0.2, 0.20, 0.02),      // after a gap
      word("\u2022 point", 0.1, 0.225, 0.02),                                   // a bullet
  };
  std::vector<const catalog::Cue*> ptrs;
  for (const auto& c : cues) ptrs.push_back(&c);
  catalog::Cue corrected;
  corrected.text = "Texte corrigé par une personne.";
  ptrs.push_back(&corrected);
  EXPECT_EQ(page_paragraphs(ptrs),
            (std::vector<std::string>{"Titre", "Une ligne suite", "Après un", "\u2022 point",
                                      "Texte corrigé par une personne."}));
}

}  // namespace
}  // namespace repere::web
