import { describe, expect, it } from '@jest/globals';
import { answerDate, OrgClock } from './org-clock.js';

describe('the org clock', () => {
  it("runs from the latest answer's Date on the monotonic clock, whatever this machine's wall clock says", () => {
    let mono = 5_000;
    const clock = new OrgClock(
      () => mono,
      () => Date.parse('2030-01-01T00:00:00Z'),
    );
    expect(clock.known).toBe(false);
    expect(clock.now()).toBe(Date.parse('2030-01-01T00:00:00Z')); // no answer yet: this machine's clock
    clock.observe({ date: 'Mon, 07 Dec 2026 18:00:00 GMT' });
    mono += 2_500;
    expect(clock.now()).toBe(Date.parse('2026-12-07T18:00:02.500Z'));
    // A later answer replaces it, even one that puts the org earlier (its clock was stepped back).
    clock.observe({ date: 'Mon, 07 Dec 2026 17:59:00 GMT' });
    mono += 1_000;
    expect(clock.now()).toBe(Date.parse('2026-12-07T17:59:01.000Z'));
    // An answer without a readable Date changes nothing.
    clock.observe({});
    clock.observe({ date: 'soon' });
    expect(clock.now()).toBe(Date.parse('2026-12-07T17:59:01.000Z'));
  });

  it('reads a Date header, or nothing', () => {
    expect(answerDate({ date: 'Mon, 07 Dec 2026 18:00:00 GMT' })).toBe(Date.parse('2026-12-07T18:00:00Z'));
    expect(answerDate({})).toBeUndefined();
    expect(answerDate({ date: 'yesterday' })).toBeUndefined();
  });
});
