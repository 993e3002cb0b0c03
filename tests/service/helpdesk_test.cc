// service::Helpdesk's knowledge reload: a copy of the bundled faq/ in a temp folder is edited on
// disk and reloaded while the helpdesk serves; a broken copy is refused and the previous
// knowledge keeps answering; requests running on many threads during reloads all succeed and
// each is answered from one knowledge base, never a mix.
#include "service/helpdesk.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "points/test_programs.h"

namespace madoguchi::service {
namespace {

using nlohmann::json;

constexpr char kProgram[] = "kagawa";
constexpr char kEntry[] = "kagawa-03";  // 「ログインできません。」
constexpr char kQuestion[] = "ログインできない";

// The helpdesk needs a points core; nothing here asks it anything.
class NoPointsCore : public points::PointsCore {
 public:
  StatusOr<points::Member> CreateMember(const points::NewMember&) override { return Down(); }
  StatusOr<points::Member> GetMember(const std::string&) override { return Down(); }
  StatusOr<points::Lot> Grant(const std::string&, const points::GrantRequest&) override {
    return Down();
  }
  StatusOr<points::PointBalance> Balance(const std::string&, const Date&) override {
    return Down();
  }
  StatusOr<std::vector<points::HistoryEntry>> History(const std::string&, int) override {
    return Down();
  }
  StatusOr<points::Redemption> Redeem(const std::string&, const points::RedeemRequest&) override {
    return Down();
  }
  StatusOr<points::StatusChangeResult> ChangeStatus(const std::string&,
                                                    const points::StatusChange&) override {
    return Down();
  }
  StatusOr<points::ReissueRequest> RequestReissue(const std::string&, const std::string&,
                                                  const Date&) override {
    return Down();
  }
  StatusOr<points::Verification> Verify(const points::VerifyRequest&) override { return Down(); }
  StatusOr<rules::ExchangeWindow> ExchangeWindow(const std::string&, const Date&) override {
    return Down();
  }
  StatusOr<points::MemberRank> Rank(const std::string&, const std::string&, const Date&) override {
    return Down();
  }

 private:
  static Status Down() { return Unavailable("no points core in this test"); }
};

using points::testing::ReadFile;
using points::testing::WriteFile;

class HelpdeskReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_dir_ = dir_.File("faq");
    std::filesystem::copy(DefaultDataPath("faq"), kb_dir_,
                          std::filesystem::copy_options::recursive);
    faq_file_ = kb_dir_ + "/" + kProgram + "/faq.json";
    original_ = ReadFile(faq_file_);
    HelpdeskOptions o;
    o.engine.kb_dir = kb_dir_;
    o.engine.clock = std::make_shared<FixedClock>(*ParseIsoDate("2026-05-15"));
    o.data_dir = dir_.File("data");
    o.link.page_url = "http://127.0.0.1/link";
    StatusOr<std::unique_ptr<Helpdesk>> h = Helpdesk::Create(o, std::make_unique<NoPointsCore>());
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    helpdesk_ = std::move(h).value();
  }

  // Writes kagawa's faq.json with kEntry answering `answer`.
  void WriteAnswer(const std::string& answer) {
    json faq = json::parse(original_);
    for (json& e : faq["entries"]) {
      if (e["id"] == kEntry) e["answer"] = answer;
    }
    WriteFile(faq_file_, faq.dump(2));
  }

  // The answer to kQuestion as the one-shot API gives it.
  std::string Ask() {
    std::shared_ptr<const Engine> engine = helpdesk_->engine();
    StatusOr<dialogue::Reply> r = engine->answerer().Ask(kProgram, kQuestion);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return "";
    EXPECT_EQ(r->entry_id, kEntry);
    return r->text;
  }

