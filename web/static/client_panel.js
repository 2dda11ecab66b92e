// A client's card with what an agent does to it: write a note, move the
// deal's stage (or open one), record the call's result, schedule a
// call-back, call a number (click-to-call). Used by the call workspace (with
// the call) and by the client page (without one). Elements are found by
// data-testid inside this panel's root.
import { api, errorText, ok } from './api.js';
import { label, t } from './i18n.js';
import { el, formatDuration, formatMoney, formatTime, localInputValue } from './format.js';

export class ClientPanel {
  // opts: {clientId, call (id or null), meta: {deal_stages, call_results}, clickToCall}
  constructor(opts) {
    this.opts = opts;
    this.card = null;
    this.history = [];
    this.message = null;  // {text, ok}
    this.callMessage = null;
    this.root = el('div', { class: 'client-panel', testid: 'client-panel', data: { client: opts.clientId } });
  }

  async load() {
    const id = this.opts.clientId;
    const [card, history] = await Promise.all([
      api('GET', `/api/clients/${id}`),
      api('GET', `/api/clients/${id}/history?limit=20`),
    ]);
    if (!ok(card)) {
      this.card = null;
      this.message = { text: errorText(card), ok: false };
    } else {
      this.card = card.data;
      this.history = ok(history) ? history.data.entries : [];
    }
    this.render();
  }

  openDeal() {
    const deals = (this.card && this.card.deals) || [];
    return deals.find((d) => !d.closed) || null;
  }

  render() {
    const c = this.card;
    if (!c) {
      this.root.replaceChildren(this.messageLine());
      return;
    }
    this.root.dataset.client = String(c.id);
    const deal = this.openDeal();
    const phones = el('dd', { testid: 'client-phones' });
    c.phones.forEach((p, i) => {
      if (i) phones.append(', ');
      phones.append(el('span', { class: 'phone', text: p }));
      if (this.opts.clickToCall) {
        phones.append(' ', el('button', { type: 'button', class: 'small', testid: 'call-button', data: { phone: p },
          text: t('card.call'), on: { click: () => this.clickToCall(p) } }));
      }
    });
    this.root.replaceChildren(
      el('h2', { testid: 'client-name', text: c.name }),
      el('div', { class: 'muted', testid: 'client-company', text: c.company || '' }),
      el('dl', {},
        el('dt', { text: t('card.phones') }), phones,
        el('dt', { text: t('card.responsible') }),
        el('dd', { testid: 'client-responsible', text: c.responsible ? c.responsible.name : t('card.nobody') }),
        el('dt', { text: t('card.tags') }),
        el('dd', { testid: 'client-tags' }, ...c.tags.map((tag) => el('span', { class: 'tag', text: tag }))),
        el('dt', { text: t('card.deal') }),
        el('dd', {},
          el('span', { testid: 'deal-title', text: deal ? deal.title : t('card.no_deal') }),
          deal ? el('span', { class: 'stage', testid: 'deal-stage', data: { stage: deal.stage },
            text: label('stage', deal.stage) }) : null,
          deal && deal.amount ? el('span', { class: 'muted', text: ` ${formatMoney(deal.amount, deal.currency)}` }) : null)),
      el('p', { class: 'call-error', testid: 'call-error', hidden: !this.callMessage,
        data: { status: this.callMessage ? (this.callMessage.ok ? 'ok' : 'error') : '',
          http: this.callMessage ? this.callMessage.http : '', code: this.callMessage ? this.callMessage.code : '' },
        text: this.callMessage ? this.callMessage.text : '' }),
      el('div', { class: 'forms' }, this.stageForm(deal), this.resultForm(), this.noteForm(), this.taskForm()),
      this.messageLine(),
      el('h3', { text: t('card.history') }),
      this.historyList(),
    );
  }

  messageLine() {
    const m = this.message;
    return el('p', { class: 'panel-message', testid: 'panel-message', hidden: !m,
      data: { status: m ? (m.ok ? 'ok' : 'error') : '' }, text: m ? m.text : '' });
  }

  stageForm(deal) {
    if (!deal) {
      const title = el('input', { testid: 'deal-new-title', placeholder: t('form.deal_title'), maxlength: 200 });
      return el('form', { class: 'row', on: { submit: (ev) => {
        ev.preventDefault();
        if (title.value.trim()) this.write('POST', `/deals`, { title: title.value.trim() });
      } } }, title, el('button', { testid: 'deal-open', text: t('form.deal_open') }));
    }
    const select = el('select', { testid: 'deal-stage-select', 'aria-label': t('form.stage') },
      ...this.opts.meta.deal_stages.map((s) => el('option', { value: s, text: label('stage', s), selected: s === deal.stage })));
    return el('form', { class: 'row', on: { submit: (ev) => {
      ev.preventDefault();
      this.write('PATCH', `/deals/${deal.id}`, { stage: select.value });
    } } }, el('label', { text: t('form.stage') }), select, el('button', { testid: 'deal-stage-save', text: t('form.stage_save') }));
  }

