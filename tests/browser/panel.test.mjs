// The agent panel in real headless Chromium against web_harness (the real
// WebServer on 127.0.0.1 with demo data).
//   CALLBOARD_WEB_HARNESS=path/to/web_harness node --test panel.test.mjs
// CALLBOARD_SCREENSHOT_DIR (default: a directory under the system's temp
// directory) receives agent-pop.png. The README's screenshots come from the
// end-to-end tests against the real server (tests/e2e/test_panel_*.py).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

import { startHarness } from './harness.mjs';
import {
  agentStatus, byTestId, launchChromium, login, loginError, popInfo, setLanguage, waitForPop,
  waitForPopClosed,
} from './panel_helpers.mjs';

const HARNESS = process.env.CALLBOARD_WEB_HARNESS;
const SCREENSHOTS = process.env.CALLBOARD_SCREENSHOT_DIR || join(tmpdir(), 'callboard-screenshots');

describe('agent panel', { timeout: 120000 }, () => {
  let harness;
  let browser;

  before(async () => {
    assert.ok(HARNESS, 'set CALLBOARD_WEB_HARNESS to the web_harness binary');
    harness = await startHarness(HARNESS);
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (harness) assert.equal(await harness.stop(), 0);
  });

  test('a wrong password shows an error and no agent page', async () => {
    const page = await browser.newPage();
    await page.goto(harness.baseURL);
    await login(page, harness.baseURL, 'ivanov', 'not-his-password', { expectSuccess: false });
    assert.equal(await loginError(page), 'Неверный логин или пароль');
    assert.equal(await byTestId(page, 'agent-view').isHidden(), true);
    await page.close();
  });

  test('login shows the agent, his state and his phone', async () => {
    const page = await browser.newPage();
    await login(page, harness.baseURL, 'ivanov', 'ivanov-pass');
    await page.waitForFunction(() => document.querySelector('[data-testid="agent-state"]').dataset.state);
    const s = await agentStatus(page);
    assert.equal(s.name, 'Иван Иванов');
    assert.equal(s.stateCode, 'available');
    assert.equal(s.state, 'Свободен');
    assert.equal(s.registered, true);
    assert.equal(s.registration, 'Подключён');
    assert.match(await byTestId(page, 'state-duration').textContent(), /^\d{2}:\d{2}|^\d+:\d{2}:\d{2}/);

    // A state change on the server reaches the page.
    await harness.command('state ivanov paused lunch');
    await page.waitForFunction(() => document.querySelector('[data-testid="agent-state"]').dataset.state === 'paused');
    assert.equal((await agentStatus(page)).state, 'Пауза');
    await harness.command('unregister ivanov');
    await page.waitForFunction(() => document.querySelector('[data-testid="registration"]').dataset.registered === 'false');
    await harness.command('register ivanov');
    await harness.command('state ivanov available');
    await page.close();
  });

  test('a known caller pops his card; pop_closed hides it', async () => {
    const page = await browser.newPage();
    await login(page, harness.baseURL, 'ivanov', 'ivanov-pass');
    const sentAt = Date.now();
    const [call, receivedUs] = (await harness.command('pop ivanov 1 +375291234567')).slice(1);
    const pop = await waitForPop(page, { call });
    assert.equal(pop.clientName, 'Алексей Смирнов');
    assert.equal(pop.company, 'ООО «Ромашка»');
    assert.equal(pop.caller, '+375291234567');
    assert.equal(pop.stageCode, 'proposal');
    assert.equal(pop.dealStage, 'Предложение');
    assert.equal(pop.responsible, 'Иван Иванов');
    assert.equal(pop.lastCalls.length, 2);
    assert.match(pop.lastCalls[0], /Пропущен/);
    assert.match(pop.lastCalls[1], /Отвечен.*Иван Иванов/);
    // The page records when it drew the pop, comparable with CallReceived.
    assert.ok(pop.renderedAt >= sentAt, 'lastPopAt is set when the pop is drawn');
    const latencyMs = pop.renderedAt - Number(receivedUs) / 1000;
    assert.ok(latencyMs >= -50 && latencyMs < 5000, `pop latency ${latencyMs} ms`);
    console.log(`# pop rendered ${latencyMs.toFixed(1)} ms after CallReceived`);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'agent-pop.png') });

    // He answered: the pop gives way to his workspace for the call, with
    // the client's card, until he is done with it.
    await harness.command(`close ivanov ${call} answered`);
    await waitForPopClosed(page);
    assert.equal(await byTestId(page, 'pop').isHidden(), true);
    await page.locator(`[data-testid="work"][data-call="${call}"]`).waitFor({ state: 'visible' });
    await page.locator('[data-testid="work"] [data-testid="client-name"]').waitFor();
    assert.equal(await page.locator('[data-testid="work"] [data-testid="client-name"]').textContent(), 'Алексей Смирнов');
    await byTestId(page, 'work-close').click();
    assert.equal(await byTestId(page, 'work').isHidden(), true);
    assert.equal(await byTestId(page, 'pop-idle').isVisible(), true);
    await page.close();
  });

  test('the pop shows where the call came from, with a call-tracking source when it has one', async () => {
    // No server part fills `source` yet (call tracking is not built): the
    // page's socket is routed through the test, which adds one to the pops
    // of one caller, as a tracked call's pop would carry it.
    const TRACKED = '+375295550077';
    const page = await browser.newPage();
    await page.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((frame) => {
        const m = JSON.parse(frame);
        if (m.type === 'pop' && m.caller === TRACKED) m.source = 'yandex / cpc / spring-sale';
        ws.send(JSON.stringify(m));
      });
    });
    await login(page, harness.baseURL, 'ivanov', 'ivanov-pass');
    const origin = () => page.evaluate(() => {
      const q = (id) => document.querySelector(`[data-testid="${id}"]`);
      return { dialled: q('pop-dialled').textContent, line: q('pop-entry-point').textContent,
        location: q('pop-location').textContent, source: q('pop-source').hidden ? null : q('pop-source').textContent };
    });
    const [plain] = (await harness.command('pop ivanov 1 +375291234567')).slice(1);
    await waitForPop(page, { call: plain });
    const first = await origin();
    assert.equal(first.dialled, 'Набран номер: 100');
    assert.match(first.line, /^· \S/);
    assert.match(first.location, /BY/);
    assert.equal(first.source, null);
    await harness.command(`close ivanov ${plain} missed`);
    await waitForPopClosed(page, { call: plain });

    const [tracked] = (await harness.command(`pop ivanov unknown ${TRACKED}`)).slice(1);
    await waitForPop(page, { call: tracked });
    const second = await origin();
    assert.equal(second.source, 'Источник: yandex / cpc / spring-sale');
    assert.equal(second.dialled, 'Набран номер: 100');
    await setLanguage(page, 'en');
    assert.equal((await origin()).source, 'Source: yandex / cpc / spring-sale');
    await setLanguage(page, 'ru');
    await harness.command(`close ivanov ${tracked} cancelled`);
    await waitForPopClosed(page, { call: tracked });
    await page.close();
  });

  test("the card's Call button shows click-to-call's JSON answer, placed or refused", async () => {
    // The route's answers are played by the test (the real route, against
    // the real server, is in tests/e2e): what matters here is what the
    // page makes of each.
    const page = await browser.newPage();
    const answers = [
      [202, { call: 'c-42', agent: 'ivanov', client: 1, phone: '+375291234567' }],
      [409, { error: 'paused', message: 'ivanov is paused' }],
      [501, { error: 'not_implemented', message: 'click-to-call needs an outbound route' }],
    ];
    const asked = [];
    await page.route('**/api/calls/originate', async (route) => {
      asked.push(JSON.parse(route.request().postData()));
      const [status, body] = answers[asked.length - 1];
      await route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    });
    await login(page, harness.baseURL, 'ivanov', 'ivanov-pass');
    await page.goto(`${harness.baseURL}#client/1`);
    const button = page.locator('[data-testid="client-page"] [data-testid="call-button"]').first();
    await button.waitFor();
    const line = page.locator('[data-testid="client-page"] [data-testid="call-error"]');
    const shown = async (n) => {
      await page.waitForFunction((http) => {
        const e = document.querySelector('[data-testid="client-page"] [data-testid="call-error"]');
        return e && e.dataset.http === http;
      }, String(answers[n][0]));
      return { text: await line.textContent(), status: await line.getAttribute('data-status'),
        code: await line.getAttribute('data-code'), visible: await line.isVisible() };
    };
    await button.click();
    assert.deepEqual(await shown(0), { text: 'Звонок запрошен: c-42. Сначала зазвонит ваш телефон.', status: 'ok',
      code: '', visible: true });
    assert.deepEqual(asked[0], { client: 1, phone: await button.getAttribute('data-phone') });
    await page.locator('[data-testid="client-page"] [data-testid="call-button"]').first().click();
    assert.deepEqual(await shown(1), { text: 'Звонок не начат (HTTP 409 paused): ivanov is paused', status: 'error',
      code: 'paused', visible: true });
    await page.locator('[data-testid="client-page"] [data-testid="call-button"]').first().click();
    assert.deepEqual(await shown(2), {
      text: 'Звонок не начат (HTTP 501 not_implemented): click-to-call needs an outbound route', status: 'error',
      code: 'not_implemented', visible: true });
    await page.close();
  });

  test('an unknown number shows "Неизвестный номер" with the number', async () => {
    const page = await browser.newPage();
    await login(page, harness.baseURL, 'petrova', 'petrova-pass');
    const [call] = (await harness.command('pop petrova unknown 8-029-555-12-34 Сергей')).slice(1);
    const pop = await waitForPop(page, { call });
    assert.equal(pop.known, false);
    assert.match(pop.unknownText, /Неизвестный номер/);
    assert.equal(pop.caller, '+375295551234');
    assert.equal(await byTestId(page, 'pop-caller-name').textContent(), 'Сергей');
    await harness.command(`close petrova ${call} cancelled`);
    await waitForPopClosed(page, { call });
    assert.equal((await popInfo(page)).visible, false);
    await page.close();
  });

  test('the language switch changes the labels and is remembered', async () => {
    const page = await browser.newPage();
    await login(page, harness.baseURL, 'sidorov', 'sidorov-pass');
    assert.equal(await byTestId(page, 'logout').textContent(), 'Выйти');
    await setLanguage(page, 'en');
    assert.equal(await byTestId(page, 'logout').textContent(), 'Log out');
    assert.equal(await byTestId(page, 'pop-idle').textContent(), 'Waiting for calls');
    assert.equal((await agentStatus(page)).registration, 'Not connected');
    const [call] = (await harness.command('pop sidorov 2 +375447654321')).slice(1);
    const pop = await waitForPop(page, { call });
    assert.equal(pop.dealStage, 'Negotiation');
    await harness.command(`close sidorov ${call} missed`);
    await waitForPopClosed(page);

    await page.reload();
    await byTestId(page, 'agent-view').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await byTestId(page, 'logout').textContent(), 'Log out');
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-form').waitFor({ state: 'visible' });
    assert.equal(await byTestId(page, 'login-submit').textContent(), 'Sign in');
    await login(page, harness.baseURL, 'sidorov', 'wrong', { expectSuccess: false });
    assert.equal(await loginError(page), 'Wrong login or password');
    await setLanguage(page, 'ru');
    assert.equal(await loginError(page), 'Неверный логин или пароль');
    await page.close();
  });
});
