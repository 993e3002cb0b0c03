// The account-link page (GET/POST /link) in headless Chromium against a real `madoguchi serve`
// with the demo members: a member asks for their balance, follows the link the bot gives, gets
// a detail wrong, corrects it and is linked; then the bot answers with their own balance. The
// page must work under its Content-Security-Policy, be labelled, and fit 390 px.
//
// usage: node link_page_test.mjs --binary BUILD/madoguchi --out DIR
// Chromium is $CHROMIUM or /usr/bin/chromium. A missing browser or puppeteer-core is a
// failure, never a skip: scripts/install-deps.sh installs both.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

function arg(name) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0 || i + 1 >= process.argv.length) die(`missing --${name}`);
  return process.argv[i + 1];
}

function die(message) {
  console.error('FAIL: ' + message);
  process.exit(1);
}

const binary = arg('binary');
const outDir = arg('out');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  die(`no Chromium at ${chromiumPath}: run scripts/install-deps.sh (Debian package chromium)`);
}
let puppeteer;
try {
  puppeteer = (await import('puppeteer-core')).default;
} catch (err) {
  die('puppeteer-core is not installed in tests/browser (run scripts/install-deps.sh): ' + err.message);
}

let failures = 0;
function check(ok, what, detail) {
  if (ok) {
    console.log('ok - ' + what);
  } else {
    failures++;
    console.log('not ok - ' + what + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'madoguchi-link-'));
fs.mkdirSync(outDir, {recursive: true});
const env = Object.assign({}, process.env);
delete env.MADOGUCHI_API_TOKEN;  // loopback: the member API is open, as on a developer machine
// No config: the embedded default, whose fresh ledger holds the demo members.
const server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir',
  path.join(tmp, 'data'), '--today', '2026-05-15'], {env, stdio: ['ignore', 'pipe', 'pipe']});
let serverLog = '';
server.stderr.on('data', (chunk) => { serverLog += chunk; });
let browser = null;

async function cleanUp() {
  if (browser) await browser.close().catch(() => {});
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  fs.rmSync(tmp, {recursive: true, force: true});
}

const base = await new Promise((resolve, reject) => {
  let seen = '';
  server.stdout.on('data', (chunk) => {
    seen += chunk;
    const m = /madoguchi is serving (http:\/\/[^\s]+)/.exec(seen);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error('madoguchi serve exited with ' + code)));
  server.once('error', (err) => reject(new Error(`cannot start ${binary}: ${err.message}`)));
}).catch(async (err) => { await cleanUp(); die(err.message); });

async function say(text) {
  const r = await fetch(base + '/api/v1/messages', {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({channel_user: 'browser-member', program: 'kagawa', text}),
  });
  return (await r.json()).messages || [];
}

const replyText = (replies) => replies.map((r) => r.text).join('\n');

try {
  const before = await say('残高を教えて');
  check(!/650ポイント/.test(replyText(before)), 'no balance before the link', replyText(before));
  const offer = await say('アカウント連携');
  const link = offer.flatMap((r) => r.links || []).find((l) => /\/link\?token=/.test(l.url));
  check(link !== undefined, 'the bot gives a link page URL', offer);
  if (!link) throw new Error('no link');

  browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=ja-JP'],
  });
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.evaluateOnNewDocument(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  });

  for (const width of [1280, 390]) {
    await page.setViewport({width, height: 900});
    const response = await page.goto(link.url, {waitUntil: 'networkidle0'});
    check(response.status() === 200, `the page opens at ${width} px`, response.status());
    const csp = response.headers()['content-security-policy'] || '';
    check(/default-src 'none'/.test(csp) && /form-action 'self'/.test(csp) &&
          /frame-ancestors 'none'/.test(csp), `the page has its CSP at ${width} px`, csp);
    check(response.headers()['cache-control'] === 'no-store', 'the page is not cached');
    const labelled = await page.$$eval('input:not([type=hidden])', (inputs) =>
      inputs.every((i) => i.id && document.querySelector(`label[for="${i.id}"]`)));
    check(labelled, `every field is labelled at ${width} px`);
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `no horizontal scroll at ${width} px`, overflow);
    await page.screenshot({path: path.join(outDir, `link-${width}-form.png`), fullPage: true});
  }

  // A wrong birth date: refused, and the member number stays so only the rest is retyped.
  await page.type('#member_id', 'K1001');
  await page.type('#birth_date', '1980-06-16');
  await page.type('#auth_code', 'DEMO-K1001');
  await Promise.all([page.waitForNavigation({waitUntil: 'networkidle0'}), page.click('button')]);
  const refused = await page.evaluate(() => document.body.innerText);
  check(/一致しません|確認できません|正しくありません/.test(refused),
        'a wrong detail is refused with a message', refused.slice(0, 300));
  check(await page.$eval('#member_id', (i) => i.value) === 'K1001',
        'the member number is kept after a mistake');
  check(await page.$eval('#birth_date', (i) => i.value) === '', 'the birth date is not kept');
  check(await page.$eval('#auth_code', (i) => i.value) === '', 'the auth code is not kept');
  await page.screenshot({path: path.join(outDir, 'link-390-mistake.png'), fullPage: true});

  await page.type('#birth_date', 'S55.6.15');
  await page.type('#auth_code', 'DEMO-K1001');
  await Promise.all([page.waitForNavigation({waitUntil: 'networkidle0'}), page.click('button')]);
  const done = await page.evaluate(() => document.body.innerText);
  check(/連携が完了しました/.test(done), 'the correct details link the account', done.slice(0, 300));
  check(!/K1001|650/.test(done), 'the done page shows no member data', done.slice(0, 300));
  await page.setViewport({width: 1280, height: 900});
  await page.screenshot({path: path.join(outDir, 'link-1280-done.png'), fullPage: true});

  const after = await say('残高を教えて');
  check(/650ポイント/.test(replyText(after)), 'the bot answers with the member\'s own balance',
        replyText(after));

  const violations = await page.evaluate(() => window.cspViolations);
  check(violations.length === 0, 'no CSP violations', violations);
  // The refused submission's own 403 is what the browser reports for it; nothing else may be.
  const unexpected = consoleErrors.filter((e) => !/status of 403/.test(e));
  check(unexpected.length === 0, 'no console errors', consoleErrors);
} catch (err) {
  failures++;
  console.log('not ok - the test ran to the end: ' + (err && err.stack ? err.stack : err));
} finally {
  await cleanUp();
}

if (failures > 0) {
  console.log(serverLog.split('\n').slice(-40).join('\n'));
  die(`${failures} check(s) failed`);
}
console.log('all checks passed; screenshots in ' + outDir);
