import { describe, expect, it } from '@jest/globals';
import { ConnectionSlots } from './connection-slots.js';

describe('ConnectionSlots', () => {
  it('lends what streams leave free, never more than the limit', async () => {
    const slots = new ConnectionSlots(6);
    await slots.take();
    expect(slots.borrow(3)).toBe(3);
    await slots.take();
    expect(slots.borrow(3)).toBe(1);
    expect(slots.borrow(1)).toBe(0);
    expect(slots.inUse).toBe(6);
    slots.give(4);
    expect(slots.inUse).toBe(2);
  });

  it('makes a starting stream wait for borrowed slots, and lends nothing while it waits', async () => {
    const slots = new ConnectionSlots(2);
    await slots.take();
    expect(slots.borrow(4)).toBe(1);
    let started = false;
    const next = slots.take().then(() => (started = true));
    await Promise.resolve();
    expect(started).toBe(false);
    expect(slots.borrow(1)).toBe(0);
    slots.give(1);
    await next;
    expect(started).toBe(true);
    expect(slots.inUse).toBe(2);
  });
});
