#include "cli/check_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>

#include "absl/strings/str_split.h"
#include "audit/memory_audit_store.h"
#include "engine/comment_json.h"
#include "service/server.h"

namespace hakam::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int exit_code;
  std::vector<std::string> lines;
  std::string err;
};

Result RunCli(const CheckOptions& options, std::vector<std::string> args,
              const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out, err;
  Result r;
  r.exit_code = RunCheck(options, args, in, out, err);
  for (absl::string_view line : absl::StrSplit(out.str(), '\n')) {
    if (!line.empty()) r.lines.emplace_back(line);
  }
  r.err = err.str();
  return r;
}

CheckOptions Local() {
  CheckOptions o;
  o.rules_dir = HAKAM_SOURCE_DIR "/rules";
  return o;
}

TEST(CheckCommandTest, OneTextPrintsOneDecision) {
  Result r = RunCli(Local(), {"اسكت يا كلب"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_THAT(r.lines[0], HasSubstr("\"action\":\"REJECT\""));
  EXPECT_THAT(r.lines[0], HasSubstr("\"rule_id\":\"ar.insult.vocative\""));
}

TEST(CheckCommandTest, JsonLinesKeepOrderAndReportBadLinesByNumber) {
  const std::string input =
      "{\"comment_id\":\"a\",\"text\":\"you idiot\"}\n"
      "{\"comment_id\":\"b\",\"text\":\"good morning\"}\n"
      "this is not json\n"
      "\n"
      "{\"comment_id\":\"c\",\"txt\":\"typo\"}\n"
      "{\"comment_id\":\"d\",\"text\":\"يا حقير\"}\n";
  Result r = RunCli(Local(), {"-"}, input);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("2 of the input lines failed"));
  ASSERT_EQ(r.lines.size(), 5u);
  EXPECT_THAT(r.lines[0], HasSubstr("\"comment_id\":\"a\""));
  EXPECT_THAT(r.lines[0], HasSubstr("\"action\":\"REVIEW\""));
  EXPECT_THAT(r.lines[1], HasSubstr("\"comment_id\":\"b\""));
  EXPECT_THAT(r.lines[1], HasSubstr("\"action\":\"ALLOW\""));
  EXPECT_THAT(r.lines[2], StartsWith("{\"line\":3,\"error\":{\"code\":"
                                     "\"INVALID_ARGUMENT\""));
  EXPECT_THAT(r.lines[3], StartsWith("{\"line\":5,"));
  EXPECT_THAT(r.lines[3], HasSubstr("unknown field \\\"txt\\\""));
  EXPECT_THAT(r.lines[4], HasSubstr("\"comment_id\":\"d\""));
  EXPECT_THAT(r.lines[4], HasSubstr("\"action\":\"REJECT\""));
}

TEST(CheckCommandTest, AllGoodJsonLinesExitZero) {
  Result r = RunCli(Local(), {"-"}, "{\"text\":\"hello\"}\n{\"text\":\"\"}");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.lines.size(), 2u);
}

// Lines of every length around the reader's 64 KiB chunks and the 1 MiB
// limit (padded with spaces, which JSON allows): each is read whole, and
// only the one past the limit is refused, without stopping the run.
TEST(CheckCommandTest, LinesOfAnyLengthUpToTheLimitAreReadWhole) {
  const size_t kLimit = kMaxCommentJsonBytes;
  const std::vector<size_t> lengths = {
      65534,  65535,      65536,  65537,      131071,    131072,
      131073, kLimit - 1, kLimit, kLimit + 1, 3 * kLimit};
  std::string input;
  for (size_t i = 0; i < lengths.size(); ++i) {
    std::string json =
        "{\"comment_id\":\"" + std::to_string(i) + "\",\"text\":\"hello\"";
    json.append(lengths[i] - json.size() - 1, ' ');
    json += "}";
    ASSERT_EQ(json.size(), lengths[i]);
    input += json + "\n";
  }
  input += "{\"comment_id\":\"last\",\"text\":\"hello\"}";  // no newline
  Result r = RunCli(Local(), {"-"}, input);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), lengths.size() + 1);
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] <= kLimit) {
      EXPECT_THAT(r.lines[i],
                  HasSubstr("\"comment_id\":\"" + std::to_string(i) + "\""))
          << lengths[i];
    } else {
      EXPECT_THAT(r.lines[i],
                  StartsWith("{\"line\":" + std::to_string(i + 1) +
                             ",\"error\":{\"code\":\"INVALID_ARGUMENT\""))
          << lengths[i];
      EXPECT_THAT(r.lines[i], HasSubstr("more than the 1048576 bytes"));
    }
  }
  EXPECT_THAT(r.lines.back(), HasSubstr("\"comment_id\":\"last\""));
  EXPECT_THAT(r.err, HasSubstr("2 of the input lines failed"));
}

