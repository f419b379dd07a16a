#include "rules/rule_set.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hakam {

// The rules that match on one view.
struct RuleSet::ViewMatcher {
  explicit ViewMatcher(const RE2::Options& options)
      : set(options, RE2::UNANCHORED) {}

  RE2::Set set;
  // Parallel to the set's pattern indices.
  std::vector<int> rule_index;
  std::vector<std::unique_ptr<RE2>> regexps;
  // Word rules capture the word in group 1; patterns use the whole match.
  std::vector<bool> has_group;
};

namespace {

RE2::Options MatchOptions(int64_t max_mem) {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  return o;
}

// Default views per rule kind (see docs/rules.md).
ViewMask DefaultViews(bool /*is_words*/) { return ViewBit(ViewId::kFolded); }

// Renders a list word into `view` and escapes it for RE2; runs of
// separators inside a phrase match any run of separators.
std::string WordToRegex(absl::string_view rendered) {
  std::string out;
  bool in_separator = false;
  size_t i = 0;
  while (i < rendered.size()) {
    const unsigned char c = rendered[i];
    if (!IsWordByte(c)) {
      if (!in_separator) absl::StrAppend(&out, kWordBoundaryClass, "+");
      in_separator = true;
      ++i;
      continue;
    }
    in_separator = false;
    size_t j = i;
    while (j < rendered.size() && IsWordByte(rendered[j])) ++j;
    out += RE2::QuoteMeta(re2::StringPiece(rendered.data() + i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

RuleSet::~RuleSet() = default;

absl::StatusOr<std::unique_ptr<const RuleSet>> RuleSet::Compile(
    const std::vector<RuleSpec>& specs, const Normalizer& normalizer,
    const RuleSetOptions& options, DiagnosticSink& sink) {
  std::unique_ptr<RuleSet> set(new RuleSet());
  set->options_ = options;
  const int errors_before = sink.error_count();
  const RE2::Options re_options = MatchOptions(options.set_max_mem);
  RE2::Options rule_options = MatchOptions(RE2::Options().max_mem());

  absl::flat_hash_map<std::string, SourceLocation> ids;
  for (const RuleSpec& spec : specs) {
    auto [it, inserted] = ids.emplace(spec.id, spec.where);
    if (!inserted) {
      sink.Error(spec.where,
                 absl::StrCat("duplicate rule id (first defined at ",
                              it->second.file, ":", it->second.line, ")"),
                 spec.id);
      continue;
    }
    Rule rule;
    rule.id = spec.id;
    rule.pack = spec.pack;
    rule.category = spec.category;
    rule.description = spec.description;
    rule.weight = spec.weight;
    rule.is_words = !spec.pattern.has_value();
    rule.where = spec.where;
    rule.tests = spec.tests;
    for (ViewId v : spec.views) rule.views |= ViewBit(v);
    if (rule.views == 0) rule.views = DefaultViews(rule.is_words);

    // Word lists are rendered through the views they match on.
    std::vector<NormalizedText> rendered_words;
    if (rule.is_words) {
      for (const std::string& w : spec.words) {
        absl::StatusOr<NormalizedText> n = normalizer.Normalize(w, rule.views);
        if (!n.ok()) return n.status();
        rendered_words.push_back(*std::move(n));
      }
    }

    const int rule_index = static_cast<int>(set->rules_.size());
    bool rule_ok = true;
    for (int v = 0; v < kViewCount && rule_ok; ++v) {
      const ViewId view = static_cast<ViewId>(v);
      if ((rule.views & ViewBit(view)) == 0) continue;
      std::string regex;
      if (rule.is_words) {
        std::vector<std::string> alternatives;
        absl::flat_hash_set<std::string> unique;
        for (const NormalizedText& n : rendered_words) {
          std::string alt = WordToRegex(n.view(view).text());
          if (alt.empty()) continue;
          if (unique.insert(alt).second) alternatives.push_back(alt);
        }
        if (alternatives.empty()) {
          sink.Error(spec.where,
                     absl::StrCat("no word survives normalization in view ",
                                  ViewName(view)),
                     spec.id);
          rule_ok = false;
          break;
        }
        regex = absl::StrCat("(?:^|", kWordBoundaryClass, ")(",
                             absl::StrJoin(alternatives, "|"), ")(?:",
                             kWordBoundaryClass, "|$)");
      } else {
        regex = *spec.pattern;
      }
      auto re = std::make_unique<RE2>(regex, rule_options);
      if (!re->ok()) {
        sink.Error(spec.where, absl::StrCat("bad RE2 pattern: ", re->error()),
                   spec.id);
        rule_ok = false;
        break;
      }
      if (re->ProgramSize() > options.max_program_size) {
        sink.Error(spec.where,
                   absl::StrCat("pattern compiles to ", re->ProgramSize(),
                                " instructions in view ", ViewName(view),
                                ", over the budget of ",
                                options.max_program_size),
                   spec.id);
        rule_ok = false;
        break;
      }
      auto& matcher = set->matchers_[v];
      if (!matcher) matcher = std::make_unique<ViewMatcher>(re_options);
      std::string error;
      if (matcher->set.Add(regex, &error) < 0) {
        sink.Error(spec.where, absl::StrCat("bad RE2 pattern: ", error),
                   spec.id);
        rule_ok = false;
        break;
      }
      matcher->rule_index.push_back(rule_index);
      matcher->has_group.push_back(rule.is_words);
      matcher->regexps.push_back(std::move(re));
    }
    if (!rule_ok) continue;
    set->views_used_ |= rule.views;
    set->rules_.push_back(std::move(rule));
  }

  for (int v = 0; v < kViewCount; ++v) {
    auto& matcher = set->matchers_[v];
    if (matcher && !matcher->set.Compile()) {
      sink.Error({}, absl::StrCat("the ", ViewName(static_cast<ViewId>(v)),
                                  " view's rules exceed the RE2::Set memory "
                                  "budget of ",
                                  options.set_max_mem, " bytes"));
    }
  }
  if (sink.error_count() > errors_before) {
    return absl::InvalidArgumentError(
        absl::StrCat(sink.error_count() - errors_before,
                     " error(s) compiling rules"));
  }
  return std::unique_ptr<const RuleSet>(std::move(set));
}

void RuleSet::Match(const NormalizedText& text,
                    std::vector<RuleHit>* hits) const {
  const size_t first = hits->size();
  std::vector<int> indices;
  for (int v = 0; v < kViewCount; ++v) {
    const ViewMatcher* matcher = matchers_[v].get();
    if (matcher == nullptr) continue;
    const View& view = text.view(static_cast<ViewId>(v));
    const re2::StringPiece haystack(view.text().data(), view.text().size());
    indices.clear();
    RE2::Set::ErrorInfo error;
    if (!matcher->set.Match(haystack, &indices, &error)) {
      if (error.kind != RE2::Set::kOutOfMemory) continue;  // no match
      // The DFA ran out of its budget on this text: fall back to running
      // every rule of the view on its own (slower, same result).
      indices.resize(matcher->rule_index.size());
      for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<int>(i);
    }
    std::sort(indices.begin(), indices.end());
    for (int i : indices) {
      const RE2& re = *matcher->regexps[i];
      const bool group = matcher->has_group[i];
      re2::StringPiece m[2];
      size_t pos = 0;
      int found = 0;
      while (pos <= haystack.size() && found < options_.max_spans_per_rule) {
        if (!re.Match(haystack, pos, haystack.size(), RE2::UNANCHORED, m,
                      group ? 2 : 1)) {
          break;
        }
        const re2::StringPiece span = group ? m[1] : m[0];
        const auto begin = static_cast<uint32_t>(span.data() - haystack.data());
        const auto end = static_cast<uint32_t>(begin + span.size());
        if (end > begin) {
          hits->push_back({matcher->rule_index[i], static_cast<ViewId>(v),
                           view.MapToOriginal(begin, end)});
          ++found;
        }
        // Resume after the captured word, so its trailing boundary can lead
        // the next word; step over empty matches one character at a time.
        size_t next = end;
        if (next <= pos) {
          next = pos + 1;
          while (next < haystack.size() &&
                 (static_cast<unsigned char>(haystack[next]) & 0xC0) == 0x80) {
            ++next;
          }
        }
        pos = next;
      }
    }
  }
  // Order by position; drop the same rule at the same place via another view.
  std::stable_sort(hits->begin() + first, hits->end(),
                   [](const RuleHit& a, const RuleHit& b) {
                     return std::tie(a.original.begin, a.original.end, a.rule) <
                            std::tie(b.original.begin, b.original.end, b.rule);
                   });
  auto last = std::unique(hits->begin() + first, hits->end(),
                          [](const RuleHit& a, const RuleHit& b) {
                            return a.rule == b.rule &&
                                   a.original.begin == b.original.begin &&
                                   a.original.end == b.original.end;
                          });
  hits->erase(last, hits->end());
}

}  // namespace hakam
