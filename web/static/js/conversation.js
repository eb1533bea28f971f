// One conversation: the DM room with one friend (PROTOCOL.md §3.4, §3.5).
// History arrives oldest first; older pages are asked for with the oldest
// shown created_at. Messages are kept as DOM nodes ordered by id, inserted
// one by one so the live region announces only what is new.
import { avatar } from './avatar.js';
import { byId, el } from './dom.js';
import { compareIds, formatLocal, parseUtc, roomIdOf } from './protocol.js';

const PAGE = 50;

export class Conversation {
  // `connection`: the Connection; `onError(payload)` shows an error.
  constructor(connection, onError) {
    this.connection = connection;
    this.onError = onError;
    this.me = null;
    this.friend = null;
    this.roomId = null;
    this.nodes = new Map(); // message id → element
    this.oldest = null; // created_at of the oldest shown message
    this.hasMore = false;
    this.loading = false;
    this.list = byId('messages');
    this.list.addEventListener('scroll', () => {
      if (this.list.scrollTop < 48) this.loadOlder();
    });
    byId('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    byId('composer-input').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
  }

  setConnection(connection) {
    this.connection = connection;
  }

  // Opens (or, after a reconnect, reloads) the room with `friend`.
  async open(me, friend) {
    this.me = me;
    this.friend = friend;
    this.roomId = roomIdOf(me.id, friend.id);
    this.nodes.clear();
    this.oldest = null;
    this.hasMore = false;
    this.list.replaceChildren();
    byId('conversation-title').textContent = friend.name;
    byId('composer').hidden = false;
    byId('delete-friend').hidden = false;
    await this.load(null);
    this.scrollToEnd();
  }

  close() {
    this.friend = null;
    this.roomId = null;
    this.nodes.clear();
    this.list.replaceChildren();
    byId('conversation-title').textContent = 'Pick a friend to chat with';
    byId('composer').hidden = true;
    byId('delete-friend').hidden = true;
  }

  async loadOlder() {
    if (!this.hasMore || this.loading || !this.oldest) return;
    const before = this.list.scrollHeight;
    await this.load(this.oldest);
    // Keep the message that was on screen where it was.
    this.list.scrollTop += this.list.scrollHeight - before;
  }

  async load(datetime) {
    if (!this.roomId) return;
    const room = this.roomId;
    this.loading = true;
    const payload = { type: 'chat', load_id: room, count: PAGE };
    if (datetime) payload.datetime = datetime;
    try {
      const end = await this.connection.request('load', payload, (message) => {
        if (message.type === 'chat' && room === this.roomId) this.put(message.payload);
      });
      if (room !== this.roomId) return;
      this.hasMore = end.payload && end.payload.count >= PAGE;
      this.renderMoreButton();
    } catch (error) {
      this.onError(error);
    } finally {
      this.loading = false;
    }
  }

  // A live chat frame (any room); returns false when it belongs to another room.
  receive(payload) {
    if (!payload || payload.chat_id !== this.roomId) return false;
    const atEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 64;
    this.put(payload);
    if (atEnd || payload.user_id === this.me.id) this.scrollToEnd();
    return true;
  }

  async send() {
    const input = byId('composer-input');
    const content = input.value;
    if (!content.trim() || !this.roomId) return;
    try {
      await this.connection.request('chat', { type: 'send', chat_id: this.roomId, content });
      input.value = '';
    } catch (error) {
      this.onError(error);
    }
  }

  async edit(id, content) {
    try {
      await this.connection.request('chat', { type: 'edit', chat_id: this.roomId, id, content });
      return true;
    } catch (error) {
      this.onError(error);
      return false;
    }
  }

  // Adds, replaces or (edit with empty content) removes one message.
  put(message) {
    const existing = this.nodes.get(message.id);
    if (message.type === 'edit' && !message.content) {
      if (existing) existing.remove();
      this.nodes.delete(message.id);
      return;
    }
    // An edit of a message older than the shown page is seen when loaded.
    if (!message.content || (message.type === 'edit' && !existing)) return;
    const node = this.render(message);
    if (existing) {
      existing.replaceWith(node);
    } else {
      const next = [...this.list.querySelectorAll('article.message')]
        .find((shown) => compareIds(shown.dataset.id, message.id) > 0);
      this.list.insertBefore(node, next || null);
    }
    this.nodes.set(message.id, node);
    // The fixed-width UTC format orders as text.
    if (!this.oldest || message.created_at < this.oldest) this.oldest = message.created_at;
  }

  render(message) {
    const mine = message.user_id === this.me.id;
    const author = mine ? this.me : this.friend;
    const time = parseUtc(message.created_at);
    const node = el('article', {
      className: mine ? 'message mine' : 'message',
      'data-id': message.id,
      'data-created-at': message.created_at,
      'aria-label': `${author.name}, ${formatLocal(message.created_at)}`,
    },
    avatar(author),
    el('div', { className: 'bubble' },
      el('div', { className: 'meta' },
        el('span', { className: 'author' }, author.name),
        el('time', { datetime: time ? time.toISOString() : undefined,
          title: time ? time.toLocaleString() : undefined }, formatLocal(message.created_at)),
        message.edited_at ? el('span', { className: 'edited' }, '(edited)') : null),
      el('p', { className: 'content' }, message.content),
      mine ? this.tools(message) : null));
    return node;
  }

  tools(message) {
    return el('div', { className: 'tools' },
      el('button', { type: 'button', className: 'link edit',
        onclick: (event) => this.startEdit(message, event.target.closest('article')) }, 'Edit'),
      el('button', { type: 'button', className: 'link delete',
        onclick: () => this.edit(message.id, '') }, 'Delete'));
  }

  startEdit(message, article) {
    const content = article.querySelector('.content');
    const field = el('textarea', { className: 'edit-input', rows: 2, maxlength: 4000,
      'aria-label': 'Edit message' });
    field.value = message.content;
    const cancel = () => form.replaceWith(content);
    const save = async () => {
      if (field.value === message.content) return cancel();
      // An empty edit deletes (PROTOCOL.md §3.4); the echo updates the view.
      if (await this.edit(message.id, field.value.trim() ? field.value : '')) cancel();
    };
    const form = el('form', { className: 'edit-form', onsubmit: (event) => {
      event.preventDefault();
      save();
    } },
    field,
    el('div', { className: 'tools' },
      el('button', { type: 'submit', className: 'link' }, 'Save'),
      el('button', { type: 'button', className: 'link', onclick: cancel }, 'Cancel')));
    field.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') cancel();
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        save();
      }
    });
    content.replaceWith(form);
    field.focus();
  }

  renderMoreButton() {
    const old = this.list.querySelector('.load-more');
    if (old) old.remove();
    if (!this.hasMore) return;
    this.list.prepend(el('button', { type: 'button', className: 'link load-more',
      onclick: () => this.loadOlder() }, 'Load older messages'));
  }

  scrollToEnd() {
    this.list.scrollTop = this.list.scrollHeight;
  }
}
