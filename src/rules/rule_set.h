// RuleSet: every rule of a ruleset compiled for matching, immutable.
//
// Rules are grouped by the view they match on. In each view, the `pattern:`
// rules form one RE2::Set that finds, in one linear pass, which of them
// match; the `words:` rules are found by hash lookups of the view's tokens
// (see word_index.h), which costs the same for 50 or 50,000 of them. Only
// the candidates are then run individually (one RE2 per rule and view) to
// confirm them and extract their spans, which are mapped back to the
// original text.
//
//   DiagnosticSink sink;
//   absl::StatusOr<std::unique_ptr<const RuleSet>> set =
//       RuleSet::Compile(specs, normalizer, RuleSetOptions(), sink);
//   std::vector<RuleHit> hits;
//   (*set)->Match(normalized_text, &hits);
//
// Word rules: each word or phrase is normalized through the same views as
// the text and must appear between word boundaries (see view.h), so "ass"
// never fires inside "classic".
//
// Thread safety: immutable after Compile() (word rules' regexes are compiled
// on first use, behind an atomic); Match() may run concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "re2/re2.h"
#include "re2/set.h"
#include "rules/diagnostic.h"
#include "rules/rule_spec.h"
#include "text/normalizer.h"

namespace hakam {

struct RuleSetOptions {
  // Memory budget of each RE2::Set of patterns, in bytes; most of it is
  // the DFA's state cache, allocated only as states are needed. Default 0:
  // sized to the set's patterns, 64 MiB plus 1 KiB per RE2 instruction
  // (RE2's own default, 8 MiB, fails to compile sets of ~20k patterns, and
  // a cache too small for the states text needs makes matching hundreds
  // of times slower).
  int64_t set_max_mem = 0;
  // A view whose patterns compile to at least this many RE2 instructions
  // in all gets two RE2::Sets instead of one, by the first bytes of their
  // matches: patterns that can only start with an ASCII byte, and the rest
  // (non-ASCII, either, or unbounded); a comment passes only over the sets
  // whose first bytes it holds. The hits are the same either way. The
  // default comes from measuring one set against the three sets there
  // were before 2026-11-30 (docs/performance-log.md): one set was 1.6x
  // faster at 4.7k instructions (1k synthetic rules), even at 50k (10k
  // rules), 1.4x slower at 247k (50k rules). Default 100,000.
  int64_t split_patterns_above = 100000;
  // Most rules a ruleset may hold. Default 200,000.
  int max_rules = 200000;
  // Largest RE2 program (instruction count) one rule may compile to.
  // Default 20000; larger patterns are rejected at load time.
  int max_program_size = 20000;
  // At most this many spans are reported per rule and view. Default 16.
  int max_spans_per_rule = 16;
};

// A composite rule's operands, resolved.
struct Composite {
  CompositeSpec::Kind kind = CompositeSpec::Kind::kAll;
  int at_least = 0;
  // Each operand is a rule index (>= 0) or a category (rule == -1).
  struct Operand {
    int rule = -1;
    std::string category;
  };
  std::vector<Operand> operands;
};

// A compiled rule's metadata (the matcher lives in the RuleSet).
struct Rule {
  std::string id;
  std::string pack;
  std::string category;
  std::string description;
  double weight = 0;
  bool is_words = false;
  ViewMask views = 0;
  SourceLocation where;
  std::vector<RuleTestCase> tests;
  // As written in the rule file (for lint and GetRuleset).
  std::vector<std::string> words;
  std::string pattern;
  std::vector<std::string> exceptions;
  bool clitics = false;
  RuleMode mode = RuleMode::kEnforce;
  bool shadow() const { return mode == RuleMode::kShadow; }
  // Set for composite rules, which have no matcher.
  std::optional<Composite> composite;
};

// One occurrence of a rule in a comment.
struct RuleHit {
  int rule = 0;  // index into RuleSet::rules()
  ViewId view = ViewId::kRaw;
  OriginalRange original;  // bytes of the original text
};

class RuleSet {
 public:
  // Compiles `specs`. Every problem (duplicate id, bad RE2 syntax, pattern
  // over budget, ...) is reported to `sink`; returns INVALID_ARGUMENT if any
  // was an error. `normalizer` renders word lists into each view.
  static absl::StatusOr<std::unique_ptr<const RuleSet>> Compile(
      const std::vector<RuleSpec>& specs, const Normalizer& normalizer,
      const RuleSetOptions& options, DiagnosticSink& sink);

  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;
  ~RuleSet();

  const std::vector<Rule>& rules() const { return rules_; }
  // The views at least one rule matches on; what Normalize() must build.
  ViewMask views_used() const { return views_used_; }
  // Indices of the composite rules, in rule order.
  const std::vector<int>& composites() const { return composites_; }

  // Appends every hit in `text` to `hits`, ordered by original position,
  // then rule index. A rule matching the same original range on several
  // views is reported once (for the first view). Precondition: `text` has
  // every view in views_used().
  void Match(const NormalizedText& text, std::vector<RuleHit>* hits) const;

  // How many RE2::Sets hold the view's patterns (see
  // RuleSetOptions::split_patterns_above): 0 to 2.
  int pattern_set_count(ViewId view) const;

 private:
  struct Slot;
  struct PendingPattern;
  struct PatternSet;
  struct ViewMatcher;
  RuleSet() = default;
  // The slot's regex, compiled on first use for word rules. Thread-safe.
  static const RE2& Regexp(const Slot& slot);
  static void ResolveComposites(const std::vector<RuleSpec>& specs,
                                RuleSet& set, DiagnosticSink& sink);
  // Compiles the view's pending patterns into its RE2::Sets.
  static void BuildPatternSets(ViewId view, const RuleSetOptions& options,
                               ViewMatcher& matcher, DiagnosticSink& sink);

  std::vector<Rule> rules_;
  std::vector<int> composites_;
  ViewMask views_used_ = 0;
  std::array<std::unique_ptr<ViewMatcher>, kViewCount> matchers_;
  // Bit u of covers_[v]: every rule matching on view v also matches on the
  // earlier view u. When a comment's view v is the very same View as u
  // (the normalizer shares a view that changed nothing), v's hits would
  // all repeat u's and be dropped, so v is not scanned.
  std::array<ViewMask, kViewCount> covers_{};
  RuleSetOptions options_;
};

// The ASCII character class that separates words in normalized views.
// (All ASCII bytes except letters, digits and the marker bytes of view.h.)
inline constexpr absl::string_view kWordBoundaryClass =
    "[\\x00-\\x19\\x1b\\x20-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]";

}  // namespace hakam
