// Browser test of the web chat page: Debian's chromium (driven by playwright-core, which downloads
// no browser of its own) against a real `qabot serve` on 127.0.0.1:0.
//
//   QABOT_BIN=build/qabot QABOT_SOURCE_DIR=$PWD node --test tests/browser/chat.test.mjs
//
// Needs `cd tests/browser && npm ci` once. Screenshots go to tests/browser/artifacts/, and one
// desktop screenshot to docs/screenshot.png when QABOT_UPDATE_SCREENSHOT=1 (the tree stays clean otherwise).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = resolve(process.env.QABOT_SOURCE_DIR || join(HERE, '..', '..'));
const ARTIFACTS = join(HERE, 'artifacts');
const CHROMIUM = process.env.QABOT_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 15000;
const SERVER_LIFETIME_S = 170;  // watchdog: the server is killed after this even if this process dies

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  throw new Error('playwright-core is not installed: run `cd tests/browser && npm ci` ' +
    '(it downloads no browser; the test uses ' + CHROMIUM + ')\n' + err.message);
}

function findQabot() {
  const candidates = [process.env.QABOT_BIN, join(SOURCE_DIR, 'build', 'qabot')].filter(Boolean);
  for (const c of candidates) if (existsSync(c)) return resolve(c);
  throw new Error('qabot binary not found: set QABOT_BIN (tried ' + candidates.join(', ') + ')');
}

// ------------------------------------------------------------------ notes and server

const HOSTILE_NOTE = `## 安全

### XSS测试题

<script>window.__pwned=1</script>

<img src=x onerror="window.__pwned=2">

[click me](javascript:window.__pwned=3)

**bold** text
`;

const RENDER_NOTE = `## 渲染

### Softmax和Sigmoid的区别对照表

| 函数 | 输出范围 | 用途 |
| --- | --- | --- |
| Sigmoid | (0, 1) | 二分类 |
| Softmax | 概率分布 | 多分类 |

\`\`\`python
import numpy as np

def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()
\`\`\`

![dot](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==)
`;

function makeNotes(dir) {
  const notes = join(dir, 'notes');
  mkdirSync(notes);
  copyFileSync(join(SOURCE_DIR, 'data', 'interview-notes.md'), join(notes, 'interview-notes.md'));
  writeFileSync(join(notes, 'hostile.md'), HOSTILE_NOTE);
  writeFileSync(join(notes, 'render.md'), RENDER_NOTE);
  // Formulas and code as ML notes write them (KaTeX and highlight.js, compiled into the server).
  copyFileSync(join(SOURCE_DIR, 'tests', 'fixtures', 'math', 'formulas.md'), join(notes, 'formulas.md'));
  return notes;
}

function startServer(qabot, db, port = 0) {
  const synonyms = join(SOURCE_DIR, 'data', 'synonyms.txt');
  // coreutils `timeout` is the watchdog: a crashed test cannot leave the server running. Its own
  // process group lets the teardown kill `timeout` and the server together.
  const child = spawn('timeout', ['-s', 'KILL', String(SERVER_LIFETIME_S), qabot, 'serve', '--db', db,
    '--synonyms', synonyms, '--host', '127.0.0.1', '--port', String(port)],
  { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stderr = [];
  child.stderr.on('data', (chunk) => {
    stderr.push(chunk);
    if (process.env.QABOT_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const url = new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('server printed no "listening on" line within 20 s')), 20000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^listening on (http:\/\/\S+?)\/?$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1] + '/');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error('server exited early (' + (code ?? signal) + '): ' + Buffer.concat(stderr).toString()));
    });
  });
  return { child, url, stderr, killGroup };
}

// ------------------------------------------------------------------ page helpers

// Resolves when the newest bot message is finished (aria-busy=false), returning it.
async function waitForAnswer(page, count) {
  await page.waitForFunction((n) => {
    const bots = document.querySelectorAll('.msg-bot');
    return bots.length >= n && bots[n - 1].getAttribute('aria-busy') === 'false';
  }, count, { timeout: WAIT_MS });
  return page.locator('.msg-bot').nth(count - 1);
}

