#include "kb/importer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kb/knowledge_base.h"

namespace madoguchi::kb {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("madoguchi_import_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

Entry SimpleEntry(const std::string& id, const std::string& question, const std::string& answer) {
  Entry e;
  e.id = id;
  e.question = question;
  e.answer = answer;
  return e;
}

const Entry* FindEntry(const std::vector<Entry>& entries, const std::string& id) {
  for (const Entry& e : entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

TEST(ImportTsvTest, JoinsQuestionsAndAnswersById) {
  auto entries =
      ImportTsv("q1\tパスワードを忘れました\nq2\t認証コードが届きません\n",
                "q2\t保健福祉担当へお問い合わせください。\nq1\tログイン画面から再設定できます。\n");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].id, "q1") << "questions keep their order";
  EXPECT_EQ((*entries)[0].question, "パスワードを忘れました");
  EXPECT_EQ((*entries)[0].answer, "ログイン画面から再設定できます。");
  EXPECT_EQ((*entries)[1].id, "q2");
  EXPECT_EQ((*entries)[1].answer, "保健福祉担当へお問い合わせください。");
}

TEST(ImportTsvTest, RepeatedQuestionIdsBecomeAlternates) {
  auto entries = ImportTsv("q1\tパスワードを忘れました\nq1\tPWわすれた\nq1\tぱすわーど\n",
                           "q1\t再設定できます。\n");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].question, "パスワードを忘れました");
  EXPECT_EQ((*entries)[0].alternates, (std::vector<std::string>{"PWわすれた", "ぱすわーど"}));
}

TEST(ImportTsvTest, BomCrlfCommentsAndBlankLines) {
  auto entries = ImportTsv("\xEF\xBB\xBF# exported 2026-04-01\r\nq1\t質問です\r\n\r\n  \r\n",
                           "\xEF\xBB\xBFq1\t回答です  \r\n");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].id, "q1") << "the BOM is not part of the id";
  EXPECT_EQ((*entries)[0].question, "質問です");
  EXPECT_EQ((*entries)[0].answer, "回答です");
}

TEST(ImportTsvTest, AnswerMayHoldFurtherTabs) {
  auto entries = ImportTsv("q1\t質問\n", "q1\t回答\tの続き\n");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ((*entries)[0].answer, "回答\tの続き");
}

TEST(ImportTsvTest, QuestionWithoutAnswerNamesTheId) {
  auto entries = ImportTsv("q1\t質問1\nq2\t質問2\nq3\t質問3\n", "q1\t回答1\nq2\t回答2\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "\"q3\"", entries.status().message());
}

TEST(ImportTsvTest, QuestionWithoutAnswerNamesTheLine) {
  auto entries = ImportTsv("q1\t質問1\nq2\t質問2\nq3\t質問3\n", "q1\t回答1\nq2\t回答2\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "line 3", entries.status().message());
}

TEST(ImportTsvTest, AnswerWithoutQuestionNamesTheId) {
  auto entries = ImportTsv("q1\t質問1\n", "q1\t回答1\nq9\t迷子の回答\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "\"q9\"", entries.status().message());
}

TEST(ImportTsvTest, LineWithoutTabNamesTheLine) {
  auto entries = ImportTsv("q1\t質問1\nq2 質問2\n", "q1\t回答1\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "questions line 2", entries.status().message());
}

TEST(ImportTsvTest, EmptyIdOrTextIsAnError) {
  auto no_text = ImportTsv("q1\t\n", "q1\t回答\n");
  ASSERT_FALSE(no_text.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "line 1", no_text.status().message());
  auto no_id = ImportTsv("q1\t質問\n", "\t回答\n");
  ASSERT_FALSE(no_id.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "answers line 1", no_id.status().message());
}

TEST(ImportTsvTest, DuplicateAnswerIsAnError) {
  auto entries = ImportTsv("q1\t質問\n", "q1\t回答A\nq1\t回答B\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "q1", entries.status().message());
}

TEST(ImportCsvTest, QuotedCommasNewlinesAndEscapedQuotes) {
  const std::string csv =
      "\xEF\xBB\xBFid,question,answer,category\r\n"
      "faq-1,\"交換はいつ、できますか\",\"5月から3月まで、いつでも。\r\n4月は停止します。\","
      "ポイント\r\n"
      "faq-2,\"「\"\"認証コード\"\"」とは\",\"はがきに書かれた\"\"コード\"\"です\",\r\n";
  auto entries = ImportCsv(csv);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  const Entry& first = (*entries)[0];
  EXPECT_EQ(first.id, "faq-1") << "the BOM is not part of the header";
  EXPECT_EQ(first.question, "交換はいつ、できますか");
  EXPECT_NE(first.answer.find("いつでも。"), std::string::npos);
  EXPECT_NE(first.answer.find("4月は停止します。"), std::string::npos);
  EXPECT_NE(first.answer.find('\n'), std::string::npos) << "the quoted newline is kept";
  EXPECT_EQ(first.category, "ポイント");
  const Entry& second = (*entries)[1];
  EXPECT_EQ(second.question, "「\"認証コード\"」とは");
  EXPECT_EQ(second.answer, "はがきに書かれた\"コード\"です");
  EXPECT_EQ(second.category, "");
}

TEST(ImportCsvTest, ColumnsInAnyOrderWithoutCategory) {
  auto entries = ImportCsv("question,answer,id\n質問です,回答です,x-1\n");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].id, "x-1");
  EXPECT_EQ((*entries)[0].question, "質問です");
  EXPECT_EQ((*entries)[0].answer, "回答です");
}

TEST(ImportCsvTest, LastLineWithoutNewlineAndBlankLines) {
  auto entries = ImportCsv("id,question,answer\n\na,質問A,回答A\nb,質問B,回答B");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].answer, "回答B");
}