  resultForm() {
    if (!this.opts.call) return null;
    const select = el('select', { testid: 'call-result-select', 'aria-label': t('form.result') },
      ...this.opts.meta.call_results.map((r) => el('option', { value: r, text: label('result', r) })));
    return el('form', { class: 'row', on: { submit: (ev) => {
      ev.preventDefault();
      this.write('POST', '/call-results', { call: this.opts.call, result: select.value });
    } } }, el('label', { text: t('form.result') }), select, el('button', { testid: 'call-result-save', text: t('form.result_save') }));
  }

  noteForm() {
    const text = el('textarea', { testid: 'note-text', rows: 3, placeholder: t('form.note'), maxlength: 10000 });
    return el('form', { class: 'col', on: { submit: (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) return;
      const body = { text: text.value };
      if (this.opts.call) body.call = this.opts.call;
      this.write('POST', '/notes', body);
    } } }, text, el('button', { testid: 'note-save', text: t('form.note_save') }));
  }

  taskForm() {
    const due = el('input', { type: 'datetime-local', testid: 'task-due', value: localInputValue(60), 'aria-label': t('form.task_due') });
    const text = el('input', { testid: 'task-text', placeholder: t('form.task_text'), maxlength: 2000 });
    return el('form', { class: 'row', on: { submit: (ev) => {
      ev.preventDefault();
      const when = new Date(due.value);
      if (Number.isNaN(when.getTime())) return;
      const body = { kind: 'call_back', due: when.toISOString(), text: text.value };
      if (this.opts.call) body.call = this.opts.call;
      this.write('POST', '/tasks', body);
    } } }, el('label', { text: t('form.task') }), due, text, el('button', { testid: 'task-save', text: t('form.task_save') }));
  }

  // A CRM write about this client; on success the card is read again.
  async write(method, suffix, body) {
    const r = await api(method, `/api/clients/${this.card.id}${suffix}`, body);
    this.message = ok(r) ? { text: t('form.saved'), ok: true } : { text: errorText(r), ok: false };
    if (ok(r)) await this.load();
    else this.render();
  }

  // Click-to-call: the server's JSON answer is shown as it is, the call's id
  // when placed, else the status, error code and message (404 no such
  // client, 409 busy/offline/paused, 501 no outbound route, 503).
  async clickToCall(phone) {
    const r = await api('POST', '/api/calls/originate', { client: this.card.id, phone });
    this.callMessage = callReply(r);
    this.render();
  }

  historyList() {
    const list = el('ul', { class: 'history', testid: 'client-history' });
    if (this.history.length === 0) list.append(el('li', { class: 'muted', text: t('card.no_history') }));
    for (const e of this.history) list.append(historyItem(e, 'history-item'));
    return list;
  }
}

// What the page says about POST /api/calls/originate's answer:
// {text, ok, http, code}.
export function callReply(r) {
  const d = r.data || {};
  if (ok(r)) return { text: t('card.call_placed', { call: d.call || '' }), ok: true, http: String(r.status), code: '' };
  return { text: t('card.call_refused', { status: r.status, code: d.error || '', m: d.message || `HTTP ${r.status}` }),
    ok: false, http: String(r.status), code: d.error || '' };
}

// One line of a client's history (calls, notes, deal changes, tasks, call results).
export function historyItem(e, testid) {
  let detail;
  switch (e.kind) {
    case 'call': {
      const outcome = e.outcome || 'in_progress';
      detail = [e.direction === 'outbound' ? t('history.outbound') : '', label('outcome', outcome),
        e.agent_name || '', e.talk_s ? formatDuration(e.talk_s * 1000) : '']
        .filter(Boolean).join(' · ');
      break;
    }
    case 'result':
      detail = `${label('result', e.result)} · ${e.agent_name || ''}`;
      break;
    case 'deal':
      detail = dealText(e);
      break;
    case 'task':
      detail = `${t(e.action === 'done' ? 'history.task_done' : 'history.task_created')}: ${e.text || ''}` +
        (e.agent_name ? ` · ${e.agent_name}` : '');
      break;
    default:
      detail = `${e.text}${e.agent_name ? ` · ${e.agent_name}` : ''}`;
  }
  return el('li', { testid, data: { kind: e.kind } },
    el('span', { class: 'muted', text: formatTime(e.time_us || e.received_us) }),
    el('span', { class: `kind kind-${e.kind}`, text: label('history', e.kind) }),
    el('span', { class: 'detail', text: detail }));
}

// A deal change in the reader's language (the log keeps it language-neutral).
function dealText(e) {
  const text = e.text || '';
  let m;
  switch (e.action) {
    case 'opened':
      m = /^opened: (.*) \((.*)\)$/.exec(text);
      return m ? `${t('history.deal_opened')}: ${m[1]} (${label('stage', m[2])})` : text;
    case 'stage':
      m = /^stage: (.*)$/.exec(text);
      return `${t('form.stage')}: ${m ? label('stage', m[1]) : text}` + (e.agent_name ? ` · ${e.agent_name}` : '');
    case 'amount':
      return text.replace(/^amount: /, `${t('history.deal_amount')}: `);
    case 'won':
      return label('stage', 'won');
    case 'lost':
      return text.replace(/^lost: ?/, `${label('stage', 'lost')}: `);
    default:
      return text;
  }
}
