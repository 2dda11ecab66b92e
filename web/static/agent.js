// The agent's desk: his status (state, since when, phone) with the
// available / pause switch, the screen pop while his phone rings, and the
// call workspace he keeps open during the call and its wrap-up (note, deal
// stage, call result, call-back; for an unknown number: a new card or a
// link to an existing client).
import { api, errorText, ok } from './api.js';
import { label, t } from './i18n.js';
import { el, formatDuration, formatMoney, formatTime, sinceText } from './format.js';
import { ClientPanel, historyItem } from './client_panel.js';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const PAUSE_REASONS = ['lunch', 'break', 'training', 'meeting', 'other'];

export class AgentDesk {
  // probe: window.__callboard (when each pop was drawn, for tests).
  constructor(probe) {
    this.probe = probe;
    this.me = null;
    this.view = null;      // {state, since_us, registered, paused, pause_reason, call}
    this.pops = new Map();  // call id -> pop message, in arrival order
    this.work = null;       // {call, caller, dialled, entry, clientId, panel}
    this.dismissed = new Set();  // calls whose workspace he closed: not reopened by a state push
    this.stateMessage = '';
    const reason = $('pause-reason');
    reason.replaceChildren(...PAUSE_REASONS.map((r) => el('option', { value: r })));
    $('state-available').addEventListener('click', () => this.setState('available'));
    $('state-pause').addEventListener('click', () => this.setState('paused', reason.value));
    $('work-close').addEventListener('click', () => this.closeWork());
    $('pop-open').addEventListener('click', () => this.openWorkFromPop());
    $('pop-create-client').addEventListener('click', () => this.openWorkFromPop('create'));
    $('pop-link-client').addEventListener('click', () => this.openWorkFromPop('link'));
  }

  reset() {
    this.me = null;
    this.view = null;
    this.pops.clear();
    this.work = null;
    this.dismissed.clear();
    this.render();
  }

  setMe(me) {
    this.me = me;
    this.render();
  }

  // hello / state frames and /api/me carry the same fields.
  setView(m) {
    this.view = { state: m.state, since_us: m.since_us, registered: m.registered, paused: m.paused,
      pause_reason: m.pause_reason, call: m.call || null };
    // A page opened (or reloaded) during a call finds its workspace again.
    if (this.view.call && ['on_call', 'wrap_up'].includes(this.view.state) && !this.work &&
        !this.dismissed.has(this.view.call)) {
      this.openWorkForCall(this.view.call);
    }
    this.renderStatus();
    this.renderWork();
  }

  async setState(state, reason) {
    const r = await api('POST', '/api/me/state', state === 'paused' ? { state, reason } : { state });
    this.stateMessage = ok(r) ? '' : errorText(r);
    this.renderStatus();
  }

  // ---- rendering ------------------------------------------------------------

  render() {
    this.renderStatus();
    this.renderPop();
    this.renderWork();
  }

  renderStatus() {
    if (!this.me) return;
    $('agent-name').textContent = this.me.name;
    $('agent-role').textContent = label('role', this.me.role);
    $('pause-reason').querySelectorAll('option').forEach((o) => { o.textContent = label('reason', o.value); });
    $('pause-reason').setAttribute('aria-label', t('status.pause_reason'));
    $('state-message').textContent = this.stateMessage;
    const v = this.view;
    const state = $('agent-state');
    const reg = $('registration');
    if (!v) {
      state.textContent = '…';
      reg.textContent = '…';
      return;
    }
    state.textContent = label('state', v.state);
    state.dataset.state = v.state;
    state.dataset.paused = String(Boolean(v.paused));
    $('state-reason').textContent = v.paused && v.pause_reason ? `(${label('reason', v.pause_reason)})` : '';
    reg.textContent = t(v.registered ? 'phone.registered' : 'phone.unregistered');
    reg.dataset.registered = String(v.registered);
    $('state-available').disabled = !v.paused;
    $('state-pause').disabled = Boolean(v.paused);
    this.renderDuration();
  }

  renderDuration() {
    const v = this.view;
    $('state-duration').textContent = v && v.since_us ? sinceText(v.since_us) : '';
  }

  // ---- the screen pop -------------------------------------------------------

  onPop(msg) {
    this.pops.delete(msg.call);
    this.pops.set(msg.call, msg);
    this.renderPop();
    const at = Date.now();
    this.probe.lastPopAt = at;
    this.probe.lastPopCall = msg.call;
    this.probe.pops.push({ call: msg.call, at });
    if (msg.card) this.loadPopHistory(msg);
  }

  onPopClosed(msg) {
    const pop = this.pops.get(msg.call);
    this.pops.delete(msg.call);
    // He took the call: the pop becomes his workspace for it.
    if (msg.reason === 'answered' && pop && (!this.work || this.work.call !== msg.call)) this.openWork(pop);
    this.renderPop();
    this.renderWork();
    this.probe.lastClosedCall = msg.call;
    this.probe.closed.push({ call: msg.call, reason: msg.reason, at: Date.now() });
  }

