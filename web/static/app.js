// Callboard panel: sign-in, the page's tabs (calls, clients, tasks, and the
// board for supervisors) and the one WebSocket that feeds them. Talks to
// the JSON API and /ws (docs/api.md). ES modules, no framework, no build step.
import * as i18n from './i18n.js';
import { api, onSessionLost, setCsrf } from './api.js';
import { clock } from './format.js';
import { PanelSocket } from './socket.js';
import { AgentDesk } from './agent.js';
import { ClientsPage } from './clients.js';
import { TasksPage } from './tasks.js';
import { BoardState, BoardView } from './board.js';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

// Exposed for tests and debugging: when each pop was drawn (Date.now()),
// the board's numbering, and hooks to drop and restore the socket.
const probe = (window.__callboard = {
  lastPopAt: 0, lastPopCall: null, pops: [], closed: [], socket: 'closed',
  board: { seq: null, snapshots: 0, deltas: 0, resumes: 0, gaps: 0 },
});

let me = null;          // /api/me: login, name, role, csrf, deal_stages, call_results
let loginError = null;  // {key, vars}
const desk = new AgentDesk(probe);
const clients = new ClientsPage(() => me);
const tasks = new TasksPage();
const board = new BoardState();
const boardView = new BoardView($('board-view'), board);

const isSupervisor = () => Boolean(me) && me.role !== 'agent';

const socket = new PanelSocket({
  since: () => (isSupervisor() ? board.seq : null),
  onMessage,
  onStatus(status) {
    probe.socket = status;
    renderConnection();
  },
  onSessionEnded: () => checkSession(),
  onRetry: () => checkSession(),
});
probe.holdSocket = () => socket.hold();
probe.releaseSocket = () => socket.release();

// ---- the socket's frames ------------------------------------------------------

function onMessage(msg) {
  if (typeof msg.server_time_us === 'number') clock.set(msg.server_time_us);
  switch (msg.type) {
    case 'hello':
      desk.pops.clear();  // pops still ringing are re-sent after hello
      desk.setView(msg);
      desk.renderPop();
      break;
    case 'state':
      desk.setView(msg);
      break;
    case 'pop':
      desk.onPop(msg);
      break;
    case 'pop_closed':
      desk.onPopClosed(msg);
      break;
    case 'board':
      board.snapshot(msg);
      probe.board.snapshots += 1;
      boardChanged();
      break;
    case 'board_delta': {
      const r = board.delta(msg);
      if (r === 'applied') {
        probe.board.deltas += 1;
        boardChanged();
      } else if (r === 'gap') {
        // Changes are missing between our board and this delta: ask again
        // from where we are (the server sends what we lack, or a snapshot).
        probe.board.gaps += 1;
        socket.reconnectNow();
      }
      break;
    }
    case 'board_resumed':
      probe.board.resumes += 1;
      break;
    default:
      break;  // newer server, older page: ignore what we do not know
  }
}

function boardChanged() {
  probe.board.seq = board.seq;
  boardView.render();
}

// ---- views and tabs -----------------------------------------------------------

function route() {
  if (!me) return;
  const hash = location.hash || '#work';
  let tab = hash.slice(1);
  let clientId = null;
  const m = /^#client\/(\d+)$/.exec(hash);
  if (m) {
    tab = 'clients';
    clientId = Number(m[1]);
  }
  if (!['work', 'clients', 'tasks', 'board'].includes(tab) || (tab === 'board' && !isSupervisor())) tab = 'work';
  document.querySelectorAll('[data-view]').forEach((v) => { v.hidden = v.dataset.view !== tab; });
  document.querySelectorAll('[data-tab]').forEach((a) => a.setAttribute('aria-current', String(a.dataset.tab === tab)));
  if (tab === 'clients') clients.show(clientId);
  if (tab === 'tasks') tasks.load();
  if (tab === 'board') boardView.render();
}

function renderConnection() {
  const el = $('connection');
  el.dataset.status = probe.socket;
  el.textContent = i18n.t(probe.socket === 'open' ? 'connection.open' : 'connection.closed');
}

