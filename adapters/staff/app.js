// The staff console (served as /staff/app.js). Everything is built with DOM calls, never from
// HTML strings, so what members typed cannot become markup; charts are inline SVG drawn here.
'use strict';

const TOKEN_KEY = 'madoguchi-staff-token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

// h('p', {class: 'x'}, 'text', child…): an element with attributes and children.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Like Element.append, but skipping absent parts (which append would write as "null").
function appendAll(el, ...children) {
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c);
  }
  return el;
}

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Cuts by characters (not UTF-16 units), so a kanji or emoji is never split.
function shorten(text, max) {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('') + '…';
}

function formatTime(unixSeconds) {
  // The programs are Japanese: dates in Asia/Tokyo whatever the staff machine's zone.
  return new Date(unixSeconds * 1000).toLocaleString('ja-JP', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit',
  });
}

function percent(share) { return Math.round(share * 100) + '%'; }

function say(message) { $('status').textContent = message; $('error').textContent = ''; }
function fail(err) { $('status').textContent = ''; $('error').textContent = err.message || String(err); }

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
function program() { return $('program').value; }

async function api(path, options) {
  const t = token();
  if (!t) throw new Error('スタッフトークンを入力してください。');
  const init = Object.assign({}, options || {});
  init.headers = Object.assign({Authorization: 'Bearer ' + t}, init.headers || {});
  const r = await fetch(path, init);
  const j = await r.json().catch(() => ({message: '応答を読めませんでした（' + r.status + '）。'}));
  if (!r.ok) {
    if (r.status === 401) throw new Error('スタッフトークンが正しくありません。');
    throw new Error(j.message || ('エラー ' + r.status));
  }
  return j;
}

function programQuery(extra) {
  const p = new URLSearchParams(Object.assign({program: program()}, extra || {}));
  return p.toString();
}

// --- programs ---------------------------------------------------------------------------------

async function loadPrograms() {
  const select = $('program');
  const j = await api('/api/v1/staff/programs');
  const previous = sessionStorage.getItem('madoguchi-staff-program') || select.value;
  select.replaceChildren(...j.programs.map((p) =>
    h('option', {value: p.id}, p.name + '（' + p.id + '）')));
  if (j.programs.some((p) => p.id === previous)) select.value = previous;
  select.disabled = j.programs.length === 0;
  say(j.programs.length + 'つのプログラムを読み込みました。');
}

// --- tabs (WAI-ARIA tabs pattern: arrows move, Home/End jump) ---------------------------------

const loaders = {};

function selectTab(tab, focus) {
  for (const t of document.querySelectorAll('[role=tab]')) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  const load = loaders[tab.id];
  if (load && program()) load();
}

function setUpTabs() {
  const tabs = Array.from(document.querySelectorAll('[role=tab]'));
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => selectTab(tab, false));
    tab.addEventListener('keydown', (e) => {
      let next = null;
      if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
      else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (e.key === 'Home') next = tabs[0];
      else if (e.key === 'End') next = tabs[tabs.length - 1];
      if (next) { e.preventDefault(); selectTab(next, true); }
    });
  });
}

function currentTab() { return document.querySelector('[role=tab][aria-selected=true]'); }

// --- search -----------------------------------------------------------------------------------

const HOW = {
  word: '同じ語', form: '同じ語（書き方・活用ちがい）', synonym: '同義語', reading: '読みが同じ',
  pair: '語の組み合わせ',
};

function explanation(r) {
  const e = r.explanation || {words: [], partial_share: 0};
  const items = e.words.map((w) => {
    const what = w.how === 'pair' ? '「' + w.entry + '」'
      : w.query === w.entry ? '「' + w.query + '」'
        : '「' + w.query + '」→「' + w.entry + '」';
    return h('li', {}, what + '：' + (HOW[w.how] || w.how) + '（' + percent(w.share) + '）');
  });
  if (e.partial_share >= 0.005) {
    items.push(h('li', {}, '文字の一部が一致（言い方や表記の近さ、' + percent(e.partial_share) + '）'));
  }
  if (items.length === 0) items.push(h('li', {}, '一致した語はありません'));
  return h('ul', {class: 'why'}, items);
}

