// Drives the console in a real browser (Debian's chromium through puppeteer-core) against a running server:
// node console-test.mjs <base-url> <screenshot-dir>. Exits 0 when every step saw what it should, 1 otherwise.
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error('usage: node console-test.mjs <base-url> <screenshot-dir>');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const TIMEOUT = 15000;
const id = 'acc-console-' + Date.now();

function step(text) {
  console.log('console-test: ' + text);
}

async function send(page, type, fields) {
  await page.click('#tab-command');
  // the form is built from GET /schemas: options are "aggregateType: Type"
  await page.select('#command-type', 'account: ' + type);
  const source = await page.$eval('#command-source', (el) => el.textContent);
  if (source !== 'fields from GET /schemas') {
    throw new Error('the command form did not come from GET /schemas: ' + source);
  }
  await page.$eval('#command-aggregate', (el, v) => { el.value = v; }, id);
  for (const [name, value] of Object.entries(fields)) {
    await page.$eval(`[name="data.${name}"]`, (el, v) => { el.value = v; }, String(value));
  }
  await page.$eval('#command-result', (el) => { el.dataset.status = ''; el.textContent = ''; });
  await page.click('#command-send');
  await page.waitForFunction(() => document.querySelector('#command-result').dataset.status, { timeout: TIMEOUT });
  const status = await page.$eval('#command-result', (el) => el.dataset.status);
  if (status !== '200') {
    throw new Error(type + ' answered ' + (await page.$eval('#command-result', (el) => el.textContent)));
  }
}

async function streamRows(page) {
  return page.$$eval('#stream-rows tr', (rows) => rows.map((r) => ({
    position: Number(r.children[0].textContent), aggregateId: r.children[1].textContent, type: r.children[3].textContent,
  })));
}

async function waitForRows(page, count) {
  await page.waitForFunction((aggregate, n) =>
    [...document.querySelectorAll('#stream-rows tr')].filter((r) => r.children[1].textContent === aggregate).length >= n,
  { timeout: TIMEOUT }, id, count);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--window-size=1280,900'],
  defaultViewport: { width: 1280, height: 900 },
});
let failed = false;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith(base.replace('http', 'ws'))) external.push(r.url()); });

  await page.goto(base + '/console/', { waitUntil: 'load' });
  if (process.env.CONSOLE_KEY) {
    // keys configured: the page asks once, and every call and the stream use the key from then on
    await page.waitForSelector('#key-dialog[open]', { timeout: TIMEOUT });
    await page.type('#key-input', process.env.CONSOLE_KEY);
    await page.click('#key-ok');
    step('the page asked for the API key once');
  }
  await page.waitForFunction(() => document.querySelector('#stream-status').textContent === 'live', { timeout: TIMEOUT });
  step('the page is up and its live stream connected');

  await send(page, 'OpenAccount', { owner: 'Ada' });
  await send(page, 'Deposit', { amount: 100 });
  await send(page, 'Deposit', { amount: 50 });
  step('three commands sent through the form, each answered 200');

  await page.click('#tab-stream');
  await waitForRows(page, 3);
  const before = (await streamRows(page)).filter((r) => r.aggregateId === id).map((r) => r.type);
  if (before.join(',') !== 'Deposited,Deposited,AccountOpened') {
    throw new Error('stream shows ' + before.join(','));
  }
  await page.screenshot({ path: shots + '/console-stream.png' });
  step('their events arrived in the live stream, newest first');

  // a drop: the stream resumes from the last position it showed, without a gap or a repeat
  await page.evaluate(() => stream.socket.close());
  await page.waitForFunction(() => document.querySelector('#stream-status').textContent.startsWith('dropped'),
    { timeout: TIMEOUT });
  const answer = await page.evaluate(async (aggregate) => (await fetch('/commands', {
    method: 'POST',
    headers: Object.assign({ 'Content-Type': 'application/json' },
      sessionStorage.getItem('strand.apiKey') ? { Authorization: 'Bearer ' + sessionStorage.getItem('strand.apiKey') } : {}),
    body: JSON.stringify({ type: 'Withdraw', aggregateId: aggregate, data: { amount: 30 } }),
  })).status, id);
  if (answer !== 200) {
    throw new Error('Withdraw while dropped answered ' + answer);
  }
  await page.waitForFunction(() => document.querySelector('#stream-status').textContent === 'live', { timeout: TIMEOUT });
  await waitForRows(page, 4);
  const positions = (await streamRows(page)).map((r) => r.position);
  if (new Set(positions).size !== positions.length) {
    throw new Error('a repeated position after the resume: ' + positions.join(','));
  }
  step('after a drop the stream resumed from the last position shown: the event written meanwhile arrived once');

  await page.click('#tab-aggregate');
  await page.$eval('#aggregate-id', (el, v) => { el.value = v; }, id);
  await page.click('#aggregate-load');
  await page.waitForFunction(() => document.querySelector('#aggregate-state').dataset.version === '4', { timeout: TIMEOUT });
  const latest = JSON.parse(await page.$eval('#aggregate-state', (el) => el.textContent));
  if (latest.balance !== 120) {
    throw new Error('balance at version 4 is ' + latest.balance);
  }
  await page.$eval('#version-slider', (el) => { el.value = '2'; el.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => document.querySelector('#aggregate-state').dataset.version === '2', { timeout: TIMEOUT });
  const atTwo = JSON.parse(await page.$eval('#aggregate-state', (el) => el.textContent));
  if (atTwo.balance !== 100) {
    throw new Error('balance at version 2 is ' + atTwo.balance);
  }
  await page.screenshot({ path: shots + '/console-aggregate.png' });
  step('the aggregate page shows balance 120 at version 4 and 100 after moving the slider to version 2');

  await page.click('#tab-stats');
  await new Promise((r) => setTimeout(r, 2500));
  await page.screenshot({ path: shots + '/console-stats.png' });
  step('stats charted');

  const dialogs = await page.evaluate(() => document.querySelector('#key-dialog').open);
  if (dialogs) {
    throw new Error('the key dialog is open again: the key was asked for more than once');
  }
  if (errors.length) {
    throw new Error('page errors: ' + errors.join('; '));
  }
  if (external.length) {
    throw new Error('the page fetched from elsewhere: ' + external.join(', '));
  }
  step('no page error, nothing fetched from anywhere but the server; screenshots in ' + shots);
} catch (e) {
  failed = true;
  console.error('console-test: FAILED: ' + e.message);
  try {
    const pages = await browser.pages();
    await pages[pages.length - 1].screenshot({ path: shots + '/console-failure.png' });
  } catch (ignored) {
    // the failure screenshot is a courtesy
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
