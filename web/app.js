// qabot web chat: one WebSocket to /ws (protocol v1, docs/protocol.md) and GET /api/questions.
// Plain script, no build step, no external requests. Safety rule: text from the notes (answers while
// streaming, questions, categories, sources) only ever reaches the page through textContent; the one
// exception is the server's sanitised `html` of a finished answer (see renderAnswerHtml).
'use strict';

(() => {
  const TOP_K = 5;
  const MAX_QUESTION_BYTES = 4096;     // the server refuses longer questions with too_large
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_CAP_MS = 10000;
  const STICKY_BOTTOM_PX = 120;        // closer than this to the bottom: keep following new text
  const KEEPALIVE_MS = 100000;         // the server closes connections idle for 300 s

  const $ = (id) => document.getElementById(id);
  const ui = {
    bankSize: $('bank-size'),
    status: $('status'),
    statusText: $('status-text'),
    browse: $('browse'),
    browseToggle: $('browse-toggle'),
    browseClose: $('browse-close'),
    browseFilter: $('browse-filter'),
    browseNote: $('browse-note'),
    browseReport: $('browse-report'),
    browseReportSummary: $('browse-report-summary'),
    browseReportList: $('browse-report-list'),
    browseList: $('browse-list'),
    scrim: $('scrim'),
    notice: $('notice'),
    noticeText: $('notice-text'),
    noticeClose: $('notice-close'),
    messages: $('messages'),
    welcome: $('welcome'),
    welcomeChips: $('welcome-chips'),
    composer: $('composer'),
    input: $('composer-input'),
    send: $('send-button'),
    stop: $('stop-button'),
    quizButton: $('quiz-button'),
    progressButton: $('progress-button'),
  };

  // ---------------------------------------------------------------- DOM helpers

  // el('div', {className: 'x', text: 'y', attrs: {title: 'z'}}, child...) — text always via textContent.
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    if (props.className) node.className = props.className;
    if (props.text !== undefined) node.textContent = String(props.text);
    if (props.attrs) {
      for (const [name, value] of Object.entries(props.attrs)) {
        if (value === undefined || value === null || value === false) continue;
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    if (props.type) node.type = props.type;
    if (props.onClick) node.addEventListener('click', props.onClick);
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function icon(pathData, className = 'icon') {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', className);
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', pathData);
    svg.append(path);
    return svg;
  }
  const ICONS = {
    chevron: 'M9 6l6 6-6 6',
    ask: 'M5 12h13M13 6l6 6-6 6',
    retry: 'M4 12a8 8 0 0 1 14-5.3M20 4v5h-5M20 12a8 8 0 0 1-14 5.3M4 20v-5h5',
    file: 'M7 3h7l5 5v13H7zM14 3v5h5',
    copy: 'M9 9h10v11H9zM5 15V4h10',
  };

  function isNearBottom() {
    const m = ui.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < STICKY_BOTTOM_PX;
  }
  function scrollToBottom() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }
  // Runs a DOM update and keeps the view pinned to the bottom when it was there before.
  function follow(update) {
    const pinned = isNearBottom();
    update();
    if (pinned) scrollToBottom();
  }

  const byteLength = (s) => new TextEncoder().encode(s).length;

  // ---------------------------------------------------------------- notices and status

  let noticeTimer = null;
  function showNotice(text, kind = 'error') {
    ui.noticeText.textContent = text;
    ui.notice.dataset.kind = kind;
    ui.notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(hideNotice, 8000);
  }
  function hideNotice() {
    clearTimeout(noticeTimer);
    ui.notice.hidden = true;
  }
  ui.noticeClose.addEventListener('click', hideNotice);

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.statusText.textContent = text;
  }

  const ERROR_TEXT = {
    rate_limited: 'Slow down — you are sending messages too fast. Wait a moment, then try again.',
    overloaded: 'The server is busy right now. Try again in a moment.',
    too_large: 'That question is too long. Please shorten it.',
    internal: 'Something went wrong on the server.',
  };
  function errorText(code, message) {
    if (ERROR_TEXT[code]) return ERROR_TEXT[code];
    return message ? String(message) : 'Something went wrong (' + String(code || 'unknown') + ').';
  }

  // ---------------------------------------------------------------- connection

  const conn = {
    ws: null,
    open: false,
    attempts: 0,
    retryAt: 0,
    retryTimer: null,
    countdownTimer: null,
    outbox: [],          // {id, frame} waiting for an open socket
    bankCount: null,     // "questions" from the last hello
  };

  function socketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return scheme + '//' + location.host + '/ws';
  }

  function connect() {
    clearTimeout(conn.retryTimer);
    clearInterval(conn.countdownTimer);
    conn.retryTimer = null;
    if (conn.ws) return;
    setStatus('connecting', 'Connecting…');
    let ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch (err) {
      scheduleReconnect();
      return;
    }
    conn.ws = ws;
    ws.addEventListener('open', () => {
      if (conn.ws !== ws) return;
      conn.open = true;
      conn.attempts = 0;
      setStatus('online', 'Connected');
      const pending = conn.outbox.splice(0);
      for (const item of pending) ws.send(item.frame);
    });
    ws.addEventListener('message', (event) => {
      if (conn.ws !== ws || typeof event.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      if (msg && typeof msg === 'object') handleMessage(msg);
    });
    ws.addEventListener('close', () => {
      if (conn.ws !== ws) return;
      conn.ws = null;
      conn.open = false;
      connectionLost();
      scheduleReconnect();
    });
    // "error" is always followed by "close", which does the work.
  }

  function scheduleReconnect() {
    if (conn.retryTimer) return;
    const base = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** conn.attempts);
    const delay = Math.min(BACKOFF_CAP_MS, Math.round(base * (0.8 + Math.random() * 0.4)));
    conn.attempts += 1;
    conn.retryAt = Date.now() + delay;
    const tick = () => {
      const secs = Math.max(1, Math.ceil((conn.retryAt - Date.now()) / 1000));
      setStatus('offline', 'Offline · retrying in ' + secs + ' s');
    };
    tick();
    conn.countdownTimer = setInterval(tick, 1000);
    conn.retryTimer = setTimeout(connect, delay);
  }

  // Reconnect at once when the network or the tab comes back.
  function reconnectNow() {
    if (!conn.ws) {
      conn.attempts = 0;
      connect();
    }
  }
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectNow();
  });

  // While the page is visible, a ping now and then keeps the idle connection open.
  setInterval(() => {
    if (conn.open && document.visibilityState === 'visible') conn.ws.send(JSON.stringify({ type: 'ping' }));
  }, KEEPALIVE_MS);

  function sendFrame(obj) {
    const frame = JSON.stringify(obj);
    if (conn.ws && conn.open) conn.ws.send(frame);
    else conn.outbox.push({ id: obj.id, frame });
  }

  function handleMessage(msg) {
    switch (msg.type) {
      case 'hello': return onHello(msg);
      case 'result': return withAsk(msg, onResult);
      case 'delta': return withAsk(msg, onDelta);
      case 'done': return withAsk(msg, onDone);
      case 'error': return onError(msg);
      case 'quiz_question': return onQuizQuestion(msg);
      case 'quiz_result': return onQuizResult(msg);
      case 'progress': return onProgress(msg);
      default: return undefined;  // pong and future message types
    }
  }

  function withAsk(msg, fn) {
    const ask = typeof msg.id === 'string' ? asks.get(msg.id) : undefined;
    if (ask) fn(ask, msg);
  }

  function onHello(msg) {
    if (msg.protocol !== 1) {
      showNotice('This server speaks protocol ' + String(msg.protocol) + '; the page expects 1. Reload the page.');
    }
    const n = Number(msg.questions);
    if (Number.isFinite(n)) {
      ui.bankSize.replaceChildren(el('strong', { text: String(n) }), n === 1 ? ' question' : ' questions',
        el('span', { className: 'bank-size-long', text: ' in your notes' }));
      // A changed count means the notes were re-indexed: refresh the browse view.
      if (conn.bankCount !== null && conn.bankCount !== n) loadQuestions();
      conn.bankCount = n;
    }
  }

  function onError(msg) {
    if (typeof msg.id === 'string' && quizRequests.has(msg.id)) return onQuizError(msg);
    const text = errorText(msg.code, msg.message);
    const ask = typeof msg.id === 'string' ? asks.get(msg.id) : undefined;
    if (ask) {
      failAsk(ask, text, msg.code);
      if (msg.code === 'rate_limited') showNotice(text, 'warn');
    } else {
      showNotice(text, msg.code === 'rate_limited' ? 'warn' : 'error');
    }
  }

  // ---------------------------------------------------------------- asks

  const asks = new Map();   // id → ask in flight
  let askSeq = 0;

  function ask(rawText) {
    const text = String(rawText).trim();
    if (!text) return false;
    if (byteLength(text) > MAX_QUESTION_BYTES) {
      showNotice(ERROR_TEXT.too_large);
      return false;
    }
    ui.welcome.hidden = true;
    addUserMessage(text);
    const id = 'a' + (++askSeq);
    const a = { id, text, state: 'pending', result: null, streamed: '', view: addBotMessage() };
    asks.set(id, a);
    // `user`: a typed "考考我" starts this page's quiz (the server answers it with quiz_question).
    sendFrame({ type: 'ask', id, text, top_k: TOP_K, stream: true, user: quizUser });
    if (!conn.open) a.view.setWaiting('Waiting for the connection…');
    updateStop();
    scrollToBottom();
    return true;
  }

  function onResult(a, msg) {
    a.result = msg;
    a.state = 'streaming';
    follow(() => a.view.setResult(msg));
  }

  function onDelta(a, msg) {
    if (typeof msg.text !== 'string') return;
    a.streamed += msg.text;
    follow(() => a.view.setStreamText(a.streamed));
  }

  function onDone(a, msg) {
    asks.delete(a.id);
    follow(() => {
      if (msg.cancelled) a.view.finishCancelled(a, msg);
      else a.view.finish(a, msg);
    });
    updateStop();
  }

  function failAsk(a, text, code) {
    asks.delete(a.id);
    follow(() => a.view.fail(text, code, a.text));
    updateStop();
  }

  // The socket closed. Asks that had no reply yet are sent again on the next connection; an answer cut
  // off mid-stream is marked as such (with a retry button).
  function connectionLost() {
    const hadAsks = asks.size > 0;
    const resend = [];
    for (const a of asks.values()) {
      if (a.state === 'pending') {
        resend.push(a);
        a.view.setWaiting('Connection lost — will resend when reconnected…');
      } else {
        failAsk(a, 'The connection was lost before the answer finished.', 'disconnected');
      }
    }
    conn.outbox = [];
    for (const a of resend) sendFrame({ type: 'ask', id: a.id, text: a.text, top_k: TOP_K, stream: true, user: quizUser });
    if (hadAsks) showNotice('Connection lost. Reconnecting…', 'warn');
  }

  function stopAll() {
    for (const a of asks.values()) {
      if (a.cancelSent) continue;
      a.cancelSent = true;
      if (conn.open) {
        sendFrame({ type: 'cancel', id: a.id });
      } else {
        conn.outbox = conn.outbox.filter((item) => item.id !== a.id);
        failAsk(a, 'Stopped.', 'cancelled');
      }
    }
    updateStop();
  }

  function updateStop() {
    let active = false;
    for (const a of asks.values()) if (!a.cancelSent) active = true;
    ui.stop.hidden = !active;
  }

  // ---------------------------------------------------------------- messages

  function addUserMessage(text) {
    const msg = el('article', { className: 'msg msg-user', attrs: { 'aria-label': 'You' } },
      el('div', { className: 'bubble bubble-user', text }));
    ui.messages.append(msg);
  }

  function confidenceLevel(c) {
    if (c >= 0.7) return 'high';
    if (c >= 0.4) return 'mid';
    return 'low';
  }

  function confidenceMeter(conf) {
    const c = Math.max(0, Math.min(1, Number(conf) || 0));
    const pct = Math.round(c * 100);
    const step = Math.round(c * 20);  // the bar width comes from a class: the CSP forbids inline styles
    return el('span', { className: 'confidence', attrs: { title: 'Confidence ' + pct + '%' } },
      el('span', { className: 'confidence-bar', attrs: { 'aria-hidden': 'true' } },
        el('span', { className: 'confidence-fill w' + step + ' lvl-' + confidenceLevel(c) })),
      el('span', { className: 'confidence-text', text: pct + '%' }),
      el('span', { className: 'visually-hidden', text: ' confidence' }));
  }

  function questionChip(hit, withCategory) {
    const chip = el('button', {
      type: 'button',
      className: 'chip',
      attrs: { title: hit.category ? hit.category + ' · ' + hit.question : hit.question },
      onClick: () => { ask(hit.question); ui.input.focus(); },
    }, el('span', { className: 'chip-text', text: hit.question }));
    if (withCategory && hit.category) chip.append(el('span', { className: 'chip-cat', text: lastSegment(hit.category) }));
    return chip;
  }

  function chipGroup(label, hits, kind) {
    if (!hits.length) return null;
    const list = el('div', { className: 'chips' });
    for (const hit of hits) list.append(questionChip(hit, kind !== 'clarify'));
    return el('div', { className: 'followups followups-' + kind },
      el('p', { className: 'followups-label', text: label }), list);
  }

  // "/home/me/notes/ml/interview.md:23" → "interview.md:23"; the full path stays in the tooltip.
  function shortSource(source) {
    const text = String(source || '');
    const cut = Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\'));
    return cut >= 0 ? text.slice(cut + 1) : text;
  }

  function lastSegment(category) {
    const parts = String(category).split(' / ');
    return parts[parts.length - 1];
  }

  function typingDots() {
    return el('span', { className: 'typing', attrs: { 'aria-label': 'Thinking' } },
      el('span'), el('span'), el('span'));
  }

  // One bot reply: its DOM and the transitions pending → streaming → done / failed.
  function addBotMessage() {
    const corrections = el('p', { className: 'corrections', attrs: { hidden: true } });
    const followup = el('p', { className: 'followup-note', attrs: { hidden: true } });
    const head = el('div', { className: 'answer-head', attrs: { hidden: true } });
    const body = el('div', { className: 'answer' }, typingDots());
    const meta = el('footer', { className: 'answer-meta', attrs: { hidden: true } });
    const bubble = el('div', { className: 'bubble bubble-bot' }, head, body, meta);
    const main = el('div', { className: 'msg-main' }, followup, corrections, bubble);
    const article = el('article', { className: 'msg msg-bot', attrs: { 'aria-label': 'qabot', 'aria-busy': 'true' } },
      el('div', { className: 'avatar', attrs: { 'aria-hidden': 'true' }, text: 'Q' }), main);
    ui.messages.append(article);

    let streamNode = null;

    return {
      article,
      setWaiting(text) {
        body.replaceChildren(typingDots(), el('span', { className: 'waiting-text', text }));
      },
      setResult(result) {
        if (body.querySelector('.waiting-text')) body.replaceChildren(typingDots());
        const hits = Array.isArray(result.hits) ? result.hits : [];
        const fixes = Array.isArray(result.corrections) ? result.corrections : [];
        if (fixes.length) {
          corrections.replaceChildren(el('span', { className: 'corrections-icon', attrs: { 'aria-hidden': 'true' }, text: '✎' }),
            'Showing results for ');
          fixes.forEach((fix, i) => {
            if (i > 0) corrections.append(', ');
            corrections.append(el('strong', { text: fix.to }),
              el('span', { className: 'corrections-from', text: ' (you typed “' + String(fix.from) + '”)' }));
          });
          corrections.hidden = false;
        }
        if (result.followup && Array.isArray(result.followup.carried)) {
          // Said so, because an answer about the previous topic must not look like a misreading.
          followup.replaceChildren(el('span', { className: 'followup-icon', attrs: { 'aria-hidden': 'true' }, text: '↩' }),
            'Read as a follow-up of “' + String(result.followup.previous || '') + '”: ',
            el('strong', { text: result.followup.carried.map(String).join(', ') }));
          followup.hidden = false;
        }
        if (result.matched && result.clarify && hits.length > 1) {
          head.replaceChildren(el('span', { className: 'answer-head-label', text: 'Which one?' }));
          head.hidden = false;
          bubble.classList.add('is-clarify');
        } else if (result.matched && hits.length) {
          const top = hits[0];
          head.replaceChildren(el('span', { className: 'answer-head-label', text: 'Matched' }),
            el('span', { className: 'answer-head-question', text: top.question }));
          head.hidden = false;
          meta.replaceChildren(
            el('span', { className: 'meta-cat', attrs: { title: top.category }, text: top.category }),
            el('span', { className: 'meta-source', attrs: { title: 'Source: ' + top.source } },
              icon(ICONS.file, 'icon icon-small'), el('code', { text: shortSource(top.source) })),
            confidenceMeter(top.confidence));
          meta.hidden = false;
          bubble.classList.add('is-matched');
        } else {
          head.replaceChildren(el('span', { className: 'answer-head-label is-muted', text: 'No match' }));
          head.hidden = false;
          bubble.classList.add('is-nomatch');
        }
      },
      setStreamText(text) {
        if (!streamNode) {
          streamNode = el('div', { className: 'stream-text is-streaming' });
          body.replaceChildren(streamNode);
        }
        streamNode.textContent = text;
      },
      finish(a, done) {
        article.setAttribute('aria-busy', 'false');
        renderAnswerHtml(body, typeof done.html === 'string' ? done.html : '', done.answer);
        const result = a.result || { matched: false, hits: [] };
        const hits = Array.isArray(result.hits) ? result.hits : [];
        if (!result.matched) {
          dropEchoedList(body, hits);
          main.append(chipGroup(hits.length ? 'Closest questions in your notes' : 'Nothing close', hits, 'closest') || '');
          return;
        }
        if (result.clarify) {
          // done.answer is the "Did you mean: A, or B?" question; the chips answer it in one click.
          const n = Math.max(2, Number(result.choices) || 2);
          main.append(chipGroup('Did you mean…?', hits.slice(0, n), 'clarify') || '');
          const rest = chipGroup('Related questions', hits.slice(n), 'related');
          if (rest) main.append(rest);
        } else {
          const related = chipGroup('Related questions', hits.slice(1), 'related');
          if (related) main.append(related);
        }
      },
      finishCancelled(a, done) {
        article.setAttribute('aria-busy', 'false');
        const partial = el('div', { className: 'stream-text', text: a.streamed });
        const note = el('p', { className: 'stopped-note' }, 'Stopped. ');
        const full = el('button', {
          type: 'button',
          className: 'link-button',
          text: 'Show the full answer',
          onClick: () => {
            renderAnswerHtml(body, typeof done.html === 'string' ? done.html : '', done.answer);
            body.append(note);
            note.replaceChildren('Stopped early; full answer shown.');
          },
        });
        if (typeof done.html === 'string' && done.html) note.append(full);
        body.replaceChildren(...(a.streamed ? [partial] : []), note);
      },
      fail(text, code, question) {
        article.setAttribute('aria-busy', 'false');
        bubble.classList.add('is-error');
        const retry = el('button', {
          type: 'button',
          className: 'chip chip-retry',
          onClick: () => { ask(question); ui.input.focus(); },
        }, icon(ICONS.retry, 'icon icon-small'), el('span', { className: 'chip-text', text: 'Ask again' }));
        const kept = streamNode && streamNode.textContent ? streamNode : null;
        if (kept) kept.classList.remove('is-streaming');
        body.replaceChildren(...(kept ? [kept] : []),
          el('p', { className: 'error-text', attrs: { 'data-code': code || '' }, text }));
        if (code !== 'cancelled') main.append(el('div', { className: 'chips' }, retry));
      },
    };
  }

  // The server's `html` is cmark-gfm output with raw HTML escaped or omitted (docs/protocol.md): the
  // only string this page ever parses as HTML. After parsing, links open in a new tab, tables scroll
  // sideways on narrow screens, and images that fail to load say so.
  function renderAnswerHtml(container, html, markdownFallback) {
    if (!html && markdownFallback) {
      container.replaceChildren(el('div', { className: 'stream-text', text: markdownFallback }));
      return;
    }
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    const frag = tpl.content;
    // Belt and braces: nothing executable survives even if the sanitiser ever regressed.
    for (const bad of frag.querySelectorAll('script, iframe, object, embed, style, link, meta, base, form')) bad.remove();
    for (const node of frag.querySelectorAll('*')) {
      for (const attr of [...node.attributes]) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim().toLowerCase();
        if (name.startsWith('on') || name === 'style' || name === 'srcdoc' ||
            ((name === 'href' || name === 'src' || name === 'xlink:href') && value.startsWith('javascript:'))) {
          node.removeAttribute(attr.name);
        }
      }
    }
    for (const a of frag.querySelectorAll('a')) {
      const href = (a.getAttribute('href') || '').trim();
      if (!href) {  // the sanitiser blanks unsafe links: keep their text only
        a.replaceWith(...a.childNodes);
        continue;
      }
      if (href.startsWith('#')) continue;
      a.target = '_blank';
      a.rel = 'noopener noreferrer nofollow';
    }
    for (const table of frag.querySelectorAll('table')) {
      const wrap = el('div', { className: 'table-wrap', attrs: { tabindex: '0', role: 'region', 'aria-label': 'Table' } });
      table.replaceWith(wrap);
      wrap.append(table);
    }
    for (const img of frag.querySelectorAll('img')) {
      img.loading = 'lazy';
      img.decoding = 'async';
      img.referrerPolicy = 'no-referrer';
      img.addEventListener('error', () => {
        const alt = img.getAttribute('alt') || 'image';
        img.replaceWith(el('span', { className: 'img-missing', text: '🖼 ' + alt + ' (image unavailable)' }));
      }, { once: true });
    }
    renderMath(frag);
    highlightCode(frag);
    for (const pre of frag.querySelectorAll('pre')) addCopyButton(pre);
    container.replaceChildren(frag);
  }

  // The server's `.math` elements hold escaped TeX (text only); KaTeX (vendor/katex, compiled into
  // the server) builds the formula in their place. katex.render sets styles through the DOM, which
  // the page's Content-Security-Policy allows (renderToString's style attributes it would not).
  // Without KaTeX the TeX stays readable as it is.
  function renderMath(root) {
    if (!window.katex) return;
    for (const node of root.querySelectorAll('.math')) {
      const tex = node.textContent;
      try {
        window.katex.render(tex, node, { displayMode: node.classList.contains('math-display'), throwOnError: false });
      } catch (err) {  // throwOnError only covers TeX errors; anything else leaves the source
        node.textContent = tex;
      }
    }
  }

  // Code blocks through highlight.js (vendor/highlight). cmark gives a fenced block's language as
  // <pre lang="…">, which highlight.js reads as a class; a block without one is guessed, unless it is
  // too long to guess quickly (guessing runs every language).
  const MAX_GUESSED_CODE_CHARS = 20000;
  function highlightCode(root) {
    const hljs = window.hljs;
    if (!hljs) return;
    // Debian's 9.18 package gets its security fixes from Debian; the upstream end-of-life notice is noise here.
    hljs.configure({ hideUpgradeWarningAcceptNoSupportOrSecurityUpdates: true });
    for (const code of root.querySelectorAll('pre > code')) {
      const lang = (code.parentElement.getAttribute('lang') || '').toLowerCase();
      if (lang && !hljs.getLanguage(lang)) continue;  // a language highlight.js does not know: as written
      if (lang) code.classList.add('language-' + lang);
      else if (code.textContent.length > MAX_GUESSED_CODE_CHARS) continue;
      try {
        hljs.highlightBlock(code);
      } catch (err) {
        code.classList.remove('hljs');  // left as plain code
      }
    }
  }

  function addCopyButton(pre) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    const wrap = el('div', { className: 'code-wrap' });
    const button = el('button', { type: 'button', className: 'copy-button', attrs: { title: 'Copy code' } },
      icon(ICONS.copy, 'icon icon-small'), el('span', { className: 'copy-label', text: 'Copy' }));
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(pre.textContent).then(() => {
        button.lastChild.textContent = 'Copied';
        setTimeout(() => { button.lastChild.textContent = 'Copy'; }, 1500);
      }, () => {
        button.lastChild.textContent = 'Failed';
      });
    });
    pre.replaceWith(wrap);
    wrap.append(button, pre);
  }

  // A no-match reply lists the closest questions as markdown; they are shown as chips instead, so the
  // list is dropped when it is exactly those questions.
  function dropEchoedList(container, hits) {
    if (!hits.length) return;
    const wanted = hits.map((h) => String(h.question).trim());
    for (const list of container.querySelectorAll('ul')) {
      const items = [...list.children].map((li) => li.textContent.trim());
      if (items.length === wanted.length && items.every((t, i) => t === wanted[i])) list.remove();
    }
  }

  // ---------------------------------------------------------------- browse view

  const bank = { categories: [], loaded: false, loading: false };
  const wideQuery = window.matchMedia('(min-width: 960px)');

  function isDrawer() {
    return !wideQuery.matches;
  }

  function setBrowseOpen(open, { focus = false } = {}) {
    ui.browse.hidden = !open;
    ui.browseToggle.setAttribute('aria-expanded', String(open));
    ui.scrim.hidden = !(open && isDrawer());
    document.body.classList.toggle('drawer-open', open && isDrawer());
    if (open && !bank.loaded) loadQuestions();
    if (open && focus) ui.browseFilter.focus();
    if (!open && focus) ui.browseToggle.focus();
  }

  ui.browseToggle.addEventListener('click', () => setBrowseOpen(ui.browse.hidden, { focus: true }));
  ui.browseClose.addEventListener('click', () => setBrowseOpen(false, { focus: true }));
  ui.scrim.addEventListener('click', () => setBrowseOpen(false, { focus: true }));
  ui.browse.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isDrawer()) setBrowseOpen(false, { focus: true });
  });
  wideQuery.addEventListener('change', () => setBrowseOpen(wideQuery.matches));

  async function loadQuestions() {
    if (bank.loading) return;
    bank.loading = true;
    ui.browseNote.textContent = 'Loading questions…';
    try {
      const res = await fetch('/api/questions', { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const data = await res.json();
      bank.categories = Array.isArray(data.categories) ? data.categories : [];
      bank.loaded = true;
      renderBrowse();
      renderWelcomeChips();
      loadReport();
    } catch (err) {
      ui.browseNote.replaceChildren('Could not load the question bank. ',
        el('button', { type: 'button', className: 'link-button', text: 'Retry', onClick: loadQuestions }));
    } finally {
      bank.loading = false;
    }
  }

  // The index's coverage report (GET /api/report): how many files became questions, and which were
  // skipped or failed and why. An index without one (built by an older qabot) shows nothing.
  async function loadReport() {
    try {
      const res = await fetch('/api/report', { headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      const report = await res.json();
      const t = report.totals || {};
      const files = Array.isArray(report.files) ? report.files : [];
      const left = files.filter((f) => f.status === 'skipped' || f.status === 'failed');
      ui.browseReportSummary.textContent = (t.files || 0) + ' files, ' + (t.questions || 0) + ' questions' +
        (left.length ? ', ' + (t.skipped || 0) + ' skipped, ' + (t.failed || 0) + ' failed' : '');
      ui.browseReportList.replaceChildren(...left.map((f) => el('li', { className: 'report-' + f.status },
        el('code', { text: String(f.path) }), ' ' + String(f.status) + ': ' + String(f.reason || ''))));
      ui.browseReport.hidden = false;
    } catch (err) {
      ui.browseReport.hidden = true;
    }
  }

  function renderBrowse() {
    const filter = ui.browseFilter.value.trim().toLowerCase();
    const list = document.createDocumentFragment();
    let shown = 0;
    let total = 0;
    bank.categories.forEach((cat, index) => {
      const name = String(cat.category || 'Uncategorised');
      const questions = Array.isArray(cat.questions) ? cat.questions : [];
      total += questions.length;
      const catMatches = filter && name.toLowerCase().includes(filter);
      const visible = filter && !catMatches
        ? questions.filter((q) => String(q.question).toLowerCase().includes(filter))
        : questions;
      if (!visible.length) return;
      shown += visible.length;
      list.append(categorySection(name, visible, index, Boolean(filter)));
    });
    ui.browseList.replaceChildren(list);
    if (!bank.categories.length) ui.browseNote.textContent = 'The question bank is empty.';
    else if (filter) ui.browseNote.textContent = shown ? shown + ' of ' + total + ' questions match' : 'No question matches “' + ui.browseFilter.value.trim() + '”';
    else ui.browseNote.textContent = total + ' questions in ' + bank.categories.length + ' categories';
  }

  const expanded = new Set();   // categories the user opened (by name)

  function categorySection(name, questions, index, forceOpen) {
    const open = forceOpen || expanded.has(name) || (expanded.size === 0 && index === 0);
    const parts = name.split(' / ');
    const listId = 'cat-' + index;
    const toggle = el('button', {
      type: 'button',
      className: 'cat-toggle',
      attrs: { 'aria-expanded': String(open), 'aria-controls': listId },
    },
    icon(ICONS.chevron, 'icon icon-small cat-chevron'),
    el('span', { className: 'cat-name' },
      parts.length > 1 ? el('span', { className: 'cat-parent', text: parts.slice(0, -1).join(' / ') }) : null,
      el('span', { className: 'cat-leaf', text: parts[parts.length - 1] })),
    el('span', { className: 'cat-count', text: String(questions.length) }));
    const items = el('ul', { className: 'cat-questions', attrs: { id: listId, hidden: !open } });
    for (const q of questions) {
      const button = el('button', {
        type: 'button',
        className: 'q-item' + (q.answered === false ? ' is-unanswered' : ''),
        attrs: { title: q.source ? String(q.source) : undefined },
        onClick: () => {
          ask(q.question);
          if (isDrawer()) setBrowseOpen(false);
          ui.input.focus();
        },
      }, el('span', { className: 'q-text', text: q.question }));
      if (q.answered === false) button.append(el('span', { className: 'q-badge', text: 'no answer yet' }));
      items.append(el('li', {}, button));
    }
    toggle.addEventListener('click', () => {
      const nowOpen = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(nowOpen));
      items.hidden = !nowOpen;
      if (nowOpen) expanded.add(name);
      else expanded.delete(name);
      browseCategory = nowOpen ? name : (browseCategory === name ? '' : browseCategory);
    });
    return el('section', { className: 'cat' }, toggle, items);
  }

  ui.browseFilter.addEventListener('input', renderBrowse);

  // A few starting points: the shortest answered question of each of the first categories.
  function renderWelcomeChips() {
    const picks = [];
    for (const cat of bank.categories) {
      const answered = (cat.questions || []).filter((x) => x.answered !== false && String(x.question).length <= 40);
      answered.sort((a, b) => String(a.question).length - String(b.question).length);
      if (answered.length) picks.push({ question: answered[0].question, category: cat.category });
      if (picks.length >= 4) break;
    }
    ui.welcomeChips.replaceChildren(...picks.map((hit) => questionChip(hit, true)));
  }


  // ---------------------------------------------------------------- quiz

  // The quiz user: a random id kept in this browser, so progress survives reloads (docs/protocol.md,
  // "Quizzes"). Not a secret and not an account: anyone with the id shares its progress.
  const quizUser = (() => {
    const fresh = () => {
      const bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    };
    try {
      let id = localStorage.getItem('qabot-quiz-user');
      if (!id || id.length > 128) {
        id = fresh();
        localStorage.setItem('qabot-quiz-user', id);
      }
      return id;
    } catch (e) {
      return fresh();  // storage blocked: progress lasts as long as the page
    }
  })();

  const quizRequests = new Map();  // id → {kind, view}
  let quizSeq = 0;
  let quizPending = null;          // the question the next message answers, or null
  let browseCategory = '';         // the category opened last in the question bank

  function quizBubble(label) {
    const body = el('div', { className: 'answer quiz-body' }, typingDots());
    const bubble = el('div', { className: 'bubble bubble-bot bubble-quiz' },
      el('div', { className: 'answer-head' }, el('span', { className: 'answer-head-label', text: label })), body);
    const article = el('article', { className: 'msg msg-bot msg-quiz', attrs: { 'aria-label': 'qabot quiz', 'aria-busy': 'true' } },
      el('div', { className: 'avatar', attrs: { 'aria-hidden': 'true' }, text: 'Q' }),
      el('div', { className: 'msg-main' }, bubble));
    ui.messages.append(article);
    return {
      article,
      body,
      show(...children) {
        body.replaceChildren(...children);
        article.setAttribute('aria-busy', 'false');
      },
    };
  }

  function quizRequest(kind, frame, label) {
    ui.welcome.hidden = true;
    const id = 'z' + (++quizSeq);
    const view = quizBubble(label);
    quizRequests.set(id, { kind, view });
    sendFrame(Object.assign({ id, user: quizUser }, frame));
    scrollToBottom();
    return id;
  }

  function startQuiz() {
    const category = browseCategory;
    addUserMessage(category ? 'Quiz me on ' + lastSegment(category) : 'Quiz me');
    quizRequest('quiz', category ? { type: 'quiz', category } : { type: 'quiz' }, 'Quiz');
  }

  function answerQuiz(text) {
    if (byteLength(text) > MAX_QUESTION_BYTES) {
      showNotice(ERROR_TEXT.too_large);
      return false;
    }
    addUserMessage(text);
    // Naming the question keeps a reply from being graded against a newer one asked in another tab.
    const question = quizPending && Number.isInteger(quizPending.id) ? quizPending.id : null;
    quizPending = null;
    setQuizMode(false);
    quizRequest('quiz_answer', { type: 'quiz_answer', text, question }, 'Quiz result');
    return true;
  }

  function setQuizMode(on) {
    ui.input.placeholder = on ? 'Your answer… (Esc: skip the quiz and ask instead)' : 'Ask a question… / 问一个问题';
    ui.composer.classList.toggle('is-quiz', on);
  }

  function takeQuizView(msg) {
    const id = typeof msg.id === 'string' ? msg.id : '';
    const req = quizRequests.get(id);
    if (req) {
      quizRequests.delete(id);
      return req.view;
    }
    // A typed quiz request ("考考我") came back as a quiz: its answer bubble becomes the quiz.
    const a = asks.get(id);
    if (a) {
      asks.delete(id);
      a.view.article.remove();
      updateStop();
    }
    return quizBubble('Quiz');
  }

  function onQuizQuestion(msg) {
    const view = takeQuizView(msg);
    const q = msg.question || {};
    quizPending = q;
    const counts = 'Box ' + String(msg.box) + ' · ' + String(msg.due) + ' due · ' + String(msg.new) + ' new left';
    follow(() => view.show(
      q.category ? el('p', { className: 'quiz-category', text: String(q.category) }) : '',
      el('p', { className: 'quiz-question', text: String(q.question || '') }),
      el('p', { className: 'quiz-hint', text: 'Type your answer below: it is graded against your note. ' + counts }),
      el('div', { className: 'chips' },
        el('button', { type: 'button', className: 'chip', onClick: () => { quizPending = null; setQuizMode(false); startQuiz(); } },
          el('span', { className: 'chip-text', text: 'Skip' })))));
    setQuizMode(true);
    ui.input.focus();
  }

  function pointList(items, className, mark) {
    const list = el('ul', { className: 'quiz-points ' + className });
    for (const item of items) list.append(el('li', {}, el('span', { className: 'quiz-mark', attrs: { 'aria-hidden': 'true' }, text: mark }), String(item)));
    return list;
  }

  function onQuizResult(msg) {
    const view = takeQuizView(msg);
    const hit = Array.isArray(msg.hit) ? msg.hit : [];
    const missed = Array.isArray(msg.missed) ? msg.missed : [];
    const score = Math.round(Number(msg.score) * 100);
    const days = Math.round((Number(msg.next_due) - Date.now() / 1000) / 86400);
    const answer = el('div', { className: 'quiz-answer' });
    renderAnswerHtml(answer, msg.answer && msg.answer.html, msg.answer && msg.answer.markdown);
    follow(() => view.show(
      el('p', { className: 'quiz-verdict ' + (msg.passed ? 'is-pass' : 'is-miss'),
        text: (msg.passed ? 'Passed' : 'Not yet') + ' · ' + String(score) + '% of the key points' }),
      el('p', { className: 'quiz-question', text: String((msg.question && msg.question.question) || '') }),
      hit.length ? el('p', { className: 'quiz-label', text: 'You covered' }) : '',
      hit.length ? pointList(hit, 'is-hit', '✓') : '',
      missed.length ? el('p', { className: 'quiz-label', text: 'You missed' }) : '',
      missed.length ? pointList(missed, 'is-missed', '✗') : '',
      el('p', { className: 'quiz-label', text: 'Your note' }), answer,
      el('p', { className: 'quiz-hint', text: days < 1 ? 'It comes back in a few minutes.' : 'Next review in ' + days + (days === 1 ? ' day.' : ' days.') }),
      el('div', { className: 'chips' },
        el('button', { type: 'button', className: 'chip', onClick: startQuiz }, el('span', { className: 'chip-text', text: 'Next question' })),
        el('button', { type: 'button', className: 'chip', onClick: showProgress }, el('span', { className: 'chip-text', text: 'Progress' })))));
  }

  function showProgress() {
    quizRequest('progress', { type: 'progress' }, 'Progress');
  }

  function onProgress(msg) {
    const view = takeQuizView(msg);
    const boxes = Array.isArray(msg.boxes) ? msg.boxes.map(Number) : [];
    const most = Math.max(1, ...boxes);
    const bars = el('ol', { className: 'quiz-boxes', attrs: { 'aria-label': 'Questions per box' } });
    boxes.forEach((n, i) => bars.append(el('li', { attrs: { title: 'Box ' + i + ': ' + n } },
      el('span', { className: 'quiz-box-bar' }), el('span', { className: 'quiz-box-label', text: 'Box ' + i + ': ' + n }))));
    for (const [i, li] of [...bars.children].entries()) li.firstChild.style.width = Math.round((boxes[i] / most) * 100) + '%';
    follow(() => view.show(
      el('p', { className: 'quiz-question', text: 'Seen ' + String(msg.seen) + ' of ' + String(msg.total) + ' questions · ' + String(msg.due) + ' due now' }),
      el('p', { className: 'quiz-hint', text: String(msg.correct) + ' of ' + String(msg.reviews) + ' answers passed' }),
      bars));
  }

  function onQuizError(msg) {
    const req = quizRequests.get(msg.id);
    quizRequests.delete(msg.id);
    if (req.kind === 'quiz_answer' || msg.code === 'no_quiz') {
      quizPending = null;
      setQuizMode(false);
    }
    const text = msg.code === 'no_quiz' ? 'No quiz question is waiting for an answer: press Quiz for one.'
      : msg.code === 'state_unavailable' ? 'Quiz progress is unavailable on this server right now.'
        : errorText(msg.code, msg.message);
    follow(() => req.view.show(el('p', { className: 'error-text', attrs: { 'data-code': msg.code || '' }, text })));
  }

  ui.quizButton.addEventListener('click', () => { startQuiz(); ui.input.focus(); });
  ui.progressButton.addEventListener('click', () => { showProgress(); ui.input.focus(); });

  // ---------------------------------------------------------------- composer

  function autosize() {
    const input = ui.input;
    input.rows = 1;
    const style = getComputedStyle(input);
    const line = parseFloat(style.lineHeight) || 22;
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    const rows = Math.round((input.scrollHeight - padding) / line);
    input.rows = Math.max(1, Math.min(6, rows));
  }

  function submit() {
    const text = ui.input.value.trim();
    if (quizPending && text) {
      if (answerQuiz(text)) {
        ui.input.value = '';
        autosize();
      }
      return;
    }
    if (ask(ui.input.value)) {
      ui.input.value = '';
      autosize();
    }
  }

  ui.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
    ui.input.focus();
  });
  ui.input.addEventListener('keydown', (e) => {
    // Enter while an input method is composing (Chinese pinyin) confirms the candidate: never send.
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape' && quizPending) {
      e.preventDefault();
      quizPending = null;
      setQuizMode(false);
    } else if (e.key === 'Escape' && !ui.stop.hidden) {
      e.preventDefault();
      stopAll();
    }
  });
  ui.input.addEventListener('input', autosize);
  ui.stop.addEventListener('click', () => {
    stopAll();
    ui.input.focus();
  });

  // ---------------------------------------------------------------- start

  setBrowseOpen(wideQuery.matches);
  loadQuestions();
  connect();
  autosize();
  ui.input.focus();

  // For tests and curious users: read-only view of the connection.
  Object.defineProperty(window, 'qabot', {
    value: Object.freeze({
      get connected() { return conn.open; },
      get inFlight() { return asks.size; },
      get quizUser() { return quizUser; },
      get quizPending() { return quizPending !== null; },
    }),
  });
})();
