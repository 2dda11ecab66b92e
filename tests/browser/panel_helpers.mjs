// Page helpers for the Callboard agent panel, shared by the panel tests here
// and the end-to-end browser test against the real server (import this
// module). Everything finds elements by their data-testid.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CALLBOARD_CHROMIUM || '/usr/bin/chromium';

// Headless Debian Chromium. Playwright starts it with a fresh temporary
// user-data-dir of its own (and removes it on close); each newPage() gets
// its own browser context, so cookies and localStorage do not leak between
// pages. Returns {browser, newPage(), close()}.
export async function launchChromium({ headless = true } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1100, height: 860 } });
      const page = await context.newPage();
      page.on('close', () => context.close().catch(() => {}));
      return page;
    },
    async close() {
      await browser.close();
    },
  };
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

// Opens the panel at baseURL and signs in. With expectSuccess (the
// default) waits until the agent view shows his name.
export async function login(page, baseURL, user, password, { expectSuccess = true } = {}) {
  if (!page.url().startsWith(baseURL)) await page.goto(baseURL);
  // Already signed in (the cookie survived a reload): sign out first.
  await page.waitForFunction(() =>
    !document.querySelector('[data-testid="login-view"]').hidden ||
    !document.querySelector('[data-testid="agent-view"]').hidden);
  if (await byTestId(page, 'agent-view').isVisible()) await byTestId(page, 'logout').click();
  await byTestId(page, 'login-form').waitFor({ state: 'visible' });
  await byTestId(page, 'login-input').fill(user);
  await byTestId(page, 'password-input').fill(password);
  await byTestId(page, 'login-submit').click();
  if (expectSuccess) {
    await byTestId(page, 'agent-view').waitFor({ state: 'visible' });
    await page.waitForFunction(() => window.__callboard && window.__callboard.socket === 'open');
  }
}

// The text of the login error once it shows.
export async function loginError(page) {
  const el = byTestId(page, 'login-error');
  await el.waitFor({ state: 'visible' });
  return (await el.textContent()).trim();
}

// Waits for the screen pop (for `call`, when given) and returns what it
// shows: {call, caller, known, clientName, company, dealStage, stageCode,
// responsible, lastCalls, unknownText, renderedAt} (renderedAt: the page's
// Date.now() when the pop was drawn).
export async function waitForPop(page, { call, timeout = 10000 } = {}) {
  await page.waitForFunction(
    (wanted) => {
      const el = document.querySelector('[data-testid="pop"]');
      return el && !el.hidden && (!wanted || el.dataset.call === wanted);
    },
    call || null,
    { timeout },
  );
  return popInfo(page);
}

export async function popInfo(page) {
  return page.evaluate(() => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    const txt = (id) => (q(id) ? q(id).textContent.trim() : '');
    const pop = q('pop');
    const known = !q('pop-card').hidden;
    return {
      visible: !pop.hidden,
      call: pop.dataset.call || null,
      caller: txt('pop-caller'),
      known,
      unknownText: known ? '' : txt('pop-unknown'),
      clientName: known ? txt('pop-client-name') : '',
      company: known ? txt('pop-company') : '',
      phones: known ? txt('pop-phones') : '',
      responsible: known ? txt('pop-responsible') : '',
      dealStage: known ? txt('pop-deal-stage') : '',
      stageCode: known ? q('pop-deal-stage').dataset.stage : '',
      lastCalls: known
        ? [...document.querySelectorAll('[data-testid="pop-last-call"]')].map((li) => li.textContent.trim())
        : [],
      renderedAt: window.__callboard.lastPopAt,
    };
  });
}

// Waits until no pop is shown (after pop_closed), or for `call` to be gone.
export async function waitForPopClosed(page, { call, timeout = 10000 } = {}) {
  await page.waitForFunction(
    (wanted) => {
      const el = document.querySelector('[data-testid="pop"]');
      return el.hidden || (wanted && el.dataset.call !== wanted);
    },
    call || null,
    { timeout },
  );
}

// The agent's status line: {name, state, stateCode, registered}.
export async function agentStatus(page) {
  return page.evaluate(() => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    return {
      name: q('agent-name').textContent.trim(),
      state: q('agent-state').textContent.trim(),
      stateCode: q('agent-state').dataset.state || '',
      registered: q('registration').dataset.registered === 'true',
      registration: q('registration').textContent.trim(),
    };
  });
}

export async function setLanguage(page, lang) {
  await byTestId(page, `lang-${lang}`).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}
