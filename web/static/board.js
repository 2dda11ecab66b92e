// The supervisor's live board: queues with their waiting calls, agents with
// their state, today's figures per department. The server sends the board
// ("board", at sequence seq), then deltas ("board_delta" seq, prev: the
// current state of what changed in (prev, seq]); see docs/api.md.
import { api, errorText, ok } from './api.js';
import { label, t } from './i18n.js';
import { el, percent, sinceText } from './format.js';

// The board as the page holds it, and the numbering rules. No DOM.
export class BoardState {
  constructor() { this.reset(); }

  reset() {
    this.seq = null;  // null: no board yet
    this.day = null;
    this.serviceLevelS = 20;
    this.queues = [];
    this.agents = new Map();  // login -> row, in the board's order
    this.departments = [];
  }

  snapshot(m) {
    this.seq = m.seq;
    this.day = m.day;
    this.serviceLevelS = m.service_level_s;
    this.queues = m.queues;
    this.agents = new Map(m.agents.map((a) => [a.login, a]));
    this.departments = m.departments;
  }

  // 'applied', 'old' (the board has it already) or 'gap' (changes between
  // the board and the delta are missing: ask again).
  delta(m) {
    if (this.seq === null) return 'gap';
    if (m.seq <= this.seq) return 'old';
    if (m.prev > this.seq) return 'gap';
    if (m.queues) this.queues = m.queues;
    for (const a of m.agents || []) this.agents.set(a.login, a);
    if (m.departments) {
      this.departments = m.departments;
      this.day = m.day;
    }
    this.seq = m.seq;
    return 'applied';
  }
}

// Draws a BoardState into the board view and wires the supervisor's
// buttons. `container` is the [data-testid="board-view"] element.
export class BoardView {
  constructor(container, state) {
    this.root = container;
    this.state = state;
    this.reason = el('input', { testid: 'force-reason', maxlength: 500 });
    this.message = el('span', { testid: 'board-message', class: 'muted' });
    this.queuesBox = el('div', { class: 'queues' });
    this.agentsBox = el('div');
    this.figuresTitle = el('h2');
    this.figuresBox = el('div');
    this.queuesTitle = el('h2');
    this.agentsTitle = el('h2');
    // The reason field and the message live outside what each change
    // redraws, so typing is not lost when the board moves.
    this.root.replaceChildren(this.queuesTitle, this.queuesBox, this.agentsTitle,
      el('div', { class: 'force-bar' }, this.reason, this.message),
      this.agentsBox, this.figuresTitle, this.figuresBox);
  }

  render() {
    const s = this.state;
    this.root.dataset.seq = s.seq === null ? '' : String(s.seq);
    this.queuesTitle.textContent = t('board.queues');
    this.agentsTitle.textContent = t('board.agents');
    this.figuresTitle.textContent = `${t('board.figures')} · ${s.day || ''}`;
    this.reason.placeholder = t('board.force_reason');
    this.queuesBox.replaceChildren(...s.queues.map((q) => this.queue(q)));
    this.agentsBox.replaceChildren(this.agentsTable());
    this.figuresBox.replaceChildren(this.figures());
    this.tick();
  }

  queue(q) {
    const rows = q.waiting.map((w) => el('tr', { testid: 'board-call', data: { call: w.call, position: w.position } },
      el('td', { text: String(w.position) }),
      el('td', { text: w.client_name ? `${w.client_name} (${w.caller})` : w.caller }),
      el('td', { testid: 'board-call-wait', class: 'ticking', data: { sinceUs: w.since_us } }),
      el('td', { text: w.offered_name || '' })));
    const longest = el('span', { testid: 'board-longest', class: 'ticking' });
    if (q.longest_since_us) longest.dataset.sinceUs = String(q.longest_since_us);
    return el('section', { class: 'queue', testid: 'board-queue', data: { queue: q.id, waiting: q.waiting.length } },
      el('header', {},
        el('strong', { text: q.name }),
        el('span', { class: 'muted' }, `${t('board.waiting')}: `,
          el('b', { testid: 'board-waiting', text: String(q.waiting.length) })),
        el('span', { class: 'muted' }, `${t('board.longest')}: `, longest)),
      q.waiting.length === 0
        ? el('p', { class: 'muted', text: t('board.empty_queue') })
        : el('table', {},
          el('thead', {}, el('tr', {},
            ...['board.position', 'board.caller', 'board.wait', 'board.ringing_for'].map((k) => el('th', { text: t(k) })))),
          el('tbody', {}, ...rows)));
  }

