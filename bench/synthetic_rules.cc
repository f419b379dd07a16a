#include "synthetic_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "corpus.h"

namespace hakam::bench {

namespace {

// Rules over real insults, present in every pack whatever its size (see
// the header): (id, category, weight, YAML body).
struct LiveRule {
  const char* id;
  const char* category;
  int weight;
  const char* body;  // "words: [...]" or "pattern: '...'"
};

constexpr LiveRule kLiveRules[] = {
    {"syn.live.ar", "insult", 10,
     "words: [يا كلب, يا حمار, يا حقير, حثالة, ابن الكلب, يا غبي, يا زبالة, "
     "حقير, يا خنزير, ولاد الحرام]"},
    {"syn.live.en", "insult", 10,
     "words: [idiot, idiots, moron, morons, asshole, scumbag, fuck you, "
     "piece of shit, dickhead, retard]"},
    {"syn.live.link", "link", 5,
     "pattern: '(?:https?://|www\\.)[^\\s<>\"]+'"},
    {"syn.live.obfuscated", "insult", 5,
     "pattern: '\\bi+[\\W_]*d+[\\W_]*i+[\\W_]*o+[\\W_]*t+'"},
};
constexpr int kLiveRuleCount = sizeof(kLiveRules) / sizeof(kLiveRules[0]);

const std::vector<std::string>& ArabicLetters() {
  static const std::vector<std::string>* l = new std::vector<std::string>{
      "ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش", "ص",
      "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"};
  return *l;
}

const std::vector<std::string>& Categories() {
  static const std::vector<std::string>* c = new std::vector<std::string>{
      "insult", "profanity", "spam", "hate", "threat", "harassment"};
  return *c;
}

// A random Arabic letter string of 5-7 letters, "ال" prefixed 30% of the
// time; as letters, not code points, so the result is valid UTF-8.
std::string ArabicPseudoWord(Rng& rng, std::vector<std::string>* letters) {
  std::string w = rng.Chance(0.3) ? "ال" : "";
  const int n = 5 + static_cast<int>(rng.Below(3));
  for (int i = 0; i < n; ++i) {
    const std::string& l = rng.Pick(ArabicLetters());
    if (letters != nullptr) letters->push_back(l);
    w += l;
  }
  return w;
}

std::string EnglishPseudoWord(Rng& rng, int min_len, int max_len) {
  std::string w;
  const int n = min_len + static_cast<int>(rng.Below(max_len - min_len + 1));
  for (int i = 0; i < n; ++i) w += static_cast<char>('a' + rng.Below(26));
  return w;
}

std::string WordEntry(Rng& rng, bool arabic) {
  const double r = rng.Unit();
  if (arabic) {
    if (r < 0.08) return absl::StrCat("يا ", ArabicPseudoWord(rng, nullptr));
    if (r < 0.15) {
      return absl::StrCat(ArabicPseudoWord(rng, nullptr), " ",
                          ArabicPseudoWord(rng, nullptr));
    }
    return ArabicPseudoWord(rng, nullptr);
  }
  if (r < 0.15) {
    return absl::StrCat(EnglishPseudoWord(rng, 4, 8), " ",
                        EnglishPseudoWord(rng, 4, 8));
  }
  return EnglishPseudoWord(rng, 6, 10);
}

// One RE2 pattern of a shape moderators write, over a random stem.
std::string Pattern(Rng& rng) {
  const double r = rng.Unit();
  if (r < 0.25) {  // obfuscated spelling: s+t+e+m with junk in between
    const std::string stem = EnglishPseudoWord(rng, 5, 7);
    std::vector<std::string> parts;
    for (char c : stem) parts.push_back(std::string(1, c) + "+");
    return absl::StrJoin(parts, "[\\W_]*");
  }
  if (r < 0.50) {  // inflections
    return absl::StrCat("\\b", EnglishPseudoWord(rng, 5, 8),
                        "(?:s|es|ed|ing|er|ers)?\\b");
  }
  if (r < 0.65) {  // a spam domain
    return absl::StrCat("(?:https?://|www\\.)", EnglishPseudoWord(rng, 5, 9),
                        "\\.(?:com|net|org|xyz)");
  }
  if (r < 0.75) {  // a contact handle
    return absl::StrCat("(?:whatsapp|telegram|واتساب|تلغرام)\\W{0,3}@?",
                        EnglishPseudoWord(rng, 5, 9));
  }
  if (r < 0.95) {  // Arabic with stretched letters (tatweel, repeats)
    std::vector<std::string> letters;
    ArabicPseudoWord(rng, &letters);
    std::vector<std::string> parts;
    for (const std::string& l : letters) parts.push_back(l + "+");
    return absl::StrJoin(parts, "ـ*");
  }
  return absl::StrCat(EnglishPseudoWord(rng, 5, 8), "\\d{3,6}");  // numbered
}

// YAML flow-sequence item: every generated word is plain letters and
// spaces, safe unquoted.
std::string WordList(Rng& rng, bool arabic) {
  // 1-8 entries, mostly 2-4.
  static constexpr int kSizes[] = {1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8};
  const int n = kSizes[rng.Below(sizeof(kSizes) / sizeof(kSizes[0]))];
  std::vector<std::string> entries;
  for (int i = 0; i < n; ++i) entries.push_back(WordEntry(rng, arabic));
  return absl::StrCat("words: [", absl::StrJoin(entries, ", "), "]");
}

void AppendRule(std::string& yaml, absl::string_view id,
                absl::string_view category, int weight,
                absl::string_view body, absl::string_view views) {
  absl::StrAppend(&yaml, "  - id: ", id, "\n    category: ", category,
                  "\n    weight: ", weight, "\n    ", body, "\n");
  if (!views.empty()) absl::StrAppend(&yaml, "    views: [", views, "]\n");
}

}  // namespace

std::map<std::string, std::string> GenerateRulePacks(
    const SyntheticRulesOptions& options) {
  Rng rng(options.seed);
  std::map<std::string, std::string> files;
  const int per_file = options.rules_per_file > 0 ? options.rules_per_file : 1;
  std::string yaml;
  std::string path;
  int in_file = 0;
  int file_index = 0;
  auto finish_file = [&] {
    if (in_file > 0) files[path] = std::move(yaml);
    yaml.clear();
    in_file = 0;
  };
  for (int i = 0; i < options.rules; ++i) {
    if (in_file == 0) {
      path = absl::StrFormat("%s/pack-%03d.yaml", options.prefix, file_index);
      yaml = absl::StrFormat(
          "# Generated by hakam bench (synthetic rules, seed %d).\n"
          "pack: synthetic.%03d\ndescription: synthetic benchmark rules\n"
          "rules:\n",
          options.seed, file_index);
      ++file_index;
    }
    if (i < kLiveRuleCount) {
      const LiveRule& live = kLiveRules[i];
      AppendRule(yaml, live.id, live.category, live.weight, live.body,
                 options.views);
    } else {
      const std::string id = absl::StrFormat("syn.%06d", i);
      const std::string& category = rng.Pick(Categories());
      const int weight = 1 + static_cast<int>(rng.Below(10));
      std::string body;
      if (rng.Chance(options.pattern_fraction)) {
        body = absl::StrCat("pattern: '", Pattern(rng), "'");
      } else {
        body = WordList(rng, rng.Chance(options.arabic_fraction));
      }
      AppendRule(yaml, id, category, weight, body, options.views);
    }
    if (++in_file == per_file) finish_file();
  }
  finish_file();
  return files;
}

std::map<std::string, std::string> WithDefaultPolicy(
    std::map<std::string, std::string> files) {
  files["policies.yaml"] = kDefaultPoliciesYaml;
  return files;
}

}  // namespace hakam::bench