async function askByKeyboard(page, text) {
  const before = await page.locator('.msg-bot').count();
  const input = page.locator('#composer-input');
  await input.click();
  await input.fill(text);
  await page.keyboard.press('Enter');
  return waitForAnswer(page, before + 1);
}

async function botCount(page) {
  return page.locator('.msg-bot').count();
}

// Records every state of streaming bubbles (text of .stream-text.is-streaming) in the page.
async function recordStreaming(page) {
  await page.evaluate(() => {
    window.__streamStates = [];
    const observer = new MutationObserver(() => {
      for (const node of document.querySelectorAll('.stream-text.is-streaming')) {
        window.__streamStates.push(node.textContent);
      }
    });
    observer.observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true });
  });
}

// ------------------------------------------------------------------ the test

describe('web chat page', { timeout: 160000 }, () => {
  const qabot = findQabot();
  const work = mkdtempSync(join(tmpdir(), 'qabot-browser-'));
  const db = join(work, 'q.db');
  const servers = [];
  let baseUrl;
  let context;
  let page;
  const problems = [];     // console errors and page errors
  const frames = [];       // WebSocket frames the page received, parsed
  let fresh;               // a second page, on a server with only data/interview-notes.md
  let showcaseUrl;
  let serverDown = false;

  before(async () => {
    const notes = makeNotes(work);
    execFileSync(qabot, ['index', notes, '--db', db], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60000 });
    process.on('exit', () => { for (const s of servers) s.killGroup('SIGKILL'); });
    servers.push(startServer(qabot, db));
    baseUrl = await servers[0].url;

    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-quic'],
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timeout: 30000,
    });
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] || await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push('console: ' + msg.text());
    });
    page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => {
        try {
          frames.push(JSON.parse(typeof f.payload === 'string' ? f.payload : f.payload.toString()));
        } catch {
          frames.push({ type: 'unparsable' });
        }
      });
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await context?.close().catch(() => {});
    await Promise.all(servers.map((server) => new Promise((r) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) return r();
      const t = setTimeout(() => { server.killGroup('SIGKILL'); r(); }, 3000);
      server.child.once('exit', () => { clearTimeout(t); r(); });
      server.killGroup('SIGTERM');
    })));
    rmSync(work, { recursive: true, force: true });
  });

  test('loads, connects and shows the bank size from hello', async () => {
    const response = await page.goto(baseUrl);
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'] || '';
    assert.match(csp, /default-src 'self'/, 'the server sends its CSP');
    await page.locator('#status[data-state="online"]').waitFor();
    await page.waitForFunction(() => /^\d+ questions? in your notes$/.test(document.getElementById('bank-size').textContent));
    const hello = frames.find((f) => f.type === 'hello');
    assert.ok(hello, 'hello frame received');
    assert.match(await page.locator('#bank-size').textContent(), new RegExp('^' + hello.questions + ' '));
    // The browse panel is open at desktop width and lists the bank.
    await page.locator('.q-item').first().waitFor();
    assert.ok(await page.locator('.welcome-chips .chip').count() > 0, 'welcome suggestions');
  });

  test('Shift+Enter adds a line, Enter sends', async () => {
    const input = page.locator('#composer-input');
    await input.click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    assert.equal(await input.inputValue(), 'line one\nline two');
    assert.equal(await page.locator('.msg-user').count(), 0, 'Shift+Enter must not send');
    await input.fill('');
  });

  test('BN有什么作用 streams, then renders the answer with its source and related chips', async () => {
    await recordStreaming(page);
    const bot = await askByKeyboard(page, 'BN有什么作用');
    assert.equal(await page.locator('.msg-user').last().textContent(), 'BN有什么作用');
    assert.equal(await page.locator('#composer-input').inputValue(), '', 'input cleared after sending');

    // Streaming: deltas arrived over the socket, and the bubble was seen part-way.
    const ask = frames.find((f) => f.type === 'result' && f.hits?.[0]?.question === 'BN有什么作用');
    assert.ok(ask, 'result frame for the BN question');
    const deltas = frames.filter((f) => f.type === 'delta' && f.id === ask.id);
    const done = frames.find((f) => f.type === 'done' && f.id === ask.id);
    assert.ok(deltas.length >= 2, 'several deltas (got ' + deltas.length + ')');
    assert.equal(deltas.map((d) => d.text).join(''), done.answer);
    const states = await page.evaluate(() => window.__streamStates);
    const partial = states.filter((s) => s.length > 0 && s.length < done.answer.length);
    assert.ok(partial.length >= 1, 'an intermediate streaming state was rendered (' + states.length + ' states)');

    // Final render: the sanitised HTML, not the plain text.
    const answer = bot.locator('.answer');
    assert.ok(await answer.locator('p, li').count() >= 2, 'answer rendered as paragraphs or a list');
    assert.match(await answer.innerText(), /加速训练/);
    assert.equal(await bot.locator('.stream-text').count(), 0, 'streamed text replaced by the HTML');
    assert.equal(await bot.locator('.answer-head-question').textContent(), 'BN有什么作用');
    assert.match(await bot.locator('.meta-source code').textContent(), /^interview-notes\.md:\d+$/);
    // The indexed root's name and the path below it: never the server's absolute path.
    assert.match(await bot.locator('.meta-source').getAttribute('title'), /^Source: notes\/interview-notes\.md:\d+$/);
    assert.match(await bot.locator('.meta-cat').textContent(), /面试题/);
    assert.match(await bot.locator('.confidence-text').textContent(), /^\d{1,3}%$/);
    assert.ok(await bot.locator('.followups-related .chip').count() >= 1, 'related question chips');
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-answer.png') });
  });

  test('a related-question chip asks that question', async () => {
    const n = await botCount(page);
    const related = page.locator('.msg-bot').nth(n - 1).locator('.followups-related .chip').first();
    const question = (await related.locator('.chip-text').textContent()).trim();
    await related.click();
    const bot = await waitForAnswer(page, n + 1);
    assert.equal(await page.locator('.msg-user').last().textContent(), question);
    assert.equal((await bot.locator('.answer-head-question').textContent()).trim(), question);
    assert.ok((await bot.locator('.answer').innerText()).trim().length > 0);
  });

  test('the browse view filters the bank and a click asks the question', async () => {
    const filter = page.locator('#browse-filter');
    await filter.fill('pooling');
    const items = page.locator('.q-item .q-text');
    await page.waitForFunction(() => document.querySelectorAll('.q-item').length > 0 &&
      [...document.querySelectorAll('.q-item .q-text')].every((q) => /pooling/i.test(q.textContent)));
    assert.ok(await items.count() >= 2);
    await filter.fill('');

    // Collapse / expand a category with the keyboard, then click a question in it.
    const toggle = page.locator('.cat-toggle').nth(1);
    const listId = await toggle.getAttribute('aria-controls');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const question = page.locator('#' + listId + ' .q-item:not(.is-unanswered)').first();
    const text = (await question.locator('.q-text').textContent()).trim();
    const n = await botCount(page);
    await question.click();
    const bot = await waitForAnswer(page, n + 1);
    assert.equal((await bot.locator('.answer-head-question').textContent()).trim(), text);
  });

  test('tables, code and data: images render', async () => {
    const bot = await askByKeyboard(page, 'Softmax和Sigmoid的区别对照表');
    assert.equal(await bot.locator('.answer table th').count(), 3);
    assert.match(await bot.locator('.answer pre code').textContent(), /def softmax/);
    const img = bot.locator('.answer img');
    assert.equal(await img.count(), 1);
    await page.waitForFunction((el) => el.complete && el.naturalWidth === 1, await img.elementHandle());
  });

  test('formulas render with KaTeX and code is highlighted, all from the server itself', async () => {
    const bot = await askByKeyboard(page, 'KL散度的定义和公式');
    const answer = bot.locator('.answer');
    // Inline $P$, $Q$, $p_i$, $q_i$, \(…\); the $$…$$ block; \[…\] inside the paragraph.
    assert.equal(await answer.locator('.math .katex').count(), 7);
    assert.equal(await answer.locator('div.math-display .katex-display').count(), 1);
    assert.equal(await answer.locator('.math .katex-error').count(), 0, 'KaTeX understood every formula');
    // No TeX delimiters left as text, and `_` in p_i became no emphasis.
    const visible = await answer.evaluate((el) => {
      const copy = el.cloneNode(true);
      for (const hidden of copy.querySelectorAll('.katex-mathml')) hidden.remove();
      return copy.textContent;
    });
    assert.doesNotMatch(visible, /\$|\\\(|\\\[/);
    assert.equal(await answer.locator('em').count(), 0);
    // The fenced python block: highlight.js classes, keywords as tokens.
    assert.equal(await answer.locator('pre code.hljs.language-python').count(), 1);
    assert.ok(await answer.locator('pre code .hljs-keyword').count() >= 2, 'import, def, return are keywords');
    // KaTeX's fonts come from the server (woff2 first), with font types.
    const fontsLoaded = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.family.replace(/"/g, '').startsWith('KaTeX') && f.status === 'loaded').length;
    });
    assert.ok(fontsLoaded >= 1, 'a KaTeX font loaded');
    for (const [path, type] of [['vendor/katex/fonts/KaTeX_Main-Regular.woff2', 'font/woff2'],
      ['vendor/katex/fonts/KaTeX_Main-Regular.woff', 'font/woff'], ['vendor/katex/fonts/KaTeX_Main-Regular.ttf', 'font/ttf'],
      ['vendor/katex/katex.min.js', 'text/javascript; charset=utf-8'], ['vendor/highlight/atom-one-dark.css', 'text/css; charset=utf-8']]) {
      const res = await page.request.get(baseUrl + path);
      assert.equal(res.status(), 200, path);
      assert.equal(res.headers()['content-type'], type, path);
    }
    await bot.screenshot({ path: join(ARTIFACTS, 'desktop-math.png') });
  });

  test('an off-topic question gets the no-match reply; a near miss offers the closest questions as chips', async () => {
    // Nothing in the notes is close: an honest "no note", no made-up suggestions.
    let bot = await askByKeyboard(page, '今天天气怎么样');
    let result = frames.filter((f) => f.type === 'result').at(-1);
    assert.equal(result.matched, false);
    assert.ok(await bot.locator('.bubble.is-nomatch').count() === 1);
    assert.match(await bot.locator('.answer').innerText(), /no note/i);
    assert.equal(await bot.locator('.answer-head-question').count(), 0, 'no matched question');
    assert.equal(await bot.locator('.answer-head-label').textContent(), 'No match');
    assert.equal(await bot.locator('.followups-closest .chip').count(), result.hits.length);
    // A Python question the notes do not answer: the Python notes are offered instead.
    bot = await askByKeyboard(page, 'python装饰器是什么');
    result = frames.filter((f) => f.type === 'result').at(-1);
    assert.equal(result.matched, false);
    assert.match(await bot.locator('.answer').innerText(), /no note/i);
    const chips = bot.locator('.followups-closest .chip');
    assert.ok(result.hits.length >= 1, 'the server offers closest questions');
    assert.equal(await chips.count(), result.hits.length);
    await page.waitForTimeout(300);  // entry animations
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-nomatch.png') });
  });

  test('follow-ups say what they carried; matched words are marked; a near-tie asks which one', async () => {
    let bot = await askByKeyboard(page, 'ResNet解决了什么问题');
    const marks = bot.locator('.answer mark');
    assert.ok(await marks.count() >= 1, 'matched words marked');
    assert.equal(await marks.first().textContent(), 'ResNet');
    const bg = await marks.first().evaluate((m) => getComputedStyle(m).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'marks are styled');

    bot = await askByKeyboard(page, '它的缺点呢');
    let result = frames.filter((f) => f.type === 'result').at(-1);
    assert.equal(result.followup?.previous, 'ResNet解决了什么问题');
    const note = bot.locator('.followup-note');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.innerText(), /ResNet解决了什么问题/);

    bot = await askByKeyboard(page, 'max pooling 和 average pooling 的区别');
    result = frames.filter((f) => f.type === 'result').at(-1);
    assert.equal(result.clarify, true);
    assert.match(await bot.locator('.answer').innerText(), /^Did you mean: /);
    assert.equal(await bot.locator('.answer-head-label').textContent(), 'Which one?');
    assert.equal(await bot.locator('.followups-clarify .chip').count(), result.choices);
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-clarify.png') });
  });

  test('a hostile note shows as text and runs nothing', async () => {
    await recordStreaming(page);
    const bot = await askByKeyboard(page, 'XSS测试题');
    assert.equal((await bot.locator('.answer-head-question').textContent()).trim(), 'XSS测试题');
    // While streaming, the raw note was on screen as plain text.
    const states = await page.evaluate(() => window.__streamStates.join('\n'));
    assert.match(states, /<script>window\.__pwned=1<\/script>/, 'markup streamed as visible text');
    // The final HTML rendered the markdown and nothing executable.
    assert.equal(await bot.locator('.answer strong').textContent(), 'bold');
    const unsafe = await page.evaluate(() => ({
      pwned: window.__pwned,
      scripts: document.querySelectorAll('#messages script').length,
      handlers: [...document.querySelectorAll('#messages *')]
        .filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      images: document.querySelectorAll('#messages img[src="x"]').length,
      jsLinks: [...document.querySelectorAll('#messages a[href]')]
        .filter((a) => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
    }));
    assert.match(await bot.locator('.answer').innerText(), /click me/, 'the unsafe link keeps its text');
    await page.waitForTimeout(300);  // an onerror would fire after the failed load
    assert.deepEqual(unsafe, { pwned: undefined, scripts: 0, handlers: 0, images: 0, jsLinks: 0 });
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  });

  test('the stop button cancels a streaming answer', async () => {
    const n = await botCount(page);
    // Ask and stop in one task so that the cancel reaches the server before the answer is streamed.
    await page.evaluate(() => {
      const input = document.getElementById('composer-input');
      input.value = '讲一下pooling的作用， 为什么max pooling要更常用？';
      document.getElementById('composer').requestSubmit();
      document.getElementById('stop-button').click();
    });
    const bot = await waitForAnswer(page, n + 1);
    assert.match(await bot.locator('.stopped-note').textContent(), /Stopped/);
    const done = frames.filter((f) => f.type === 'done').at(-1);
    assert.equal(done.cancelled, true);
    assert.equal(await page.locator('#stop-button').isHidden(), true);
    // The full answer is one click away.
    await bot.locator('.stopped-note .link-button').click();
    assert.match(await bot.locator('.answer').innerText(), /max-pooling/);
  });

  test('several asks can be in flight on one connection', async () => {
    const n = await botCount(page);
    await page.evaluate(() => {
      for (const q of ['如何防止过拟合', 'AP计算方式', '激活函数的用处']) {
        const input = document.getElementById('composer-input');
        input.value = q;
        document.getElementById('composer').requestSubmit();
      }
    });
    await waitForAnswer(page, n + 3);
    await page.waitForFunction((k) => [...document.querySelectorAll('.msg-bot')].slice(k)
      .every((m) => m.getAttribute('aria-busy') === 'false'), n);
    const heads = await page.locator('.msg-bot').evaluateAll((all, k) =>
      all.slice(k).map((m) => m.querySelector('.answer-head-question')?.textContent), n);
    assert.deepEqual(heads, ['如何防止过拟合', 'AP计算方式', '激活函数的用处']);
    const ids = new Set(frames.filter((f) => f.type === 'done').map((f) => f.id));
    assert.ok(ids.size >= 3, 'distinct ids per ask');
  });

  test('screenshots: desktop, dark, phone, phone drawer', async () => {
    // A clean conversation for the README, on a server with only the shipped notes.
    const showcaseDb = join(work, 'showcase.db');
    execFileSync(qabot, ['index', join(SOURCE_DIR, 'data', 'interview-notes.md'), '--db', showcaseDb],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60000 });
    servers.push(startServer(qabot, showcaseDb));
    showcaseUrl = await servers.at(-1).url;
    fresh = await context.newPage();
    fresh.on('console', (msg) => {
      // While the server is down (reconnect test) chromium logs each refused WebSocket attempt.
      if (msg.type() === 'error' && !(serverDown && /WebSocket connection to .* failed/.test(msg.text()))) {
        problems.push('console: ' + msg.text());
      }
    });
    fresh.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
    await fresh.goto(showcaseUrl);
    await fresh.locator('#status[data-state="online"]').waitFor();
    await fresh.locator('.q-item').first().waitFor();
    await fresh.screenshot({ path: join(ARTIFACTS, 'desktop-welcome.png') });
    await askByKeyboard(fresh, 'what does batchnorm do');
    const typo = await askByKeyboard(fresh, 'sigmod和relu');
    assert.match(await typo.locator('.corrections').innerText(), /Showing results for sigmoid \(you typed “sigmod”\)/);
    await fresh.waitForTimeout(400);  // let the entry animations settle
    const desktop = join(ARTIFACTS, 'desktop.png');
    await fresh.screenshot({ path: desktop });
    if (process.env.QABOT_UPDATE_SCREENSHOT === '1') {
      copyFileSync(desktop, join(SOURCE_DIR, 'docs', 'screenshot.png'));
      assert.ok(statSync(desktop).size < 400 * 1024, 'screenshot stays small');
    }

    await fresh.emulateMedia({ colorScheme: 'dark' });
    await fresh.waitForTimeout(200);
    await fresh.screenshot({ path: join(ARTIFACTS, 'desktop-dark.png') });
    await fresh.emulateMedia({ colorScheme: 'light' });

    // Phone: the long conversation of the main page at 360 px (a background tab would not re-evaluate
    // its media queries).
    await page.bringToFront();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#browse').isHidden(), true, 'the drawer is closed on phones');
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }));
    assert.deepEqual(overflow, { x: 0, y: 0 }, 'the page itself never scrolls at 360 px; the message list does');
    await page.screenshot({ path: join(ARTIFACTS, 'phone.png') });
    await page.locator('#browse-toggle').click();
    await page.locator('#browse').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-browse.png') });
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#browse').isHidden(), true, 'Escape closes the drawer');
    await fresh.bringToFront();
    await fresh.setViewportSize({ width: 360, height: 740 });
    await fresh.emulateMedia({ colorScheme: 'dark' });
    await fresh.waitForTimeout(300);
    await fresh.screenshot({ path: join(ARTIFACTS, 'phone-dark.png') });
    await fresh.emulateMedia({ colorScheme: 'light' });
    await fresh.setViewportSize({ width: 1280, height: 800 });
  });

  test('too many messages at once: rate_limited is shown as a "slow down" notice', async (t) => {
    const n = await botCount(fresh);
    // The server allows a burst of 40 messages per connection (refilled at 20/s): 120 asks sent in
    // one go exceed it even on a slow machine.
    const took = await fresh.evaluate(() => {
      const start = performance.now();
      const input = document.getElementById('composer-input');
      for (let i = 0; i < 120; i++) {
        input.value = 'AP计算方式 ' + i;
        document.getElementById('composer').requestSubmit();
      }
      return performance.now() - start;
    });
    t.diagnostic('120 asks sent in ' + Math.round(took) + ' ms');
    await waitForAnswer(fresh, n + 120);
    await fresh.waitForFunction((k) => [...document.querySelectorAll('.msg-bot')].slice(k)
      .every((m) => m.getAttribute('aria-busy') === 'false'), n);
    const limited = fresh.locator('.error-text[data-code="rate_limited"]');
    assert.ok(await limited.count() >= 1, 'some asks were refused with rate_limited (sent in ' + Math.round(took) + ' ms)');
    assert.match(await limited.first().textContent(), /Slow down/);
    assert.match(await fresh.locator('#notice-text').textContent(), /Slow down/);
    assert.equal(await fresh.locator('#notice').isVisible(), true);
    // Each refused ask offers to ask again.
    assert.ok(await fresh.locator('.chip-retry').count() >= await limited.count());
  });

  test('reconnects after the server restarts, and sends what was asked meanwhile', async () => {
    const server = servers.at(-1);
    const port = new URL(showcaseUrl).port;
    serverDown = true;
    await new Promise((r) => {
      server.child.once('exit', r);
      server.killGroup('SIGTERM');
    });
    await fresh.locator('#status[data-state="offline"]').waitFor();
    assert.match(await fresh.locator('#status-text').textContent(), /retrying in \d+ s/);
    // Asked while offline: it waits, then goes out on the new connection.
    const n = await botCount(fresh);
    await fresh.locator('#composer-input').fill('BN有什么作用');
    await fresh.keyboard.press('Enter');
    assert.match(await fresh.locator('.msg-bot').nth(n).locator('.waiting-text').textContent(), /Waiting/);

    const restarted = startServer(qabot, join(work, 'showcase.db'), port);
    servers.push(restarted);
    await restarted.url;
    await fresh.locator('#status[data-state="online"]').waitFor({ timeout: 15000 });
    serverDown = false;
    const bot = await waitForAnswer(fresh, n + 1);
    assert.equal(await bot.locator('.answer-head-question').textContent(), 'BN有什么作用');
    await fresh.close();
  });

  test('a quiz round: the question, a graded reply with key points and the note, progress, "考考我"', async () => {
    const input = page.locator('#composer-input');
    const n = await botCount(page);
    await page.locator('#quiz-button').click();
    const question = await waitForAnswer(page, n + 1);
    assert.ok((await question.locator('.quiz-question').textContent()).trim().length > 0);
    assert.equal(await page.evaluate(() => window.qabot.quizPending), true);
    assert.match(await page.evaluate(() => window.qabot.quizUser), /^web-[0-9a-f]{24}$/);

    // The next message is the answer, not a question.
    await input.fill('我不知道');
    await page.keyboard.press('Enter');
    const result = await waitForAnswer(page, n + 2);
    assert.match(await result.locator('.quiz-verdict').textContent(), /Not yet/);
    assert.ok(await result.locator('.quiz-points.is-missed li').count() >= 1);
    assert.ok(await result.locator('.quiz-answer').evaluate((node) => node.childElementCount) >= 1);
    assert.equal(await page.evaluate(() => window.qabot.quizPending), false);

    await page.locator('#progress-button').click();
    const progress = await waitForAnswer(page, n + 3);
    assert.match(await progress.locator('.quiz-question').textContent(), /^Seen 1 of \d+ questions/);
    assert.equal(await progress.locator('.quiz-boxes li').count(), 5);

    // Typed, a quiz request is a quiz too (its answer bubble becomes the question).
    await input.fill('考考我');
    await page.keyboard.press('Enter');
    const typed = await waitForAnswer(page, n + 4);
    assert.ok(await typed.locator('.quiz-question').count() === 1);
    assert.equal(await page.evaluate(() => window.qabot.quizPending), true);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.qabot.quizPending), false);
  });

  test('no console errors or page errors', () => {
    assert.deepEqual(problems, []);
  });
});
