#include "slack/render.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace madoguchi::slack {
namespace {

using nlohmann::json;

dialogue::Turn TurnOf(dialogue::Reply r) { return dialogue::Turn{{std::move(r)}}; }

dialogue::Reply Answer(std::string text) {
  dialogue::Reply r;
  r.outcome = dialogue::Outcome::kAnswer;
  r.text = std::move(text);
  return r;
}

const json* FindBlock(const SlackMessage& m, const std::string& type) {
  for (const json& b : m.blocks) {
    if (b["type"] == type) return &b;
  }
  return nullptr;
}

TEST(SlackRenderTest, EscapesMrkdwn) {
  EXPECT_EQ(EscapeMrkdwn("a & b <!channel> <@U1> > c"),
            "a &amp; b &lt;!channel&gt; &lt;@U1&gt; &gt; c");
  EXPECT_EQ(EscapeMrkdwn("&amp;"), "&amp;amp;") << "text is literal, even if it looks escaped";
  auto out = RenderTurn(TurnOf(Answer("答え:<!here> & <https://evil.example|click>")));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "答え:&lt;!here&gt; &amp; &lt;https://evil.example|click&gt;");
  EXPECT_EQ(out[0].blocks[0]["type"], "section");
  EXPECT_EQ(out[0].blocks[0]["text"]["type"], "mrkdwn");
  EXPECT_EQ(out[0].blocks[0]["text"]["text"], out[0].text);
}

TEST(SlackRenderTest, ChoicesBecomeButtons) {
  dialogue::Reply r;
  r.outcome = dialogue::Outcome::kClarify;
  r.text = "どちらのご質問ですか？";
  r.choices = {{"ポイントの有効期限", "entry:kagawa-18"}, {"交換の受付期間", "entry:kagawa-07"}};
  auto out = RenderTurn(TurnOf(r));
  ASSERT_EQ(out.size(), 1u);
  const json* actions = FindBlock(out[0], "actions");
  ASSERT_NE(actions, nullptr);
  EXPECT_EQ(out[0].blocks.back(), *actions) << "buttons come last";
  const json& elements = (*actions)["elements"];
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[0]["type"], "button");
  EXPECT_EQ(elements[0]["text"]["type"], "plain_text");
  EXPECT_EQ(elements[0]["text"]["text"], "ポイントの有効期限");
  EXPECT_EQ(elements[0]["value"], "entry:kagawa-18");
  EXPECT_EQ(elements[1]["value"], "entry:kagawa-07");
  EXPECT_NE(elements[0]["action_id"], elements[1]["action_id"]) << "unique within a message";
}

TEST(SlackRenderTest, ChoicesWithoutTextGetAPrompt) {
  dialogue::Reply r;
  r.choices = {{"はい", "yes"}};
  auto out = RenderTurn(TurnOf(r));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "以下から選んでください。");
}

TEST(SlackRenderTest, ButtonLimits) {
  dialogue::Reply r = Answer("多すぎる候補");
  for (int i = 0; i < 30; ++i)
    r.choices.push_back({"候補" + std::to_string(i), "entry:" + std::to_string(i)});
  r.choices.push_back({"解決した", "feedback:yes:e1"});
  r.choices.push_back({"解決しない", "feedback:no:e1"});
  r.choices.push_back({std::string(100, 'L'), "long-label"});
  r.choices.push_back({"長すぎる値", std::string(2001, 'v')});
  r.choices.push_back({"  ", "blank-label"});
  r.choices.push_back({"no payload", ""});
  auto out = RenderTurn(TurnOf(r));
  ASSERT_EQ(out.size(), 1u);
  const json& elements = (*FindBlock(out[0], "actions"))["elements"];
  ASSERT_EQ(elements.size(), 25u);
  std::vector<std::string> values;
  for (const json& e : elements) values.push_back(e["value"]);
  EXPECT_NE(std::find(values.begin(), values.end(), "feedback:yes:e1"), values.end())
      << "feedback buttons are kept when there are too many";
  EXPECT_NE(std::find(values.begin(), values.end(), "feedback:no:e1"), values.end());
  EXPECT_EQ(values[0], "entry:0") << "original order otherwise";
  EXPECT_EQ(values[22], "entry:22");

  dialogue::Reply few = Answer("x");
  few.choices = {{std::string(100, 'L'), "long-label"},
                 {"長すぎる値", std::string(2001, 'v')},
                 {"ok", std::string(2000, 'v')},
                 {"  ", "blank"},
                 {"no payload", ""}};
  const std::vector<SlackMessage> few_out = RenderTurn(TurnOf(few));
  ASSERT_EQ(few_out.size(), 1u);
  const json& els = (*FindBlock(few_out[0], "actions"))["elements"];
  ASSERT_EQ(els.size(), 2u) << "an over-long value is dropped, never cut; blank labels too";
  std::string label = els[0]["text"]["text"];
  EXPECT_EQ(Utf16Length(label), 75u);
  EXPECT_EQ(label, std::string(74, 'L') + "…");
  EXPECT_EQ(els[1]["value"].get<std::string>().size(), 2000u);
}