  // The answer to kQuestion in a conversation (the last message: the first has a welcome).
  std::string Converse(const std::string& user) {
    dialogue::Message m{{"test", user}, kProgram, kQuestion, "", false};
    StatusOr<dialogue::Turn> t = helpdesk_->conversation().Handle(m);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok() || t->messages.empty()) return "";
    EXPECT_EQ(t->messages.back().entry_id, kEntry);
    return t->messages.back().text;
  }

  points::testing::TempDir dir_;
  std::string kb_dir_;
  std::string faq_file_;
  std::string original_;
  std::unique_ptr<Helpdesk> helpdesk_;
};

// The data directory and the conversation store hold members' data: the service's user only.
TEST_F(HelpdeskReloadTest, DataDirectoryAndFilesAreTheServicesOnly) {
  EXPECT_FALSE(Converse("alice").empty());
  struct stat st {};
  ASSERT_EQ(::stat(dir_.File("data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = dir_.File("data") + "/conversations.db" + suffix;
    ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

TEST_F(HelpdeskReloadTest, AnEditedAnswerIsServedAfterReload) {
  const std::string before = Ask();
  EXPECT_EQ(Converse("u1"), before);
  WriteAnswer("新しい回答：ログインできないときは、まずパスワードを再設定してください。");
  EXPECT_EQ(Ask(), before) << "nothing changes before the reload";

  StatusOr<std::shared_ptr<const Engine>> reloaded = helpdesk_->ReloadKnowledge();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(reloaded->get(), helpdesk_->engine().get()) << "the engine returned is the one serving";
  EXPECT_NE(Ask().find("新しい回答"), std::string::npos);
  EXPECT_NE(Converse("u1").find("新しい回答"), std::string::npos);
  EXPECT_NE(Converse("u2").find("新しい回答"), std::string::npos);
}

TEST_F(HelpdeskReloadTest, InvalidJsonIsRefusedNamingTheFileAndThePreviousAnswerStays) {
  WriteAnswer("一回目の回答です。");
  ASSERT_TRUE(helpdesk_->ReloadKnowledge().ok());
  const std::shared_ptr<const Engine> serving = helpdesk_->engine();

  WriteFile(faq_file_, original_.substr(0, original_.size() / 2));  // cut off mid-entry
  StatusOr<std::shared_ptr<const Engine>> reloaded = helpdesk_->ReloadKnowledge();
  ASSERT_FALSE(reloaded.ok());
  EXPECT_EQ(reloaded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reloaded.status().reason(), kReasonKbInvalid);
  EXPECT_NE(reloaded.status().message().find("kagawa/faq.json"), std::string::npos)
      << reloaded.status().message();
  EXPECT_EQ(helpdesk_->engine().get(), serving.get());
  EXPECT_EQ(Ask(), "一回目の回答です。");
  EXPECT_EQ(Converse("u1"), "一回目の回答です。");
}

TEST_F(HelpdeskReloadTest, DuplicateIdIsRefusedNamingFileAndEntry) {
  const std::string before = Ask();
  json faq = json::parse(original_);
  json twin = faq["entries"][0];
  twin["answer"] = "重複したエントリの回答";
  faq["entries"].push_back(twin);
  WriteFile(faq_file_, faq.dump(2));

  StatusOr<std::shared_ptr<const Engine>> reloaded = helpdesk_->ReloadKnowledge();
  ASSERT_FALSE(reloaded.ok());
  const std::string& message = reloaded.status().message();
  EXPECT_NE(message.find("kagawa/faq.json"), std::string::npos) << message;
  EXPECT_NE(message.find(twin["id"].get<std::string>()), std::string::npos) << message;
  EXPECT_EQ(Ask(), before);

  // Fixed on disk, the next reload takes it.
  WriteAnswer("直した後の回答");
  ASSERT_TRUE(helpdesk_->ReloadKnowledge().ok());
  EXPECT_EQ(Ask(), "直した後の回答");
}

TEST_F(HelpdeskReloadTest, MissingFolderIsRefusedAndThePreviousKnowledgeStays) {
  const std::string before = Ask();
  std::filesystem::rename(kb_dir_, kb_dir_ + ".moved");
  StatusOr<std::shared_ptr<const Engine>> reloaded = helpdesk_->ReloadKnowledge();
  ASSERT_FALSE(reloaded.ok());
  EXPECT_EQ(reloaded.status().reason(), kReasonKbInvalid);
  EXPECT_EQ(Ask(), before);
}

TEST_F(HelpdeskReloadTest, SnapshotsTakenBeforeAReloadKeepTheirKnowledge) {
  WriteAnswer("古い回答");
  ASSERT_TRUE(helpdesk_->ReloadKnowledge().ok());
  const std::shared_ptr<const Engine> old_engine = helpdesk_->engine();
  dialogue::Message m{{"test", "u1"}, kProgram, kQuestion, "", false};
  StatusOr<dialogue::Turn> turn = helpdesk_->conversation().Handle(m);
  ASSERT_TRUE(turn.ok());

  WriteAnswer("新しい回答");
  ASSERT_TRUE(helpdesk_->ReloadKnowledge().ok());
  EXPECT_NE(helpdesk_->engine().get(), old_engine.get());
  // A request that took its snapshot before the reload finishes on it, whole.
  StatusOr<dialogue::Reply> r = old_engine->answerer().Ask(kProgram, kQuestion);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "古い回答");
  // A turn keeps the knowledge its replies point into (candidates' entries) alive.
  EXPECT_EQ(turn->knowledge.get(), static_cast<const void*>(old_engine.get()));
  ASSERT_FALSE(turn->messages.back().candidates.empty());
  EXPECT_EQ(turn->messages.back().candidates.front().entry->answer, "古い回答");
  EXPECT_EQ(Ask(), "新しい回答");
}

// Run under ThreadSanitizer too (see tests/service/CMakeLists.txt): members ask on several
// threads while another thread reloads, alternating two answers on disk.
TEST_F(HelpdeskReloadTest, RequestsDuringReloadsAllSucceedFromOneKnowledgeEach) {
  constexpr int kReloads = 4;
  constexpr int kAskers = 3;
  const std::string a = "回答A：ログインできないときの案内です。";
  const std::string b = "回答B：ログインできないときの案内です。";
  WriteAnswer(a);
  ASSERT_TRUE(helpdesk_->ReloadKnowledge().ok());

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> askers;
  for (int i = 0; i < kAskers; ++i) {
    askers.emplace_back([&, i] {
      const std::string user = "asker-" + std::to_string(i);
      while (!done.load()) {
        dialogue::Message m{{"test", user}, kProgram, kQuestion, "", false};
        StatusOr<dialogue::Turn> t = helpdesk_->conversation().Handle(m);
        if (!t.ok() || t->messages.empty()) {
          ++failures;
          continue;
        }
        const dialogue::Reply& r = t->messages.back();
        // Text and candidates come from the same knowledge base: never A's text with B's entry.
        const bool whole = (r.text == a || r.text == b) && !r.candidates.empty() &&
                           r.candidates.front().entry->answer == r.text;
        if (!whole) ++failures;
        std::shared_ptr<const Engine> engine = helpdesk_->engine();
        StatusOr<dialogue::Reply> asked = engine->answerer().Ask(kProgram, kQuestion);
        if (!asked.ok() || (asked->text != a && asked->text != b)) ++failures;
        ++answered;
      }
    });
  }
  int reload_failures = 0;
  for (int i = 0; i < kReloads; ++i) {
    WriteAnswer(i % 2 == 0 ? b : a);
    if (!helpdesk_->ReloadKnowledge().ok()) ++reload_failures;
  }
  // Reloads from two threads at once are serialized, not refused.
  std::thread other([&] {
    if (!helpdesk_->ReloadKnowledge().ok()) ++reload_failures;
  });
  if (!helpdesk_->ReloadKnowledge().ok()) ++reload_failures;
  other.join();
  done = true;
  for (std::thread& t : askers) t.join();

  EXPECT_EQ(reload_failures, 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(Ask(), kReloads % 2 == 0 ? a : b);
}

}  // namespace
}  // namespace madoguchi::service