TEST(ImportCsvTest, HeaderMustNameIdQuestionAndAnswer) {
  auto entries = ImportCsv("id,question,reply\na,質問,回答\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "answer", entries.status().message());
}

TEST(ImportCsvTest, MissingAnswerNamesTheRecord) {
  auto entries = ImportCsv("id,question,answer\na,質問A,回答A\nb,質問B,\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "record 3", entries.status().message());
}

TEST(ImportCsvTest, ShortRecordIsAnError) {
  auto entries = ImportCsv("id,question,answer\na,質問だけ\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
}

TEST(ImportCsvTest, DuplicateIdIsAnError) {
  auto entries = ImportCsv("id,question,answer\na,質問1,回答1\na,質問2,回答2\n");
  ASSERT_FALSE(entries.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "\"a\"", entries.status().message());
}

TEST(ImportCsvTest, EmptyTextIsAnError) { EXPECT_FALSE(ImportCsv("").ok()); }

TEST(WriteProgramFolderTest, OutputLoadsAsAKnowledgeBase) {
  TempDir out;
  auto entries = ImportCsv(
      "id,question,answer,category\n"
      "faq-1,交換はいつできますか,\"5月から3月まで。\n4月は停止します。\",ポイント\n"
      "faq-2,\"\"\"認証コード\"\"とは\",はがきに書かれた番号です \\ 大切に保管してください,\n");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  (*entries)[0].alternates = {"交換の時期", "いつ交換できる？"};

  ImportOptions options;
  options.program_id = "imported";
  options.program_name = "取り込んだFAQ";
  Status written = WriteProgramFolder(out.path(), options, *entries);
  ASSERT_TRUE(written.ok()) << written.ToString();
  EXPECT_TRUE(fs::exists(fs::path(out.path()) / "imported" / "program.json"));
  EXPECT_TRUE(fs::exists(fs::path(out.path()) / "imported" / "faq.json"));

  auto loaded = LoadKnowledgeBase(out.path(), LoadOptions{});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const ProgramKb* program = loaded->Find("imported");
  ASSERT_NE(program, nullptr);
  EXPECT_EQ(program->program.name, "取り込んだFAQ");
  EXPECT_EQ(program->program.time_zone, "Asia/Tokyo");
  ASSERT_EQ(program->entries.size(), entries->size());
  for (const Entry& original : *entries) {
    const Entry* e = FindEntry(program->entries, original.id);
    ASSERT_NE(e, nullptr) << original.id;
    EXPECT_EQ(e->question, original.question);
    EXPECT_EQ(e->answer, original.answer);
    EXPECT_EQ(e->category, original.category);
    EXPECT_EQ(e->alternates, original.alternates);
  }
}

TEST(WriteProgramFolderTest, NameDefaultsToTheId) {
  TempDir out;
  ImportOptions options;
  options.program_id = "acme_faq-2";
  ASSERT_TRUE(WriteProgramFolder(out.path(), options, {SimpleEntry("a", "質問", "回答")}).ok());
  auto loaded = LoadKnowledgeBase(out.path(), LoadOptions{});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_NE(loaded->Find("acme_faq-2"), nullptr);
  EXPECT_EQ(loaded->Find("acme_faq-2")->program.name, "acme_faq-2");
}

TEST(WriteProgramFolderTest, RefusesToOverwrite) {
  TempDir out;
  ImportOptions options;
  options.program_id = "imported";
  std::vector<Entry> entries = {SimpleEntry("a", "質問", "回答")};
  ASSERT_TRUE(WriteProgramFolder(out.path(), options, entries).ok());
  const fs::path faq = fs::path(out.path()) / "imported" / "faq.json";
  std::stringstream before;
  before << std::ifstream(faq).rdbuf();

  entries[0].answer = "書き換え";
  Status again = WriteProgramFolder(out.path(), options, entries);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  std::stringstream after;
  after << std::ifstream(faq).rdbuf();
  EXPECT_EQ(before.str(), after.str()) << "the existing program is untouched";
}

TEST(WriteProgramFolderTest, RejectsBadProgramIds) {
  TempDir out;
  std::vector<Entry> entries = {SimpleEntry("a", "質問", "回答")};
  for (const char* id : {"", "../evil", "a/b", "with space", "香川"}) {
    ImportOptions options;
    options.program_id = id;
    Status status = WriteProgramFolder(out.path(), options, entries);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << "id \"" << id << "\"";
  }
  EXPECT_TRUE(fs::is_empty(out.path())) << "nothing is written for a bad id";
}

}  // namespace
}  // namespace madoguchi::kb
