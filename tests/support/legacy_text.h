// Text in legacy 8-bit encodings, as files made on old systems hold it, for the encoding tests.
#pragma once

namespace repere::testing {

// SubRip in ISO-8859-9 (Turkish): « Bugün hava çok güzel, değil mi? Işık ve gölge. » then
// « Şimdi öğrenciler sınıfa giriyor. ». Read as Windows-1252 it gives « deðil », « ýþýk ».
inline constexpr char kTurkishIso88599Srt[] =
    "1\n00:00:01,000 --> 00:00:03,000\n"
    "Bug\xFC"
    "n hava \xE7"
    "ok g\xFC"
    "zel, de\xF0"
    "il mi? I\xFE"
    "\xFD"
    "k ve g\xF6"
    "lge.\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n"
    "\xDE"
    "imdi \xF6"
    "\xF0"
    "renciler s\xFD"
    "n\xFD"
    "fa giriyor.\n";

// Polish in ISO-8859-2: « Zażółć gęślą jaźń, to jest test polskich znaków. », which uchardet
// takes for Windows-1252 (« Za¿ó³æ gê¶l± ja¼ñ »).
inline constexpr char kPolishIso88592[] =
    "Za\xBF"
    "\xF3"
    "\xB3"
    "\xE6"
    " g\xEA"
    "\xB6"
    "l\xB1"
    " ja\xBC"
    "\xF1"
    ", to jest test polskich znak\xF3"
    "w.";

}  // namespace repere::testing
