// What the browser tests share: flags, TAP-like checks, a real `madoguchi serve` on a free
// loopback port, and headless Chromium with a page that records console errors and
// Content-Security-Policy violations. A missing browser or puppeteer-core is a failure, never a
// skip: scripts/install-deps.sh installs both. Chromium is $CHROMIUM or /usr/bin/chromium.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import process from 'node:process';

export function die(message) {
  console.error('FAIL: ' + message);
  process.exit(1);
}

// The value of --name on the command line; missing, the test fails.
export function arg(name) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0 || i + 1 >= process.argv.length) die(`missing --${name}`);
  return process.argv[i + 1];
}

let failures = 0;
export function check(ok, what, detail) {
  if (ok) {
    console.log('ok - ' + what);
  } else {
    failures++;
    console.log('not ok - ' + what + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
  }
}

// Counts an exception that ended the checks early.
export function fail(err) {
  failures++;
  console.log('not ok - the test ran to the end: ' + (err && err.stack ? err.stack : err));
}

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

// `binary serve --listen 127.0.0.1:0 …serveArgs` with `env`. Resolves to {base, stop, log()}
// once it serves; `stop` ends it (and the browser, when one was launched).
export async function startService(binary, serveArgs, env) {
  const server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', ...serveArgs],
    {env, stdio: ['ignore', 'pipe', 'pipe']});
  // The service's request log, shown only when something failed.
  let log = '';
  server.stderr.on('data', (chunk) => { log += chunk; });
  let browser = null;
  const service = {
    base: '',
    log: () => log,
    async browser() {
      browser = await puppeteer.launch({
        executablePath: chromiumPath,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=ja-JP'],
      });
      return browser;
    },
    async stop() {
      if (browser) await browser.close().catch(() => {});
      if (server.exitCode === null && server.pid !== undefined) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('exit', resolve));
      }
    },
  };
  service.base = await new Promise((resolve, reject) => {
    let seen = '';
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = /madoguchi is serving (http:\/\/[^\s]+)/.exec(seen);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error('madoguchi serve exited with ' + code)));
    server.once('error', (err) => reject(new Error(`cannot start ${binary}: ${err.message}`)));
  }).catch(async (err) => { await service.stop(); die(err.message); });
  return service;
}

// A new page that records console errors (page.consoleErrors) and CSP violations
// (window.cspViolations, read with page.evaluate).
export async function newRecordingPage(browser) {
  const page = await browser.newPage();
  page.consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => page.consoleErrors.push('request failed: ' + r.url()));
  await page.evaluateOnNewDocument(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  });
  return page;
}

// Ends the test: the service log and a failure when any check failed.
export function finish(service, passedMessage) {
  if (failures > 0) {
    console.error(service.log());
    die(failures + ' check(s) failed');
  }
  console.log(passedMessage);
}
