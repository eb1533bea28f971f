// The web client end to end: the real wind-server, Debian's Chromium driven
// by playwright-core, two users in two isolated browser contexts.
// Run by CTest (tests/browser/run.sh). WIND_SCREENSHOTS=<dir> also saves
// login.png and conversation.png there (docs/screenshots in the README).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { WindServer } from './server.mjs';

const CHROMIUM = process.env.WIND_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'correct-horse-battery';
const WAIT = { timeout: 20000 };

const server = new WindServer();
let browser;
const users = {};

// Page errors and CSP violations seen by any page; the last test asserts none.
const problems = [];

// Fails the test on any Content-Security-Policy violation or page error.
function watch(page, name) {
  page.on('pageerror', (error) => problems.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`${name}: ${message.text()}`);
    }
  });
  return page;
}

async function newUser(name) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-GB' });
  const page = watch(await context.newPage(), name);
  users[name] = { name, email: `${name}@example.com`, context, page };
  return users[name];
}

async function expectText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor(WAIT);
}

function messages(page) {
  return page.locator('#messages article.message .content');
}

async function openChat(user, friendName) {
  await user.page.locator(`#friends li[data-user="${friendName}"] button`).click();
  await expectText(user.page.locator('#conversation-title'), friendName);
}

async function send(user, text) {
  const input = user.page.locator('#composer-input');
  await input.fill(text);
  await input.press('Enter');
  await expectText(messages(user.page), text.slice(0, 40));
  assert.equal(await input.inputValue(), '', 'the composer is cleared after sending');
}

async function waitOnline(page) {
  await page.locator('#connection[data-state="online"]').waitFor(WAIT);
}

async function screenshot(page, name) {
  const dir = process.env.WIND_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.screenshot({ path: join(dir, name) });
}

before(async () => {
  await server.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary --user-data-dir.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  await server.stop();
  if (problems.length === 0) server.cleanup();
  else console.log(`server log kept in ${server.dir}`);
});