function resultCard(r, rank) {
  const headingId = 'result-' + rank;
  return h('article', {class: 'card', 'aria-labelledby': headingId},
    h('h3', {id: headingId}, rank + '. ' + r.question),
    h('div', {class: 'meta'},
      h('span', {}, '項目 ' + r.id),
      r.category ? h('span', {}, '分類 ' + r.category) : null,
      h('span', {}, '一致度 ' + percent(r.score)),
      h('span', {}, '質問の語のうち項目が知っている割合 ' + percent(r.coverage))),
    h('p', {}, '一番近い言い方：「' + r.matched + '」'),
    h('h4', {}, 'なぜ一致したか'),
    explanation(r),
    h('h4', {}, '回答'),
    h('div', {class: 'answer'}, r.answer));
}

async function runSearch(e) {
  if (e) e.preventDefault();
  const q = $('q').value.trim();
  if (!q) { $('q').focus(); return; }
  const out = $('search-out');
  try {
    const j = await api('/api/v1/search?' + programQuery({q, limit: 5}));
    out.replaceChildren(...(j.results.length
      ? [h('h2', {}, '「' + shorten(q, 40) + '」の検索結果 ' + j.results.length + '件'),
        ...j.results.map((r, i) => resultCard(r, i + 1))]
      : [h('p', {}, '該当する項目はありません。')]));
    say(j.results.length + '件見つかりました。');
  } catch (err) { fail(err); }
}

// --- unanswered -------------------------------------------------------------------------------

function openReview(group, entry, card) {
  const dialog = $('review');
  $('review-program').textContent = $('program').selectedOptions[0].textContent;
  $('review-entry').textContent = entry.id + '：' + entry.question;
  $('review-text').value = group.text;
  dialog.dataset.entry = entry.id;
  dialog.returnFocusTo = card;
  dialog.showModal();
  $('review-text').focus();
}

async function confirmReview(e) {
  e.preventDefault();
  const dialog = $('review');
  const text = $('review-text').value.trim();
  if (!text) { $('review-text').focus(); return; }
  const entry = dialog.dataset.entry;
  $('review-ok').disabled = true;
  try {
    const j = await api('/api/v1/staff/alternates', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({program: program(), entry_id: entry, text}),
    });
    dialog.close();
    say('「' + shorten(j.text, 40) + '」を項目 ' + j.entry_id + '（' + j.question +
        '）の言い方として追加し、ナレッジベースを再読み込みしました。');
    await loadUnanswered(true);
  } catch (err) {
    dialog.close();
    fail(err);
  } finally {
    $('review-ok').disabled = false;
    if (dialog.returnFocusTo && dialog.returnFocusTo.isConnected) dialog.returnFocusTo.focus();
    else $('unanswered-out').focus();
  }
}

function openDraft(group, card) {
  const dialog = $('draft');
  $('draft-program').textContent = $('program').selectedOptions[0].textContent;
  $('draft-question').value = group.text;
  $('draft-answer').value = '';
  $('draft-category').value = '';
  dialog.returnFocusTo = card;
  dialog.showModal();
  $('draft-answer').focus();
}

async function confirmDraft(e) {
  e.preventDefault();
  const dialog = $('draft');
  const question = $('draft-question').value.trim();
  const answer = $('draft-answer').value.trim();
  if (!question) { $('draft-question').focus(); return; }
  if (!answer) { $('draft-answer').focus(); return; }
  $('draft-ok').disabled = true;
  try {
    const j = await api('/api/v1/staff/entries', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({program: program(), question, answer,
        category: $('draft-category').value.trim()}),
    });
    dialog.close();
    say('項目 ' + j.entry_id + '（' + j.question + '）を作成し、ナレッジベースを再読み込みしました。');
    await loadUnanswered(true);
  } catch (err) {
    dialog.close();
    fail(err);
  } finally {
    $('draft-ok').disabled = false;
    if (dialog.returnFocusTo && dialog.returnFocusTo.isConnected) dialog.returnFocusTo.focus();
    else $('unanswered-out').focus();
  }
}

