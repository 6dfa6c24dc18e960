import { ByteBudget } from './byte-budget.js';

/** Settles every promise callback queued so far. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ByteBudget', () => {
  it('grants what fits at once and makes the rest wait, in arrival order, until bytes come back', async () => {
    const budget = new ByteBudget(100);
    const a = await budget.acquire(60);
    const granted: string[] = [];
    const b = budget.acquire(50).then((lease) => (granted.push('b'), lease));
    const c = budget.acquire(10).then((lease) => (granted.push('c'), lease));
    await settle();
    // c would fit, but b came first: no overtaking, so a large page is never starved by small ones.
    expect(granted).toEqual([]);
    a.release();
    await settle();
    expect(granted).toEqual(['b', 'c']);
    expect(budget.inFlight).toBe(60);
    (await b).release();
    (await c).release();
    expect(budget.inFlight).toBe(0);
    // Reserved, never filled: nothing was ever actually held.
    expect(budget.peak).toBe(0);
  });

  it('reports as peak the bytes actually held (pages read), not the reservations for pages still awaited', async () => {
    const budget = new ByteBudget(100);
    const a = await budget.acquire(30);
    const b = await budget.acquire(30);
    const c = await budget.acquire(30);
    expect(budget.inFlight).toBe(90);
    a.resize(12); // a page smaller than its estimate
    b.resize(40); // a wider one: more than reserved
    expect(budget.peak).toBe(52);
    a.release();
    c.resize(25);
    expect(budget.peak).toBe(65);
    b.release();
    c.release();
    expect([budget.inFlight, budget.peak]).toEqual([0, 65]);
  });

  it('lets a request larger than the whole budget through when nothing else is in flight', async () => {
    const budget = new ByteBudget(100);
    const big = await budget.acquire(500);
    expect(budget.inFlight).toBe(500);
    let second = false;
    const next = budget.acquire(1).then((lease) => ((second = true), lease));
    await settle();
    expect(second).toBe(false);
    big.release();
    (await next).release();
    expect(second).toBe(true);
  });

  it('resizes a lease to the real size, releases once however often asked, and wakes waiters when it shrinks', async () => {
    const budget = new ByteBudget(100);
    const lease = await budget.acquire(40);
    lease.resize(90);
    expect(budget.inFlight).toBe(90);
    let woke = false;
    const waiting = budget.acquire(30).then((l) => ((woke = true), l));
    await settle();
    expect(woke).toBe(false);
    lease.resize(20);
    (await waiting).release();
    expect(woke).toBe(true);
    lease.release();
    lease.release();
    lease.resize(1000);
    expect(budget.inFlight).toBe(0);
    expect(budget.peak).toBe(90);
  });

  it('drops an aborted wait without taking bytes, and lets the next waiter through', async () => {
    const budget = new ByteBudget(100);
    const held = await budget.acquire(100);
    const abort = new AbortController();
    const dropped = budget.acquire(50, abort.signal);
    const after = budget.acquire(50);
    abort.abort(new Error('abandoned'));
    await expect(dropped).rejects.toThrow('abandoned');
    held.release();
    const lease = await after;
    expect(budget.inFlight).toBe(50);
    lease.release();
    await expect(budget.acquire(1, abort.signal)).rejects.toThrow('abandoned');
    expect(budget.inFlight).toBe(0);
  });
});
