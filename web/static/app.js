// Callboard agent panel: login, the agent's live status, and the screen pop
// while his phone rings. Talks to the JSON API and the /ws WebSocket
// (docs/api.md). No framework, no build step.
'use strict';

(function () {
  const i18n = window.CallboardI18n;
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

  // Exposed for tests and debugging: when each pop was rendered (Date.now()).
  const probe = (window.__callboard = { lastPopAt: 0, lastPopCall: null, pops: [], socket: 'closed' });

  const session = {
    me: null,             // {login, name, role, department, csrf}
    view: null,           // {state, since_us, registered}
    clockOffsetMs: 0,     // server time - local time
    socket: null,
    retryMs: 1000,
    pops: new Map(),      // call id -> pop message, in arrival order
    loginError: null,     // {key, vars} shown on the login form
  };

  // ---- API ------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && session.me) headers['X-CSRF-Token'] = session.me.csrf;
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = null; }
    }
    return { status: res.status, data, headers: res.headers };
  }

  // ---- rendering ------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = i18n.language();
    document.querySelectorAll('[data-i18n]').forEach((el) => {
      el.textContent = i18n.t(el.dataset.i18n);
    });
    document.querySelectorAll('[data-lang]').forEach((b) => {
      b.setAttribute('aria-pressed', String(b.dataset.lang === i18n.language()));
    });
    renderLoginError();
    renderAgent();
    renderPop();
    renderConnection();
  }

  function showLogin(errorKey) {
    session.me = null;
    session.view = null;
    session.pops.clear();
    closeSocket();
    session.loginError = errorKey ? { key: errorKey } : null;
    $('agent-view').hidden = true;
    $('logout').hidden = true;
    $('connection').hidden = true;
    $('login-view').hidden = false;
    renderLoginError();
    renderPop();
    $('login-input').focus();
  }

  function renderLoginError() {
    const el = $('login-error');
    if (!session.loginError) {
      el.hidden = true;
      el.textContent = '';
      return;
    }
    el.textContent = i18n.t(session.loginError.key, session.loginError.vars);
    el.hidden = false;
  }

  function showAgent(me) {
    session.me = me;
    session.loginError = null;
    $('login-view').hidden = true;
    $('agent-view').hidden = false;
    $('logout').hidden = false;
    $('connection').hidden = false;
    renderAgent();
    openSocket();
  }

  function formatDuration(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
  }

  function renderAgent() {
    if (!session.me) return;
    $('agent-name').textContent = session.me.name;
    $('agent-role').textContent = i18n.label('role', session.me.role);
    const v = session.view;
    const state = $('agent-state');
    const reg = $('registration');
    if (!v) {
      state.textContent = '…';
      reg.textContent = '…';
      return;
    }
    state.textContent = i18n.label('state', v.state);
    state.dataset.state = v.state;
    reg.textContent = i18n.t(v.registered ? 'phone.registered' : 'phone.unregistered');
    reg.dataset.registered = String(v.registered);
    renderDuration();
  }

  function renderDuration() {
    const v = session.view;
    const el = $('state-duration');
    if (!v || !v.since_us) {
      el.textContent = '';
      return;
    }
    const serverNow = Date.now() + session.clockOffsetMs;
    el.textContent = formatDuration(serverNow - v.since_us / 1000);
  }

  function formatMoney(amountMinor, currency) {
    const value = amountMinor / 100;
    try {
      return new Intl.NumberFormat(i18n.language(), { style: 'currency', currency }).format(value);
    } catch (e) {
      return `${value.toFixed(2)} ${currency}`;
    }
  }

  function formatTime(us) {
    if (!us) return '';
    return new Date(us / 1000).toLocaleString(i18n.language(), {
      day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
    });
  }

  function text(tag, value, className) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  }

  function currentPop() {
    let last = null;
    for (const p of session.pops.values()) last = p;
    return last;
  }

  function renderPop() {
    const pop = currentPop();
    const box = $('pop');
    $('pop-idle').hidden = Boolean(pop) || !session.me;
    if (!pop) {
      box.hidden = true;
      delete box.dataset.call;
      return;
    }
    box.dataset.call = pop.call;
    $('pop-caller').textContent = pop.caller;
    $('pop-caller-name').textContent = pop.caller_name || '';
    $('pop-entry-point').textContent = pop.entry_point ? `· ${pop.entry_point}` : '';
    $('pop-location').textContent = [pop.location, pop.region].filter(Boolean).join(', ');
    const card = pop.card;
    $('pop-unknown').hidden = Boolean(card);
    $('pop-card').hidden = !card;
    if (card) renderCard(card);
    box.hidden = false;
  }

  function renderCard(card) {
    $('pop-client-name').textContent = card.name;
    $('pop-company').textContent = card.company || '';
    $('pop-phones').textContent = (card.phones || []).join(', ');
    $('pop-responsible').textContent = card.responsible ? card.responsible.name : i18n.t('card.nobody');
    const deal = (card.deals || []).find((d) => !d.closed) || (card.deals || [])[0];
    $('pop-deal-title').textContent = deal ? deal.title : i18n.t('card.no_deal');
    const stage = $('pop-deal-stage');
    stage.hidden = !deal;
    stage.textContent = deal ? i18n.label('stage', deal.stage) : '';
    stage.dataset.stage = deal ? deal.stage : '';
    $('pop-deal-amount').textContent = deal && deal.amount ? formatMoney(deal.amount, deal.currency) : '';

    const list = $('pop-last-calls');
    list.replaceChildren();
    const calls = card.last_calls || [];
    if (calls.length === 0) list.append(text('li', i18n.t('card.no_calls'), 'muted'));
    for (const c of calls) {
      const li = document.createElement('li');
      li.dataset.testid = 'pop-last-call';
      const outcome = c.outcome || 'in_progress';
      li.append(
        text('span', formatTime(c.received_us)),
        text('span', i18n.label('outcome', outcome), `outcome-${outcome}`),
        text('span', c.agent_name || ''),
        text('span', c.talk_s ? formatDuration(c.talk_s * 1000) : '', 'muted'),
      );
      list.append(li);
    }
  }

  function renderConnection() {
    const el = $('connection');
    el.dataset.status = probe.socket;
    el.textContent = i18n.t(probe.socket === 'open' ? 'connection.open' : 'connection.closed');
  }

  // ---- WebSocket ------------------------------------------------------------

  function setServerTime(us) {
    if (typeof us === 'number') session.clockOffsetMs = us / 1000 - Date.now();
  }

  function onMessage(msg) {
    switch (msg.type) {
      case 'hello':
        setServerTime(msg.server_time_us);
        session.view = { state: msg.state, since_us: msg.since_us, registered: msg.registered };
        session.pops.clear();  // pops still ringing are re-sent after hello
        renderAgent();
        renderPop();
        break;
      case 'state':
        setServerTime(msg.server_time_us);
        session.view = { state: msg.state, since_us: msg.since_us, registered: msg.registered };
        renderAgent();
        break;
      case 'pop':
        session.pops.delete(msg.call);
        session.pops.set(msg.call, msg);
        renderPop();
        probe.lastPopAt = Date.now();
        probe.lastPopCall = msg.call;
        probe.pops.push({ call: msg.call, at: probe.lastPopAt });
        break;
      case 'pop_closed':
        session.pops.delete(msg.call);
        renderPop();
        probe.lastClosedCall = msg.call;
        break;
      default:
        break;  // newer server, older page: ignore what we do not know
    }
  }

  function openSocket() {
    closeSocket();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    session.socket = ws;
    ws.onopen = () => {
      session.retryMs = 1000;
      probe.socket = 'open';
      renderConnection();
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (session.socket !== ws) return;
      session.socket = null;
      probe.socket = 'closed';
      renderConnection();
      if (!session.me) return;
      // 1008: the server ended the session (logout elsewhere, expiry).
      if (ev.code === 1008) {
        checkSession();
        return;
      }
      const delay = session.retryMs;
      session.retryMs = Math.min(session.retryMs * 2, 15000);
      setTimeout(checkSession, delay);
    };
  }

  function closeSocket() {
    const ws = session.socket;
    session.socket = null;
    probe.socket = 'closed';
    if (ws) ws.close(1000);
  }

  // ---- flows ----------------------------------------------------------------

  // Whether the cookie still holds a session: the agent page if so, else
  // the login form (saying why when the session expired).
  async function checkSession() {
    let r;
    try {
      r = await api('GET', '/api/me');
    } catch (e) {
      if (session.me) setTimeout(checkSession, Math.min((session.retryMs *= 2), 15000));
      else showLogin();
      return;
    }
    if (r.status === 200) {
      setServerTime(r.data.server_time_us);
      if (!session.me || session.me.login !== r.data.login) {
        session.view = { state: r.data.state, since_us: r.data.since_us, registered: r.data.registered };
        showAgent(r.data);
      } else {
        session.me.csrf = r.data.csrf;
        openSocket();
      }
      return;
    }
    const expired = r.data && r.data.error === 'session_expired';
    showLogin(expired || session.me ? 'login.expired' : null);
  }

  async function onLogin(ev) {
    ev.preventDefault();
    const form = ev.target;
    const login = form.elements.login.value.trim();
    const password = form.elements.password.value;
    if (!login || !password) {
      session.loginError = { key: 'login.bad' };
      renderLoginError();
      return;
    }
    $('login-submit').disabled = true;
    try {
      const r = await api('POST', '/api/login', { login, password });
      if (r.status === 200) {
        form.elements.password.value = '';
        session.view = null;
        showAgent(r.data);
        return;
      }
      if (r.status === 429) {
        session.loginError = { key: 'login.throttled', vars: { s: r.data ? r.data.retry_after_s : '?' } };
      } else if (r.status === 401) {
        session.loginError = { key: 'login.invalid' };
      } else if (r.status === 400) {
        session.loginError = { key: 'login.bad' };
      } else {
        session.loginError = { key: 'login.failed' };
      }
    } catch (e) {
      session.loginError = { key: 'login.failed' };
    } finally {
      $('login-submit').disabled = false;
    }
    renderLoginError();
  }

  async function onLogout() {
    try { await api('POST', '/api/logout'); } catch (e) { /* the cookie dies with the page anyway */ }
    showLogin();
  }

  function start() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', onLogout);
    document.querySelectorAll('[data-lang]').forEach((b) => {
      b.addEventListener('click', () => {
        i18n.setLanguage(b.dataset.lang);
        applyLanguage();
      });
    });
    setInterval(renderDuration, 1000);
    applyLanguage();
    checkSession();
  }

  start();
})();
