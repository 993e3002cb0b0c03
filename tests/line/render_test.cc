#include "line/render.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace madoguchi::line {
namespace {

using nlohmann::json;

dialogue::Reply Text(const std::string& text) {
  dialogue::Reply r;
  r.text = text;
  return r;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const json& QuickReplyItems(const std::vector<json>& messages) {
  return messages.back()["quickReply"]["items"];
}

TEST(RenderTest, CountsUtf16UnitsAndGraphemes) {
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("ポイント"), 4u);
  EXPECT_EQ(Utf16Length("😀"), 2u) << "a surrogate pair";
  EXPECT_EQ(Utf16Length("𠮷野家"), 4u);

  EXPECT_EQ(GraphemeCount("ポイント"), 4u);
  EXPECT_EQ(GraphemeCount("😀"), 1u);
  EXPECT_EQ(GraphemeCount("👨‍👩‍👧‍👦"), 1u) << "a ZWJ family is one cluster";
  EXPECT_EQ(GraphemeCount("🇯🇵"), 1u) << "a flag is one cluster";
  EXPECT_EQ(GraphemeCount("👍🏽"), 1u) << "with a skin tone";
  EXPECT_EQ(GraphemeCount("e\u0301"), 1u) << "e + combining acute";
  EXPECT_EQ(GraphemeCount("か\u3099"), 1u) << "か + combining dakuten";
  EXPECT_EQ(GraphemeCount("1\uFE0F\u20E3"), 1u) << "keycap";
}

TEST(RenderTest, TrimsLabelsToTwentyGraphemes) {
  std::string twenty = Repeat("あ", 20);
  EXPECT_EQ(TrimToGraphemes(twenty, 20), twenty);
  EXPECT_EQ(TrimToGraphemes(twenty + "い", 20), Repeat("あ", 19) + "…");

  // 21 family emoji: 11 code points each, one cluster each; cut between clusters.
  std::string family = "👨‍👩‍👧‍👦";
  std::string trimmed = TrimToGraphemes(Repeat(family, 21), 20);
  EXPECT_EQ(trimmed, Repeat(family, 19) + "…");
  EXPECT_EQ(GraphemeCount(trimmed), 20u);

  // Combining marks stay on their letter.
  std::string accented = Repeat("e\u0301", 25);
  std::string cut = TrimToGraphemes(accented, 20);
  EXPECT_EQ(cut, Repeat("e\u0301", 19) + "…");
  EXPECT_EQ(GraphemeCount(TrimToGraphemes(Repeat("か\u3099", 30), 20)), 20u);

  EXPECT_EQ(TrimToGraphemes("\xff\xfe", 20), "\uFFFD\uFFFD") << "invalid UTF-8 repaired";
}

TEST(RenderTest, SplitsAtLineBreaksUnder5000Units) {
  // 3 paragraphs of 2,000 units: the break after the second is past half of the window.
  std::string para = Repeat("あ", 2000);
  std::vector<std::string> pieces = SplitText(para + "\n" + para + "\n" + para, 5000);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_TRUE(pieces[0] == para + "\n" + para);
  EXPECT_TRUE(pieces[1] == para);

  // No line break: after a sentence end.
  std::string sentence = Repeat("い", 2999) + "。";
  pieces = SplitText(sentence + sentence, 5000);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_TRUE(pieces[0] == sentence);

  EXPECT_EQ(SplitText("short", 5000), std::vector<std::string>{"short"});
  EXPECT_TRUE(SplitText("", 5000).empty());
}

TEST(RenderTest, NeverSplitsASurrogatePairOrACluster) {
  // 2,501 emoji = 5,002 units with no break: the cut must fall between pairs.
  std::vector<std::string> pieces = SplitText(Repeat("😀", 2501), 5000);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_TRUE(pieces[0] == Repeat("😀", 2500));
  EXPECT_EQ(pieces[1], "😀");

  // Odd alignment: one BMP character first, so unit 5,000 is the middle of a pair.
  pieces = SplitText("a" + Repeat("😀", 2500), 5000);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(Utf16Length(pieces[0]), 4999u);
  EXPECT_TRUE(pieces[0] == "a" + Repeat("😀", 2499));
  EXPECT_EQ(pieces[1], "😀");

  // Family emoji (11 units each): whole clusters only.
  std::string family = "👨‍👩‍👧‍👦";
  pieces = SplitText(Repeat(family, 500), 5000);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_TRUE(pieces[0] == Repeat(family, 454));
  EXPECT_TRUE(pieces[0] + pieces[1] == Repeat(family, 500));
  for (const auto& p : pieces) EXPECT_LE(Utf16Length(p), 5000u);
}

TEST(RenderTest, OneReplyWithChoicesAndFeedback) {
  dialogue::Reply r = Text("ポイントの有効期限は翌年度末です。");
  r.choices = {{"解決した", "feedback:yes:kagawa-3"}, {"解決しない", "feedback:no:kagawa-3"}};
  dialogue::Turn turn{{r}};
  std::vector<json> m = RenderTurn(turn);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["type"], "text");
  EXPECT_EQ(m[0]["text"], "ポイントの有効期限は翌年度末です。");
  const json& items = QuickReplyItems(m);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], json::parse(R"({"type":"action","action":{"type":"postback",
      "label":"解決した","data":"feedback:yes:kagawa-3","displayText":"解決した"}})"));
  EXPECT_EQ(items[1]["action"]["data"], "feedback:no:kagawa-3");
}

