// Starts the real wind-server for the browser tests, like the C++ harness in
// tests/integration/harness/server.cpp: a temporary directory holds the
// config, the database and the outbox; port 0 picks a free port, read back
// from the log line "listening on http://<host>:<port>".
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (CTest sets it; see tests/browser/CMakeLists.txt)`);
  return value;
}

export class WindServer {
  constructor() {
    this.binary = required('WIND_SERVER_BIN');
    this.pluginDir = required('WIND_PLUGIN_DIR');
    this.webRoot = required('WIND_WEB_ROOT');
    this.dir = mkdtempSync(join(tmpdir(), 'wind-browser-'));
    this.outbox = join(this.dir, 'outbox');
    this.logFile = join(this.dir, 'server.log');
    this.port = 0;
    this.child = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  writeConfig() {
    const yaml = [
      'server:',
      `  listen: "127.0.0.1:${this.port}"`,
      '  public_url: "http://127.0.0.1"',
      '  event_loops: 2',
      '  workers: 2',
      `  web_root: ${JSON.stringify(this.webRoot)}`,
      'storage:',
      `  path: ${JSON.stringify(join(this.dir, 'wind.db'))}`,
      '  synchronous: normal',
      'auth:',
      '  email_verification: true',
      'email:',
      '  transport: file',
      `  outbox: ${JSON.stringify(this.outbox)}`,
      'log:',
      '  level: info',
      `plugin_dirs: [${JSON.stringify(this.pluginDir)}]`,
      'plugins:',
      '  heartbeat: {}',
      '  mutual_users: {}',
      '  chat: {}',
      '  load: {}',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'wind.yaml'), yaml);
  }

  // Starts on this.port (0 the first time: a free port; the same port on a restart).
  start() {
    this.writeConfig();
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ['-c', join(this.dir, 'wind.yaml')],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      let output = '';
      const timer = setTimeout(() => fail(new Error(`wind-server did not report its port:\n${output}`)), 30000);
      const fail = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      const onData = (chunk) => {
        const text = chunk.toString();
        appendFileSync(this.logFile, text);
        output += text;
        const match = /listening on http:\/\/[^:\s]+:(\d+)/.exec(output);
        if (match && this.port !== Number(match[1]) && this.port !== 0) {
          fail(new Error(`restarted on port ${match[1]} instead of ${this.port}`));
        } else if (match) {
          clearTimeout(timer);
          this.port = Number(match[1]);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        fail(new Error(`wind-server exited (${code ?? signal}) during startup:\n${output}`));
      });
    });
  }

  // SIGTERM (graceful: sockets are closed with 1001), then waits for the exit.
  async stop() {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }

  // The key of the newest verification mail to `email`.
  verifyKeyFor(email) {
    if (!existsSync(this.outbox)) return null;
    const mails = readdirSync(this.outbox)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => join(this.outbox, name))
      .map((path) => ({ path, time: statSync(path).mtimeMs, text: readFileSync(path, 'utf8') }))
      .filter((mail) => mail.text.includes(email))
      .sort((a, b) => a.time - b.time);
    for (const mail of mails.reverse()) {
      const match = /\/api\/v1\/auth\/email_verify\/([A-Za-z0-9_=-]+)/.exec(mail.text);
      if (match) return match[1];
    }
    return null;
  }

  log() {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  cleanup() {
    if (!process.env.WIND_KEEP_TEST_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }
}