test('the page is served with its security headers and every asset loads under the CSP', async () => {
  const response = await fetch(`${server.url}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  const escape = await fetch(`${server.url}/static/x/..%2f..%2fCMakeLists.txt`);
  assert.equal(escape.status, 404);
});

test('two users register, see "check your email", verify by the mailed link and log in', async () => {
  for (const name of ['alice', 'bob']) {
    const user = await newUser(name);
    const { page } = user;
    await page.goto(server.url);
    await page.locator('#login-form').waitFor(WAIT);
    if (name === 'alice') await screenshot(page, 'login.png');
    await page.locator('#register-name').fill(name);
    await page.locator('#register-email').fill(user.email);
    await page.locator('#register-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Register' }).click();
    await expectText(page.locator('#register-done'), 'Check your email');

    const key = server.verifyKeyFor(user.email);
    assert.ok(key, `a verification mail for ${user.email} is in the outbox`);
    await page.goto(`${server.url}/api/v1/auth/email_verify/${key}`);
    await expectText(page.locator('h1'), 'account successfully created');
    await page.getByRole('link', { name: 'log in' }).click();

    await page.locator('#login-email').fill(user.email);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-form button[type=submit]').click();
    await waitOnline(page);
    await expectText(page.locator('#me'), name);
    assert.ok(await page.evaluate(() => localStorage.getItem('wind.token')), 'the token is kept');
  }
});

test('an unknown name gets the error frame shown; requests by name are withdrawn, declined, accepted live', async () => {
  const { alice, bob } = users;
  await alice.page.locator('#add-friend-name').fill('nobody-here');
  await alice.page.locator('#add-friend-name').press('Enter');
  await expectText(alice.page.locator('#alert'), 'Not found');

  const request = async () => {
    await alice.page.locator('#add-friend-name').fill('BOB');
    await alice.page.getByRole('button', { name: 'Send request' }).click();
    await alice.page.locator('#outgoing li[data-user="bob"]').waitFor(WAIT);
    await bob.page.locator('#requests li[data-user="alice"]').waitFor(WAIT);
  };
  const gone = { state: 'detached', ...WAIT };
  // Withdrawn by alice, then declined by bob: both sides follow live.
  await request();
  await alice.page.getByRole('button', { name: 'Withdraw the request to bob' }).click();
  await bob.page.locator('#requests li[data-user="alice"]').waitFor(gone);
  await alice.page.locator('#outgoing li[data-user="bob"]').waitFor(gone);
  await request();
  await bob.page.getByRole('button', { name: 'Decline alice' }).click();
  await alice.page.locator('#outgoing li[data-user="bob"]').waitFor(gone);
  await bob.page.locator('#requests li[data-user="alice"]').waitFor(gone);
  await request();
  await bob.page.getByRole('button', { name: 'Accept alice' }).click();
  await bob.page.locator('#friends li[data-user="alice"]').waitFor(WAIT);
  await alice.page.locator('#friends li[data-user="bob"]').waitFor(WAIT);
  assert.equal(await alice.page.locator('#outgoing li').count(), 0);
  assert.equal(await bob.page.locator('#requests li').count(), 0);
  assert.match(await alice.page.locator('#friends li[data-user="bob"] .avatar').innerText(), /^BO$/);
});

test('messages go both ways, live, in every tab, with local times; long ones wrap', async () => {
  const { alice, bob } = users;
  await openChat(alice, 'bob');
  await send(alice, 'Hello Bob!');
  await bob.page.locator('#friends li[data-user="alice"] .badge').waitFor(WAIT);
  await openChat(bob, 'alice');
  await expectText(messages(bob.page), 'Hello Bob!');
  await send(bob, 'Hi Alice, how are you?');
  await expectText(messages(alice.page), 'Hi Alice, how are you?');
  await send(alice, 'Fine, thanks. The web client works: Enter sends, Shift+Enter adds a line.');
  await expectText(messages(bob.page), 'Fine, thanks.');
  await screenshot(alice.page, 'conversation.png');

  // A second tab of alice's gets the same messages (fan-out to every connection).
  alice.tab = watch(await alice.context.newPage(), 'alice-tab2');
  await alice.tab.goto(server.url);
  await waitOnline(alice.tab);
  await openChat({ page: alice.tab }, 'bob');
  const long = 'x'.repeat(600);
  await send(bob, long);
  await expectText(messages(alice.page), 'xxxxxxxxxx');
  await expectText(messages(alice.tab), 'xxxxxxxxxx');
  const overflow = await alice.page.locator('#messages').evaluate((list) => list.scrollWidth - list.clientWidth);
  assert.ok(overflow <= 0, `a long message wraps (horizontal overflow ${overflow}px)`);

  // created_at is UTC; the page shows it in the viewer's zone, as a <time>.
  const time = alice.page.locator('#messages article.message time').first();
  const iso = await time.getAttribute('datetime');
  assert.ok(Math.abs(Date.parse(iso) - Date.now()) < 10 * 60 * 1000, `message time ${iso} is now`);
  assert.match(await time.innerText(), /^\d{1,2}:\d{2}/);
});

test('own messages can be edited and deleted; the other side follows live', async () => {
  const { alice, bob } = users;
  const mine = alice.page.locator('#messages article.message.mine').filter({ hasText: 'Hello Bob!' });
  await mine.getByRole('button', { name: 'Edit' }).click();
  const field = alice.page.getByLabel('Edit message');
  await field.fill('Hello Bob! (edited by alice)');
  await field.press('Enter');
  await expectText(messages(bob.page), 'Hello Bob! (edited by alice)');
  await expectText(bob.page.locator('#messages .edited'), 'edited');
  assert.equal(await bob.page.locator('#messages article.message:not(.mine) .tools').count(), 0,
    'nobody gets edit buttons on the other side\'s messages');

  const doomed = bob.page.locator('#messages article.message.mine').filter({ hasText: 'xxxxxxxxxx' });
  await doomed.getByRole('button', { name: 'Delete' }).click();
  await alice.page.locator('#messages article.message', { hasText: 'xxxxxxxxxx' }).waitFor({ state: 'detached', ...WAIT });
  await alice.tab.locator('#messages article.message', { hasText: 'xxxxxxxxxx' }).waitFor({ state: 'detached', ...WAIT });
  assert.equal(await messages(bob.page).count(), 3);
});

test('a reload shows the history, and older pages load when scrolling up', async () => {
  const { alice, bob } = users;
  // 60 more messages from alice, sent by a plain WebSocket in her tab as any
  // third-party client would, so that the history holds more than one page.
  const sent = await alice.tab.evaluate(async (count) => {
    const token = localStorage.getItem('wind.token');
    const me = document.getElementById('me').textContent;
    const socket = new WebSocket(`ws://${location.host}/ws`);
    return new Promise((resolve, reject) => {
      let echoes = 0;
      let room = null;
      socket.onerror = () => reject(new Error('socket error'));
      socket.onopen = () => {
        socket.send(JSON.stringify({ type: 'heartbeat', payload: { count: 1 } }));
        socket.send(JSON.stringify({ type: 'auth', payload: { auth: token } }));
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'auth') {
          const peer = message.payload.mutual_users[0];
          room = (BigInt(message.payload.self_user.id) ^ BigInt(peer.id)).toString();
          for (let i = 1; i <= count; i++) {
            socket.send(JSON.stringify({ type: 'chat', nonce: `b${i}`,
              payload: { type: 'send', chat_id: room, content: `bulk ${i} from ${me}` } }));
          }
        } else if (message.type === 'chat' && message.nonce) {
          if (++echoes === count) {
            socket.close();
            resolve(echoes);
          }
        } else if (message.type === 'error') {
          reject(new Error(JSON.stringify(message.payload)));
        }
      };
    });
  }, 60);
  assert.equal(sent, 60);
  await expectText(messages(bob.page), 'bulk 60 from alice');

  await bob.page.reload();
  await waitOnline(bob.page);
  await openChat(bob, 'alice');
  await expectText(messages(bob.page), 'bulk 60 from alice');
  assert.equal(await messages(bob.page).count(), 50, 'the first page holds the 50 newest');
  await bob.page.locator('#messages').evaluate((list) => { list.scrollTop = 0; });
  await expectText(messages(bob.page), 'Hello Bob! (edited by alice)');
  assert.equal(await messages(bob.page).count(), 63);
  const texts = await messages(bob.page).allInnerTexts();
  assert.equal(texts[0], 'Hello Bob! (edited by alice)', 'oldest first');
  assert.equal(texts.at(-1), 'bulk 60 from alice');
  assert.equal(texts.indexOf('bulk 1 from alice'), 3);
});

