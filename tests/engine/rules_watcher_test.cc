// The watcher on a real temporary directory. Waits are generous and
// bounded (a callback that should come is awaited up to 10 s); no test
// asserts how fast anything happens.
#include "engine/rules_watcher.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/temp_dir.h"

namespace hakam {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr absl::Duration kPatience = absl::Seconds(10);

// Records the watcher's callbacks.
class Recorder {
 public:
  RulesWatcher::Callback Callback() {
    return [this](const std::vector<std::string>& changed) {
      absl::MutexLock lock(&mu_);
      calls_.push_back(changed);
    };
  }

  // Waits until at least `n` callbacks have run; false after kPatience.
  bool WaitForCalls(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() { return calls_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), kPatience);
  }

  // Waits until some callback has reported `path`; false after kPatience.
  bool WaitForPath(const std::string& path) {
    absl::MutexLock lock(&mu_);
    auto seen = [this, &path]() {
      for (const auto& call : calls_) {
        for (const auto& p : call) {
          if (p == path) return true;
        }
      }
      return false;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), kPatience);
  }

  std::vector<std::vector<std::string>> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

  // Every path reported so far.
  std::set<std::string> paths() {
    std::set<std::string> all;
    for (const auto& call : calls()) all.insert(call.begin(), call.end());
    return all;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::vector<std::string>> calls_ ABSL_GUARDED_BY(mu_);
};

class RulesWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("policies.yaml", "policies: []\n");
    options_.debounce = absl::Milliseconds(100);
    // Tests that leave a file open close it themselves.
    options_.max_write_wait = absl::Seconds(60);
    options_.missing_dir_retry = absl::Milliseconds(50);
  }

  void Start() {
    auto watcher =
        RulesWatcher::Start(dir_.path(), options_, recorder_.Callback());
    ASSERT_TRUE(watcher.ok()) << watcher.status();
    watcher_ = *std::move(watcher);
  }

  // Lets more than a debounce period pass, so that a callback that is
  // wrongly due would have had the chance to run.
  void Settle() { absl::SleepFor(options_.debounce * 5); }

  testing::TempDir dir_;
  RulesWatcherOptions options_;
  Recorder recorder_;
  std::unique_ptr<RulesWatcher> watcher_;
};

TEST_F(RulesWatcherTest, AWrittenFileCallsBackOnceAfterTheDebounce) {
  Start();
  dir_.Write("words.yaml", "pack: p\n");
  ASSERT_TRUE(recorder_.WaitForCalls(1));
  Settle();
  EXPECT_THAT(recorder_.calls(), ElementsAre(ElementsAre("words.yaml")));
}

TEST_F(RulesWatcherTest, ABurstOfSavesCallsBackOnce) {
  Start();
  // A file held open for writing holds the callback back, so the whole
  // burst lands in one callback however slowly the machine runs.
  const std::string held = dir_.Path("held.yaml");
  const int fd = open(held.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "pack: ", 6), 6);
  for (int i = 0; i < 20; ++i) {
    dir_.Write("burst" + std::to_string(i) + ".yaml", "pack: b\n");
  }
  dir_.WriteAtomically("renamed.yaml", "pack: r\n");
  Settle();
  EXPECT_TRUE(recorder_.calls().empty()) << "fired while a file was open";
  ASSERT_EQ(write(fd, "h\n", 2), 2);
  ASSERT_EQ(close(fd), 0);

  ASSERT_TRUE(recorder_.WaitForCalls(1));
  Settle();
  const auto calls = recorder_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].size(), 22u);
  EXPECT_THAT(calls[0], Contains("held.yaml"));
  EXPECT_THAT(calls[0], Contains("burst19.yaml"));
  EXPECT_THAT(calls[0], Contains("renamed.yaml"));
}

TEST_F(RulesWatcherTest, HiddenAndNonRuleFilesAreIgnored) {
  Start();
  dir_.Write(".hidden.yaml", "x");
  dir_.Write("notes.txt", "x");
  dir_.Write("words.yaml~", "x");
  dir_.Write("words.yaml.swp", "x");
  dir_.Write(".git/config.yaml", "x");  // a hidden directory
  dir_.Write(".git/sub/deeper.yaml", "x");
  // A relevant change after them: it must come alone.
  dir_.Write("sentinel.yaml", "pack: s\n");
  ASSERT_TRUE(recorder_.WaitForPath("sentinel.yaml"));
  Settle();
  EXPECT_THAT(recorder_.paths(), UnorderedElementsAre("sentinel.yaml"));
}

