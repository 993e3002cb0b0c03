// The staff page, served at GET /staff. It holds no script or style of its own: both come from
// the service (/staff/app.js, /staff/app.css), so its Content-Security-Policy can allow exactly
// those and nothing inline, and it works inside a closed network. The staff token is typed
// once and kept for the tab only (sessionStorage).
#include "staff/staff_api.h"

namespace madoguchi::staff {

const std::string& StaffPageHtml() {
  static const std::string kHtml = R"html(<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>madoguchi スタッフ窓口</title>
<link rel="stylesheet" href="/staff/app.css">
<script src="/staff/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">本文へ移動</a>
<header class="bar">
 <h1>madoguchi スタッフ窓口</h1>
 <form id="auth" class="row" autocomplete="off">
  <label for="token">スタッフトークン</label>
  <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-help">
  <button type="submit">保存</button>
  <span id="token-help" class="help">このタブを閉じると消えます。</span>
 </form>
 <div class="row">
  <label for="program">プログラム</label>
  <select id="program" name="program" disabled><option value="">トークンを入力してください</option></select>
 </div>
</header>
<nav>
 <div role="tablist" aria-label="画面" id="tabs">
  <button role="tab" id="tab-search" aria-controls="panel-search" aria-selected="true">検索</button>
  <button role="tab" id="tab-unanswered" aria-controls="panel-unanswered" aria-selected="false" tabindex="-1">未回答の質問</button>
  <button role="tab" id="tab-feedback" aria-controls="panel-feedback" aria-selected="false" tabindex="-1">フィードバック</button>
 </div>
</nav>
<p id="status" role="status" aria-live="polite"></p>
<p id="error" role="alert" class="error"></p>
<main id="main" tabindex="-1">
 <section role="tabpanel" id="panel-search" aria-labelledby="tab-search" tabindex="0">
  <form id="search" role="search" class="row">
   <label for="q">質問</label>
   <input id="q" name="q" type="search" required placeholder="例：ポイントの有効期限">
   <button type="submit">検索</button>
  </form>
  <div id="search-out"></div>
 </section>
 <section role="tabpanel" id="panel-unanswered" aria-labelledby="tab-unanswered" tabindex="0" hidden>
  <div class="row"><h2>答えられなかった質問</h2><button type="button" id="unanswered-reload">更新</button></div>
  <p class="help">似た質問はまとめて数えています。個人情報は伏せ字で保存されています。</p>
  <div id="unanswered-out"></div>
 </section>
 <section role="tabpanel" id="panel-feedback" aria-labelledby="tab-feedback" tabindex="0" hidden>
  <div class="row"><h2>フィードバックと結果</h2><button type="button" id="feedback-reload">更新</button></div>
  <div id="feedback-out"></div>
 </section>
</main>
<dialog id="review" aria-labelledby="review-title">
 <form id="review-form" method="dialog">
  <h2 id="review-title">ナレッジベースへの追加を確認</h2>
  <dl class="review">
   <dt>プログラム</dt><dd id="review-program"></dd>
   <dt>追加先の項目</dt><dd id="review-entry"></dd>
   <dt>ファイル</dt><dd>そのプログラムの faq.json（検証してから再読み込みします。誤りがあれば元に戻します）</dd>
  </dl>
  <label for="review-text">追加する言い方（別の言い方 alternates に1行追加）</label>
  <input id="review-text" name="text" required maxlength="200">
  <div class="row">
   <button type="submit" id="review-ok" value="ok">追加する</button>
   <button type="button" id="review-cancel">やめる</button>
  </div>
 </form>
</dialog>
<dialog id="draft" aria-labelledby="draft-title">
 <form id="draft-form" method="dialog">
  <h2 id="draft-title">新しい項目を作る</h2>
  <p class="help">プログラム <span id="draft-program"></span> の faq.json に項目を1件追加し、検証してから再読み込みします。誤りがあれば元に戻します。</p>
  <label for="draft-question">質問（1行）</label>
  <input id="draft-question" name="question" required maxlength="200">
  <label for="draft-answer">回答</label>
  <textarea id="draft-answer" name="answer" required rows="6" maxlength="4000" aria-describedby="draft-answer-help"></textarea>
  <p id="draft-answer-help" class="help">会員に表示される文章です。あとからファイルで言い換え（alternates）を増やせます。</p>
  <label for="draft-category">分類（任意）</label>
  <input id="draft-category" name="category" maxlength="40">
  <div class="row">
   <button type="submit" id="draft-ok" value="ok">作成する</button>
   <button type="button" id="draft-cancel">やめる</button>
  </div>
 </form>
</dialog>
</body>
</html>
)html";
  return kHtml;
}

}  // namespace madoguchi::staff