  currentPop() {
    let last = null;
    for (const p of this.pops.values()) last = p;
    return last;
  }

  renderPop() {
    const pop = this.currentPop();
    const box = $('pop');
    $('pop-idle').hidden = Boolean(pop) || Boolean(this.work) || !this.me;
    if (!pop) {
      box.hidden = true;
      delete box.dataset.call;
      return;
    }
    box.dataset.call = pop.call;
    $('pop-caller').textContent = pop.caller;
    $('pop-caller-name').textContent = pop.caller_name || '';
    $('pop-entry-point').textContent = pop.entry_point ? `· ${pop.entry_point}` : '';
    $('pop-dialled').textContent = `${t('pop.dialled')}: ${pop.dialled}`;
    $('pop-location').textContent = [pop.location, pop.region].filter(Boolean).join(', ');
    const source = $('pop-source');
    source.hidden = !pop.source;
    source.textContent = pop.source ? `${t('pop.source')}: ${pop.source}` : '';
    const card = pop.card;
    $('pop-unknown').hidden = Boolean(card);
    $('pop-card').hidden = !card;
    $('pop-create-client').hidden = Boolean(card);
    $('pop-link-client').hidden = Boolean(card);
    $('pop-open').hidden = !card;
    if (card) this.renderPopCard(card, pop.history || null);
    box.hidden = false;
  }

  renderPopCard(card, history) {
    $('pop-client-name').textContent = card.name;
    $('pop-company').textContent = card.company || '';
    $('pop-phones').textContent = (card.phones || []).join(', ');
    $('pop-responsible').textContent = card.responsible ? card.responsible.name : t('card.nobody');
    $('pop-tags').replaceChildren(...(card.tags || []).map((tag) => el('span', { class: 'tag', text: tag })));
    const deal = (card.deals || []).find((d) => !d.closed) || null;
    $('pop-deal-title').textContent = deal ? deal.title : t('card.no_deal');
    const stage = $('pop-deal-stage');
    stage.hidden = !deal;
    stage.textContent = deal ? label('stage', deal.stage) : '';
    stage.dataset.stage = deal ? deal.stage : '';
    $('pop-deal-amount').textContent = deal && deal.amount ? formatMoney(deal.amount, deal.currency) : '';

    const list = $('pop-last-calls');
    list.replaceChildren();
    const calls = card.last_calls || [];
    if (calls.length === 0) list.append(el('li', { class: 'muted', text: t('card.no_calls') }));
    for (const c of calls) {
      const outcome = c.outcome || 'in_progress';
      list.append(el('li', { testid: 'pop-last-call' },
        el('span', { text: formatTime(c.received_us) }),
        el('span', { class: `outcome-${outcome}`,
          text: (c.direction === 'outbound' ? `${t('history.outbound')} · ` : '') + label('outcome', outcome) }),
        el('span', { text: c.agent_name || '' }),
        el('span', { class: 'muted', text: c.talk_s ? formatDuration(c.talk_s * 1000) : '' })));
    }
    // Notes, tasks, results, deal changes: fetched once the pop is shown.
    const events = $('pop-history');
    events.replaceChildren();
    const others = (history || []).filter((e) => e.kind !== 'call').slice(0, 5);
    for (const e of others) events.append(historyItem(e, 'pop-history-item'));
    $('pop-history-box').hidden = others.length === 0;
  }

  async loadPopHistory(msg) {
    const r = await api('GET', `/api/clients/${msg.card.id}/history?limit=20`);
    if (!ok(r) || this.pops.get(msg.call) !== msg) return;
    msg.history = r.data.entries;
    if (this.currentPop() === msg) this.renderPopCard(msg.card, msg.history);
  }

  // ---- the call workspace ---------------------------------------------------

  openWorkFromPop(mode) {
    const pop = this.currentPop();
    if (pop) this.openWork(pop, mode);
  }

  openWork(pop, mode) {
    this.work = { call: pop.call, caller: pop.caller, dialled: pop.dialled, entry: pop.entry_point || '',
      clientId: pop.card ? pop.card.id : null, panel: null, mode: mode || null, message: '', matches: null };
    this.showClient();
    this.renderWork();
    this.renderPop();
  }

  async openWorkForCall(callId) {
    const r = await api('GET', `/api/calls/${encodeURIComponent(callId)}`);
    if (!ok(r) || this.work) return;
    const c = r.data;
    this.openWork({ call: c.id, caller: c.caller, dialled: c.dialled, card: c.client ? { id: c.client } : null });
  }

  closeWork() {
    if (this.work) this.dismissed.add(this.work.call);
    this.work = null;
    this.renderWork();
    this.renderPop();
  }

  showClient() {
    const w = this.work;
    if (!w || !w.clientId || !this.me) return;
    w.panel = new ClientPanel({ clientId: w.clientId, call: w.call, meta: this.me, clickToCall: false });
    w.panel.load();
  }

