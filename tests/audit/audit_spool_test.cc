#include "audit/audit_spool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "audit/fault_vfs.h"

namespace hakam {
namespace {

AuditRecord Record(int i) {
  AuditRecord r;
  r.decision.set_decision_id("d" + std::to_string(i));
  r.decision.set_action(hakam::v1::REJECT);
  r.decision.set_score(i);
  r.decision.add_reasons()->set_rule_id("rule." + std::to_string(i));
  r.comment_id = "c" + std::to_string(i);
  r.article_id = "a";
  r.site = "site";
  r.section = "news";
  r.author_id = "u" + std::to_string(i);
  r.text_sha256 = std::string(64, 'f');
  return r;
}

class AuditSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hakam_spool_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "audit.db-spool").string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Appends records [from, to) in one batch.
  static absl::Status AppendRange(AuditSpool& spool, int from, int to) {
    std::vector<AuditRecord> records;
    for (int i = from; i < to; ++i) records.push_back(Record(i));
    std::vector<AuditRecord*> batch;
    for (AuditRecord& r : records) batch.push_back(&r);
    return spool.Append(batch);
  }

  // The comment ids of every frame from the header to end().
  static std::vector<std::string> CommentIds(AuditSpool& spool) {
    std::vector<AuditRecord> out;
    absl::StatusOr<int64_t> to =
        spool.Read(AuditSpool::kHeaderBytes, spool.end(), 1 << 20, &out);
    EXPECT_TRUE(to.ok()) << to.status();
    std::vector<std::string> ids;
    for (const AuditRecord& r : out) ids.push_back(r.comment_id);
    return ids;
  }

  // Writes a spool of generation `generation` holding records [from, to),
  // one batch each [from, split) and [split, to), closes it, and returns
  // its size.
  int64_t WriteSpool(uint64_t generation, int from, int split, int to) {
    auto spool = AuditSpool::Open(path_, true);
    EXPECT_TRUE(spool.ok()) << spool.status();
    EXPECT_TRUE((*spool)->Reset(generation).ok());
    EXPECT_TRUE(AppendRange(**spool, from, split).ok());
    if (split < to) {
      EXPECT_TRUE(AppendRange(**spool, split, to).ok());
    }
    return (*spool)->end();
  }

  void AppendBytes(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary | std::ios::app) << bytes;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(AuditSpoolTest, AppendsAndReadsBackEveryField) {
  auto spool = AuditSpool::Open(path_, /*sync=*/true);
  ASSERT_TRUE(spool.ok()) << spool.status();
  EXPECT_TRUE((*spool)->created());
  EXPECT_EQ((*spool)->generation(), 0u);
  ASSERT_TRUE((*spool)->Reset(1).ok());
  EXPECT_EQ((*spool)->generation(), 1u);
  EXPECT_EQ((*spool)->end(), AuditSpool::kHeaderBytes);
  ASSERT_TRUE(AppendRange(**spool, 0, 3).ok());
  ASSERT_TRUE(AppendRange(**spool, 3, 4).ok());
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(path_)),
            (*spool)->end());

  std::vector<AuditRecord> out;
  // At most two, then the rest from where that stopped.
  absl::StatusOr<int64_t> middle = (*spool)->Read(
      AuditSpool::kHeaderBytes, (*spool)->end(), /*max_records=*/2, &out);
  ASSERT_TRUE(middle.ok()) << middle.status();
  ASSERT_EQ(out.size(), 2u);
  absl::StatusOr<int64_t> end =
      (*spool)->Read(*middle, (*spool)->end(), 100, &out);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, (*spool)->end());
  ASSERT_EQ(out.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const AuditRecord expected = Record(i);
    EXPECT_EQ(out[i].decision.SerializeAsString(),
              expected.decision.SerializeAsString());
    EXPECT_EQ(out[i].comment_id, expected.comment_id);
    EXPECT_EQ(out[i].article_id, expected.article_id);
    EXPECT_EQ(out[i].site, expected.site);
    EXPECT_EQ(out[i].section, expected.section);
    EXPECT_EQ(out[i].author_id, expected.author_id);
    EXPECT_EQ(out[i].text_sha256, expected.text_sha256);
  }
}

TEST_F(AuditSpoolTest, ReopensAtItsGenerationAndRecoversItsFrames) {
  WriteSpool(7, 0, 5, 5);
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  EXPECT_FALSE((*spool)->created());
  EXPECT_EQ((*spool)->generation(), 7u);
  absl::StatusOr<int64_t> cut = (*spool)->Recover(AuditSpool::kHeaderBytes);
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(*cut, 0);
  EXPECT_THAT(CommentIds(**spool),
              ::testing::ElementsAre("c0", "c1", "c2", "c3", "c4"));
}

