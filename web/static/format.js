// Small shared helpers: building DOM nodes, the server's clock, and the
// formats of durations, times and money.
import { language } from './i18n.js';

// el('li', {testid: 'x', class: 'a', text: 'hi', data: {call: '1'}, on: {click: f}}, child, ...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'testid') node.dataset.testid = v;
    else if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'data') Object.entries(v).forEach(([dk, dv]) => { node.dataset[dk] = String(dv); });
    else if (k === 'on') Object.entries(v).forEach(([ev, f]) => node.addEventListener(ev, f));
    else if (k === 'i18n') node.dataset.i18n = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// The server's time as the page best knows it: every frame and /api/me
// carries server_time_us; durations are measured against it, not against
// the local clock (which may be off by minutes).
export const clock = {
  offsetMs: 0,
  set(serverUs) {
    if (typeof serverUs === 'number') this.offsetMs = serverUs / 1000 - Date.now();
  },
  nowMs() { return Date.now() + this.offsetMs; },
};

export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

// How long since a server time (microseconds), as mm:ss.
export function sinceText(us) {
  return us ? formatDuration(clock.nowMs() - us / 1000) : '';
}

export function formatTime(us) {
  if (!us) return '';
  return new Date(us / 1000).toLocaleString(language(), {
    day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

export function formatMoney(amountMinor, currency) {
  const value = amountMinor / 100;
  try {
    return new Intl.NumberFormat(language(), { style: 'currency', currency }).format(value);
  } catch (e) {
    return `${value.toFixed(2)} ${currency || ''}`.trim();
  }
}

export function percent(share) {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`;
}

// The value for an <input type="datetime-local"> this many minutes from now.
export function localInputValue(minutesAhead) {
  const d = new Date(Date.now() + minutesAhead * 60000);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}