TEST(CheckCommandTest, CrLfLineEndsAreRead) {
  Result r = RunCli(Local(), {"-"},
                    "{\"text\":\"hello\"}\r\n\r\n{\"text\":\"you idiot\"}\r\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_THAT(r.lines[1], HasSubstr("\"action\":\"REVIEW\""));
}

// An output that fails (a full disk, a closed stdout) stops the run with
// a message and exit status 2, instead of losing every answer silently.
TEST(CheckCommandTest, AnOutputThatFailsStopsWithExitTwo) {
  struct FailingBuf : std::streambuf {
    int_type overflow(int_type) override { return traits_type::eof(); }
    std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
  } failing;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"hello"}, {"-"}}) {
    std::istringstream in("{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
    std::ostream out(&failing);
    std::ostringstream err;
    EXPECT_EQ(RunCheck(Local(), args, in, out, err), 2) << args[0];
    EXPECT_THAT(err.str(), HasSubstr("hakam check: cannot write the output"));
  }
}

// A read error (EIO, a directory given as input) is not taken for the end
// of the input.
TEST(CheckCommandTest, AReadErrorIsReportedNotTakenForTheEnd) {
  struct FailingAfterOneLine : std::streambuf {
    std::string first = "{\"text\":\"hello\"}\n";
    bool served = false;
    int_type underflow() override {
      if (!served) {
        served = true;
        setg(first.data(), first.data(), first.data() + first.size());
        return traits_type::to_int_type(first[0]);
      }
      throw std::ios_base::failure("read error");
    }
  } failing;
  std::istream in(&failing);
  std::ostringstream out, err;
  EXPECT_EQ(RunCheck(Local(), {"-"}, in, out, err), 2);
  EXPECT_THAT(out.str(), HasSubstr("\"action\":\"ALLOW\""));
  EXPECT_THAT(err.str(),
              HasSubstr("hakam check: cannot read the input after line 1"));
}

TEST(CheckCommandTest, UsageAndRuleErrorsExitTwo) {
  EXPECT_EQ(RunCli(Local(), {}).exit_code, 2);
  EXPECT_EQ(RunCli(Local(), {"a", "b"}).exit_code, 2);
  CheckOptions missing = Local();
  missing.rules_dir = "/nonexistent/rules";
  Result r = RunCli(missing, {"x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/rules does not exist"));
}

TEST(CheckCommandTest, RemoteModeMatchesLocalMode) {
  DiagnosticSink sink;
  auto engine = Engine::Create(
      std::make_unique<DirectoryRuleSource>(HAKAM_SOURCE_DIR "/rules"),
      EngineOptions(), sink);
  ASSERT_TRUE(engine.ok());
  MemoryAuditStore audit;
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  auto server = Server::Start(server_options, **engine, audit);
  ASSERT_TRUE(server.ok());
  CheckOptions remote;
  remote.server = "127.0.0.1:" + std::to_string((*server)->port());

  const std::string input =
      "{\"comment_id\":\"x\",\"text\":\"what a scumbag\"}\n"
      "{\"text\":\"\xFF\"}\n";
  Result r = RunCli(remote, {"-"}, input);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_THAT(r.lines[0], HasSubstr("\"rule_id\":\"en.insult.strong\""));
  // JSON cannot carry invalid UTF-8: the line itself is rejected.
  EXPECT_THAT(r.lines[1], StartsWith("{\"line\":2,\"error\""));
  EXPECT_EQ(audit.size(), 1u);

  CheckOptions dead;
  dead.server = "127.0.0.1:1";
  dead.deadline_seconds = 2;
  Result down = RunCli(dead, {"hello"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.lines.at(0), HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace hakam::cli