test('after a server restart every tab reconnects, re-authenticates and reloads', async () => {
  const { alice, bob } = users;
  const port = server.port;
  await server.stop();
  for (const page of [alice.page, alice.tab, bob.page]) {
    await page.locator('#connection[data-state="offline"], #connection[data-state="connecting"]').waitFor(WAIT);
  }
  await server.start();
  assert.equal(server.port, port);
  for (const page of [alice.page, alice.tab, bob.page]) await waitOnline(page);
  await expectText(messages(alice.page), 'bulk 60 from alice');
  await send(bob, 'Still here after the restart');
  await expectText(messages(alice.page), 'Still here after the restart');
  await expectText(messages(alice.tab), 'Still here after the restart');
});

test('removing a friend updates both sides; logout forgets the token', async () => {
  const { alice, bob } = users;
  await bob.page.getByRole('button', { name: 'Remove friend' }).click();
  await alice.page.locator('#friends li[data-user="bob"]').waitFor({ state: 'detached', ...WAIT });
  await expectText(alice.page.locator('#conversation-title'), 'Pick a friend');
  await bob.page.locator('#friends li').first().waitFor({ state: 'detached', ...WAIT });

  await alice.page.getByRole('button', { name: 'Log out' }).click();
  await alice.page.locator('#login-form').waitFor(WAIT);
  assert.equal(await alice.page.evaluate(() => localStorage.getItem('wind.token')), null);
  // The other tab follows, and a reload stays logged out.
  await alice.tab.locator('#login-form').waitFor(WAIT);
  await alice.page.reload();
  await alice.page.locator('#login-form').waitFor(WAIT);
  assert.deepEqual(problems, [], 'no page errors and no CSP violations');
});