// What a crash mid-write leaves: part of a frame, or a whole-looking frame
// whose bytes do not match its checksum. Recover cuts it, and the spool
// appends after the last whole frame.
TEST_F(AuditSpoolTest, RecoverCutsATornLastWrite) {
  const int64_t whole = WriteSpool(1, 0, 2, 2);
  for (const std::string& torn :
       {std::string("\x20\x00\x00", 3),  // part of a frame header
        std::string("\x05\x00\x00\x00\x01\x02\x03\x04"
                    "abc",
                    11),  // short
        std::string("\x03\x00\x00\x00\x01\x02\x03\x04"
                    "abc",
                    11),                                        // bad CRC
        std::string("\xff\xff\xff\x7f\x00\x00\x00\x00", 8)}) {  // length
    std::filesystem::resize_file(path_, whole);
    AppendBytes(torn);
    auto spool = AuditSpool::Open(path_, true);
    ASSERT_TRUE(spool.ok());
    absl::StatusOr<int64_t> cut = (*spool)->Recover(AuditSpool::kHeaderBytes);
    ASSERT_TRUE(cut.ok()) << cut.status();
    EXPECT_EQ(*cut, static_cast<int64_t>(torn.size()));
    EXPECT_EQ((*spool)->end(), whole);
    EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(path_)), whole);
    ASSERT_TRUE(AppendRange(**spool, 2, 3).ok());
    EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c0", "c1", "c2"));
  }
}

// After a power loss a torn last write's pages may have reached the disk
// in any order: whole frames after its bad one are cut with it.
TEST_F(AuditSpoolTest, RecoverCutsWholeFramesAfterABadOneNearTheEnd) {
  WriteSpool(1, 0, 3, 5);
  const int64_t second_frame = [&] {
    auto spool = AuditSpool::Open(path_, true);
    std::vector<AuditRecord> out;
    return *(*spool)->Read(
        AuditSpool::kHeaderBytes,
        static_cast<int64_t>(std::filesystem::file_size(path_)), 1, &out);
  }();
  {
    std::fstream f(path_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(second_frame + AuditSpool::kFrameHeaderBytes + 2);
    f.put('\x7f');
  }
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  absl::StatusOr<int64_t> cut = (*spool)->Recover(AuditSpool::kHeaderBytes);
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ((*spool)->end(), second_frame);
  EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c0"));
}

// Further from the end than one write, damage with whole frames after it
// is not a torn write: cutting there would lose decisions that were
// answered, so Recover refuses and leaves the file as it is.
TEST_F(AuditSpoolTest, RecoverRefusesDamageWithFramesAfterIt) {
  const int64_t size = WriteSpool(1, 0, 3, 5);
  {
    std::fstream f(path_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(AuditSpool::kHeaderBytes + AuditSpool::kFrameHeaderBytes + 2);
    f.put('\x7f');
  }
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  // (As if the frames after the bad one were more than a write's worth.)
  absl::StatusOr<int64_t> cut =
      (*spool)->Recover(AuditSpool::kHeaderBytes, /*max_torn_bytes=*/0);
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(cut.status().message()),
              ::testing::HasSubstr("the frame at byte 16 is damaged, and a "
                                   "whole frame follows"));
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(path_)), size);
}

// A crash can leave a file longer than what was written, the rest zeros:
// no frame is empty, so the zeros are cut as a torn write.
TEST_F(AuditSpoolTest, RecoverCutsZerosAfterTheLastFrame) {
  const int64_t whole = WriteSpool(1, 0, 2, 2);
  std::filesystem::resize_file(path_, whole + 4096);
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  absl::StatusOr<int64_t> cut = (*spool)->Recover(AuditSpool::kHeaderBytes);
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(*cut, 4096);
  EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c0", "c1"));
}

TEST_F(AuditSpoolTest, ADamagedFrameBelowTheEndIsDataLossNotASkip) {
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Reset(1).ok());
  ASSERT_TRUE(AppendRange(**spool, 0, 3).ok());
  {
    std::fstream f(path_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(AuditSpool::kHeaderBytes + AuditSpool::kFrameHeaderBytes + 2);
    f.put('\x7f');
  }
  std::vector<AuditRecord> out;
  absl::StatusOr<int64_t> read =
      (*spool)->Read(AuditSpool::kHeaderBytes, (*spool)->end(), 10, &out);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(read.status().message()),
              ::testing::HasSubstr("offset 16 is damaged"));
}

