#include "kb/faq_edit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace madoguchi::kb {
namespace {

namespace fs = std::filesystem;

class FaqEditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("faq-edit-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "demo");
    Write(kFaq);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& text) { std::ofstream(dir_ / "demo" / "faq.json") << text; }
  std::string Read() {
    std::ifstream in(dir_ / "demo" / "faq.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // As the bundled files are written: two-space indents, keys in a reviewer's order.
  static constexpr char kFaq[] = R"({
  "entries": [
    {
      "id": "demo-01",
      "question": "パスワードを忘れました",
      "alternates": [
        "PW忘れた"
      ],
      "answer": "再設定してください。"
    },
    {
      "id": "demo-02",
      "question": "退会したい",
      "answer": "窓口へどうぞ。"
    }
  ]
}
)";
  fs::path dir_;
};

TEST_F(FaqEditTest, AppendsOneLineAndKeepsTheRestOfTheFile) {
  auto edit = AddAlternate(dir_.string(), "demo", "demo-01", "　ぱすわーど分からない ");
  ASSERT_TRUE(edit.ok()) << edit.status().ToString();
  EXPECT_EQ(edit->previous, kFaq);
  std::string expected = kFaq;
  expected.replace(expected.find("\"PW忘れた\"\n"), std::string("\"PW忘れた\"\n").size(),
                   "\"PW忘れた\",\n        \"ぱすわーど分からない\"\n");
  EXPECT_EQ(Read(), expected) << "only the alternate (trimmed) is added";
}

TEST_F(FaqEditTest, AnEntryWithoutAlternatesGetsTheList) {
  ASSERT_TRUE(AddAlternate(dir_.string(), "demo", "demo-02", "やめたい").ok());
  EXPECT_NE(Read().find("\"alternates\": [\n        \"やめたい\"\n      ]"), std::string::npos)
      << Read();
}

TEST_F(FaqEditTest, UndoPutsTheFileBack) {
  auto edit = AddAlternate(dir_.string(), "demo", "demo-01", "ログインの合言葉を忘れた");
  ASSERT_TRUE(edit.ok());
  ASSERT_TRUE(Undo(*edit).ok());
  EXPECT_EQ(Read(), kFaq);
}

TEST_F(FaqEditTest, RefusesWhatWouldNotBeOneAlternate) {
  EXPECT_EQ(AddAlternate(dir_.string(), "demo", "demo-01", " 　").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddAlternate(dir_.string(), "demo", "demo-01", "一行目\n二行目").status().code(),
            StatusCode::kInvalidArgument);
  std::string long_text;
  for (size_t i = 0; i <= kMaxAlternateChars; ++i) long_text += "あ";
  EXPECT_EQ(AddAlternate(dir_.string(), "demo", "demo-01", long_text).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddAlternate(dir_.string(), "../demo", "demo-01", "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddAlternate(dir_.string(), "demo", "demo-01", "PW忘れた").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(
      AddAlternate(dir_.string(), "demo", "demo-01", "パスワードを忘れました").status().code(),
      StatusCode::kAlreadyExists);
  EXPECT_EQ(AddAlternate(dir_.string(), "demo", "demo-99", "x").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(AddAlternate(dir_.string(), "other", "demo-01", "x").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Read(), kFaq) << "nothing was written";
}

TEST_F(FaqEditTest, AddEntryTakesTheNextNumberAndWritesEveryField) {
  auto made = AddEntry(dir_.string(), "demo", " 駐車場はありますか ",
                       "ありません。\n近くの有料駐車場をご利用ください。", "施設");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->id, "demo-03");
  EXPECT_EQ(made->edit.previous, kFaq);
  const std::string text = Read();
  EXPECT_NE(text.find(R"(      "id": "demo-03",
      "question": "駐車場はありますか",
      "alternates": [],
      "answer": "ありません。\n近くの有料駐車場をご利用ください。",
      "category": "施設")"),
            std::string::npos)
      << text;
  auto next = AddEntry(dir_.string(), "demo", "売店はありますか", "ありません。", "");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, "demo-04");
  EXPECT_EQ(Read().find("\"category\": \"\""), std::string::npos) << "no empty category";
}

TEST_F(FaqEditTest, AddEntryRefusesWhatCannotBeAnEntry) {
  EXPECT_EQ(AddEntry(dir_.string(), "demo", "", "a", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddEntry(dir_.string(), "demo", "一行目\n二行目", "a", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddEntry(dir_.string(), "demo", "質問", " ", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddEntry(dir_.string(), "demo", "退会したい", "a", "").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(AddEntry(dir_.string(), "nowhere", "質問", "a", "").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Read(), kFaq) << "nothing was written";
}

}  // namespace
}  // namespace madoguchi::kb
