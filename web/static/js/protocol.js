// Pure helpers for the WIND wire protocol (PROTOCOL.md): ids, times, frames.
// No DOM and no network here, so they are easy to reason about.

// A DM room id is my id XOR the friend's id (PROTOCOL.md §1). Ids are 63-bit
// decimal strings, beyond what a Number holds exactly: BigInt keeps them exact.
export function roomIdOf(myId, friendId) {
  return (BigInt(myId) ^ BigInt(friendId)).toString();
}

// Orders two decimal id strings numerically (snowflakes grow with time).
export function compareIds(a, b) {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// "2021-12-23 00:19:16.000880" (UTC) → Date. Milliseconds are enough to show.
export function parseUtc(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text || '');
  if (!match) return null;
  const [, y, mo, d, h, mi, s, frac = '0'] = match;
  const ms = Math.floor(Number(frac.padEnd(6, '0')) / 1000);
  return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms));
}

// The viewer's local time: "14:05" today, "3 Mar, 14:05" otherwise.
export function formatLocal(text, now = new Date()) {
  const date = parseUtc(text);
  if (!date) return '';
  const sameDay = date.toDateString() === now.toDateString();
  const options = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : { day: 'numeric', month: 'short', year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
        hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

// Up to two letters for an avatar: "alice" → "AL", "mary.jane" → "MJ".
export function initialsOf(name) {
  const parts = String(name || '?').split(/[._\-\s]+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : (parts[0] || '?').slice(0, 2);
  return letters.toUpperCase();
}

// A stable palette slot (0..7) for a user id, so avatars keep their colour.
// The id's low bits are a sequence number, mostly 0: hash every digit (FNV-1a).
export function colourSlotOf(id) {
  let hash = 0x811c9dc5;
  for (const c of String(id || '0')) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return hash % 8;
}

// Builds a frame. The nonce (PROTOCOL.md §3, [ext]) ties replies and errors
// to the request that caused them.
export function frame(type, payload, nonce) {
  const message = { type, payload };
  if (nonce !== undefined) message.nonce = nonce;
  return JSON.stringify(message);
}

// Human text for an error frame's payload (WebSocket errors say `reason`).
export function describeError(payload) {
  const code = payload && payload.code;
  const reason = (payload && (payload.reason || payload.message)) || 'Something went wrong.';
  const hints = {
    4004: 'Not found',
    4005: 'Not allowed',
    4009: 'Already done',
    4013: 'Too long',
    4029: 'Slow down',
  };
  return hints[code] ? `${hints[code]}: ${reason}` : reason;
}
