#include "corpus.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hakam::bench {

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rng::Below(uint64_t n) {
  return static_cast<uint64_t>(
      (static_cast<unsigned __int128>(Next()) * n) >> 64);
}

double Rng::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Normal() {
  const double u1 = 1.0 - Unit();  // (0, 1]
  const double u2 = Unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

namespace {

using Words = std::vector<std::string>;

// Modern Standard Arabic as it appears under news articles: function words
// first (they are the most frequent), then content words.
const Words& MsaFunctionWords() {
  static const Words* w = new Words{
      "في",  "من",  "على", "إلى", "عن",  "مع",   "هذا",  "هذه",
      "ذلك", "التي", "الذي", "لكن", "ولا", "لا",   "لم",   "لن",
      "قد",  "كان", "أن",  "إن",  "كل",  "بعض",  "هل",   "لماذا",
      "كيف", "و",   "أو",  "ثم",  "بل",  "حتى",  "عندما", "منذ",
      "هو",  "هي",  "هم",  "نحن", "أنا", "أنت",  "ما",   "ليس"};
  return *w;
}

const Words& MsaContentWords() {
  static const Words* w = new Words{
      "الحكومة",   "الوزير",    "المقال",   "الكاتب",   "الشعب",
      "البلد",     "الاقتصاد",  "الانتخابات", "الرئيس",  "القرار",
      "السياسة",   "المواطنين", "الحقيقة",  "الإعلام",  "الأخبار",
      "التعليم",   "الصحة",     "الأسعار",  "الرواتب",  "المشكلة",
      "الحل",      "مجلس",      "النواب",   "الدولة",   "الشباب",
      "المستقبل",  "العالم",    "العربي",   "المنطقة",  "الأمن",
      "الحرب",     "السلام",    "المفاوضات", "غزة",     "القدس",
      "بغداد",     "دمشق",      "القاهرة",  "الرياض",   "عمّان",
      "بيروت",     "الخليج",    "النفط",    "الكهرباء", "المياه",
      "شكرا",      "ممتاز",     "رائع",     "تحليل",    "موضوعي",
      "صحيح",      "خطأ",       "أتفق",     "أختلف",    "رأيي",
      "أعتقد",     "يجب",       "نحتاج",    "نأمل",     "للأسف",
      "الله",      "يحفظ",      "بارك",     "جدا",      "أكثر",
      "الفساد",    "المسؤولين", "الشارع",   "الناس",    "الوضع",
      "الأزمة",    "البطالة",   "الفقر",    "الجامعة",  "المدارس",
      "المستشفى",  "الطريق",    "المدينة",  "القرية",   "الزراعة",
      "الصناعة",   "الاستثمار", "الدعم",    "الضرائب",  "الميزانية",
      "الدستور",   "القانون",   "المحكمة",  "العدالة",  "الحرية",
      "الديمقراطية", "المعارضة", "البرلمان", "التصويت", "المرشح",
      "الصحفي",    "التقرير",   "المصدر",   "الرسمي",   "الجديد",
      "الكبير",    "الصغير",    "الأول",    "الأخير",   "اليوم",
      "أمس",       "غدا",       "السنة",    "الشهر",    "الأسبوع",
      "كتب",       "قال",       "أعلن",     "أكد",      "طالب",
      "يريد",      "يستطيع",    "يعرف",     "نفهم",     "نرى",
      "الْحُكُومَة", "السَّلَام", "مَقَالٌ",  "رَائِعٌ",  "جمـيل",
      "مبروك",     "حزين",      "مؤسف",     "واضح",     "مهم"};
  return *w;
}

// Dialect words, by region; a dialect comment mixes these into MSA.
const std::vector<Words>& DialectWords() {
  static const std::vector<Words>* w = new std::vector<Words>{
      // Gulf
      {"وايد", "زين", "شلون", "ليش", "يبي", "حق", "هالشي", "مب", "الحين",
       "عاد", "يالله", "ترى", "وش", "ابي", "مره"},
      // Egyptian
      {"ازاي", "كده", "عايز", "بتاع", "اوي", "مش", "دلوقتي", "فين", "ليه",
       "يعني", "خالص", "برضه", "حاجة", "علشان", "بجد"},
      // Levantine
      {"شو", "هلق", "كتير", "منيح", "بدي", "هيك", "شي", "لسا", "مبارح",
       "كيفك", "منشان", "هاد", "يلي", "ما بعرف", "خلص"},
      // Iraqi
      {"شكو", "ماكو", "هواية", "اكو", "شلونك", "خوش", "هسه", "چا", "گلت",
       "بعد", "ويه", "اريد", "شنو", "ليش", "زين"},
  };
  return *w;
}

const Words& EnglishFunctionWords() {
  static const Words* w = new Words{
      "the", "a",   "of",   "to",   "and",  "in",    "is",   "it",
      "that", "for", "on",  "this", "with", "as",    "but",  "not",
      "are", "was", "be",   "they", "we",   "you",   "I",    "he",
      "she", "have", "has", "will", "would", "should", "can", "do"};
  return *w;
}

const Words& EnglishContentWords() {
  static const Words* w = new Words{
      "government", "minister",  "article",   "people",     "economy",
      "election",   "policy",    "think",     "great",      "analysis",
      "agree",      "disagree",  "why",       "how",        "prices",
      "wages",      "oil",       "war",       "peace",      "talks",
      "thanks",     "totally",   "wrong",     "right",      "never",
      "always",     "really",    "good",      "bad",        "news",
      "report",     "writer",    "point",     "country",    "future",
      "young",      "students",  "school",    "hospital",   "corruption",
      "parliament", "vote",      "budget",    "taxes",      "region",
      "Gaza",       "Baghdad",   "Cairo",     "Beirut",     "Riyadh",
      "Dubai",      "Amman",     "Damascus",  "Jerusalem",  "Gulf",
      "classic",    "assassin",  "Scunthorpe", "passage",   "idiom",
      "interesting", "balanced", "biased",    "propaganda", "reporting",
      "journalism", "source",    "evidence",  "history",    "decades",
      "ceasefire",  "negotiations", "refugees", "inflation", "unemployment",
      "electricity", "water",    "reform",    "protest",    "constitution",
      "court",      "justice",   "freedom",   "democracy",  "opposition",
      "lol",        "ok",        "well",      "honestly",   "exactly",
      "COVID",      "OPEC",      "UN",        "EU",         "2024",
      "don't",      "can't",     "it's",      "they're",    "we've"};
  return *w;
}

// Insults the shipped rules catch (and a few they are meant to), with some
// obfuscated spellings (tatweel, diacritics, full-width, spacing).
const Words& ArabicInsults() {
  static const Words* w = new Words{
      "يا كلب",  "يا حمار", "يا حقير", "حثالة",   "ابن الكلب",
      "يا غبي",  "يا زبالة", "حقير",   "يا خنزير", "ولاد الحرام",
      "يا كـلب", "يا حِمار", "يا  حقير", "ابن كلب", "يا تافه"};
  return *w;
}

const Words& EnglishInsults() {
  static const Words* w = new Words{
      "idiot",   "moron",  "asshole",        "scumbag", "fuck you",
      "idiots",  "MORONS", "piece of shit",  "dickhead", "retard",
      "ＩＤＩＯＴ", "i d i o t", "a$$hole", "son of a bitch", "imbecile"};
  return *w;
}

const Words& Emoji() {
  static const Words* w = new Words{"😂", "👍", "🙏", "❤️", "😡", "👏",
                                    "🤔", "💯", "😢", "🇵🇸"};
  return *w;
}

const Words& ArabicSentenceEnds() {
  static const Words* w = new Words{".", "!", "؟", "..", "!!", "،", "."};
  return *w;
}

const Words& EnglishSentenceEnds() {
  static const Words* w = new Words{".", "!", "?", "...", ".", ","};
  return *w;
}

enum class Language { kArabic, kEnglish };

// Appends one word of `lang` (and, for Arabic, of `dialect`, -1 for MSA).
void AppendWord(Rng& rng, Language lang, int dialect, bool capitalize,
                std::string& out) {
  if (lang == Language::kArabic) {
    const double r = rng.Unit();
    if (dialect >= 0 && r < 0.3) {
      out += rng.Pick(DialectWords()[dialect]);
    } else if (r < 0.6) {
      out += rng.Pick(MsaFunctionWords());
    } else {
      out += rng.Pick(MsaContentWords());
    }
    return;
  }
  const std::string& w = rng.Unit() < 0.45 ? rng.Pick(EnglishFunctionWords())
                                           : rng.Pick(EnglishContentWords());
  if (capitalize && !w.empty() && w[0] >= 'a' && w[0] <= 'z') {
    out += static_cast<char>(w[0] - 'a' + 'A');
    out.append(w, 1);
  } else {
    out += w;
  }
}

// Digits in a comment: Western or Arabic-Indic.
std::string Number(Rng& rng, Language lang) {
  const int n = static_cast<int>(rng.Below(2030));
  std::string s = absl::StrCat(n);
  if (lang != Language::kArabic || rng.Chance(0.5)) return s;
  static const char* const kIndic[] = {"٠", "١", "٢", "٣", "٤",
                                       "٥", "٦", "٧", "٨", "٩"};
  std::string out;
  for (char c : s) out += kIndic[c - '0'];
  return out;
}

std::string Link(Rng& rng) {
  static const char* const kHosts[] = {"spam.example", "deals.example",
                                       "news.example.com", "bit.ly"};
  return absl::StrCat(rng.Chance(0.5) ? "https://" : "www.",
                      kHosts[rng.Below(4)], "/", rng.Below(100000));
}

// Length in bytes of the UTF-8 sequence starting with `lead`.
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// Cuts `s` to at most `max` bytes at a code point boundary.
void TruncateUtf8(std::string& s, size_t max) {
  if (s.size() <= max) return;
  size_t keep = 0;
  while (keep < s.size()) {
    const size_t len = SequenceLength(static_cast<unsigned char>(s[keep]));
    if (keep + len > max) break;
    keep += len;
  }
  s.resize(keep);
}

std::string OneComment(Rng& rng, const CorpusOptions& o, bool abusive,
                       bool link) {
  // Length: log-normal around the median, clamped.
  const double drawn = o.median_bytes * std::exp(o.length_sigma * rng.Normal());
  const size_t target = static_cast<size_t>(
      std::clamp(drawn, static_cast<double>(o.min_bytes),
                 static_cast<double>(o.max_bytes)));

  // 50% Arabic, 30% English, 20% code-switching between sentences.
  const double mode = rng.Unit();
  const bool mixed = mode >= 0.8;
  Language lang = mode < 0.5 || (mixed && rng.Chance(0.5)) ? Language::kArabic
                                                           : Language::kEnglish;
  // An Arabic comment is MSA (40%) or leans to one dialect.
  const int dialect = rng.Chance(0.4) ? -1 : static_cast<int>(rng.Below(4));

  std::string out;
  out.reserve(target + 64);
  // Where to put the insult: after a random fraction of the text.
  // Both start at least 48 bytes before the end, so truncation to
  // max_bytes never cuts them.
  const double room = target > 48 ? static_cast<double>(target - 48) : 0.0;
  const size_t insult_at =
      abusive ? static_cast<size_t>(rng.Unit() * room) : SIZE_MAX;
  const size_t link_at =
      link ? static_cast<size_t>(rng.Unit() * room) : SIZE_MAX;
  bool insulted = false;
  bool linked = false;
  int words_in_sentence = 0;
  int sentence_length = 4 + static_cast<int>(rng.Below(12));
  while (out.size() < target || (abusive && !insulted) || (link && !linked)) {
    if (!out.empty()) out += ' ';
    if (abusive && !insulted && out.size() >= insult_at) {
      out += lang == Language::kArabic ? rng.Pick(ArabicInsults())
                                       : rng.Pick(EnglishInsults());
      insulted = true;
    } else if (link && !linked && out.size() >= link_at) {
      out += Link(rng);
      linked = true;
    } else if (rng.Chance(0.03)) {
      out += Number(rng, lang);
    } else {
      AppendWord(rng, lang, dialect, words_in_sentence == 0, out);
    }
    if (++words_in_sentence >= sentence_length) {
      out += lang == Language::kArabic ? rng.Pick(ArabicSentenceEnds())
                                       : rng.Pick(EnglishSentenceEnds());
      if (rng.Chance(0.08)) {
        out += ' ';
        out += rng.Pick(Emoji());
      }
      words_in_sentence = 0;
      sentence_length = 4 + static_cast<int>(rng.Below(12));
      if (mixed && rng.Chance(0.5)) {
        lang = lang == Language::kArabic ? Language::kEnglish
                                         : Language::kArabic;
      }
    }
  }
  // The max is a hard limit (the last word may have overshot it).
  TruncateUtf8(out, static_cast<size_t>(o.max_bytes));
  while (out.size() < static_cast<size_t>(o.min_bytes)) out += " ok";
  return out;
}

}  // namespace

std::string Corpus::Describe() const {
  size_t min_len = texts.empty() ? 0 : SIZE_MAX;
  size_t max_len = 0;
  int abusive_count = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    min_len = std::min(min_len, texts[i].size());
    max_len = std::max(max_len, texts[i].size());
    abusive_count += abusive[i] ? 1 : 0;
  }
  return absl::StrFormat(
      "%d comments, %d bytes, mean %.1f B (min %d, max %d), %d abusive "
      "(%.1f%%), %d with links",
      texts.size(), total_bytes, mean_bytes(), min_len, max_len, abusive_count,
      texts.empty() ? 0.0 : 100.0 * abusive_count / texts.size(), links);
}

Corpus GenerateCorpus(const CorpusOptions& options) {
  Rng rng(options.seed);
  Corpus corpus;
  const size_t count = static_cast<size_t>(std::max(options.count, 0));
  corpus.texts.reserve(count);
  corpus.abusive.reserve(count);
  for (int i = 0; i < options.count; ++i) {
    const bool abusive = rng.Chance(options.abusive_fraction);
    const bool link = rng.Chance(options.link_fraction);
    corpus.texts.push_back(OneComment(rng, options, abusive, link));
    corpus.abusive.push_back(abusive);
    corpus.links += link ? 1 : 0;
    corpus.total_bytes += corpus.texts.back().size();
  }
  return corpus;
}

}  // namespace hakam::bench
