// The page's one WebSocket (/ws): every push for this agent (state, pops)
// and, for supervisors, the board. It reconnects by itself with a growing
// delay; a supervisor's page passes since=<the board sequence it holds> so
// the server can send only what it missed.
//
// Close code 1008 means the server ended the session (logout elsewhere,
// expiry, a supervisor logged this agent out): no reconnect, the app
// checks the session instead.

export class PanelSocket {
  // handlers: onMessage(msg), onStatus('open'|'closed'), onSessionEnded(),
  // onRetry() (called when it is time to reconnect; the app checks the
  // session and calls open()), since() -> sequence or null.
  constructor(handlers) {
    this.h = handlers;
    this.ws = null;
    this.retryMs = 1000;
    this.held = false;
    this.timer = null;
  }

  open() {
    this.stop();
    if (this.held) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const since = this.h.since();
    const query = since === null || since === undefined ? '' : `?since=${since}`;
    const ws = new WebSocket(`${scheme}://${location.host}/ws${query}`);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 1000;
      this.h.onStatus('open');
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      this.h.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.h.onStatus('closed');
      if (ev.code === 1008) {
        this.h.onSessionEnded();
        return;
      }
      if (this.held) return;
      const delay = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, 15000);
      this.timer = setTimeout(() => { this.timer = null; this.h.onRetry(); }, delay);
    };
  }

  // Closes without reconnecting (logout, the login form is shown).
  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
    this.h.onStatus('closed');
  }

  // The board has a gap: start over at once (with since, or without it
  // for a fresh snapshot when the app clears its board).
  reconnectNow() {
    this.retryMs = 1000;
    this.open();
  }

  // Test hooks (window.__callboard): drop the connection and stay offline
  // until release(), to show a resume after a reconnect.
  hold() {
    this.held = true;
    this.stop();
  }

  release() {
    this.held = false;
    this.open();
  }
}
