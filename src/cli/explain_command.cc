#include "cli/explain_command.h"

#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/comment_json.h"
#include "engine/engine.h"

namespace hakam::cli {
namespace {

constexpr char kHighlightOn[] = "\x1b[1;31m";
constexpr char kHighlightOff[] = "\x1b[0m";

// The view's text with marker bytes made visible.
std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case kMaskMarker: out += "✱"; break;
      case kIOrLMarker: out += "¦"; break;
      case kVowelAMarker: out += "ᵃ"; break;
      case kVowelIMarker: out += "ⁱ"; break;
      case kVowelUMarker: out += "ᵘ"; break;
      case '\n': out += "⏎"; break;
      default: out += c; break;
    }
  }
  return out;
}

// `text` with [begin, end) highlighted.
std::string Highlight(absl::string_view text, uint32_t begin, uint32_t end,
                      bool color) {
  return absl::StrCat(text.substr(0, begin), color ? kHighlightOn : "[",
                      text.substr(begin, end - begin),
                      color ? kHighlightOff : "]", text.substr(end));
}

}  // namespace

int RunExplain(const ExplainOptions& options,
               const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err, bool stdout_is_terminal) {
  if (args.size() != 1) {
    err << "usage: hakam explain [--rules=DIR] [--color=auto|always|never] "
           "TEXT\n";
    return 2;
  }
  const bool color = options.color == "always" ||
                     (options.color == "auto" && stdout_is_terminal);
  DiagnosticSink sink;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(
      std::make_unique<DirectoryRuleSource>(options.rules_dir),
      EngineOptions(), sink);
  if (!engine.ok()) {
    err << sink.ToString() << "hakam: cannot load rules: "
        << engine.status().message() << "\n";
    return 2;
  }
  hakam::v1::Comment comment;
  comment.set_text(args[0]);
  comment.set_site(options.site);
  comment.set_section(options.section);
  absl::StatusOr<Engine::Explanation> x = (*engine)->Explain(comment);
  if (!x.ok()) {
    err << "hakam explain: " << x.status().ToString() << "\n";
    return 1;
  }
  const NormalizedText& t = x->text;
  out << absl::StrFormat("%-9s %s\n", "original", Printable(t.original()));
  for (int v = 0; v < kViewCount; ++v) {
    const ViewId id = static_cast<ViewId>(v);
    if (!t.has_view(id)) continue;
    const View& view = t.view(id);
    if (view.id() != id) {
      out << absl::StrFormat("%-9s (same as %s)\n", ViewName(id),
                             ViewName(view.id()));
    } else {
      out << absl::StrFormat("%-9s %s\n", ViewName(id),
                             Printable(view.text()));
    }
  }
  const auto& s = x->decision.signals();
  out << absl::StrFormat(
      "signals   invisible=%d bidi=%d mixed_script_words=%d "
      "digits_in_arabic_words=%d letters_changed=%d/%d\n",
      s.invisible_chars(), s.bidi_controls(), s.mixed_script_words(),
      s.digits_in_arabic_words(), s.letters_changed(), s.letters());
  out << "hits\n";
  if (x->decision.reasons_size() == 0) out << "  (none)\n";
  for (const hakam::v1::Reason& r : x->decision.reasons()) {
    out << absl::StrFormat(
        "  %s (%s, %+g%s) on %s, bytes %d-%d, chars %d-%d:\n    %s\n",
        r.rule_id(), r.category(), r.weight(), r.shadow() ? ", shadow" : "",
        r.view(), r.span().byte_start(), r.span().byte_end(),
        r.span().codepoint_start(), r.span().codepoint_end(),
        Printable(Highlight(t.original(), r.span().byte_start(),
                            r.span().byte_end(), color)));
  }
  out << absl::StrFormat("decision  %s  score=%g  policy=%s  ruleset=%s\n",
                         hakam::v1::Action_Name(x->decision.action()),
                         x->decision.score(), x->decision.policy_id(),
                         x->decision.ruleset_version());
  return 0;
}

}  // namespace hakam::cli
