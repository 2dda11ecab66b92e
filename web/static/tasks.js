// The agent's own open call-back tasks, soonest first: call the number
// (click-to-call), open the client, mark it done.
import { api, errorText, ok } from './api.js';
import { t } from './i18n.js';
import { clock, el, formatTime } from './format.js';
import { callReply } from './client_panel.js';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export class TasksPage {
  constructor() {
    this.tasks = null;
    this.names = new Map();  // client id -> name
    this.message = '';
  }

  reset() {
    this.tasks = null;
    this.names.clear();
    this.message = '';
    this.render();
  }

  async load() {
    const r = await api('GET', '/api/tasks?assignee=me&state=open&limit=200');
    if (!ok(r)) {
      this.message = errorText(r);
      this.render();
      return;
    }
    this.tasks = r.data.tasks;
    const unknown = [...new Set(this.tasks.map((x) => x.client).filter((id) => id && !this.names.has(id)))];
    await Promise.all(unknown.map(async (id) => {
      const c = await api('GET', `/api/clients/${id}`);
      if (ok(c)) this.names.set(id, c.data.name);
    }));
    this.render();
  }

  render() {
    const list = $('task-list');
    list.replaceChildren();
    $('tasks-message').textContent = this.message;
    if (!this.tasks) return;
    if (this.tasks.length === 0) list.append(el('li', { class: 'muted', text: t('tasks.none') }));
    const now = clock.nowMs() * 1000;
    for (const task of this.tasks) {
      const overdue = task.due_us < now;
      list.append(el('li', { testid: 'task-item', class: overdue ? 'overdue' : '', data: { task: task.id } },
        el('span', { class: 'due', text: formatTime(task.due_us) + (overdue ? ` · ${t('tasks.overdue')}` : '') }),
        el('span', { class: 'text', text: task.text || '' }),
        task.client
          ? el('a', { href: `#client/${task.client}`, text: this.names.get(task.client) || `${t('tasks.client')} ${task.client}` })
          : el('span'),
        el('span', { class: 'phone', text: task.phone || '' }),
        el('span', { class: 'actions' },
          task.phone ? el('button', { type: 'button', class: 'small', testid: 'task-call', text: t('card.call'),
            on: { click: () => this.call(task) } }) : null,
          el('button', { type: 'button', class: 'small', testid: 'task-done', text: t('tasks.done'),
            on: { click: () => this.done(task) } }))));
    }
  }

  async done(task) {
    const r = await api('POST', `/api/tasks/${task.id}/done`);
    this.message = ok(r) ? '' : errorText(r);
    await this.load();
  }

  async call(task) {
    const body = { phone: task.phone };
    if (task.client) body.client = task.client;
    const r = await api('POST', '/api/calls/originate', body);
    this.message = callReply(r).text;
    this.render();
  }
}
