// The account-link page (GET/POST /link) in headless Chromium against a real `madoguchi serve`
// with the demo members: a member asks for their balance, follows the link the bot gives, gets
// a detail wrong, corrects it and is linked; then the bot answers with their own balance. The
// page must work under its Content-Security-Policy, be labelled, and fit 390 px.
//
// usage: node link_page_test.mjs --binary BUILD/madoguchi --out DIR
// Chromium is $CHROMIUM or /usr/bin/chromium. A missing browser or puppeteer-core is a
// failure, never a skip: scripts/install-deps.sh installs both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

import {arg, check, fail, finish, newRecordingPage, startService} from './harness.mjs';

const binary = arg('binary');
const outDir = arg('out');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'madoguchi-link-'));
fs.mkdirSync(outDir, {recursive: true});
const env = Object.assign({}, process.env);
delete env.MADOGUCHI_API_TOKEN;  // loopback: the member API is open, as on a developer machine
// No config: the embedded default, whose fresh ledger holds the demo members.
const service = await startService(binary, ['--data-dir', path.join(tmp, 'data'), '--today',
  '2026-05-15'], env);
const base = service.base;

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

  const browser = await service.browser();
  const page = await newRecordingPage(browser);

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
  const unexpected = page.consoleErrors.filter((e) => !/status of 403/.test(e));
  check(unexpected.length === 0, 'no console errors', page.consoleErrors);
} catch (err) {
  fail(err);
} finally {
  await service.stop();
  fs.rmSync(tmp, {recursive: true, force: true});
}

finish(service, 'all checks passed; screenshots in ' + outDir);