function nearestItem(g, n, card) {
  const action = n.own
    ? h('button', {
      type: 'button', 'data-entry': n.id,
      'aria-label': '「' + shorten(g.text, 30) + '」を項目 ' + n.id + ' の言い方として追加',
      onclick: () => openReview(g, n, card),
    }, 'この項目の言い方として追加')
    : h('span', {class: 'help'}, '共通の項目');
  return h('li', {},
    h('span', {}, n.id + '：' + n.question + '（一致度 ' + percent(n.score) + '）'), action);
}

function groupCard(g, i) {
  const headingId = 'group-' + i;
  const card = h('article', {class: 'card', 'aria-labelledby': headingId, tabindex: '-1'});
  const full = g.texts.length > 1 || Array.from(g.text).length > 60;
  appendAll(card,
    h('h3', {id: headingId},
      h('span', {class: 'badge'}, g.count + '回'), ' ',
      h('span', {title: g.text}, '「' + shorten(g.text, 60) + '」')),
    g.answered_by ? h('p', {class: 'solved'}, '今は項目 ' + g.answered_by + ' で回答できます。') : null,
    h('div', {class: 'meta'},
      h('span', {}, '最初 ' + formatTime(g.first_at)),
      h('span', {}, '最後 ' + formatTime(g.last_at)),
      h('span', {}, '経路 ' + g.channels.join('・'))),
    full ? h('details', {},
      h('summary', {}, g.texts.length > 1 ? '全文と似た質問（' + g.texts.length + '種類）' : '全文'),
      h('ul', {}, g.texts.map((t) => h('li', {}, t)))) : null,
    h('h4', {}, '近い項目'),
    g.nearest.length === 0
      ? h('p', {class: 'help'}, '近い項目はありません。')
      : h('ul', {class: 'nearest'}, g.nearest.map((n) => nearestItem(g, n, card))),
    g.answered_by ? null : h('div', {class: 'row'},
      h('button', {type: 'button', class: 'draft',
        'aria-label': '「' + shorten(g.text, 30) + '」から新しい項目を作る',
        onclick: () => openDraft(g, card)}, '新しい項目を作る')));
  return card;
}

// `quiet`: after an edit, whose own message the status line keeps.
async function loadUnanswered(quiet) {
  const out = $('unanswered-out');
  try {
    const j = await api('/api/v1/staff/unanswered?' + programQuery({limit: 500}));
    out.replaceChildren(...(j.groups.length
      ? [h('p', {}, j.unanswered.length + '件の質問を' + j.groups.length + 'つにまとめました。'),
        // Questions something answers now go last: the open ones are the work.
        ...j.groups.slice().sort((a, b) => Number(Boolean(a.answered_by)) -
          Number(Boolean(b.answered_by))).map(groupCard)]
      : [h('p', {}, '答えられなかった質問はありません。')]));
    if (quiet !== true && currentTab().id === 'tab-unanswered') {
      say('未回答の質問 ' + j.groups.length + 'グループ');
    }
  } catch (err) { fail(err); }
}

// --- feedback and outcomes (inline SVG) -------------------------------------------------------