function renderLoginError() {
  const el = $('login-error');
  el.hidden = !loginError;
  el.textContent = loginError ? i18n.t(loginError.key, loginError.vars) : '';
}

function applyLanguage() {
  document.documentElement.lang = i18n.language();
  i18n.translate();
  document.querySelectorAll('[data-lang]').forEach((b) => {
    b.setAttribute('aria-pressed', String(b.dataset.lang === i18n.language()));
  });
  renderLoginError();
  renderConnection();
  if (!me) return;
  desk.render();
  if (desk.work && desk.work.panel) desk.work.panel.render();
  if (desk.work && !desk.work.panel) desk.redrawUnknown();
  clients.render();
  tasks.render();
  boardView.render();
}

function showLogin(errorKey) {
  me = null;
  setCsrf(null);
  socket.stop();
  desk.reset();
  clients.reset();
  tasks.reset();
  board.reset();
  loginError = errorKey ? { key: errorKey } : null;
  $('agent-view').hidden = true;
  $('tabs').hidden = true;
  $('logout').hidden = true;
  $('connection').hidden = true;
  $('login-view').hidden = false;
  renderLoginError();
  $('login-input').focus();
}

function showAgent(data) {
  me = data;
  setCsrf(data.csrf);
  loginError = null;
  $('login-view').hidden = true;
  $('agent-view').hidden = false;
  $('tabs').hidden = false;
  $('tab-board').hidden = !isSupervisor();
  $('logout').hidden = false;
  $('connection').hidden = false;
  desk.setMe(data);
  if (data.state) desk.setView(data);
  route();
  socket.open();
}

// ---- flows ----------------------------------------------------------------------

// Whether the cookie still holds a session: the agent page if so, else the
// login form (saying why when a session we had is gone).
async function checkSession() {
  const r = await api('GET', '/api/me');
  if (r.status === 0) {
    // The server is unreachable: try again later, keep what is shown.
    if (me) setTimeout(checkSession, 5000);
    else showLogin();
    return;
  }
  if (r.status === 200) {
    clock.set(r.data.server_time_us);
    if (!me || me.login !== r.data.login) {
      showAgent(r.data);
    } else {
      me = { ...me, ...r.data };
      setCsrf(r.data.csrf);
      socket.open();
    }
    return;
  }
  const expired = r.data && r.data.error === 'session_expired';
  showLogin(expired ? 'login.expired' : me ? 'login.ended' : null);
}

async function onLogin(ev) {
  ev.preventDefault();
  const form = ev.target;
  const login = form.elements.login.value.trim();
  const password = form.elements.password.value;
  if (!login || !password) {
    loginError = { key: 'login.bad' };
    renderLoginError();
    return;
  }
  $('login-submit').disabled = true;
  try {
    const r = await api('POST', '/api/login', { login, password });
    if (r.status === 200) {
      form.elements.password.value = '';
      setCsrf(r.data.csrf);
      // /api/me adds the state, the pipeline's stages and the call results.
      await checkSession();
      return;
    }
    if (r.status === 429) loginError = { key: 'login.throttled', vars: { s: r.data ? r.data.retry_after_s : '?' } };
    else if (r.status === 401) loginError = { key: 'login.invalid' };
    else if (r.status === 400) loginError = { key: 'login.bad' };
    else loginError = { key: 'login.failed' };
  } finally {
    $('login-submit').disabled = false;
  }
  renderLoginError();
}

async function onLogout() {
  await api('POST', '/api/logout');
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
  window.addEventListener('hashchange', route);
  onSessionLost((error) => showLogin(error === 'session_expired' ? 'login.expired' : 'login.ended'));
  setInterval(() => {
    desk.tick();
    if (isSupervisor() && !$('board-view').hidden) boardView.tick();
    // Today's figures are per UTC day: at midnight start from a fresh board.
    if (isSupervisor() && board.day && new Date(clock.nowMs()).toISOString().slice(0, 10) !== board.day) {
      board.reset();
      socket.reconnectNow();
    }
  }, 1000);
  applyLanguage();
  checkSession();
}

start();
