#include "engine/linter.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/engine.h"
#include "engine/rule_tests.h"
#include "re2/re2.h"
#include "text/utf8.h"

namespace hakam {
namespace {

namespace fs = std::filesystem;

// Lint matches many words per text: report every span, not the server's
// first 16 per rule.
constexpr int kLintMaxSpansPerRule = 1 << 20;
// Dictionary words are matched in batches of about this many bytes, one
// word per line.
constexpr size_t kBatchBytes = size_t{64} << 10;

// Collects lint warnings (the loader's diagnostics are kept apart).
class Warnings {
 public:
  void AddAt(const SourceLocation& where, std::string message,
             std::string rule_id = "") {
    list_.push_back(
        {Severity::kWarning, where, std::move(message), std::move(rule_id)});
  }
  void Add(const Rule& rule, std::string message) {
    AddAt(rule.where, std::move(message), rule.id);
  }
  // Ordered by file, line and column; stable otherwise.
  std::vector<Diagnostic> Sorted() && {
    std::stable_sort(
        list_.begin(), list_.end(),
        [](const Diagnostic& a, const Diagnostic& b) {
          return std::tie(a.where.file, a.where.line, a.where.column) <
                 std::tie(b.where.file, b.where.line, b.where.column);
        });
    return std::move(list_);
  }