TEST(RenderTest, AtMostThirteenItemsKeepingFeedback) {
  dialogue::Reply r = Text("どれについてのご質問ですか？");
  for (int i = 0; i < 15; ++i) {
    r.choices.push_back({"候補" + std::to_string(i), "entry:kagawa-" + std::to_string(i)});
  }
  r.choices.push_back({"解決した", "feedback:yes:x"});
  r.choices.push_back({"解決しない", "feedback:no:x"});
  r.choices.push_back({"候補0の重複", "entry:kagawa-0"});  // same payload: dropped
  std::vector<json> m = RenderTurn(dialogue::Turn{{r}});
  const json& items = QuickReplyItems(m);
  ASSERT_EQ(items.size(), 13u);
  EXPECT_EQ(items[0]["action"]["label"], "候補0");
  EXPECT_EQ(items[10]["action"]["label"], "候補10");
  EXPECT_EQ(items[11]["action"]["data"], "feedback:yes:x");
  EXPECT_EQ(items[12]["action"]["data"], "feedback:no:x");
}

TEST(RenderTest, LongLabelsAreTrimmedButDisplayTextIsWhole) {
  std::string label = "認証コードを紛失した場合の再発行の手続きについて";  // 24 characters
  dialogue::Reply r = Text("どちらですか？");
  r.choices = {{label, "entry:kagawa-18"},
               {"x", std::string(301, 'p')},  // data over 300: cannot be cut, dropped
               {"", "entry:empty-label"}};
  std::vector<json> m = RenderTurn(dialogue::Turn{{r}});
  const json& items = QuickReplyItems(m);
  ASSERT_EQ(items.size(), 1u);
  std::string shown = items[0]["action"]["label"];
  EXPECT_EQ(GraphemeCount(shown), 20u);
  EXPECT_EQ(shown, "認証コードを紛失した場合の再発行の手続…");
  EXPECT_EQ(items[0]["action"]["displayText"], label);
}

TEST(RenderTest, LinksAsLinesAndUriButtons) {
  dialogue::Reply r = Text("下のリンクを開いてください。");
  r.links = {{"アカウント連携", "https://madoguchi.example/link?token=abc"},
             {"電話", "tel:0120000000"}};
  std::vector<json> m = RenderTurn(dialogue::Turn{{r}});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["text"],
            "下のリンクを開いてください。\n\nアカウント連携：https://madoguchi.example/link?"
            "token=abc\n電話：tel:0120000000");
  const json& items = QuickReplyItems(m);
  ASSERT_EQ(items.size(), 1u) << "only web links become buttons";
  EXPECT_EQ(items[0]["action"]["type"], "uri");
  EXPECT_EQ(items[0]["action"]["uri"], "https://madoguchi.example/link?token=abc");

  RenderOptions no_buttons;
  no_buttons.links_as_quick_replies = false;
  EXPECT_FALSE(RenderTurn(dialogue::Turn{{r}}, no_buttons)[0].contains("quickReply"));

  // A URL already in the text is not repeated.
  dialogue::Reply inline_url = Text("こちら: https://a.example/x");
  inline_url.links = {{"A", "https://a.example/x"}};
  EXPECT_EQ(RenderTurn(dialogue::Turn{{inline_url}})[0]["text"], "こちら: https://a.example/x");
}

TEST(RenderTest, WelcomeThenAnswerAreTwoMessagesWithButtonsOnTheLast) {
  dialogue::Reply welcome = Text("ようこそ");
  dialogue::Reply answer = Text("答え");
  answer.choices = {{"解決した", "feedback:yes:a"}};
  std::vector<json> m = RenderTurn(dialogue::Turn{{welcome, answer}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["text"], "ようこそ");
  EXPECT_FALSE(m[0].contains("quickReply"));
  EXPECT_EQ(QuickReplyItems(m).size(), 1u);
}

TEST(RenderTest, AtMostFiveMessagesJoiningShortOnes) {
  dialogue::Turn turn;
  for (int i = 0; i < 8; ++i) turn.messages.push_back(Text("メッセージ" + std::to_string(i)));
  std::vector<json> m = RenderTurn(turn);
  ASSERT_EQ(m.size(), 5u);
  std::string all;
  for (const auto& msg : m) all += msg["text"].get<std::string>() + "|";
  for (int i = 0; i < 8; ++i) {
    EXPECT_NE(all.find("メッセージ" + std::to_string(i)), std::string::npos) << "nothing lost";
  }
}

TEST(RenderTest, HugeTextIsCappedAtFiveFullMessages) {
  // 30,000 units of surrogate pairs: 6 pieces' worth; the fifth message ends in "…".
  std::vector<json> m = RenderTurn(dialogue::Turn{{Text(Repeat("😀", 15000))}});
  ASSERT_EQ(m.size(), 5u);
  for (const auto& msg : m) EXPECT_LE(Utf16Length(msg["text"].get<std::string>()), 5000u);
  std::string last = m[4]["text"];
  EXPECT_EQ(last.substr(last.size() - 3), "…");
  EXPECT_EQ(Utf16Length(last), 4999u) << "2,499 pairs and the ellipsis";
}

TEST(RenderTest, ChoicesWithoutTextGetAPrompt) {
  dialogue::Reply r;
  r.choices = {{"はい", "confirm:yes"}};
  std::vector<json> m = RenderTurn(dialogue::Turn{{r}});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["text"], "以下から選んでください。");
  EXPECT_EQ(QuickReplyItems(m).size(), 1u);
  EXPECT_TRUE(RenderTurn(dialogue::Turn{}).empty());
  EXPECT_TRUE(RenderTurn(dialogue::Turn{{Text("")}}).empty());
}

TEST(RenderTest, InvalidUtf8IsRepaired) {
  std::vector<json> m = RenderText("abc\xff");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["text"], "abc\uFFFD");
  EXPECT_NO_THROW((void)m[0].dump());
}

}  // namespace
}  // namespace madoguchi::line
