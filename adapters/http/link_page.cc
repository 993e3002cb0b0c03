#include "http/link_page.h"

#include "http/html.h"

namespace madoguchi::http {

namespace {

// Styles inline (allowed by the page's Content-Security-Policy) so the page is one request.
constexpr char kHead[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta name=\"referrer\" content=\"no-referrer\">\n"
    "<meta name=\"robots\" content=\"noindex\">\n"
    "<title>アカウント連携</title>\n"
    "<style>\n"
    "body{font-family:sans-serif;max-width:34rem;margin:1rem auto;padding:0 1rem;"
    "line-height:1.7;color:#1a1a1a}\n"
    "label{display:block;font-weight:bold;margin-top:1.2rem}\n"
    ".hint{margin:0;color:#444;font-size:.95rem}\n"
    "input{font-size:1.1rem;width:100%;padding:.5rem;box-sizing:border-box;"
    "border:1px solid #555}\n"
    "input:focus,button:focus{outline:3px solid #1a5fb4}\n"
    ".notice{border:2px solid #b00020;padding:.6rem .9rem;color:#8a0018}\n"
    ".done{border:2px solid #26734d;padding:.6rem .9rem}\n"
    "button{margin-top:1.6rem;font-size:1.1rem;padding:.6rem 1.6rem}\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<main>\n"
    "<h1>アカウント連携</h1>\n";

constexpr char kFoot[] = "</main>\n</body>\n</html>\n";

std::string ProgramLine(const std::string& program_name, const char* after) {
  if (program_name.empty()) return "";
  return "<p>" + HtmlEscape(program_name) + after + "</p>\n";
}

}  // namespace

std::string RenderLinkForm(const std::string& program_name, const std::string& token,
                           const std::string& error, const std::string& member_id) {
  std::string h = kHead;
  h += ProgramLine(program_name,
                   "のチャットと、あなたの会員情報を連携します。連携すると、チャットでポイント"
                   "残高などを確認できます。");
  if (!error.empty()) {
    h += "<div class=\"notice\" role=\"alert\"><p>" + HtmlEscape(error) + "</p></div>\n";
  }
  h += "<form method=\"post\" action=\"link\" autocomplete=\"off\">\n"
       "<input type=\"hidden\" name=\"token\" value=\"" +
       HtmlEscape(token) +
       "\">\n"
       "<label for=\"member_id\">会員番号</label>\n"
       "<p class=\"hint\" id=\"member_id_hint\">組合員証などに記載の番号です。</p>\n"
       "<input id=\"member_id\" name=\"member_id\" type=\"text\" required "
       "autocapitalize=\"characters\" spellcheck=\"false\" aria-describedby=\"member_id_hint\"" +
       (member_id.empty() ? std::string() : " value=\"" + HtmlEscape(member_id) + "\"") +
       ">\n"
       "<label for=\"birth_date\">生年月日</label>\n"
       "<p class=\"hint\" id=\"birth_date_hint\">例：1980-04-01、1980/4/1、昭和55年4月1日、"
       "S55.4.1</p>\n"
       "<input id=\"birth_date\" name=\"birth_date\" type=\"text\" required "
       "aria-describedby=\"birth_date_hint\">\n"
       "<label for=\"auth_code\">認証コード</label>\n"
       "<p class=\"hint\" id=\"auth_code_hint\">はがきに記載のコードです。お手元にないときは、"
       "チャットで「認証コードを再発行したい」と送ってください。</p>\n"
       "<input id=\"auth_code\" name=\"auth_code\" type=\"text\" required "
       "autocapitalize=\"none\" spellcheck=\"false\" aria-describedby=\"auth_code_hint\">\n"
       "<button type=\"submit\">連携する</button>\n"
       "</form>\n"
       "<p>入力された内容は本人確認だけに使い、このページには表示しません。"
       "このページのリンクは10分間、一度だけ使えます。</p>\n";
  h += kFoot;
  return h;
}

std::string RenderLinkDone(const std::string& program_name) {
  std::string h = kHead;
  h += "<div class=\"done\" role=\"status\"><p>アカウントの連携が完了しました。</p></div>\n";
  h += ProgramLine(program_name,
                   "のチャットに戻って、「ポイント残高を教えて」などとお尋ね"
                   "ください。");
  if (program_name.empty()) {
    h += "<p>チャットに戻って、「ポイント残高を教えて」などとお尋ねください。</p>\n";
  }
  h += "<p>連携をやめるときは、チャットで「連携解除」と送ってください。"
       "このページは閉じてかまいません。</p>\n";
  h += kFoot;
  return h;
}

std::string RenderLinkMessage(const std::string& message) {
  std::string h = kHead;
  h += "<div class=\"notice\" role=\"alert\"><p>" + HtmlEscape(message) + "</p></div>\n";
  h += kFoot;
  return h;
}

std::string RenderLinkRedirect(const std::string& url) {
  std::string h = kHead;
  h += "<div class=\"done\" role=\"status\"><p>確認できました。LINEの画面で連携を完了して"
       "ください。</p></div>\n";
  h += "<p>自動で移動しない場合は、<a href=\"" + HtmlEscape(url) +
       "\">こちらからLINEの連携画面を開いてください</a>。</p>\n";
  h += kFoot;
  return h;
}

}  // namespace madoguchi::http
