// Starts tests/web/web_harness (the real WebServer with demo data on
// 127.0.0.1) and sends it stdin commands; see web_harness.cpp for them.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startHarness(binary, flags = []) {
  const proc = spawn(binary, ['--port', '0', ...flags], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const waiting = [];
  const buffered = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w.resolve(line);
    else buffered.push(line);
  });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.on('exit', () => {
    for (const w of waiting.splice(0)) w.reject(new Error('web_harness exited'));
  });

  function nextLine(timeoutMs = 15000) {
    if (buffered.length) return Promise.resolve(buffered.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from web_harness')), timeoutMs);
      waiting.push({
        resolve: (l) => { clearTimeout(timer); resolve(l); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }

  const ready = await nextLine(30000);
  if (!ready.startsWith('ready ')) throw new Error(`web_harness: ${ready}`);
  const port = Number(ready.split(' ')[1]);

  return {
    port,
    baseURL: `http://127.0.0.1:${port}/`,
    // Sends one command; resolves with the words after "ok".
    async command(line) {
      proc.stdin.write(line + '\n');
      const reply = await nextLine();
      if (!reply.startsWith('ok')) throw new Error(`web_harness: ${line} -> ${reply}`);
      return reply.slice(3).split(' ');
    },
    async stop() {
      if (proc.exitCode === null) proc.stdin.end('quit\n');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