  workStatus() {
    const w = this.work;
    const v = this.view;
    if (v && v.call === w.call && ['ringing', 'on_call'].includes(v.state)) return v.state;
    if (v && v.state === 'wrap_up') return 'wrap_up';
    if (this.pops.has(w.call)) return 'ringing';
    return 'ended';
  }

  renderWork() {
    const box = $('work');
    const w = this.work;
    if (!w || !this.me) {
      box.hidden = true;
      delete box.dataset.call;
      $('work-body').replaceChildren();
      return;
    }
    box.hidden = false;
    box.dataset.call = w.call;
    $('work-caller').textContent = [w.caller, w.entry].filter(Boolean).join(' · ');
    const status = this.workStatus();
    const s = $('work-status');
    s.dataset.status = status;
    s.textContent = t(`work.status.${status}`);
    // The body is built once per content change, not per state push, so
    // what the agent is typing survives the call moving to wrap-up.
    const body = $('work-body');
    if (w.panel) {
      if (body.firstChild !== w.panel.root) body.replaceChildren(w.panel.root);
      return;
    }
    if (!w.unknownBox) w.unknownBox = this.unknownForms();
    if (body.firstChild !== w.unknownBox) body.replaceChildren(w.unknownBox);
  }

  // The unknown caller's forms changed (search results, a message): rebuild them.
  redrawUnknown() {
    if (!this.work) return;
    this.work.unknownBox = null;
    this.renderWork();
  }

  unknownForms() {
    const w = this.work;
    const name = el('input', { testid: 'new-client-name', placeholder: t('form.name'), maxlength: 200, required: true });
    const company = el('input', { testid: 'new-client-company', placeholder: t('form.company'), maxlength: 200 });
    const phone = el('input', { testid: 'new-client-phone', placeholder: t('form.phone'), value: w.caller, maxlength: 64 });
    // What was typed survives a redraw of the forms (search results coming in).
    w.draft = w.draft || {};
    for (const [key, input] of Object.entries({ name, company, phone })) {
      if (w.draft[key] !== undefined) input.value = w.draft[key];
      input.addEventListener('input', () => { w.draft[key] = input.value; });
    }
    const create = el('form', { class: 'col', testid: 'new-client-form', on: { submit: (ev) => {
      ev.preventDefault();
      this.createClient(name.value.trim(), company.value.trim(), phone.value.trim());
    } } }, el('h3', { text: t('work.new_client') }), name, company, phone,
    el('button', { testid: 'new-client-save', text: t('form.create') }));

    const query = el('input', { testid: 'link-search', placeholder: t('work.link_search'), maxlength: 200 });
    if (w.query) query.value = w.query;
    let timer = null;
    query.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.searchToLink(query.value), 200);
    });
    const results = el('ul', { class: 'matches', testid: 'link-results' });
    if (w.matches && w.matches.length === 0) results.append(el('li', { class: 'muted', text: t('work.no_matches') }));
    for (const c of w.matches || []) {
      results.append(el('li', { testid: 'link-result', data: { client: c.id } },
        el('span', { text: [c.name, c.company].filter(Boolean).join(', ') }),
        el('button', { type: 'button', class: 'small', testid: 'link-button', text: t('work.link_button'),
          on: { click: () => this.linkTo(c.id) } })));
    }
    const link = el('div', { class: 'col' }, el('h3', { text: t('work.link_title') }), query, results);
    const box = el('div', { class: 'unknown-forms', testid: 'work-unknown' }, create, link,
      el('p', { class: 'panel-message', testid: 'work-message', hidden: !w.message, text: w.message }));
    if (w.mode) {
      const focus = w.mode === 'link' ? query : name;
      setTimeout(() => focus.focus(), 0);
      w.mode = null;
    }
    return box;
  }

  async createClient(name, company, phone) {
    const body = { name, phones: [phone], responsible: this.me.login };
    if (company) body.company = company;
    const r = await api('POST', '/api/clients', body);
    this.afterLink(r, r.data && r.data.client);
  }

  async searchToLink(q) {
    const w = this.work;
    if (!w) return;
    w.query = q;
    if (!q.trim()) {
      w.matches = null;
    } else {
      const r = await api('GET', `/api/clients?q=${encodeURIComponent(q.trim())}&limit=10`);
      if (!this.work || this.work !== w) return;
      w.matches = ok(r) ? r.data.clients : [];
    }
    this.redrawUnknown();
    const input = document.querySelector('[data-testid="link-search"]');
    if (input) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }

  async linkTo(clientId) {
    const r = await api('POST', `/api/clients/${clientId}/phones`, { phone: this.work.caller });
    this.afterLink(r, clientId);
  }

  afterLink(r, clientId) {
    const w = this.work;
    if (!w) return;
    if (!ok(r)) {
      w.message = errorText(r);
      this.redrawUnknown();
      return;
    }
    w.clientId = clientId;
    w.message = '';
    this.showClient();
    this.renderWork();
  }

  tick() {
    this.renderDuration();
  }
}
