// Client search and the client's card page (#client/<id>): the card with
// its history, the agent's actions and click-to-call.
import { api, errorText, ok } from './api.js';
import { t } from './i18n.js';
import { el } from './format.js';
import { ClientPanel } from './client_panel.js';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export class ClientsPage {
  // meta(): the /api/me answer (deal stages, call results).
  constructor(meta) {
    this.meta = meta;
    this.panel = null;
    this.results = null;
    this.message = '';
    let timer = null;
    $('client-search').addEventListener('input', (ev) => {
      clearTimeout(timer);
      timer = setTimeout(() => this.search(ev.target.value), 200);
    });
    $('client-back').addEventListener('click', () => { location.hash = '#clients'; });
  }

  reset() {
    this.panel = null;
    this.results = null;
    $('client-search').value = '';
    this.render();
  }

  async search(q) {
    const text = q.trim();
    if (!text) {
      this.results = null;
    } else {
      const r = await api('GET', `/api/clients?q=${encodeURIComponent(text)}&limit=20`);
      if ($('client-search').value.trim() !== text) return;  // typed on meanwhile
      this.results = ok(r) ? r.data.clients : [];
      this.message = ok(r) ? '' : errorText(r);
    }
    this.render();
  }

  // Shows the search (clientId null) or a client's card.
  async show(clientId) {
    if (!clientId) {
      this.panel = null;
      this.render();
      $('client-search').focus();
      return;
    }
    if (!this.panel || this.panel.opts.clientId !== clientId) {
      this.panel = new ClientPanel({ clientId, call: null, meta: this.meta(), clickToCall: true });
      this.render();
      await this.panel.load();
    }
  }

  render() {
    const onCard = Boolean(this.panel);
    $('client-search-box').hidden = onCard;
    $('client-page').hidden = !onCard;
    if (onCard) {
      const body = $('client-page-body');
      if (body.firstChild !== this.panel.root) body.replaceChildren(this.panel.root);
      this.panel.render();
      return;
    }
    const list = $('client-results');
    list.replaceChildren();
    if (this.message) list.append(el('li', { class: 'error', text: this.message }));
    if (this.results && this.results.length === 0) list.append(el('li', { class: 'muted', text: t('clients.no_results') }));
    for (const c of this.results || []) {
      list.append(el('li', { testid: 'client-result', data: { client: c.id } },
        el('a', { href: `#client/${c.id}`, text: c.name }),
        el('span', { class: 'muted', text: [c.company, (c.phones || []).join(', ')].filter(Boolean).join(' · ') })));
    }
  }
}
