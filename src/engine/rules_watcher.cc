#include "engine/rules_watcher.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hakam {

namespace {

namespace fs = std::filesystem;

constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                                IN_CREATE | IN_DELETE | IN_DELETE_SELF |
                                IN_MOVE_SELF | IN_MODIFY | IN_ONLYDIR;

bool IsHidden(const std::string& name) {
  return !name.empty() && name[0] == '.';
}

bool IsRuleFile(const std::string& name) {
  return absl::EndsWith(name, ".yaml") || absl::EndsWith(name, ".yml");
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : absl::StrCat(dir, "/", name);
}

int CeilMs(std::chrono::steady_clock::duration d) {
  if (d <= d.zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::min<int64_t>(ms, 60'000));
}

}  // namespace

RulesWatcher::RulesWatcher(std::string dir, const RulesWatcherOptions& options,
                           Callback on_change)
    : dir_(std::move(dir)),
      options_(options),
      on_change_(std::move(on_change)) {}

absl::StatusOr<std::unique_ptr<RulesWatcher>> RulesWatcher::Start(
    std::string dir, const RulesWatcherOptions& options, Callback on_change) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat("rules directory ", dir, " does not exist"));
  }
  std::unique_ptr<RulesWatcher> w(
      new RulesWatcher(std::move(dir), options, std::move(on_change)));
  w->inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->inotify_fd_ < 0) {
    return absl::InternalError(
        absl::StrCat("inotify_init1: ", std::strerror(errno)));
  }
  w->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (w->wake_fd_ < 0) {
    return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  if (!w->Resync()) {
    return absl::InternalError(
        absl::StrCat("cannot watch ", w->dir_, ": ", std::strerror(errno)));
  }
  w->thread_ = std::thread([raw = w.get()] {
    pthread_setname_np(pthread_self(), "rules-watcher");  // for top, perf
    raw->Loop();
  });
  return w;
}

RulesWatcher::~RulesWatcher() {
  if (thread_.joinable()) {
    stopping_.store(true);
    const uint64_t one = 1;
    // An eventfd write of 8 bytes cannot be short; it only fails if the
    // counter would overflow, which one write cannot cause.
    (void)!write(wake_fd_, &one, sizeof(one));
    thread_.join();
  }
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool RulesWatcher::Resync() {
  absl::flat_hash_map<int, std::string> next;
  const int root = inotify_add_watch(inotify_fd_, dir_.c_str(), kWatchMask);
  if (root < 0) {
    RemoveAllWatches();
    return false;
  }
  next[root] = "";
  std::error_code ec;
  fs::recursive_directory_iterator it(dir_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) continue;
    if (IsHidden(name)) {
      it.disable_recursion_pending();
      continue;
    }
    const int wd =
        inotify_add_watch(inotify_fd_, it->path().c_str(), kWatchMask);
    // A directory removed meanwhile is no longer part of the tree; a watch
    // limit reached leaves this subtree unwatched (changes elsewhere still
    // trigger a reload of everything).
    if (wd < 0) continue;
    next[wd] = it->path().lexically_relative(dir_).string();
  }
  for (const auto& [wd, path] : watches_) {
    if (!next.contains(wd)) inotify_rm_watch(inotify_fd_, wd);
  }
  watches_ = std::move(next);
  root_wd_ = root;
  return true;
}

void RulesWatcher::RemoveAllWatches() {
  for (const auto& [wd, path] : watches_) inotify_rm_watch(inotify_fd_, wd);
  watches_.clear();
  root_wd_ = -1;
}

void RulesWatcher::Touch(const std::string& path, bool writing) {
  changed_.insert(path);
  if (writing) {
    writing_.insert(path);
  } else {
    writing_.erase(path);
  }
  last_event_ = Clock::now();
}

