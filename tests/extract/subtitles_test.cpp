#include <gtest/gtest.h>

#include "repere/core/text.h"
#include "repere/extract/subtitles.h"
#include "support/legacy_text.h"

namespace repere::extract {
namespace {

TEST(Srt, ClassicFileWithIndexesCommasAndCrlf) {
  const std::string srt =
      "1\r\n00:00:01,000 --> 00:00:04,500\r\nBonjour à tous,\r\nbienvenue.\r\n\r\n"
      "2\r\n00:00:05,000 --> 00:00:07,250\r\nAujourd'hui : l'ADN.\r\n";
  const auto track = parse_srt(srt);
  ASSERT_TRUE(track.is_ok()) << track.status().to_string();
  ASSERT_EQ(track->cues.size(), 2u);
  EXPECT_EQ(track->cues[0].id, "1");
  EXPECT_EQ(track->cues[0].start_ms, 1000);
  EXPECT_EQ(track->cues[0].end_ms, 4500);
  EXPECT_EQ(track->cues[0].text, "Bonjour à tous,\nbienvenue.");
  EXPECT_EQ(track->cues[1].start_ms, 5000);
  EXPECT_EQ(track->cues[1].text, "Aujourd'hui : l'ADN.");
  EXPECT_EQ(track->cues[1].line, 7);
  EXPECT_TRUE(track->warnings.empty());
  EXPECT_EQ(track->source_encoding, "UTF-8");
}

TEST(Srt, MissingIndexesDotsShortHoursAndBom) {
  const std::string srt =
      "\xEF\xBB\xBF"
      "0:00:01.5 --> 0:00:02.25\nsans index\n\n"
      "00:03,000 --> 00:04,000 X1:40 X2:600 Y1:20 Y2:50\nsans heures\n";
  const auto track = parse_srt(srt);
  ASSERT_TRUE(track.is_ok()) << track.status().to_string();
  ASSERT_EQ(track->cues.size(), 2u);
  EXPECT_EQ(track->cues[0].id, "");
  EXPECT_EQ(track->cues[0].start_ms, 1500);
  EXPECT_EQ(track->cues[0].end_ms, 2250);
  EXPECT_EQ(track->cues[1].start_ms, 3000);
  EXPECT_EQ(track->cues[1].text, "sans heures");
}

TEST(Srt, Windows1252IsDetectedAndConverted) {
  // "Élève, cœur, « été »" in Windows-1252: É=C9 è=E8 œ=9C «=AB »=BB é=E9
  const std::string srt =
      "1\r\n00:00:01,000 --> 00:00:02,000\r\n\xC9l\xE8ve, c\x9Cur, \xAB \xE9t\xE9 \xBB\r\n";
  const auto track = parse_srt(srt);
  ASSERT_TRUE(track.is_ok());
  EXPECT_EQ(track->source_encoding, "windows-1252");
  ASSERT_EQ(track->cues.size(), 1u);
  EXPECT_EQ(track->cues[0].text, "Élève, cœur, « été »");
}

TEST(Srt, Utf16WithBom) {
  const std::string utf8 = "1\n00:00:01,000 --> 00:00:02,000\nÉté\n";
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string("1\n00:00:01,000 --> 00:00:02,000\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  utf16 += std::string("\xC9\x00t\x00\xE9\x00\n\x00", 8);
  const auto track = parse_srt(utf16);
  ASSERT_TRUE(track.is_ok()) << track.status().to_string();
  EXPECT_EQ(track->source_encoding, "UTF-16LE");
  ASSERT_EQ(track->cues.size(), 1u);
  EXPECT_EQ(track->cues[0].text, "Été");
}

TEST(Srt, OverlappingCuesAreKept) {
  const std::string srt =
      "1\n00:00:01,000 --> 00:00:05,000\nLocuteur A\n\n"
      "2\n00:00:03,000 --> 00:00:06,000\nLocuteur B\n";
  const auto track = parse_srt(srt);
  ASSERT_EQ(track->cues.size(), 2u);
  EXPECT_LT(track->cues[1].start_ms, track->cues[0].end_ms);
}

TEST(Srt, BadCuesAreSkippedWithTheirLine) {
  const std::string srt =
      "1\n00:00:05,000 --> 00:00:01,000\nà l'envers\n\n"
      "2\n00:00:06,000 --> 00:00:07,000\n\n"
      "texte perdu\n\n"
      "3\n00:00:08,000 --> 00:00:09,000\nbon\n";
  const auto track = parse_srt(srt);
  ASSERT_TRUE(track.is_ok());
  ASSERT_EQ(track->cues.size(), 1u);
  EXPECT_EQ(track->cues[0].text, "bon");
  ASSERT_EQ(track->warnings.size(), 3u);
  EXPECT_EQ(track->warnings[0].line, 2);
  EXPECT_NE(track->warnings[0].message.find("ends before it starts"), std::string::npos);
  EXPECT_EQ(track->warnings[1].line, 6);
  EXPECT_EQ(track->warnings[2].line, 8);
}

TEST(Srt, CuesWithoutBlankLinesBetweenThem) {
  const std::string srt =
      "1\n00:00:01,000 --> 00:00:02,000\npremière\n2\n00:00:02,000 --> 00:00:03,000\nseconde\n";
  const auto track = parse_srt(srt);
  ASSERT_EQ(track->cues.size(), 2u);
  EXPECT_EQ(track->cues[0].text, "première");
  EXPECT_EQ(track->cues[1].id, "2");
}

TEST(Srt, NotSubtitlesIsAnError) {
  for (const std::string& bad : {std::string(), std::string("\x89PNG\r\n\x1a\n\0\0", 10),
                                 std::string("juste du texte\nsur deux lignes\n")}) {
    const auto track = parse_srt(bad);
    ASSERT_FALSE(track.is_ok());
    EXPECT_EQ(track.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(track.status().message().find("SubRip"), std::string::npos);
  }
}

TEST(WebVtt, BinaryFileIsRejectedWithAMessage) {
  const auto track = parse_webvtt(std::string("\x00\x01\x02garbage\xff", 11));
  ASSERT_FALSE(track.is_ok());
  EXPECT_NE(track.status().message().find("WEBVTT"), std::string::npos);
}

TEST(WebVtt, WarningsNameTheLine) {
  const std::string vtt =
      "WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:0x.000 --> 00:03.000\nperdu\n\n"
      "texte seul\n";
  const auto track = parse_webvtt(vtt);
  ASSERT_TRUE(track.is_ok());
  ASSERT_EQ(track->cues.size(), 1u);
  ASSERT_EQ(track->warnings.size(), 2u);
  EXPECT_EQ(track->warnings[0].line, 6);
  EXPECT_EQ(track->warnings[1].line, 9);
}

TEST(WebVtt, FrenchTextWithNotesAndStyles) {
  const std::string vtt =
      "WEBVTT - cours de SVT\n\nSTYLE\n::cue { color: yellow }\n\nNOTE relu par M. Dupont\n\n"
      "intro\n00:00:00.000 --> 00:00:04.000 align:start line:0\n"
      "<v Professeure>La <b>photosynthèse</b> &amp; la respiration\n";
  const auto track = parse_webvtt(vtt);
  ASSERT_TRUE(track.is_ok());
  ASSERT_EQ(track->cues.size(), 1u);
  EXPECT_TRUE(track->warnings.empty());
  EXPECT_EQ(track->cues[0].id, "intro");
  EXPECT_EQ(track->cues[0].settings.align, "start");
  EXPECT_EQ(cue_plain_text(track->cues[0].text), "La photosynthèse & la respiration");
}

TEST(CuePlainText, TagsEntitiesAndRuby) {
  EXPECT_EQ(cue_plain_text("<i>Il était</i>\nune fois"), "Il était une fois");
  EXPECT_EQ(cue_plain_text("<c.yellow.bg_blue>l'ADN</c>"), "l'ADN");
  EXPECT_EQ(cue_plain_text("3 &lt; 4 &gt; 2 &#233;t&#xE9; &nbsp;fin"), "3 < 4 > 2 été \u00a0fin");
  EXPECT_EQ(cue_plain_text("<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>"), "漢字");
  EXPECT_EQ(cue_plain_text("{\\an8}<font color=\"#fff\">en haut</font>"), "en haut");
  EXPECT_EQ(cue_plain_text("&unknown; & seul"), "&unknown; & seul");
  EXPECT_EQ(cue_plain_text("<00:00:01.000>mot <00:00:02.000>à mot"), "mot à mot");
  EXPECT_EQ(cue_plain_text("non fermé <b"), "non fermé");
  EXPECT_EQ(cue_plain_text("&#0; &#xD800; &#99999999;"), "\uFFFD \uFFFD \uFFFD");
}

TEST(WebVttTime, Format) {
  EXPECT_EQ(format_webvtt_time(0), "00:00:00.000");
  EXPECT_EQ(format_webvtt_time(42 * 60000 + 10500), "00:42:10.500");
  EXPECT_EQ(format_webvtt_time(90 * 60000), "01:30:00.000");
}

// A Turkish SubRip file saved in ISO-8859-9 became mojibake (« deðil ») with no warning.
TEST(DecodeToUtf8, TurkishIso88599SubtitlesDecodeRight) {
  const std::string srt = testing::kTurkishIso88599Srt;
  const auto track = parse_srt(srt);
  ASSERT_TRUE(track.is_ok()) << track.status().to_string();
  ASSERT_EQ(track->cues.size(), 2u);
  EXPECT_EQ(track->source_encoding, "ISO-8859-9");
  EXPECT_EQ(track->cues[0].text, "Bugün hava çok güzel, değil mi? Işık ve gölge.");
  EXPECT_EQ(track->cues[1].text, "Şimdi öğrenciler sınıfa giriyor.");
  EXPECT_EQ(track->encoding_doubt, "");
}

TEST(DecodeToUtf8, FrenchWindows1252SubtitlesDecodeRightWithoutDoubt) {
  const std::string srt =
      "1\n00:00:01,000 --> 00:00:03,000\n"
      "La photosynth\xE8"
      "se se d\xE9"
      "roule dans les chloroplastes, o\xF9"
      " l\x92\xE9"
      "nergie "
      "lumineuse est capt\xE9"
      "e.\n\n2\n00:00:04,000 --> 00:00:06,000\n"
      "\xC7"
      "a d\xE9"
      "pend de l\x92\xE9"
      "t\xE9"
      " et du c\x9C"
      "ur des feuilles.\n";
  const auto track = parse_srt(srt);
  ASSERT_TRUE(track.is_ok()) << track.status().to_string();
  EXPECT_EQ(track->source_encoding, "windows-1252");
  ASSERT_EQ(track->cues.size(), 2u);
  EXPECT_EQ(track->cues[1].text, "Ça dépend de l’été et du cœur des feuilles.");
  EXPECT_EQ(track->encoding_doubt, "");
}

// A detector guesses from few bytes: « Été » alone looks like Windows-1250 to uchardet, « Noël »
// like Mac Central European. Short French text must still read as French, with no warning.
TEST(DecodeToUtf8, ShortFrenchTextIsNotTakenForAnotherCharset) {
  for (const std::string& s : {std::string("\xC9"
                                           "t\xE9"
                                           ""),
                               std::string("No\xEB"
                                           "l"),
                               std::string("Qu\x92"
                                           "est-ce que c\x92"
                                           "est ? \xAB"
                                           " Bonjour \xBB"
                                           "")}) {
    const text::DecodedText d = text::decode_to_utf8(s);
    EXPECT_EQ(d.encoding, "windows-1252") << d.utf8;
    EXPECT_EQ(d.doubt, "") << d.utf8;
  }
  EXPECT_EQ(text::decode_to_utf8("No\xEB"
                                 "l")
                .utf8,
            "Noël");
}

// Polish in ISO-8859-2 reads as Windows-1252 to the detector: the reading has symbols inside
// words (« Za¿ó³æ »), so it says it is unsure rather than pass the mojibake on silently.
TEST(DecodeToUtf8, AMisreadEncodingIsDoubted) {
  const text::DecodedText d = text::decode_to_utf8(testing::kPolishIso88592);
  EXPECT_NE(d.doubt, "");
}

TEST(DecodeToUtf8, DecodeAsNamesAnyCharsetIcuKnows) {
  EXPECT_EQ(text::decode_as("de\xF0"
                            "il",
                            "ISO-8859-9")
                .value_or(""),
            "değil");
  EXPECT_EQ(text::decode_as("\xCF\xF0\xE8", "windows-1251").value_or(""), "При");
  EXPECT_FALSE(text::decode_as("abc", "no-such-charset").has_value());
}

TEST(DecodeToUtf8, Encodings) {
  EXPECT_EQ(text::decode_to_utf8("déjà").encoding, "UTF-8");
  EXPECT_EQ(text::decode_to_utf8("d\xE9j\xE0").utf8, "déjà");
  EXPECT_EQ(text::decode_to_utf8("\xEF\xBB\xBFok").utf8, "ok");
  EXPECT_EQ(text::decode_to_utf8(std::string("\xFE\xFF\x00\xE9", 4)).utf8, "é");
  EXPECT_EQ(text::decode_to_utf8("\x80\x81").utf8, "€\uFFFD");
  EXPECT_EQ(text::sanitize_utf8("a\xC3(b"), "a\uFFFD(b");
}

}  // namespace
}  // namespace repere::extract