  agentsTable() {
    const head = ['board.agent', 'board.department', 'board.state', 'board.in_state', 'board.phone', 'board.reason', '']
      .map((k) => el('th', { text: k ? t(k) : '' }));
    const departments = new Map(this.state.departments.map((d) => [d.department, d.name]));
    const rows = [...this.state.agents.values()].map((a) => el('tr',
      { testid: 'board-agent', data: { login: a.login, state: a.state, paused: a.paused } },
      el('td', { text: a.name }),
      el('td', { text: departments.get(a.department) || a.department }),
      el('td', {}, el('span', { class: 'badge', testid: 'board-agent-state', data: { state: a.state }, text: label('state', a.state) })),
      el('td', { testid: 'board-agent-duration', class: 'ticking', data: { sinceUs: a.since_us || '' } }),
      el('td', {}, el('span', { class: 'badge', data: { registered: a.registered },
        text: t(a.registered ? 'phone.registered' : 'phone.unregistered') })),
      el('td', { testid: 'board-agent-reason', text: a.paused ? (a.pause_reason || '') : '' }),
      el('td', { class: 'actions' },
        this.forceButton(a, 'paused', 'board.force_pause', 'force-pause'),
        this.forceButton(a, 'logged_out', 'board.force_logout', 'force-logout'),
        this.forceButton(a, 'available', 'board.force_available', 'force-available'))));
    return el('table', { class: 'agents' }, el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows));
  }

  forceButton(agent, state, key, testid) {
    return el('button', { type: 'button', class: 'small', testid, text: t(key),
      on: { click: () => this.force(agent.login, state) } });
  }

  async force(login, state) {
    const reason = this.reason.value.trim();
    if (state !== 'available' && !reason) {
      this.say(t('board.need_reason'));
      return;
    }
    const r = await api('POST', `/api/agents/${encodeURIComponent(login)}/state`,
      state === 'available' ? { state } : { state, reason });
    this.say(ok(r) ? `${login}: ${label('state', state === 'logged_out' ? 'offline' : state)}` : errorText(r));
  }

  say(text) {
    this.message.textContent = text;
  }

  figures() {
    const s = this.state;
    const head = ['board.department', 'board.offered', 'board.answered', 'board.abandoned', 'board.avg_wait']
      .map((k) => el('th', { text: t(k) }));
    head.push(el('th', { text: t('board.sl', { s: s.serviceLevelS }) }));
    const rows = s.departments.map((d) => el('tr', { testid: 'board-dept', data: { department: d.department } },
      el('td', { text: d.name }),
      el('td', { testid: 'dept-offered', text: String(d.offered) }),
      el('td', { testid: 'dept-answered', text: String(d.answered) }),
      el('td', { testid: 'dept-abandoned', text: String(d.abandoned) }),
      el('td', { testid: 'dept-avg-wait', text: t('board.seconds', { n: d.average_wait_s.toFixed(1) }) }),
      el('td', { testid: 'dept-sl', text: percent(d.service_level) })));
    return el('table', { class: 'figures' }, el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows));
  }

  // Wait times and time in state tick on the page from the server's times.
  tick() {
    this.root.querySelectorAll('.ticking').forEach((node) => {
      const us = Number(node.dataset.sinceUs || 0);
      node.textContent = us ? sinceText(us) : '';
    });
  }
}