TEST_F(RulesWatcherTest, NewSubdirectoriesAreWatched) {
  Start();
  std::filesystem::create_directories(dir_.Path("ar/dialects"));
  ASSERT_TRUE(recorder_.WaitForPath("ar/"));
  const size_t before = recorder_.calls().size();
  dir_.Write("ar/dialects/gulf.yaml", "pack: g\n");
  ASSERT_TRUE(recorder_.WaitForPath("ar/dialects/gulf.yaml"));
  EXPECT_GT(recorder_.calls().size(), before);
}

TEST_F(RulesWatcherTest, ExistingSubdirectoriesAreWatched) {
  dir_.Write("en/insults.yaml", "pack: en\n");
  Start();
  dir_.Write("en/insults.yaml", "pack: en2\n");
  ASSERT_TRUE(recorder_.WaitForPath("en/insults.yaml"));
}

TEST_F(RulesWatcherTest, RenamesAndDeletionsCallBack) {
  dir_.Write("a.yaml", "pack: a\n");
  dir_.Write("b.yaml", "pack: b\n");
  Start();
  std::filesystem::rename(dir_.Path("a.yaml"), dir_.Path("a.yaml.disabled"));
  ASSERT_TRUE(recorder_.WaitForPath("a.yaml"));
  dir_.Remove("b.yaml");
  ASSERT_TRUE(recorder_.WaitForPath("b.yaml"));
  EXPECT_THAT(recorder_.paths(), UnorderedElementsAre("a.yaml", "b.yaml"));
}

TEST_F(RulesWatcherTest, AFileBeingWrittenIsNotReportedBeforeItIsClosed) {
  Start();
  const std::string path = dir_.Path("slow.yaml");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "pack: ", 6), 6);
  Settle();
  EXPECT_TRUE(recorder_.calls().empty());
  ASSERT_EQ(write(fd, "slow\n", 5), 5);
  ASSERT_EQ(close(fd), 0);
  ASSERT_TRUE(recorder_.WaitForCalls(1));
  EXPECT_THAT(recorder_.calls()[0], ElementsAre("slow.yaml"));
}

TEST_F(RulesWatcherTest, AFileLeftOpenIsReportedAfterMaxWriteWait) {
  options_.max_write_wait = absl::Milliseconds(300);
  Start();
  const std::string path = dir_.Path("stuck.yaml");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "pack: ", 6), 6);
  EXPECT_TRUE(recorder_.WaitForCalls(1));
  close(fd);
}

TEST_F(RulesWatcherTest, ARemovedAndRecreatedDirectoryIsWatchedAgain) {
  Start();
  std::filesystem::remove_all(dir_.path());
  ASSERT_TRUE(recorder_.WaitForPath("."));
  const size_t before = recorder_.calls().size();
  std::filesystem::create_directories(dir_.path());
  ASSERT_TRUE(recorder_.WaitForCalls(before + 1));
  dir_.Write("back.yaml", "pack: b\n");
  ASSERT_TRUE(recorder_.WaitForPath("back.yaml"));
}

TEST_F(RulesWatcherTest, StopsCleanlyWithAChangePending) {
  options_.debounce = absl::Seconds(30);
  Start();
  dir_.Write("pending.yaml", "pack: p\n");
  watcher_.reset();  // must not wait for the debounce, nor call back later
  EXPECT_TRUE(recorder_.calls().empty());
}

TEST_F(RulesWatcherTest, AMissingDirectoryIsNotFound) {
  auto watcher =
      RulesWatcher::Start(dir_.Path("nope"), options_, recorder_.Callback());
  EXPECT_EQ(watcher.status().code(), absl::StatusCode::kNotFound);
}

TEST(DescribeChangesTest, NamesAFewPaths) {
  EXPECT_EQ(DescribeChanges({"a.yaml"}), "rules changed: a.yaml");
  EXPECT_EQ(DescribeChanges({"a.yaml", "b/", "c.yaml", "d.yaml", "e.yaml"}),
            "rules changed: a.yaml, b/, c.yaml and 2 more");
}

}  // namespace
}  // namespace hakam