 private:
  std::vector<Diagnostic> list_;
};

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

std::string Plural(int64_t n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

// "a", "a or b", "a, b or c".
std::string OrList(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "),
                      " or ", items.back());
}

bool IsPlainRule(const Rule& rule) { return !rule.composite.has_value(); }
bool IsWordRule(const Rule& rule) { return rule.is_words && IsPlainRule(rule); }

// How to stop `rule` from firing where it should not, given the views its
// unwanted hits came from.
std::string Advice(const Rule& rule, ViewMask hit_views) {
  if (rule.composite) return "check its operands";
  std::vector<std::string> fixes = {"add an exception"};
  if (!rule.is_words) {
    fixes.push_back("narrow the pattern");
    return OrList(fixes);
  }
  if (rule.clitics) fixes.push_back("drop clitics");
  for (ViewId v : {ViewId::kCompact, ViewId::kTranslit}) {
    if ((hit_views & ViewBit(v)) != 0) {
      fixes.push_back(absl::StrCat("drop the ", ViewName(v), " view"));
    }
  }
  return OrList(fixes);
}

// A word as rules compare it: its skeleton rendering, with each run of
// separators as one space, trimmed. "" when nothing survives.
absl::StatusOr<std::string> CanonicalWord(const Normalizer& normalizer,
                                          absl::string_view word) {
  absl::Status valid = ValidateUtf8(word, "word");
  if (!valid.ok()) return valid;
  absl::StatusOr<NormalizedText> n =
      normalizer.Normalize(word, ViewBit(ViewId::kSkeleton));
  if (!n.ok()) return n.status();
  std::string out;
  bool pending_space = false;
  for (char c : n->view(ViewId::kSkeleton).text()) {
    if (!IsWordByte(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Each word rule's list words, canonical, parallel to Rule::words (empty
// for other rules).
absl::StatusOr<std::vector<std::vector<std::string>>> CanonicalWords(
    const RuleSet& rules, const Normalizer& normalizer) {
  std::vector<std::vector<std::string>> out(rules.rules().size());
  for (size_t i = 0; i < rules.rules().size(); ++i) {
    const Rule& rule = rules.rules()[i];
    if (!IsWordRule(rule)) continue;
    for (const std::string& w : rule.words) {
      absl::StatusOr<std::string> c = CanonicalWord(normalizer, w);
      if (!c.ok()) return c.status();
      out[i].push_back(*std::move(c));
    }
  }
  return out;
}

// --- Tests -------------------------------------------------------------------

void CheckHasTests(const RuleSet& rules, Warnings& warnings) {
  for (const Rule& rule : rules.rules()) {
    bool match = false, no_match = false;
    for (const RuleTestCase& t : rule.tests) {
      (t.should_match ? match : no_match) = true;
    }
    if (!match && !no_match) {
      warnings.Add(rule,
                   "rule has no tests: add `match:` and `no_match:` examples");
    } else if (!match) {
      warnings.Add(rule,
                   "rule has no `match:` example: add one it must fire on");
    } else if (!no_match) {
      warnings.Add(rule,
                   "rule has no `no_match:` example: add one it must not fire "
                   "on");
    }
  }
}

void CheckOwnExamples(const Engine& engine, const RuleSet& rules,
                      Warnings& warnings) {
  const RuleTestReport report = RunRuleTests(engine);
  // Per rule id: failed `match:` examples, and the first of them.
  absl::flat_hash_map<std::string, std::pair<int, SourceLocation>> missed;
  for (const RuleTestFailure& f : report.failures) {
    if (f.expected_action != hakam::v1::ACTION_UNSPECIFIED) continue;
    if (!f.expected_match) continue;
    auto [it, fresh] = missed.try_emplace(f.rule_id, 0, f.where);
    ++it->second.first;
  }
  for (const Rule& rule : rules.rules()) {
    int examples = 0;
    for (const RuleTestCase& t : rule.tests) examples += t.should_match;
    auto it = missed.find(rule.id);
    if (examples == 0 || it == missed.end() || it->second.first < examples) {
      continue;
    }
    const SourceLocation& first = it->second.second;
    warnings.Add(
        rule,
        examples == 1
            ? absl::StrCat("rule does not match its only `match:` example (",
                           first.file, ":", first.line,
                           "): check its words or pattern and its views")
            : absl::StrCat("rule matches none of its ", examples,
                           " `match:` examples (first at ", first.file, ":",
                           first.line,
                           "): check its words or pattern and its views"));
  }
}

// --- Patterns ----------------------------------------------------------------

// Whether `re` matches an empty string somewhere in a few short texts
// (so assertions such as \b and ^ get a context to hold in).
bool MatchesEmpty(const RE2& re) {
  static constexpr absl::string_view kProbes[] = {"",  " ",   "a", "a a",
                                                  "ا", "ا ا", "1"};
  for (absl::string_view probe : kProbes) {
    const re2::StringPiece text(probe.data(), probe.size());
    for (size_t pos = 0; pos <= text.size(); ++pos) {
      if (pos < text.size() &&
          (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) {
        continue;  // inside a UTF-8 sequence
      }
      if (re.Match(text, pos, pos, RE2::ANCHOR_BOTH, nullptr, 0)) return true;
    }
  }
  return false;
}

void CheckEmptyPatterns(const RuleSet& rules, Warnings& warnings) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  for (const Rule& rule : rules.rules()) {
    if (rule.is_words || !IsPlainRule(rule)) continue;
    const RE2 re(rule.pattern, options);
    if (!re.ok() || !MatchesEmpty(re)) continue;
    warnings.Add(rule,
                 "pattern matches the empty string (an optional or starred "
                 "part on its own, or an empty alternative as in \"a|\"): "
                 "make some part of it required");
  }
}

// --- Duplicate words ---------------------------------------------------------

void CheckDuplicateWords(const RuleSet& rules,
                         const std::vector<std::vector<std::string>>& canonical,
                         int max_examples, Warnings& warnings) {
  struct FirstSeen {
    int rule;
    std::string word;
  };
  absl::flat_hash_map<std::string, FirstSeen> first_seen;
  for (size_t i = 0; i < rules.rules().size(); ++i) {
    const Rule& rule = rules.rules()[i];
    if (!IsWordRule(rule)) continue;
    absl::flat_hash_map<std::string, std::string> own;  // canonical -> word
    int repeats = 0;
    std::vector<std::string> repeat_examples;
    // Per earlier rule (ordered by rule index): words listed there too.
    std::map<int, std::pair<int, std::vector<std::string>>> shared;
    for (size_t w = 0; w < rule.words.size(); ++w) {
      const std::string& word = rule.words[w];
      const std::string& key = canonical[i][w];
      if (key.empty()) continue;
      auto [mine, fresh] = own.try_emplace(key, word);
      if (!fresh) {
        if (++repeats <= max_examples) {
          repeat_examples.push_back(
              mine->second == word ? absl::StrCat(Quote(word), " twice")
                                   : absl::StrCat(Quote(word), " (same as ",
                                                  Quote(mine->second), ")"));
        }
        continue;
      }
      auto [first, new_word] =
          first_seen.try_emplace(key, FirstSeen{static_cast<int>(i), word});
      if (new_word) continue;
      auto& [count, examples] = shared[first->second.rule];
      if (++count <= max_examples) examples.push_back(Quote(word));
    }
    if (repeats > 0) {
      warnings.Add(
          rule, absl::StrCat(Plural(repeats, "list word is", "list words are"),
                             " repeated (the same after normalization), e.g. ",
                             absl::StrJoin(repeat_examples, ", "),
                             ": remove the repeats"));
    }
    for (const auto& [other, found] : shared) {
      const Rule& earlier = rules.rules()[other];
      warnings.Add(
          rule,
          absl::StrCat(
              Plural(found.first, "list word is", "list words are"),
              " also listed in [", earlier.id, "] (", earlier.where.file, ":",
              earlier.where.line, "), e.g. ", absl::StrJoin(found.second, ", "),
              ": both rules fire on ", found.first == 1 ? "it" : "them",
              "; keep each word in one rule"));
    }
  }
}

// --- Dictionaries ------------------------------------------------------------

// The distinct words of a dictionary file (see Dictionary for the format),
// in file order.
std::vector<std::string> ParseDictionary(absl::string_view content) {
  std::vector<std::string> words;
  absl::flat_hash_set<absl::string_view> seen;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    line = line.substr(0, line.find_first_of("/\t "));
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const bool has_letter = std::any_of(line.begin(), line.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x80 ||
             absl::ascii_isalpha(static_cast<unsigned char>(c));
    });
    if (!has_letter || FindInvalidUtf8(line) != line.size()) continue;
    if (!seen.insert(line).second) continue;
    words.emplace_back(line);
  }
  return words;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream content;
  content << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::UnavailableError(absl::StrCat("cannot read ", path));
  }
  return content.str();
}

// Runs every word rule over the words of `dictionary`, many words per text,
// and warns for each rule that fires on a word other than its own list
// words. Returns the number of words read.
absl::StatusOr<int64_t> CheckDictionary(
    const Dictionary& dictionary, const RuleSet& rules,
    const Normalizer& normalizer,
    const std::vector<std::vector<std::string>>& canonical, int max_examples,
    Warnings& warnings) {
  absl::StatusOr<std::string> content = ReadFile(dictionary.path);
  if (!content.ok()) {
    warnings.AddAt({dictionary.path, 0, 0},
                   absl::StrCat("dictionary ", dictionary.name,
                                " not found: install the Debian package ",
                                dictionary.package,
                                " to check list words against its words"));
    return 0;
  }
  const std::vector<std::string> words = ParseDictionary(*content);
  content->clear();

  std::vector<absl::flat_hash_set<std::string>> own(rules.rules().size());
  for (size_t i = 0; i < canonical.size(); ++i) {
    own[i].insert(canonical[i].begin(), canonical[i].end());
  }
  struct Found {
    int64_t count = 0;
    int64_t last_word = -1;
    ViewMask views = 0;
    std::vector<std::string> examples;
  };
  std::vector<Found> found(rules.rules().size());

  std::string batch;
  std::vector<uint32_t> starts;  // of each line in `batch`, then its size
  std::vector<RuleHit> hits;
  size_t next = 0;
  while (next < words.size()) {
    const size_t first_word = next;
    batch.clear();
    starts.clear();
    while (next < words.size() && batch.size() < kBatchBytes) {
      starts.push_back(static_cast<uint32_t>(batch.size()));
      absl::StrAppend(&batch, words[next++], "\n");
    }
    starts.push_back(static_cast<uint32_t>(batch.size()));

    absl::StatusOr<NormalizedText> text =
        normalizer.Normalize(batch, rules.views_used());
    if (!text.ok()) return text.status();
    hits.clear();
    rules.Match(*text, &hits);
    for (const RuleHit& hit : hits) {
      const Rule& rule = rules.rules()[hit.rule];
      if (!IsWordRule(rule)) continue;
      const size_t line =
          std::upper_bound(starts.begin(), starts.end(), hit.original.begin) -
          starts.begin() - 1;
      // A phrase or a run of spaced letters across words is not a hit on
      // any one word.
      if (hit.original.end >= starts[line + 1]) continue;
      const int64_t word_index = static_cast<int64_t>(first_word + line);
      Found& f = found[hit.rule];
      if (f.last_word == word_index) continue;
      absl::StatusOr<std::string> matched = CanonicalWord(
          normalizer,
          absl::string_view(batch).substr(
              hit.original.begin, hit.original.end - hit.original.begin));
      if (!matched.ok()) return matched.status();
      if (own[hit.rule].contains(*matched)) continue;
      f.last_word = word_index;
      f.views |= ViewBit(hit.view);
      if (++f.count <= max_examples) {
        f.examples.push_back(Quote(words[word_index]));
      }
    }
  }

  for (size_t i = 0; i < found.size(); ++i) {
    const Found& f = found[i];
    if (f.count == 0) continue;
    const Rule& rule = rules.rules()[i];
    warnings.Add(
        rule,
        absl::StrCat("fires on ",
                     Plural(f.count, "dictionary word", "dictionary words"),
                     ", e.g. ", absl::StrJoin(f.examples, ", "), " (",
                     dictionary.name, "): ", Advice(rule, f.views)));
  }
  return static_cast<int64_t>(words.size());
}

// --- Corpus ------------------------------------------------------------------

// Evaluates every comment of the corpus and warns for each rule that fires
// on any. Returns the number of comments read.
int CheckCorpus(const std::string& dir, const Engine& engine,
                const RuleSet& rules, int max_examples, Warnings& warnings) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    warnings.AddAt({dir, 0, 0},
                   "corpus directory not found: rules are not checked against "
                   "ordinary comments");
    return 0;
  }
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file() && !name.empty() && name[0] != '.' &&
        absl::EndsWith(name, ".txt")) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    warnings.AddAt(
        {dir, 0, 0},
        "corpus directory holds no *.txt file: rules are not checked "
        "against ordinary comments");
    return 0;
  }

  absl::flat_hash_map<absl::string_view, int> index;
  for (size_t i = 0; i < rules.rules().size(); ++i) {
    index.emplace(rules.rules()[i].id, static_cast<int>(i));
  }
  struct Found {
    int count = 0;
    ViewMask views = 0;
    std::vector<std::string> examples;
  };
  std::vector<Found> found(rules.rules().size());
  int comments = 0;
  for (const std::string& file : files) {
    absl::StatusOr<std::string> content = ReadFile(file);
    if (!content.ok()) {
      warnings.AddAt({file, 0, 0}, std::string(content.status().message()));
      continue;
    }
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(*content, '\n')) {
      ++line_number;
      line = absl::StripTrailingAsciiWhitespace(line);
      if (absl::StripAsciiWhitespace(line).empty() || line == "#" ||
          absl::StartsWith(line, "# ")) {
        continue;
      }
      ++comments;
      hakam::v1::Comment comment;
      comment.set_text(std::string(line));
      absl::StatusOr<hakam::v1::Decision> d = engine.Evaluate(comment);
      if (!d.ok()) {
        warnings.AddAt(
            {file, line_number, 1},
            absl::StrCat("corpus comment skipped: ", d.status().message()));
        continue;
      }
      absl::flat_hash_set<int> fired;
      for (const hakam::v1::Reason& r : d->reasons()) {
        auto it = index.find(r.rule_id());
        if (it == index.end()) continue;
        Found& f = found[it->second];
        if (absl::StatusOr<ViewId> v = ParseViewName(r.view()); v.ok()) {
          f.views |= ViewBit(*v);
        }
        if (!fired.insert(it->second).second) continue;
        if (++f.count <= max_examples) {
          f.examples.push_back(absl::StrCat(Quote(r.excerpt()), " (", file, ":",
                                            line_number, ")"));
        }
      }
    }
  }
  for (size_t i = 0; i < found.size(); ++i) {
    const Found& f = found[i];
    if (f.count == 0) continue;
    const Rule& rule = rules.rules()[i];
    warnings.Add(rule, absl::StrCat("fires on ",
                                    Plural(f.count, "ordinary comment",
                                           "ordinary comments"),
                                    ", e.g. ", absl::StrJoin(f.examples, ", "),
                                    ": ", Advice(rule, f.views)));
  }
  return comments;
}

}  // namespace

