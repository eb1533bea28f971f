// The WebSocket to /ws and its rules (PROTOCOL.md §3.1): a heartbeat first,
// then auth, a heartbeat well within every interval, and a reconnect with
// exponential backoff and jitter whenever the socket drops.
//
// Events (an EventTarget):
//   state   detail: 'connecting' | 'online' | 'offline' | 'signed-out'
//   ready   detail: the auth snapshot; fires after every successful (re)auth
//   frame   detail: every other frame from the server, parsed
//   revoked the token was refused (error 4002 or close 4002): log in again
import { frame } from './protocol.js';

// The server closes a socket that sends no heartbeat within interval + grace
// (40 s + 5 s by default); every 20 s leaves room for a slow network.
const HEARTBEAT_MS = 20000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;

export class Connection extends EventTarget {
  constructor(url, token) {
    super();
    this.url = url;
    this.token = token;
    this.socket = null;
    this.attempt = 0;
    this.count = 0;
    this.nextNonce = 1;
    this.pending = new Map(); // nonce → {resolve, reject}
    this.heartbeatTimer = null;
    this.retryTimer = null;
    this.closed = false;
    this.authed = false;
  }

  open() {
    this.closed = false;
    this.connect();
  }

  // For good (logout): no reconnect.
  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    if (this.socket) this.socket.close(1000, 'bye');
    this.socket = null;
    this.failPending('Signed out.');
  }

  // Sends a frame with a fresh nonce. Resolves with the first reply that
  // carries the nonce and is not part of a stream (`ok`, `auth`, the `load`
  // end marker, the sender's copy of a chat message); rejects with an error
  // frame's payload. `onFrame` sees every frame with that nonce.
  request(type, payload, onFrame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN || !this.authed) {
      return Promise.reject({ code: 0, reason: 'Not connected: the message was not sent.' });
    }
    const nonce = `n${this.nextNonce++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(nonce, { resolve, reject, onFrame, type });
      this.socket.send(frame(type, payload, nonce));
    });
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.setState('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      // Heartbeat before auth, or the server closes with 4003.
      this.sendHeartbeat();
      socket.send(frame('auth', { auth: this.token }, 'auth'));
      this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), HEARTBEAT_MS);
    });
    socket.addEventListener('message', (event) => this.onMessage(event.data));
    socket.addEventListener('close', (event) => this.onClose(socket, event));
  }

  sendHeartbeat() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(frame('heartbeat', { count: ++this.count }));
    }
  }

  onMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!message || typeof message.type !== 'string') return;
    const { type, payload, nonce } = message;
    if (type === 'heartbeat') return;
    if (nonce === 'auth' || (type === 'auth' && !nonce)) return this.onAuth(type, payload);
    const waiting = nonce !== undefined ? this.pending.get(nonce) : undefined;
    if (waiting) {
      if (waiting.onFrame) waiting.onFrame(message);
      if (type === 'error') {
        this.pending.delete(nonce);
        waiting.reject(payload);
        return;
      }
      if (type === 'ok' || type === 'auth' || type === 'load' || type === 'mutual_users' ||
          (type === 'chat' && waiting.type === 'chat')) {
        this.pending.delete(nonce);
        waiting.resolve(message);
      }
      // The sender's own copy of a chat message is also a live event.
      if (type !== 'chat' || waiting.type !== 'chat') return;
    }
    this.dispatchEvent(new CustomEvent('frame', { detail: message }));
  }

  onAuth(type, payload) {
    if (type === 'auth') {
      this.authed = true;
      this.attempt = 0;
      this.setState('online');
      this.dispatchEvent(new CustomEvent('ready', { detail: payload }));
      return;
    }
    if (type === 'error' && payload && payload.code === 4002) this.revoke();
  }

  // A fresh snapshot (the server allows auth again with the same token).
  refresh() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(frame('auth', { auth: this.token }, 'auth'));
    }
  }

  onClose(socket, event) {
    if (socket !== this.socket) return;
    this.stopHeartbeat();
    this.authed = false;
    this.socket = null;
    this.failPending('The connection was lost before the server answered.');
    if (this.closed) return;
    if (event.code === 4002) return this.revoke();
    this.setState('offline');
    // Exponential backoff with full jitter: spreads the reconnects of many
    // clients after a server restart.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  revoke() {
    this.close();
    this.setState('signed-out');
    this.dispatchEvent(new Event('revoked'));
  }

  stopHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  failPending(reason) {
    for (const waiting of this.pending.values()) waiting.reject({ code: 0, reason });
    this.pending.clear();
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