void RulesWatcher::HandleEvent(int wd, uint32_t mask, const std::string& name) {
  if (mask & IN_Q_OVERFLOW) {
    // Events were lost: rebuild the watches and reload everything.
    Resync();
    Touch(".", false);
    return;
  }
  if (mask & IN_IGNORED) {
    // The kernel removed the watch (its directory is gone).
    watches_.erase(wd);
    if (wd == root_wd_) {
      RemoveAllWatches();
      Touch(".", false);
    }
    return;
  }
  const auto it = watches_.find(wd);
  if (it == watches_.end()) return;  // an event queued before its rm_watch
  const std::string dir = it->second;
  if (name.empty()) {
    // An event about a watched directory itself. For a subdirectory its
    // parent reports the same change; the root has no parent.
    if (wd == root_wd_ && (mask & (IN_DELETE_SELF | IN_MOVE_SELF))) {
      RemoveAllWatches();
      Touch(".", false);
    }
    return;
  }
  const std::string path = Join(dir, name);
  if (IsHidden(name)) {
    if (name == "..data" && (mask & IN_MOVED_TO)) Touch(path, false);
    return;
  }
  if (mask & IN_ISDIR) {
    if (mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
      Resync();
      Touch(path + "/", false);
    }
    return;
  }
  if (!IsRuleFile(name)) return;
  if (mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
    Touch(path, false);
  } else if (mask & IN_CREATE) {
    // A new symlink is complete at once; a new file is being written and
    // will report IN_CLOSE_WRITE.
    struct stat st;
    const std::string full = absl::StrCat(dir_, "/", path);
    const bool is_link = lstat(full.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
    Touch(path, !is_link);
  } else if (mask & IN_MODIFY) {
    Touch(path, true);
  }
}

bool RulesWatcher::DrainEvents() {
  alignas(struct inotify_event) char buffer[16 * 1024];
  while (true) {
    const ssize_t n = read(inotify_fd_, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN;
    }
    if (n == 0) return false;
    for (const char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(p);
      // `name` is NUL-padded to `len` bytes.
      const std::string name =
          event->len > 0 ? std::string(event->name) : std::string();
      HandleEvent(event->wd, event->mask, name);
      p += sizeof(struct inotify_event) + event->len;
    }
  }
}

bool RulesWatcher::ShouldFire(Clock::time_point now) const {
  if (!last_event_.has_value()) return false;
  const auto quiet = now - *last_event_;
  if (quiet < absl::ToChronoNanoseconds(options_.debounce)) return false;
  return writing_.empty() ||
         quiet >= absl::ToChronoNanoseconds(options_.max_write_wait);
}

int RulesWatcher::PollTimeoutMs(Clock::time_point now) const {
  int timeout = -1;
  if (last_event_.has_value()) {
    const absl::Duration wait =
        writing_.empty() ? options_.debounce
                         : std::max(options_.debounce, options_.max_write_wait);
    timeout = CeilMs(*last_event_ + absl::ToChronoNanoseconds(wait) - now);
  }
  if (root_wd_ < 0) {
    const int retry = CeilMs(next_root_retry_ - now);
    timeout = timeout < 0 ? retry : std::min(timeout, retry);
  }
  return timeout;
}

void RulesWatcher::Loop() {
  while (true) {
    Clock::time_point now = Clock::now();
    if (root_wd_ < 0 && now >= next_root_retry_) {
      if (Resync()) {
        Touch(".", false);  // the directory is back
      } else {
        next_root_retry_ =
            now + absl::ToChronoNanoseconds(options_.missing_dir_retry);
      }
    }
    if (stopping_.load()) return;
    if (ShouldFire(now)) {
      const std::vector<std::string> changed(changed_.begin(), changed_.end());
      changed_.clear();
      writing_.clear();
      last_event_.reset();
      on_change_(changed);
      continue;
    }
    struct pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    const int ready = poll(fds, 2, PollTimeoutMs(now));
    if (ready < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) return;  // woken by the destructor
    if (fds[1].revents != 0 && !DrainEvents()) return;
  }
}

std::string DescribeChanges(const std::vector<std::string>& changed,
                            size_t max_shown) {
  const size_t shown = std::min(changed.size(), max_shown);
  std::string out = absl::StrCat(
      "rules changed: ",
      absl::StrJoin(changed.begin(), changed.begin() + shown, ", "));
  if (changed.size() > shown) {
    absl::StrAppend(&out, " and ", changed.size() - shown, " more");
  }
  return out;
}

}  // namespace hakam
