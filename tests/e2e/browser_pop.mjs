// The agent's page in real Chromium against the real server: signs in, says
// READY on stdout, waits for the screen pop of the next call, prints what
// the pop shows as one JSON line, then waits for the pop to close (the call
// ended) and prints CLOSED. Driven by test_browser.py, which places the call.
//   CALLBOARD_URL=http://127.0.0.1:8080 CALLBOARD_LOGIN=anna CALLBOARD_PASSWORD=... node browser_pop.mjs
import { launchChromium, login, waitForPop, waitForPopClosed, agentStatus } from '../browser/panel_helpers.mjs';

const url = process.env.CALLBOARD_URL;
const screenshot = process.env.CALLBOARD_SCREENSHOT;
const chrome = await launchChromium();
try {
  const page = await chrome.newPage();
  await login(page, url, process.env.CALLBOARD_LOGIN, process.env.CALLBOARD_PASSWORD);
  console.log(JSON.stringify({ ready: true, status: await agentStatus(page) }));
  const pop = await waitForPop(page, { timeout: 20000 });
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ pop, status: await agentStatus(page) }));
  await waitForPopClosed(page, { call: pop.call, timeout: 20000 });
  console.log(JSON.stringify({ closed: true }));
} finally {
  await chrome.close();
}
