// Wiring: the log-in screen, the chat screen, the connection state and the
// messages between them. The token lives in localStorage, shared by tabs.
import * as api from './api.js';
import { Connection } from './connection.js';
import { Conversation } from './conversation.js';
import { byId } from './dom.js';
import { Friends } from './friends.js';
import { describeError, roomIdOf } from './protocol.js';

const TOKEN_KEY = 'wind.token';
const STATE_TEXT = {
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline: reconnecting…',
  'signed-out': 'Signed out',
};

let connection = null;
let me = null;
let reloadOnReady = false;
const friends = new Friends({ act, open: openConversation });
const conversation = new Conversation(null, showError);

function showError(error) {
  const alert = byId('alert');
  alert.textContent = error instanceof Error ? error.message : describeError(error);
  alert.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { alert.hidden = true; }, 8000);
}

function clearError() {
  byId('alert').hidden = true;
}

function setConnectionState(state) {
  const badge = byId('connection');
  badge.dataset.state = state;
  badge.textContent = STATE_TEXT[state] || state;
}

function showAuth(message) {
  byId('chat-view').hidden = true;
  byId('account').hidden = true;
  byId('auth-view').hidden = false;
  setConnectionState('signed-out');
  if (message) showError(new Error(message));
  byId('login-email').focus();
}

function start(token) {
  byId('auth-view').hidden = true;
  byId('chat-view').hidden = false;
  byId('account').hidden = false;
  conversation.close();
  connection = new Connection(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, token);
  conversation.setConnection(connection);
  connection.addEventListener('state', (event) => {
    setConnectionState(event.detail);
    if (event.detail !== 'online') reloadOnReady = true;
  });
  connection.addEventListener('ready', (event) => onReady(event.detail));
  connection.addEventListener('frame', (event) => onFrame(event.detail));
  connection.addEventListener('revoked', () => {
    forgetToken();
    showAuth('Your session has ended. Please log in again.');
  });
  connection.open();
}

function onReady(snapshot) {
  me = snapshot.self_user;
  byId('me').textContent = me.name;
  friends.reset(snapshot);
  if (!reloadOnReady) return;
  reloadOnReady = false;
  // After a reconnect: reload the open conversation (messages may have come
  // and gone meanwhile), or close it when the friendship ended.
  const friend = conversation.friend && friends.get(conversation.friend.id);
  if (friend) conversation.open(me, friend);
  else if (conversation.friend) closeConversation();
}

function onFrame(message) {
  const { type, payload } = message;
  if (type === 'chat' && payload) {
    if (conversation.receive(payload)) return;
    if (payload.type === 'send' && payload.user_id !== me.id) {
      const peer = friendInRoom(payload.chat_id);
      if (peer) friends.markUnread(peer.id);
    }
  } else if (type === 'mutual_users' && payload && !Array.isArray(payload)) {
    friends.apply(payload);
    if (payload.type === 'delete' && conversation.friend && conversation.friend.id === payload.user.id) {
      closeConversation();
    }
  } else if (type === 'error') {
    showError(payload);
  }
}

function friendInRoom(roomId) {
  for (const friend of friends.friends.values()) {
    if (roomIdOf(me.id, friend.id) === roomId) return friend;
  }
  return null;
}

function openConversation(friend) {
  friends.setOpen(friend.id);
  conversation.open(me, friend).then(() => byId('composer-input').focus());
}

function closeConversation() {
  friends.setOpen(null);
  conversation.close();
}

// A mutual_users action; `user` has an id, or only a name (add by name).
async function act(type, user) {
  clearError();
  const payload = user.id ? { type, id: user.id } : { type, name: user.name };
  try {
    await connection.request('mutual_users', payload);
    if (type === 'delete' && conversation.friend && conversation.friend.id === user.id) {
      closeConversation();
    }
    // The answer is a bare `ok`: a fresh snapshot shows the outcome
    // (a request by name may have accepted theirs).
    connection.refresh();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
  if (connection) connection.close();
  connection = null;
  me = null;
}

async function logout() {
  const token = localStorage.getItem(TOKEN_KEY);
  forgetToken();
  showAuth();
  try {
    if (token) await api.logout(token);
  } catch {
    // The token is forgotten here either way; the server expires it.
  }
}

function bindForms() {
  byId('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const form = event.target;
    try {
      const token = await api.login(form.email.value.trim(), form.password.value);
      localStorage.setItem(TOKEN_KEY, token);
      form.reset();
      start(token);
    } catch (error) {
      if (error.code === 4005) error.message = 'Please verify your email first: open the link we sent you.';
      showError(error);
    }
  });
  byId('register-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const form = event.target;
    try {
      const message = await api.register(form.name.value.trim(), form.email.value.trim(), form.password.value);
      const done = byId('register-done');
      done.textContent = /verification/.test(message)
        ? `Check your email: we sent a link to ${form.email.value.trim()}. Open it, then log in.`
        : 'Your account is ready: log in.';
      done.hidden = false;
      byId('login-email').value = form.email.value.trim();
      form.reset();
    } catch (error) {
      showError(error);
    }
  });
  byId('add-friend-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = byId('add-friend-name');
    const name = input.value.trim();
    if (name && await act('request', { name })) input.value = '';
  });
  byId('delete-friend').addEventListener('click', () => {
    if (conversation.friend) act('delete', conversation.friend);
  });
  byId('logout').addEventListener('click', logout);
  // Logging out in one tab logs out every tab.
  window.addEventListener('storage', (event) => {
    if (event.key === TOKEN_KEY && !event.newValue && connection) {
      forgetToken();
      showAuth();
    }
  });
}

bindForms();
const saved = localStorage.getItem(TOKEN_KEY);
if (saved) start(saved);
else showAuth();
