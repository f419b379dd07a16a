// libFuzzer target over the whole evaluation path with the shipped rules:
// arbitrary bytes as a comment's text (validation, every view, the word
// index and the patterns' sets, confirmation, scoring, the Decision). Every
// input must give a decision or INVALID_ARGUMENT, never a crash or a hang,
// and a decision's evidence must point inside the text it was made on.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "rules/rule_source.h"

namespace {

const hakam::Engine& ShippedEngine() {
  static const hakam::Engine* engine = [] {
    hakam::DiagnosticSink sink;
    absl::StatusOr<std::unique_ptr<hakam::Engine>> e = hakam::Engine::Create(
        std::make_unique<hakam::DirectoryRuleSource>(HAKAM_SOURCE_DIR "/rules"),
        hakam::EngineOptions(), sink);
    if (!e.ok()) std::abort();  // the shipped rules must load
    return e->release();
  }();
  return *engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hakam::v1::Comment comment;
  comment.set_comment_id("fuzz");
  comment.set_site("fuzz");
  comment.set_text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<hakam::v1::Decision> d = ShippedEngine().Evaluate(comment);
  if (!d.ok()) {
    if (d.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (d->action() == hakam::v1::ACTION_UNSPECIFIED) std::abort();
  for (const hakam::v1::Reason& r : d->reasons()) {
    const hakam::v1::Span& s = r.span();
    if (s.byte_start() > s.byte_end() || s.byte_end() > size) std::abort();
    if (s.codepoint_start() > s.codepoint_end()) std::abort();
    if (r.excerpt() !=
        comment.text().substr(s.byte_start(), s.byte_end() - s.byte_start())) {
      std::abort();
    }
  }
  return 0;
}
