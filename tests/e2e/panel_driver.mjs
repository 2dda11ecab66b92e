// A Chromium the end-to-end panel tests drive line by line: one JSON
// command per stdin line, one JSON reply per command on stdout
// ({"id", "ok": true, "value"} or {"id", "ok": false, "error"}). Pages are
// named by the test; each gets its own browser context (its own cookies).
// Driven by test_panel_support.py's Browser.
//
//   {"id":1,"op":"open","page":"anna"}
//   {"id":2,"op":"login","page":"anna","url":"http://...","user":"anna","password":"...","expect":true}
//   {"id":3,"op":"goto","page":"anna","url":"http://.../#board"}
//   {"id":4,"op":"click"|"fill"|"select"|"text"|"visible","page":"anna","sel":"css","value":"..."}
//   {"id":5,"op":"wait","page":"anna","js":"expression","timeout":10000}   -> the expression's value
//   {"id":6,"op":"eval","page":"anna","js":"expression"}                  -> its value (awaited)
//   {"id":7,"op":"screenshot","page":"anna","path":"/tmp/x.png"}
//   {"id":8,"op":"close","page":"anna"}   {"id":9,"op":"quit"}
import { createInterface } from 'node:readline';
import { launchChromium, login } from '../browser/panel_helpers.mjs';

const chrome = await launchChromium();
const pages = new Map();
const errors = new Map();  // page -> uncaught page errors, reported with failures

function page(name) {
  const p = pages.get(name);
  if (!p) throw new Error(`no page '${name}'`);
  return p;
}

async function run(cmd) {
  const timeout = cmd.timeout || 10000;
  switch (cmd.op) {
    case 'open': {
      const p = await chrome.newPage();
      errors.set(cmd.page, []);
      p.on('pageerror', (e) => errors.get(cmd.page).push(e.message));
      pages.set(cmd.page, p);
      return true;
    }
    case 'login':
      await login(page(cmd.page), cmd.url, cmd.user, cmd.password, { expectSuccess: cmd.expect !== false });
      return true;
    case 'goto':
      await page(cmd.page).goto(cmd.url);
      return true;
    case 'click':
      await page(cmd.page).locator(cmd.sel).click({ timeout });
      return true;
    case 'fill':
      await page(cmd.page).locator(cmd.sel).fill(cmd.value, { timeout });
      return true;
    case 'select':
      await page(cmd.page).locator(cmd.sel).selectOption(cmd.value, { timeout });
      return true;
    case 'text':
      return (await page(cmd.page).locator(cmd.sel).textContent({ timeout })).trim();
    case 'visible':
      return page(cmd.page).locator(cmd.sel).isVisible();
    case 'wait': {
      // A function rather than a string: the panel's Content-Security-Policy
      // forbids the page evaluating strings, and the test keeps that policy.
      const predicate = new Function(`return (${cmd.js});`);
      const handle = await page(cmd.page).waitForFunction(predicate, null, { timeout, polling: 'raf' });
      return handle.jsonValue();
    }
    case 'eval':
      return page(cmd.page).evaluate(cmd.js);
    case 'screenshot':
      await page(cmd.page).screenshot({ path: cmd.path, fullPage: Boolean(cmd.full) });
      return true;
    case 'close':
      await page(cmd.page).close();
      pages.delete(cmd.page);
      return true;
    default:
      throw new Error(`unknown op '${cmd.op}'`);
  }
}

const lines = createInterface({ input: process.stdin });
console.log(JSON.stringify({ ready: true }));
for await (const line of lines) {
  if (!line.trim()) continue;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    console.log(JSON.stringify({ id: null, ok: false, error: `bad command: ${e.message}` }));
    continue;
  }
  if (cmd.op === 'quit') break;
  try {
    const value = await run(cmd);
    console.log(JSON.stringify({ id: cmd.id, ok: true, value: value === undefined ? null : value }));
  } catch (e) {
    const pageErrors = cmd.page && errors.has(cmd.page) ? errors.get(cmd.page) : [];
    console.log(JSON.stringify({ id: cmd.id, ok: false, error: String(e.message || e).split('\n').slice(0, 6).join('\n'),
      page_errors: pageErrors.slice(-5) }));
  }
}
await chrome.close();