// A bar chart: one group per label, one bar per series, a y axis with a few ticks.
// series: [{name, cls, color, values: [...], counts?: [...]}]. `title` names it for screen
// readers. opts: stacked; max and step fix the axis (rates: 0–100); unit follows tick labels;
// format(v) writes a value in a bar's tooltip. A series' counts, when given, go on its bars as
// data-count (what a rate was computed from).
function barChart(title, labels, series, opts) {
  const o = Object.assign({width: 640, height: 240, stacked: false, unit: '',
    format: (v) => v}, opts || {});
  const pad = {l: 36, r: 8, t: 10, b: 42};
  const W = o.width;
  const H = o.height;
  const totals = labels.map((_, i) => o.stacked
    ? series.reduce((a, sr) => a + sr.values[i], 0)
    : Math.max(...series.map((sr) => sr.values[i])));
  const max = o.max || Math.max(1, ...totals);
  const step = o.step || Math.max(1, Math.ceil(max / 4));
  const top = o.max || step * Math.ceil(max / step);
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / top);
  const band = (W - pad.l - pad.r) / Math.max(1, labels.length);
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-label': title, focusable: 'false'});
  svg.append(s('title', {}, title));
  for (let v = 0; v <= top; v += step) {
    svg.append(s('line', {x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), stroke: '#ccc'}),
      s('text', {x: pad.l - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11}, v + o.unit));
  }
  labels.forEach((label, i) => {
    const x0 = pad.l + band * i;
    const inner = band * 0.8;
    let acc = 0;
    series.forEach((sr, k) => {
      const v = sr.values[i];
      if (v <= 0) return;
      const w = o.stacked ? inner : inner / series.length;
      const x = o.stacked ? x0 + band * 0.1 : x0 + band * 0.1 + w * k;
      const yTop = o.stacked ? y(acc + v) : y(v);
      const yBottom = o.stacked ? y(acc) : y(0);
      const attrs = {x, y: yTop, width: Math.max(1, w - 1), height: Math.max(0, yBottom - yTop),
        fill: sr.color, 'data-series': sr.name, 'data-value': v};
      if (sr.counts) attrs['data-count'] = sr.counts[i];
      svg.append(s('rect', attrs, s('title', {}, label + ' ' + sr.name + ' ' + o.format(v, sr, i))));
      if (o.stacked) acc += v;
    });
    // Every label when few, else every n-th, so dates do not overlap on a phone.
    const every = Math.ceil(labels.length / 8);
    if (i % every === 0) {
      svg.append(s('text', {x: x0 + band / 2, y: H - pad.b + 14, 'text-anchor': 'middle',
        'font-size': 11}, o.short ? o.short(label) : label));
    }
  });
  return svg;
}

function legend(series) {
  return h('div', {class: 'legend', 'aria-hidden': 'true'},
    series.map((sr) => h('span', {}, h('span', {class: 'swatch ' + sr.cls}), sr.name)));
}

