// The staff console (GET /staff) in headless Chromium against a real `madoguchi serve`: the page
// under its Content-Security-Policy, search, grouped unanswered questions, add-as-alternate
// (then the question is answered), the charts, keyboard use and the layout at 390 px.
//
// usage: node staff_console_test.mjs --binary BUILD/madoguchi --kb SOURCE/faq --out DIR
// The staff token comes from $MADOGUCHI_STAFF_TOKEN (CTest sets it), which the service reads
// too. Chromium is $CHROMIUM or /usr/bin/chromium. A missing browser or puppeteer-core is a
// failure, never a skip: scripts/install-deps.sh installs both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

import {arg, check, die, fail, finish, newRecordingPage, startService} from './harness.mjs';

const binary = arg('binary');
const kbSource = arg('kb');
const outDir = arg('out');
const staffToken = process.env.MADOGUCHI_STAFF_TOKEN || '';
if (staffToken.length < 16) die('MADOGUCHI_STAFF_TOKEN (16+ characters) must be set');

// --- the service: a copy of the knowledge base (the test edits it) and a fresh data dir -------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'madoguchi-browser-'));
const kbDir = path.join(tmp, 'kb');
fs.cpSync(kbSource, kbDir, {recursive: true});
fs.mkdirSync(outDir, {recursive: true});

const env = Object.assign({}, process.env);
delete env.MADOGUCHI_API_TOKEN;  // loopback: the member API is open, as on a developer machine
const service = await startService(binary, ['--data-dir', path.join(tmp, 'data'), '--kb', kbDir,
  '--today', '2026-04-15'], env);
const base = service.base;

async function post(pathname, body, token) {
  const headers = {'Content-Type': 'application/json'};
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(base + pathname, {method: 'POST', headers, body: JSON.stringify(body)});
  return {status: r.status, json: await r.json()};
}

const ask = async (text) => (await post('/api/v1/ask', {program: 'kagawa', text})).json;

// What the service replied to every member message sent here, by outcome: the outcome chart
// must show exactly these.
const sentOutcomes = {answer: 0, clarify: 0, fallback: 0};
async function message(body) {
  const r = await post('/api/v1/messages', body);
  for (const m of r.json.messages || []) sentOutcomes[m.outcome]++;
  return r;
}