TEST(SlackRenderTest, LinksAsSlackLinks) {
  dialogue::Reply r = Answer("詳しくはこちら");
  r.links = {{"FAQ & よくある質問", "https://example.jp/faq?a=1&b=2"},
             {"", "https://example.jp/plain"},
             {"odd", "https://example.jp/a|b<c>d e"},
             {"script", "javascript:alert(1)"},
             {"mail", "mailto:help@example.jp"},
             {"empty", ""}};
  auto out = RenderTurn(TurnOf(r));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].blocks.size(), 2u);
  std::string links = out[0].blocks[1]["text"]["text"];
  EXPECT_EQ(links,
            "<https://example.jp/faq?a=1&amp;b=2|FAQ &amp; よくある質問>\n"
            "<https://example.jp/plain>\n"
            "<https://example.jp/a%7Cb%3Cc%3Ed%20e|odd>\n"
            "script javascript:alert(1)\n"
            "<mailto:help@example.jp|mail>");
  EXPECT_EQ(out[0].text, "詳しくはこちら\n" + links) << "the fallback carries the links too";
  EXPECT_EQ(FormatLink("HTTPS://EXAMPLE.JP", "x\ny"), "<HTTPS://EXAMPLE.JP|x y>");
  // A reply made only of links still says something.
  dialogue::Reply only;
  only.links = {{"規約", "https://example.jp/terms"}};
  EXPECT_EQ(RenderTurn(TurnOf(only)).size(), 1u);
}

TEST(SlackRenderTest, LongTextIsSplitIntoSections) {
  std::string para(2000, 'a');
  std::string text = para + "\n" + para + "\n" + para;  // 6,002 characters
  auto out = RenderTurn(TurnOf(Answer(text)));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].blocks.size(), 3u) << "cut at the line breaks";
  for (const json& b : out[0].blocks) {
    EXPECT_EQ(b["text"]["text"], para);
  }
  EXPECT_LE(Utf16Length(out[0].text), 4000u);
  EXPECT_EQ(out[0].text.substr(out[0].text.size() - 3), "…");
}

TEST(SlackRenderTest, SplitNeverCutsAnEscapeOrAGrapheme) {
  std::string amps(1000, '&');  // 5,000 characters escaped
  for (const std::string& piece : SplitEscaped(amps, 3000)) {
    EXPECT_LE(Utf16Length(piece), 3000u);
    EXPECT_EQ(piece.size() % 5, 0u);
    EXPECT_EQ(piece.substr(0, 5), "&amp;");
  }
  // 👨‍👩‍👧 is one grapheme of 8 UTF-16 units: never split.
  const std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  EXPECT_EQ(Utf16Length(family), 8u);
  std::string many;
  for (int i = 0; i < 10; ++i) many += family;
  std::vector<std::string> pieces = SplitEscaped(many, 20);
  ASSERT_EQ(pieces.size(), 5u);
  for (const std::string& p : pieces) EXPECT_EQ(p, family + family);
  // Sentence ends are the second choice.
  std::string jp = std::string(60, 'x') + "。" + std::string(60, 'y');
  pieces = SplitEscaped(jp, 100);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], std::string(60, 'x') + "。");
}

TEST(SlackRenderTest, TrimToChars) {
  EXPECT_EQ(TrimToChars("short", 75), "short");
  EXPECT_EQ(TrimToChars("abcdef", 4), "abc…");
  const std::string flag = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5";  // 🇯🇵: 4 UTF-16 units
  EXPECT_EQ(TrimToChars(flag + flag, 6), flag + "…");
  EXPECT_EQ(TrimToChars(flag + flag, 4), "…") << "no half flags";
  EXPECT_EQ(Utf16Length("ポイント"), 4u);
  EXPECT_EQ(Utf16Length("\xF0\x9F\x98\x80"), 2u);
}

TEST(SlackRenderTest, InvalidUtf8IsRepaired) {
  auto out = RenderTurn(TurnOf(Answer("bad \xff\xfe text")));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "bad \xEF\xBF\xBD\xEF\xBF\xBD text");
  EXPECT_NO_THROW((void)out[0].blocks.dump());
}

TEST(SlackRenderTest, TurnsAndEmptiness) {
  EXPECT_TRUE(RenderTurn(dialogue::Turn{}).empty());
  EXPECT_TRUE(RenderTurn(TurnOf(Answer("  \n"))).empty());
  EXPECT_TRUE(RenderText("").empty());
  dialogue::Turn two{{Answer("ようこそ"), Answer("答え")}};
  auto out = RenderTurn(two);
  ASSERT_EQ(out.size(), 2u) << "one Slack message per reply";
  EXPECT_EQ(out[0].text, "ようこそ");
  EXPECT_EQ(out[1].text, "答え");
  auto notice = RenderText("テキストで & どうぞ");
  ASSERT_EQ(notice.size(), 1u);
  EXPECT_EQ(notice[0].text, "テキストで &amp; どうぞ");
}

TEST(SlackRenderTest, BlockCountStaysWithinSlacksLimit) {
  SlackRenderOptions o;
  o.max_section_chars = 10;
  o.max_blocks = 5;
  dialogue::Reply r = Answer(std::string(200, 'z'));
  r.choices = {{"a", "a"}};
  auto out = RenderTurn(TurnOf(r), o);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].blocks.size(), 5u);
  EXPECT_EQ(out[0].blocks.back()["type"], "actions") << "the buttons survive the cut";
}

}  // namespace
}  // namespace madoguchi::slack