function dataTable(caption, head, rows) {
  return h('details', {},
    h('summary', {}, caption + '（表で見る）'),
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

const COLORS = {yes: '#1d6b2f', no: '#a40000', fallback: '#8a5a00', answer: '#1d6b2f',
  clarify: '#0b5cad'};

// What every reply came to, per day, as shares of the day's replies (stacked to 100%): whether
// members are answered more often as the knowledge base grows. Counts are in the table.
function outcomesFigure(outcomes) {
  const days = outcomes.map((d) => d.day);
  const kinds = [
    {key: 'answer', name: '回答', cls: 's-answer'},
    {key: 'clarify', name: '聞き返し', cls: 's-clarify'},
    {key: 'fallback', name: '答えられなかった', cls: 's-fallback'},
  ];
  const series = kinds.map((k) => ({name: k.name, cls: k.cls, color: COLORS[k.key],
    values: outcomes.map((d) => d[k.key + '_rate'] * 100), counts: outcomes.map((d) => d[k.key])}));
  return h('figure', {id: 'chart-outcomes'},
    barChart('日ごとの回答・聞き返し・答えられなかった返信の割合', days, series,
      {stacked: true, max: 100, step: 25, unit: '%', short: (d) => d.slice(5),
        format: (v, sr, i) => percent(v / 100) + '（' + sr.counts[i] + '件）'}),
    legend(series),
    dataTable('日ごとの返信の結果', ['日付', '返信', ...kinds.flatMap((k) => [k.name, k.name + '率'])],
      outcomes.map((d) => [d.day, d.total,
        ...kinds.flatMap((k) => [d[k.key], percent(d[k.key + '_rate'])])])));
}

async function loadFeedback() {
  const out = $('feedback-out');
  try {
    const j = await api('/api/v1/staff/feedback?' + programQuery({limit: 1000}));
    const parts = [];
    // Per day: feedback and unanswered (fallback) questions over the same days.
    const days = Array.from(new Set([...j.by_day.map((d) => d.day),
      ...j.unanswered_by_day.map((d) => d.day)])).sort();
    const fb = Object.fromEntries(j.by_day.map((d) => [d.day, d]));
    const un = Object.fromEntries(j.unanswered_by_day.map((d) => [d.day, d.count]));
    const daily = [
      {name: '解決した', cls: 's-yes', color: COLORS.yes, values: days.map((d) => (fb[d] || {}).yes || 0)},
      {name: '解決しない', cls: 's-no', color: COLORS.no, values: days.map((d) => (fb[d] || {}).no || 0)},
      {name: '答えられなかった質問', cls: 's-fallback', color: COLORS.fallback,
        values: days.map((d) => un[d] || 0)},
    ];
    parts.push(h('h3', {}, '日ごとの推移'));
    if (days.length) {
      const rate = days.map((d, i) => {
        const total = daily[0].values[i] + daily[1].values[i];
        return total ? percent(daily[0].values[i] / total) : '—';
      });
      parts.push(h('figure', {id: 'chart-daily'},
        barChart('日ごとの解決した・解決しない・答えられなかった質問の件数', days, daily,
          {short: (d) => d.slice(5)}),
        legend(daily),
        dataTable('日ごとの件数', ['日付', '解決した', '解決しない', '解決率', '答えられなかった質問'],
          days.map((d, i) => [d, daily[0].values[i], daily[1].values[i], rate[i], daily[2].values[i]]))));
    } else {
      parts.push(h('p', {}, 'まだデータがありません。'));
    }
    parts.push(h('h3', {}, '日ごとの返信の結果（割合）'));
    const outcomes = j.outcomes_by_day || [];
    parts.push(outcomes.length ? outcomesFigure(outcomes) : h('p', {}, 'まだ返信はありません。'));
    // Per entry: resolved vs not, worst first (most 解決しない).
    const entries = Object.entries(j.by_entry)
      .sort((a, b) => (b[1].no - a[1].no) || ((b[1].yes + b[1].no) - (a[1].yes + a[1].no)))
      .slice(0, 12);
    parts.push(h('h3', {}, '項目ごとのフィードバック'));
    if (entries.length) {
      const perEntry = [
        {name: '解決した', cls: 's-yes', color: COLORS.yes, values: entries.map(([, c]) => c.yes)},
        {name: '解決しない', cls: 's-no', color: COLORS.no, values: entries.map(([, c]) => c.no)},
      ];
      parts.push(h('figure', {id: 'chart-entries'},
        barChart('項目ごとの解決した・解決しないの件数', entries.map(([id]) => id), perEntry,
          {short: (id) => id.replace(/^[a-z]+-/, '#')}),
        legend(perEntry),
        dataTable('項目ごとの件数', ['項目', '質問', '解決した', '解決しない'],
          entries.map(([id, c]) => [id, c.question || '', c.yes, c.no]))));
    } else {
      parts.push(h('p', {}, 'まだフィードバックはありません。'));
    }
    out.replaceChildren(...parts);
    if (currentTab().id === 'tab-feedback') say('フィードバック ' + j.feedback.length + '件');
  } catch (err) { fail(err); }
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  loaders['tab-unanswered'] = loadUnanswered;
  loaders['tab-feedback'] = loadFeedback;
  setUpTabs();
  $('token').value = token();
  $('auth').addEventListener('submit', async (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    try { await loadPrograms(); } catch (err) { fail(err); }
  });
  $('program').addEventListener('change', () => {
    sessionStorage.setItem('madoguchi-staff-program', program());
    selectTab(currentTab(), false);
    if (currentTab().id === 'tab-search' && $('q').value.trim()) runSearch();
  });
  $('search').addEventListener('submit', runSearch);
  $('unanswered-reload').addEventListener('click', loadUnanswered);
  $('feedback-reload').addEventListener('click', loadFeedback);
  $('review-form').addEventListener('submit', confirmReview);
  $('review-cancel').addEventListener('click', () => $('review').close());
  $('draft-form').addEventListener('submit', confirmDraft);
  $('draft-cancel').addEventListener('click', () => $('draft').close());
  if (token()) {
    try { await loadPrograms(); } catch (err) { fail(err); }
  } else {
    $('token').focus();
  }
}

document.addEventListener('DOMContentLoaded', start);
