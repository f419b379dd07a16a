// The normalizer turns validated comment text into the named views that
// rules match on (see view.h), each mapping back to the original bytes, and
// observes signals of obfuscation along the way (see signals.h).
//
//   absl::StatusOr<std::unique_ptr<const Normalizer>> n = Normalizer::Create();
//   absl::StatusOr<NormalizedText> t = (*n)->Normalize(text, kAllViews);
//   const View& skeleton = t->view(ViewId::kSkeleton);
//
// Views are derived in a fixed order: raw → folded → arabic → skeleton →
// {compact, translit}. Asking for a view also builds the views it derives
// from, but `folded`: unless asked for by name, it is folded into `arabic`
// in place and not kept (has_view(kFolded) is false). A view that would not
// differ from the one it derives from is not built: view(id) then returns
// that one (its id() tells which; view(kArabic).id() is kFolded where
// folding changed nothing, whether or not `folded` is kept).
//
// Thread safety: Normalizer is immutable after Create() and may be shared by
// any number of threads. NormalizedText is thread-compatible.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "text/arabic_view.h"
#include "text/confusables.h"
#include "text/signals.h"
#include "text/view.h"

namespace hakam {

class Normalizer;

namespace normalizer_internal {

// The `folded` view as Normalize() builds it, with the signals it observes
// and the runs a right-to-left override reverses; with `use_blocks` false,
// a character at a time, without the 16-byte blocks of plain ASCII and
// Arabic letters. For tests, which hold the blocks to the characters.
absl::StatusOr<View> BuildFolded(const Normalizer& normalizer,
                                 absl::string_view original,
                                 TextSignals* signals,
                                 std::vector<OriginalRange>* rlo_runs,
                                 bool use_blocks);

}  // namespace normalizer_internal

// The views of one comment. Holds a reference to the original text, which
// must outlive it. Movable, not copyable.
class NormalizedText {
 public:
  // Not `= default`: value-initialization (NormalizedText{}) would then
  // zero-fill the views' storage (see ViewRoom).
  NormalizedText() {}
  NormalizedText(NormalizedText&& other) noexcept;
  NormalizedText& operator=(NormalizedText&& other) noexcept;
  ~NormalizedText() { DestroyViews(); }

  absl::string_view original() const { return original_; }
  bool has_view(ViewId id) const { return slot_[static_cast<int>(id)] >= 0; }
  // Precondition: has_view(id); otherwise the process aborts with a
  // message. The returned view's id() is `id`, or the id of an earlier view
  // it is identical to.
  const View& view(ViewId id) const {
    const int slot = slot_[static_cast<int>(id)];
    if (slot < 0) ViewNotBuilt(id);
    return views_[slot].view;
  }
  const TextSignals& signals() const { return signals_; }

 private:
  friend class Normalizer;
  [[noreturn]] ABSL_ATTRIBUTE_NOINLINE static void ViewNotBuilt(ViewId id);
  // Room for one view, constructed only once built: most comments need
  // three or four of the six, and each View is a hundred bytes to
  // initialize, move and destroy. Not std::optional<View>: GCC 12 zero-fills
  // an optional's storage when it constructs one, and six of them made an
  // empty NormalizedText cost 56 ns to make and destroy, a percent of a
  // comment's whole evaluation.
  union ViewRoom {
    ViewRoom() {}
    ~ViewRoom() {}
    View view;
  };
  // Whether views_[i] holds a constructed view: the views built are kept
  // at their own index, and other entries of slot_ point to them.
  bool Holds(int i) const { return slot_[i] == i; }
  // Destroys the views built; leaves slot_ as it is.
  void DestroyViews();
  // Moves `other`'s views and the rest into this text, whose views must
  // not be constructed (new, or after DestroyViews()). `other` keeps
  // moved-from views, which its destructor destroys.
  void TakeFrom(NormalizedText& other);
  // Constructs views_[i] from `view` and records it as view i.
  void Emplace(int i, View&& view);

  absl::string_view original_;
  std::array<ViewRoom, kViewCount> views_;
  // Which entry of views_ holds each view; -1 if not built.
  std::array<int8_t, kViewCount> slot_ = {-1, -1, -1, -1, -1, -1};
  TextSignals signals_;
};

struct NormalizerOptions {
  ArabicFoldingOptions arabic;
};

class Normalizer {
 public:
  // Loads the ICU data the views need (normalization and confusables).
  // Fails only if ICU's data is missing.
  static absl::StatusOr<std::unique_ptr<const Normalizer>> Create(
      const NormalizerOptions& options = NormalizerOptions());

  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;
  ~Normalizer();

  // Builds the views in `wanted` (and those they derive from, but `folded`:
  // see above) over `original`, which must be valid UTF-8 (see
  // ValidateUtf8) and must outlive the result. Errors are ICU failures
  // (INTERNAL), never a property of the text.
  absl::StatusOr<NormalizedText> Normalize(absl::string_view original,
                                           ViewMask wanted) const;
  // As above, into `*out`, replacing everything it held; `original` must
  // not lie in `*out`'s own views, which are destroyed first. On error
  // `*out` is valid but partial: original() is the new text, with the
  // views built so far and their signals. The pipeline builds into its
  // evaluation's NormalizedText this way, without moving the views
  // through a StatusOr.
  absl::Status NormalizeInto(absl::string_view original, ViewMask wanted,
                             NormalizedText* out) const;

 private:
  struct IcuData;
  Normalizer(NormalizerOptions options, std::unique_ptr<const IcuData> icu,
             std::unique_ptr<const ConfusableTable> confusables);
  // Also observes the original's signals and finds the runs a
  // right-to-left override reverses.
  // `use_blocks` as FoldedBuilder's (normalizer.cc): false only for tests.
  absl::StatusOr<View> BuildFolded(absl::string_view original,
                                   TextSignals* signals,
                                   std::vector<OriginalRange>* rlo_runs,
                                   bool use_blocks) const;
  friend absl::StatusOr<View> normalizer_internal::BuildFolded(
      const Normalizer&, absl::string_view, TextSignals*,
      std::vector<OriginalRange>*, bool);

  const NormalizerOptions options_;
  const std::unique_ptr<const IcuData> icu_;
  const std::unique_ptr<const ConfusableTable> confusables_;
};

}  // namespace hakam