try {
  // --- what members asked: questions nobody could answer, and feedback -----------------------
  const LONG = 'ポイントとは関係ないのですが、職場の駐車場が狭くて毎朝停める場所を探すのに苦労して' +
    'いて、組合の方で何か補助や相談窓口のようなものはないでしょうか、よろしくお願いします';
  const FAMILY = 'ポイントを家族に譲れますか';
  const unanswered = ['駐車場はありますか', '駐車場ある？', FAMILY, '社員旅行の補助はありますか', LONG];
  for (const [i, text] of unanswered.entries()) {
    await message({channel_user: 'browser-' + i, program: 'kagawa', text});
  }
  // A vague word is asked back (clarify), then answered.
  await message({channel_user: 'browser-vague', program: 'kagawa', text: 'ポイント'});
  await message({channel_user: 'browser-vague', program: 'kagawa', text: 'ポイントの有効期限は？'});
  const feedback = ['yes:kagawa-18', 'yes:kagawa-18', 'no:kagawa-02', 'yes:kagawa-04', 'no:kagawa-18'];
  for (const [i, f] of feedback.entries()) {
    await message({channel_user: 'browser-fb-' + i, program: 'kagawa', postback: 'feedback:' + f});
  }
  const before = await ask(FAMILY);
  check(before.outcome !== 'answer', 'the family question is not answered before the edit', before.outcome);

  // --- the staff API's contract the page relies on ---------------------------------------------
  const missing = await fetch(base + '/api/v1/staff/unanswered',
    {headers: {Authorization: 'Bearer ' + staffToken}});
  check(missing.status === 400, 'a staff call without program is 400', missing.status);

  // --- the page ------------------------------------------------------------------------------
  const browser = await service.browser();
  const page = await newRecordingPage(browser);
  await page.setViewport({width: 1280, height: 900});
  const response = await page.goto(base + '/staff', {waitUntil: 'networkidle0'});
  const csp = response.headers()['content-security-policy'] || '';
  check(/script-src 'self'/.test(csp) && /connect-src 'self'/.test(csp) &&
        /style-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp) &&
        !/unsafe-inline/.test(csp), 'the page has the console CSP', csp);
  check(await page.evaluate(() => document.querySelectorAll('script:not([src]), style').length === 0),
    'no inline script or style');

  // Every form control is labelled.
  const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.id));
  check(unlabelled.length === 0, 'every input and select has a label', unlabelled);

  // The token, kept for the tab; then the programs of the loaded knowledge base.
  await page.type('#token', staffToken);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#program option[value=kagawa]');
  const programs = await page.$$eval('#program option', (os) => os.map((o) => [o.value, o.textContent]));
  check(programs.length === 3 && programs.some(([v, t]) => v === 'kagawa' && t.includes('香川支部')),
    'programs are listed with their names', programs);
  check(await page.evaluate(() => sessionStorage.getItem('madoguchi-staff-token')) === staffToken,
    'the token is kept in sessionStorage');
  await page.select('#program', 'kagawa');

  // Search: answers, and why they matched in words.
  await page.type('#q', 'ポイントの有効期限');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#search-out article');
  const results = await page.$$eval('#search-out article', (as) => as.map((a) => ({
    text: a.textContent,
    why: Array.from(a.querySelectorAll('.why li')).map((li) => li.textContent),
    answer: (a.querySelector('.answer') || {}).textContent || '',
  })));
  check(results.length > 0 && results.some((r) => r.text.includes('kagawa-18')),
    'search shows the expiry entry', results.map((r) => r.text.slice(0, 60)));
  check(results.every((r) => r.answer.length > 0), 'each result shows its answer');
  const why = results.flatMap((r) => r.why);
  check(why.length > 0 && why.some((w) => w.includes('有効期限')) &&
        why.every((w) => !/gram|g:|w:|r:|p:/.test(w)),
  'the explanation speaks in words, not index keys', why.slice(0, 6));
  await page.screenshot({path: path.join(outDir, 'staff-1280-search.png'), fullPage: true});

  // Keyboard: arrows move between tabs.
  await page.focus('#tab-search');
  await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => [document.activeElement.id,
    document.activeElement.getAttribute('aria-selected'),
    document.getElementById('panel-unanswered').hidden]);
  check(focused[0] === 'tab-unanswered' && focused[1] === 'true' && focused[2] === false,
    'ArrowRight selects and focuses the next tab', focused);

  // Unanswered questions, grouped, counted, dated, shortened.
  await page.waitForSelector('#unanswered-out article');
  const groups = await page.$$eval('#unanswered-out article', (as) => as.map((a) => ({
    heading: a.querySelector('h3').textContent,
    meta: a.querySelector('.meta').textContent,
    details: a.querySelector('details') !== null,
    buttons: Array.from(a.querySelectorAll('button[data-entry]')).map((b) => b.dataset.entry),
  })));
  check(groups.some((g) => g.heading.startsWith('2回') && g.heading.includes('駐車場')),
    'the two parking questions are one group counted twice', groups.map((g) => g.heading));
  check(groups.every((g) => /最初 \d{4}\/\d{2}\/\d{2}/.test(g.meta)), 'groups are dated',
    groups.map((g) => g.meta));
  const long = groups.find((g) => g.heading.includes('職場の駐車場'));
  check(long && long.heading.endsWith('」') && long.heading.includes('…') && long.details,
    'a long question is shortened, the full text behind a disclosure', long);

  // Add as alternate: review, confirm, and the question is answered by that entry.
  const familyIndex = groups.findIndex((g) => g.heading.includes(FAMILY));
  check(familyIndex >= 0 && groups[familyIndex].buttons.length > 0,
    'the family question offers its nearest entries', groups[familyIndex]);
  const entry = groups[familyIndex].buttons[0];
  const cards = await page.$$('#unanswered-out article');
  await (await cards[familyIndex].$(`button[data-entry="${entry}"]`)).click();
  await page.waitForSelector('#review[open]');
  check(await page.$eval('#review-text', (i) => i.value) === FAMILY,
    'the review shows the text to be added');
  check((await page.$eval('#review-entry', (d) => d.textContent)).startsWith(entry),
    'the review names the entry');
  await page.click('#review-ok');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('追加し'));
  const after = await ask(FAMILY);
  check(after.outcome === 'answer' && after.id === entry,
    `after adding, the question answers ${entry}`, {outcome: after.outcome, id: after.id});
  const written = JSON.parse(fs.readFileSync(path.join(kbDir, 'kagawa', 'faq.json'), 'utf8'));
  check(written.entries.find((e) => e.id === entry).alternates.includes(FAMILY),
    'the alternate is in the program\'s faq.json');
  await page.waitForFunction((text) => Array.from(document.querySelectorAll('#unanswered-out article'))
    .some((a) => a.textContent.includes(text) && a.querySelector('.solved')), {}, FAMILY);
  check(true, 'the group now says which entry answers it');

  // A question no entry is near becomes a new entry, then is answered by it.
  const TRIP = '社員旅行の補助はありますか';
  const tripIndex = await page.$$eval('#unanswered-out article',
    (as, text) => as.findIndex((a) => a.querySelector('h3').textContent.includes(text)), TRIP);
  check(tripIndex >= 0, 'the trip question is listed');
  await (await (await page.$$('#unanswered-out article'))[tripIndex].$('button.draft')).click();
  await page.waitForSelector('#draft[open]');
  check(await page.$eval('#draft-question', (i) => i.value) === TRIP,
    'the new entry starts from the question');
  await page.type('#draft-answer', '社員旅行への補助は、この健康ポイント事業では行っていません。');
  await page.type('#draft-category', 'その他');
  await page.click('#draft-ok');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('作成し'));
  const created = (await page.$eval('#status', (p) => p.textContent)).match(/項目 (kagawa-\d+)/);
  const trip = await ask(TRIP);
  check(created && trip.outcome === 'answer' && trip.id === created[1],
    'after creating, the question answers the new entry', {created, outcome: trip.outcome, id: trip.id});
  await page.screenshot({path: path.join(outDir, 'staff-1280-unanswered.png'), fullPage: true});

  // Charts: inline SVG with bars from the data.
  await page.click('#tab-feedback');
  await page.waitForSelector('#chart-daily svg rect');
  const charts = await page.evaluate(() => ['chart-daily', 'chart-entries'].map((id) => {
    const svg = document.querySelector('#' + id + ' svg');
    return svg ? {bars: svg.querySelectorAll('rect').length, label: svg.getAttribute('aria-label'),
      values: Array.from(svg.querySelectorAll('rect')).map((r) => Number(r.dataset.value))} : null;
  }));
  check(charts[0] && charts[0].bars >= 2 && charts[0].label, 'the daily chart has bars', charts[0]);
  const entryValues = charts[1] ? charts[1].values : [];
  check(charts[1] && entryValues.reduce((a, b) => a + b, 0) === feedback.length,
    'the per-entry chart draws every feedback', charts[1]);

  // Outcome rates per day: stacked shares of each day's replies, counted from what was sent.
  check(sentOutcomes.clarify >= 1 && sentOutcomes.fallback >= 1 && sentOutcomes.answer >= 1,
    'the test sent every outcome', sentOutcomes);
  const outcomeChart = await page.evaluate(() => {
    const fig = document.getElementById('chart-outcomes');
    if (!fig) return null;
    const svg = fig.querySelector('svg');
    const bars = Array.from(svg.querySelectorAll('rect')).map((r) => ({
      series: r.dataset.series, value: Number(r.dataset.value), count: Number(r.dataset.count)}));
    const head = Array.from(fig.querySelectorAll('thead th')).map((th) => th.textContent);
    const rows = Array.from(fig.querySelectorAll('tbody tr'))
      .map((tr) => Array.from(tr.children).map((td) => td.textContent));
    return {label: svg.getAttribute('aria-label'), bars, head, rows};
  });
  check(outcomeChart && outcomeChart.label && outcomeChart.bars.length >= 3,
    'the outcome chart is drawn', outcomeChart);
  if (outcomeChart) {
    const barSums = {};
    for (const b of outcomeChart.bars) barSums[b.series] = (barSums[b.series] || 0) + b.count;
    check(barSums['回答'] === sentOutcomes.answer && barSums['聞き返し'] === sentOutcomes.clarify &&
          barSums['答えられなかった'] === sentOutcomes.fallback,
    'the outcome chart counts every reply sent', {barSums, sentOutcomes});
    const col = (name) => outcomeChart.head.indexOf(name);
    const tableSums = {answer: 0, clarify: 0, fallback: 0};
    let ratesRight = outcomeChart.rows.length > 0;
    for (const row of outcomeChart.rows) {
      const total = Number(row[col('返信')]);
      for (const [key, name] of [['answer', '回答'], ['clarify', '聞き返し'], ['fallback', '答えられなかった']]) {
        const n = Number(row[col(name)]);
        tableSums[key] += n;
        if (row[col(name + '率')] !== Math.round(n / total * 100) + '%') ratesRight = false;
      }
    }
    check(JSON.stringify(tableSums) === JSON.stringify(sentOutcomes) && ratesRight,
      'the outcome table has the counts sent and their rates', outcomeChart.rows);
    // A day's bars stack to 100%, each its share of the day's replies.
    const stacked = outcomeChart.bars.reduce((a, b) => a + b.value, 0);
    check(Math.abs(stacked - 100 * outcomeChart.rows.length) < 1e-6,
      'each day\'s rates stack to 100%', stacked);
  }
  await page.screenshot({path: path.join(outDir, 'staff-1280-feedback.png'), fullPage: true});

  // 390 px: no horizontal scroll on any tab.
  // (A change to a mobile viewport reloads the page: the token and program are the tab's.)
  await page.setViewport({width: 390, height: 844, isMobile: true, hasTouch: true});
  await page.waitForSelector('#program option[value=kagawa]');
  for (const tab of ['search', 'unanswered', 'feedback']) {
    await page.click('#tab-' + tab);
    await page.waitForSelector(`#panel-${tab}:not([hidden])`);
    if (tab === 'search') {
      await page.type('#q', 'ぱすわーど忘れた');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#search-out article');
    }
    await page.waitForNetworkIdle();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(widths[0] <= widths[1], `no horizontal scroll at 390 px (${tab})`, widths);
    await page.screenshot({path: path.join(outDir, `staff-390-${tab}.png`), fullPage: true});
  }

  const violations = await page.evaluate(() => window.cspViolations);
  check(violations.length === 0, 'no CSP violations', violations);
  check(page.consoleErrors.length === 0, 'no console errors', page.consoleErrors);
  console.log('screenshots: ' + outDir);
} catch (err) {
  fail(err);
} finally {
  await service.stop();
  fs.rmSync(tmp, {recursive: true, force: true});
}
finish(service, 'all checks passed');