std::vector<Dictionary> DebianDictionaries() {
  return {
      {"hunspell-ar", "/usr/share/hunspell/ar.dic", "hunspell-ar"},
      {"wamerican", "/usr/share/dict/american-english", "wamerican"},
  };
}

absl::StatusOr<LintReport> Lint(std::unique_ptr<const RuleSource> source,
                                const LintOptions& options) {
  EngineOptions engine_options;
  engine_options.ruleset.max_spans_per_rule = kLintMaxSpansPerRule;
  DiagnosticSink sink;
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      Engine::Create(std::move(source), engine_options, sink);
  LintReport report;
  report.diagnostics = sink.diagnostics();
  if (!engine.ok()) {
    // Without a single error diagnostic, the failure is the source's own
    // (or ICU's): there was nothing to lint.
    if (!sink.has_errors()) return engine.status();
  } else {
    const std::shared_ptr<const Snapshot> snapshot = (*engine)->snapshot();
    const RuleSet& rules = *snapshot->ruleset->rules;
    const Normalizer& normalizer = (*engine)->normalizer();
    report.loaded = true;
    report.rules = static_cast<int>(rules.rules().size());
    const int max_examples = std::max(1, options.max_examples);

    Warnings warnings;
    CheckHasTests(rules, warnings);
    CheckEmptyPatterns(rules, warnings);
    CheckOwnExamples(**engine, rules, warnings);
    absl::StatusOr<std::vector<std::vector<std::string>>> canonical =
        CanonicalWords(rules, normalizer);
    if (!canonical.ok()) return canonical.status();
    CheckDuplicateWords(rules, *canonical, max_examples, warnings);
    for (const Dictionary& dictionary : options.dictionaries) {
      absl::StatusOr<int64_t> words = CheckDictionary(
          dictionary, rules, normalizer, *canonical, max_examples, warnings);
      if (!words.ok()) return words.status();
      report.dictionary_words += *words;
    }
    if (!options.corpus_dir.empty()) {
      report.corpus_comments = CheckCorpus(options.corpus_dir, **engine, rules,
                                           max_examples, warnings);
    }
    for (Diagnostic& d : std::move(warnings).Sorted()) {
      report.diagnostics.push_back(std::move(d));
    }
  }
  for (const Diagnostic& d : report.diagnostics) {
    (d.severity == Severity::kError ? report.errors : report.warnings) += 1;
  }
  return report;
}

}  // namespace hakam