TEST_F(AuditSpoolTest, ResetStartsOverEmptyAtTheNewGeneration) {
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Reset(1).ok());
  ASSERT_TRUE(AppendRange(**spool, 0, 50).ok());
  ASSERT_TRUE((*spool)->Reset(2).ok());
  EXPECT_EQ((*spool)->generation(), 2u);
  EXPECT_EQ(std::filesystem::file_size(path_), 16u);
  ASSERT_TRUE(AppendRange(**spool, 50, 51).ok());
  EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c50"));
  spool->reset();
  auto reopened = AuditSpool::Open(path_, true);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->generation(), 2u);
}

// A write or fsync that fails leaves nothing of its batch behind: the
// callers are told UNAVAILABLE, so its frames must never be copied.
TEST_F(AuditSpoolTest, AFailedAppendLeavesNothingBehind) {
  testing::FaultVfs::Install();
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Reset(1).ok());
  ASSERT_TRUE(AppendRange(**spool, 0, 1).ok());
  const int64_t end = (*spool)->end();
  {
    // The write lands, its fsync fails, and so does the fsync of the cut:
    // a cut mark stands over the batch's first frame.
    testing::FaultVfs::Scoped fault(testing::FaultVfs::kSyncFails);
    absl::Status s = AppendRange(**spool, 1, 4);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("fsync"));
  }
  EXPECT_EQ((*spool)->end(), end);
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(path_)),
            end + AuditSpool::kFrameHeaderBytes);
  {
    // A crash now: opening cuts at the mark.
    auto reopened = AuditSpool::Open(path_, true);
    ASSERT_TRUE(reopened.ok());
    absl::StatusOr<int64_t> cut =
        (*reopened)->Recover(AuditSpool::kHeaderBytes);
    ASSERT_TRUE(cut.ok()) << cut.status();
    EXPECT_EQ(*cut, AuditSpool::kFrameHeaderBytes);
    EXPECT_THAT(CommentIds(**reopened), ::testing::ElementsAre("c0"));
  }
  {
    // The write and the truncate back both fail: the next append cuts the
    // file before writing.
    testing::FaultVfs::Scoped fault(testing::FaultVfs::kDiskFull);
    EXPECT_EQ(AppendRange(**spool, 4, 6).code(),
              absl::StatusCode::kUnavailable);
  }
  ASSERT_TRUE(AppendRange(**spool, 6, 7).ok());
  EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c0", "c6"));
}

TEST_F(AuditSpoolTest, AFailedResetIsFinishedByTheNextAppend) {
  testing::FaultVfs::Install();
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Reset(1).ok());
  ASSERT_TRUE(AppendRange(**spool, 0, 3).ok());
  {
    testing::FaultVfs::Scoped fault(testing::FaultVfs::kSyncFails);
    EXPECT_FALSE((*spool)->Reset(2).ok());
  }
  ASSERT_TRUE(AppendRange(**spool, 3, 4).ok());
  EXPECT_EQ((*spool)->generation(), 2u);
  EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c3"));
}

TEST_F(AuditSpoolTest, AFileThatIsNotASpoolIsRefused) {
  AppendBytes(std::string("SQLite format 3\0 and more", 25));
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(spool.status().message()),
              ::testing::HasSubstr("not a Hakam audit spool"));
}

// A crash between a start-over's cut and its header leaves an empty file:
// a spool with nothing in it and no generation, not a missing one (which
// the store takes for lost).
TEST_F(AuditSpoolTest, AnEmptyFileIsASpoolWithoutAGeneration) {
  for (const std::string& content : {std::string(), std::string(16, '\0')}) {
    std::filesystem::remove(path_);
    AppendBytes(content);
    ASSERT_TRUE(std::filesystem::exists(path_));
    auto spool = AuditSpool::Open(path_, true);
    ASSERT_TRUE(spool.ok()) << spool.status();
    EXPECT_FALSE((*spool)->created());
    EXPECT_EQ((*spool)->generation(), 0u);
    EXPECT_EQ((*spool)->Recover(AuditSpool::kHeaderBytes).status().code(),
              absl::StatusCode::kFailedPrecondition);
    ASSERT_TRUE((*spool)->Reset(3).ok());
    ASSERT_TRUE(AppendRange(**spool, 0, 1).ok());
    EXPECT_THAT(CommentIds(**spool), ::testing::ElementsAre("c0"));
  }
}

TEST_F(AuditSpoolTest, RemoveDeletesTheFile) {
  auto spool = AuditSpool::Open(path_, true);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Reset(1).ok());
  ASSERT_TRUE((*spool)->Remove().ok());
  EXPECT_FALSE(std::filesystem::exists(path_));
}

}  // namespace
}  // namespace hakam
