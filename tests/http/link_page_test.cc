#include "http/link_page.h"

#include <gtest/gtest.h>

#include "http/html.h"

namespace madoguchi::http {
namespace {

bool Has(const std::string& page, const std::string& part) {
  return page.find(part) != std::string::npos;
}

TEST(HtmlEscape, EscapesWhatHtmlGivesMeaningTo) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" onclick='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("香川 ポイント"), "香川 ポイント");
  EXPECT_EQ(HtmlEscape("a\xff"), "a\xEF\xBF\xBD");
}

TEST(LinkPage, FormIsAccessibleJapaneseWithoutScript) {
  const std::string page = RenderLinkForm("香川支部", "tok-123", "");
  EXPECT_TRUE(Has(page, "<html lang=\"ja\">"));
  EXPECT_TRUE(Has(page, "<meta charset=\"utf-8\">"));
  for (const char* field : {"member_id", "birth_date", "auth_code"}) {
    EXPECT_TRUE(Has(page, std::string("<label for=\"") + field + "\">")) << field;
    EXPECT_TRUE(Has(page, std::string("id=\"") + field + "\" name=\"" + field + "\"")) << field;
    EXPECT_TRUE(Has(page, std::string("aria-describedby=\"") + field + "_hint\"")) << field;
  }
  EXPECT_TRUE(Has(page, "method=\"post\""));
  EXPECT_TRUE(Has(page, "name=\"token\" value=\"tok-123\""));
  EXPECT_TRUE(Has(page, "昭和55年4月1日"));  // the accepted forms are shown
  EXPECT_FALSE(Has(page, "<script"));
  EXPECT_FALSE(Has(page, "role=\"alert\""));  // no error yet
}

TEST(LinkPage, AMistakeKeepsTheMemberNumberAndNothingElse) {
  const std::string page =
      RenderLinkForm("香川支部", "tok-123", "入力内容を確認してください。", "K1001\"><b>");
  EXPECT_TRUE(Has(page, "name=\"member_id\" type=\"text\"")) << page;
  EXPECT_TRUE(Has(page, "value=\"K1001&quot;&gt;&lt;b&gt;\"")) << page;
  EXPECT_FALSE(Has(page, "K1001\"><b>"));
  // Only the number: the birth date and auth code fields come back empty.
  EXPECT_EQ(page.find("value=", page.find("id=\"birth_date\"")), std::string::npos);
  EXPECT_FALSE(Has(RenderLinkForm("香川支部", "tok-123", ""),
                   "id=\"member_id\" name=\"member_id\" "
                   "type=\"text\" required autocapitalize="
                   "\"characters\" spellcheck=\"false\" "
                   "aria-describedby=\"member_id_hint\" value"));
}

TEST(LinkPage, EscapesEverythingItEchoes) {
  const std::string page =
      RenderLinkForm("<b>prog</b>", "\"><script>alert(1)</script>", "<i>error</i> & more");
  EXPECT_FALSE(Has(page, "<script>"));
  EXPECT_FALSE(Has(page, "<b>prog"));
  EXPECT_FALSE(Has(page, "<i>error"));
  EXPECT_TRUE(Has(page, "&quot;&gt;&lt;script&gt;"));
  EXPECT_TRUE(Has(page, "role=\"alert\""));
  EXPECT_FALSE(Has(RenderLinkMessage("<script>x</script>"), "<script>"));
  EXPECT_FALSE(Has(RenderLinkDone("<script>x</script>"), "<script>"));
}

TEST(LinkPage, RedirectPageLinksToLineEscapedAndHasNoForm) {
  const std::string page =
      RenderLinkRedirect("https://access.line.me/dialog/bot/accountLink?linkToken=a&nonce=\"b");
  EXPECT_TRUE(Has(page, "<html lang=\"ja\">"));
  EXPECT_TRUE(Has(page, "LINEの画面で連携を完了してください"));
  EXPECT_TRUE(Has(page,
                  "href=\"https://access.line.me/dialog/bot/accountLink?linkToken=a&amp;"
                  "nonce=&quot;b\""));
  EXPECT_FALSE(Has(page, "<form"));
  EXPECT_FALSE(Has(page, "<script"));
}

TEST(LinkPage, DoneAndMessagePagesHaveNoForm) {
  EXPECT_FALSE(Has(RenderLinkDone("香川支部"), "<form"));
  EXPECT_TRUE(Has(RenderLinkDone("香川支部"), "連携が完了しました"));
  EXPECT_TRUE(Has(RenderLinkDone(""), "連携が完了しました"));
  EXPECT_FALSE(Has(RenderLinkMessage("x"), "<form"));
}

}  // namespace
}  // namespace madoguchi::http
