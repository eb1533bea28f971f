import { el } from './dom.js';
import { colourSlotOf, initialsOf } from './protocol.js';

// An initials avatar; the colour comes from a class (the CSP allows no inline styles).
export function avatar(user) {
  return el('span', { className: `avatar c${colourSlotOf(user.id)}`, 'aria-hidden': 'true' },
    initialsOf(user.name));
}
