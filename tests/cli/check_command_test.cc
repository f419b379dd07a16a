#include "cli/check_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

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
