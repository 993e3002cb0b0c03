// The staff page, served at GET /staff. Self-contained (no external scripts or fonts), so it
// works inside a closed network; the staff token is typed once and kept for the tab only.
#include "staff/staff_api.h"

namespace madoguchi::staff {

const std::string& StaffPageHtml() {
  static const std::string kHtml = R"html(<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>madoguchi スタッフ検索</title>
<style>
 body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.6}
 label{display:block;margin-top:.6rem;font-weight:bold}
 input,select,button{font-size:1rem;padding:.3rem}
 .result{border:1px solid #999;border-radius:.4rem;padding:.6rem;margin:.6rem 0}
 .why{color:#333;font-size:.9rem}
 .answer{white-space:pre-wrap}
 .error{color:#a00}
 table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}
</style>
</head>
<body>
<h1>スタッフ検索</h1>
<form id="auth">
 <label for="token">スタッフトークン</label>
 <input id="token" type="password" autocomplete="off" required>
</form>
<form id="search" role="search">
 <label for="program">プログラム</label>
 <select id="program"><option value="kagawa">kagawa</option><option value="ibaraki">ibaraki</option><option value="itkenpo">itkenpo</option></select>
 <label for="q">質問</label>
 <input id="q" type="search" size="40" required>
 <button type="submit">検索</button>
 <button type="button" id="show-unanswered">未回答の質問</button>
 <button type="button" id="show-feedback">フィードバック</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<div id="out"></div>
<script>
const $ = id => document.getElementById(id);
$('token').value = sessionStorage.getItem('madoguchi-staff-token') || '';
function esc(s){return String(s).replace(/[&<>"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));}
async function get(path){
  const t = $('token').value; sessionStorage.setItem('madoguchi-staff-token', t);
  const r = await fetch(path,{headers:{Authorization:'Bearer '+t}});
  const j = await r.json().catch(()=>({message:'応答を読めませんでした'}));
  if(!r.ok) throw new Error(j.message || r.status);
  return j;
}
function show(html,msg){$('out').innerHTML=html;$('status').textContent=msg;}
$('search').addEventListener('submit', async e => {
  e.preventDefault();
  try{
    const j = await get('/api/v1/search?program='+encodeURIComponent($('program').value)+'&q='+encodeURIComponent($('q').value)+'&limit=5');
    show(j.results.map(r=>`<section class="result"><h2>${esc(r.id)} ${esc(r.question)}</h2>
      <p>スコア ${r.score}（網羅率 ${r.coverage}）— 一致した言い方：「${esc(r.matched)}」</p>
      <p class="why">一致した語：${r.why.map(w=>esc(w.query)+'（'+esc(w.kind)+'）').join('、')||'なし'}</p>
      <div class="answer">${esc(r.answer)}</div></section>`).join('') || '<p>該当なし</p>', j.results.length+'件');
  }catch(err){show('<p class="error">'+esc(err.message)+'</p>','エラー');}
});
$('show-unanswered').addEventListener('click', async () => {
  try{
    const j = await get('/api/v1/staff/unanswered?program='+encodeURIComponent($('program').value)+'&limit=100');
    show('<table><caption>未回答の質問（個人情報は伏せ字）</caption><tr><th>質問</th><th>経路</th><th>近い項目</th></tr>'+
      j.unanswered.map(u=>`<tr><td>${esc(u.text)}</td><td>${esc(u.channel)}</td><td>${esc(u.nearest)}</td></tr>`).join('')+'</table>', j.unanswered.length+'件');
  }catch(err){show('<p class="error">'+esc(err.message)+'</p>','エラー');}
});
$('show-feedback').addEventListener('click', async () => {
  try{
    const j = await get('/api/v1/staff/feedback?program='+encodeURIComponent($('program').value)+'&limit=500');
    const rows = Object.entries(j.by_entry).map(([id,c])=>`<tr><td>${esc(id)}</td><td>${c.yes}</td><td>${c.no}</td></tr>`).join('');
    show('<table><caption>項目ごとのフィードバック</caption><tr><th>項目</th><th>解決した</th><th>解決しない</th></tr>'+rows+'</table>', j.feedback.length+'件');
  }catch(err){show('<p class="error">'+esc(err.message)+'</p>','エラー');}
});
</script>
</body>
</html>
)html";
  return kHtml;
}

}  // namespace madoguchi::staff
