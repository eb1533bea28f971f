// The friend lists (PROTOCOL.md §3.3 snapshot, §3.6 actions and events) and
// the sidebar that shows them.
import { avatar } from './avatar.js';
import { byId, el } from './dom.js';

export class Friends {
  // `actions.act(type, user)` sends a mutual_users action; `actions.open(user)`
  // opens the conversation with a friend.
  constructor(actions) {
    this.actions = actions;
    this.friends = new Map();
    this.requests = new Map();
    this.outgoing = new Map();
    this.unread = new Map();
    this.openId = null;
  }

  // From an auth snapshot.
  reset(snapshot) {
    const toMap = (list) => new Map((Array.isArray(list) ? list : []).map((u) => [u.id, u]));
    this.friends = toMap(snapshot.mutual_users);
    this.requests = toMap(snapshot.mutual_requests);
    this.outgoing = toMap(snapshot.outgoing_requests);
    this.render();
  }

  // A live mutual_users event; `by_me` marks my own action from another tab.
  apply(event) {
    const user = event && event.user;
    if (!user || !user.id) return;
    switch (event.type) {
      case 'request':
        (event.by_me ? this.outgoing : this.requests).set(user.id, user);
        break;
      case 'response':
        this.requests.delete(user.id);
        this.outgoing.delete(user.id);
        this.friends.set(user.id, user);
        break;
      case 'remove':
        this.requests.delete(user.id);
        this.outgoing.delete(user.id);
        break;
      case 'delete':
        this.friends.delete(user.id);
        break;
      default:
        return;
    }
    this.render();
  }

  get(id) {
    return this.friends.get(id);
  }

  markUnread(id) {
    this.unread.set(id, (this.unread.get(id) || 0) + 1);
    this.render();
  }

  setOpen(id) {
    this.openId = id;
    this.unread.delete(id);
    this.render();
  }

  render() {
    const sorted = (map) => [...map.values()].sort((a, b) => a.name.localeCompare(b.name));
    byId('friends').replaceChildren(...sorted(this.friends).map((u) => this.friendItem(u)));
    byId('no-friends').hidden = this.friends.size > 0;
    byId('requests').replaceChildren(...sorted(this.requests).map((u) => this.requestItem(u)));
    byId('requests-section').hidden = this.requests.size === 0;
    byId('outgoing').replaceChildren(...sorted(this.outgoing).map((u) => this.outgoingItem(u)));
    byId('outgoing-section').hidden = this.outgoing.size === 0;
  }

  friendItem(user) {
    const unread = this.unread.get(user.id) || 0;
    return el('li', { 'data-user': user.name },
      el('button', {
        type: 'button',
        className: 'person open-chat',
        'aria-current': this.openId === user.id ? 'true' : undefined,
        onclick: () => this.actions.open(user),
      },
      avatar(user),
      el('span', { className: 'name' }, user.name),
      unread ? el('span', { className: 'badge' }, String(unread),
        el('span', { className: 'visually-hidden' }, ' unread')) : null));
  }

  requestItem(user) {
    return el('li', { className: 'person', 'data-user': user.name },
      avatar(user),
      el('span', { className: 'name' }, user.name),
      el('span', { className: 'actions' },
        el('button', { type: 'button', onclick: () => this.actions.act('response', user),
          'aria-label': `Accept ${user.name}` }, 'Accept'),
        el('button', { type: 'button', className: 'secondary',
          onclick: () => this.actions.act('remove', user), 'aria-label': `Decline ${user.name}` },
          'Decline')));
  }

  outgoingItem(user) {
    return el('li', { className: 'person', 'data-user': user.name },
      avatar(user),
      el('span', { className: 'name' }, user.name),
      el('span', { className: 'actions' },
        el('button', { type: 'button', className: 'secondary',
          onclick: () => this.actions.act('remove', user),
          'aria-label': `Withdraw the request to ${user.name}` }, 'Withdraw')));
  }
}
