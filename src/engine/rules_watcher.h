// Watches a rules directory tree (Linux inotify) and calls back, once per
// burst of changes, when a rule or policy file may have changed, so the
// caller can reload. It watches what DirectoryRuleSource reads: `*.yaml`
// and `*.yml` files, in the directory and every subdirectory (new ones
// included), skipping hidden files and directories.
//
//   RulesWatcherOptions options;                  // 300 ms debounce
//   absl::StatusOr<std::unique_ptr<RulesWatcher>> w = RulesWatcher::Start(
//       "./rules", options, [&](const std::vector<std::string>& changed) {
//         reloader.Reload("rules changed");
//       });
//   ...
//   w->reset();   // stops; no callback runs after the destructor returns
//
// When the callback runs: after a relevant event (a file closed after
// writing, renamed into or out of the tree, deleted; a subdirectory
// created, moved or removed; the directory itself removed or moved away),
// once no further event has arrived for `debounce`, and only when no
// watched file is still open for writing (created or modified but not yet
// closed), so a reload reads complete files. The last condition is given
// up `max_write_wait` after the last event, so a writer that never closes
// cannot hold reloads back forever. Events during the callback are
// gathered for the next one. If the directory disappears, the callback
// runs (the reload will be refused) and the watcher looks for it again
// every `missing_dir_retry`, calling back once it is back.
//
// Kubernetes ConfigMap volumes swap a hidden `..data` symlink; its
// replacement counts as a change although hidden entries are otherwise
// ignored.
//
// Thread safety: thread-safe to create and destroy; the callback runs on
// the watcher's own thread, one call at a time, and must not destroy the
// watcher.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hakam {

struct RulesWatcherOptions {
  // Quiet period after the last event before the callback runs. Default
  // 300 ms.
  absl::Duration debounce = absl::Milliseconds(300);
  // How long after the last event a file left open for writing may delay
  // the callback. Default 10 s.
  absl::Duration max_write_wait = absl::Seconds(10);
  // While the directory is missing, how often to look for it. Default 1 s.
  absl::Duration missing_dir_retry = absl::Seconds(1);
};

class RulesWatcher {
 public:
  // Receives the changed paths relative to the directory, sorted and
  // deduplicated ("en/insults.yaml"; a subdirectory ends in '/'; "." is
  // the directory itself, also used when the kernel dropped events).
  using Callback = std::function<void(const std::vector<std::string>& changed)>;

  // Watches `dir` and its subdirectories. NOT_FOUND if `dir` is not a
  // directory; INTERNAL if inotify is unavailable (e.g. the per-user watch
  // limit, fs.inotify.max_user_watches, is reached).
  static absl::StatusOr<std::unique_ptr<RulesWatcher>> Start(
      std::string dir, const RulesWatcherOptions& options, Callback on_change);

  // Stops the watcher thread, waiting for a running callback to return.
  ~RulesWatcher();

  RulesWatcher(const RulesWatcher&) = delete;
  RulesWatcher& operator=(const RulesWatcher&) = delete;

 private:
  using Clock = std::chrono::steady_clock;

  RulesWatcher(std::string dir, const RulesWatcherOptions& options,
               Callback on_change);
  // Makes the set of watches match the directories now in the tree.
  // Returns false if the root directory itself cannot be watched.
  bool Resync();
  void RemoveAllWatches();
  void Loop();
  // Reads every queued event. Returns false if reading failed for good.
  bool DrainEvents();
  void HandleEvent(int wd, uint32_t mask, const std::string& name);
  // Records a change (or, with `writing`, a file being written).
  void Touch(const std::string& path, bool writing);
  // Milliseconds poll() may sleep before the next deadline; -1: no limit.
  int PollTimeoutMs(Clock::time_point now) const;
  bool ShouldFire(Clock::time_point now) const;

  const std::string dir_;
  const RulesWatcherOptions options_;
  const Callback on_change_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd; the destructor writes to it
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  // The rest is confined to `thread_` (and to Start() before it begins).
  absl::flat_hash_map<int, std::string> watches_;  // wd -> relative dir
  int root_wd_ = -1;                               // -1: root not watched
  std::set<std::string> changed_;                  // since the last callback
  std::set<std::string> writing_;                  // open for writing
  std::optional<Clock::time_point> last_event_;    // set: a callback is due
  Clock::time_point next_root_retry_;
};

// "rules changed: a.yaml, b/, c.yaml and 4 more": a callback's `changed`
// for a log line, naming at most `max_shown` paths.
std::string DescribeChanges(const std::vector<std::string>& changed,
                            size_t max_shown = 3);

}  // namespace hakam
