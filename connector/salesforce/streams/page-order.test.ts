import { describe, expect, it } from '@jest/globals';
import { PagingError } from '../api/failures.js';
import { PageOrder } from './page-order.js';

const rec = (Id: string, SystemModstamp: unknown) => ({ Id, SystemModstamp });

describe('PageOrder', () => {
  it('accepts pages in (SystemModstamp, Id) order across pages', () => {
    const order = new PageOrder();
    expect(order.check([rec('001A', '2024-01-01T00:00:00.000Z'), rec('001B', '2024-01-01T00:00:00.000Z')])).toEqual([]);
    expect(order.check([rec('001C', '2024-01-01T00:00:00.000Z'), rec('0011', '2024-01-02T00:00:00.000Z')])).toEqual([]);
  });

  it('refuses a page that goes back in time, or repeats a record', () => {
    const order = new PageOrder();
    order.check([rec('001B', '2024-01-02T00:00:00.000Z')]);
    expect(() => order.check([rec('001C', '2024-01-01T00:00:00.000Z')])).toThrow(PagingError);
    const again = new PageOrder();
    again.check([rec('001B', '2024-01-02T00:00:00.000Z')]);
    expect(() => again.check([rec('001B', '2024-01-02T00:00:00.000Z')])).toThrow(/out of \(SystemModstamp, Id\) order/);
  });

  it('does not judge Ids that differ only in how case is sorted', () => {
    const order = new PageOrder();
    order.check([rec('001a', '2024-01-01T00:00:00.000Z')]);
    expect(order.check([rec('001B', '2024-01-01T00:00:00.000Z')])).toEqual([]);
  });

  it('delivers records without a valid stamp with SystemModstamp null, outside the order', () => {
    const order = new PageOrder();
    const page = [rec('001A', '2024-01-02T00:00:00.000Z'), rec('001B', 'null'), rec('001C', undefined), rec('001D', '2024-01-03T00:00:00.000Z')];
    expect(order.check(page)).toEqual([
      { id: '001B', value: 'null' },
      { id: '001C', value: undefined },
    ]);
    expect(page.map((r) => r.SystemModstamp)).toEqual(['2024-01-02T00:00:00.000Z', null, null, '2024-01-03T00:00:00.000Z']);
  });

  it('treats a stamp more than a day ahead as invalid, so it never becomes the cursor', () => {
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    const order = new PageOrder(undefined, () => now);
    const page = [rec('001A', '2026-01-01T12:00:00.000Z'), rec('001B', '9999-12-31T00:00:00.000Z')];
    expect(order.check(page)).toEqual([{ id: '001B', value: '9999-12-31T00:00:00.000Z' }]);
    expect(page[1].SystemModstamp).toBeNull();
  });

  it('checks stamps already in the shaped form for being real instants', () => {
    const page = [rec('001A', '2024-13-45T00:00:00.000Z')];
    expect(new PageOrder().check(page)).toEqual([{ id: '001A', value: '2024-13-45T00:00:00.000Z' }]);
  });
});

describe('PageOrder for streams without SystemModstamp', () => {
  it('checks the order on the cursor of the stream', () => {
    const order = new PageOrder({ primaryKey: 'Id', cursor: 'CreatedDate' });
    order.check([{ Id: '017B', CreatedDate: '2024-01-02T00:00:00.000Z' }]);
    expect(() => order.check([{ Id: '017C', CreatedDate: '2024-01-01T00:00:00.000Z' }])).toThrow(/out of \(CreatedDate, Id\) order/);
  });

  it('checks Id order when there is no cursor, and nothing without Id', () => {
    const order = new PageOrder({ primaryKey: 'Id' });
    expect(order.check([{ Id: '0Ya1' }, { Id: '0Ya2' }])).toEqual([]);
    expect(() => order.check([{ Id: '0Ya0' }])).toThrow(/out of Id order/);
    expect(new PageOrder({}).check([{ Name: 'b' }, { Name: 'a' }])).toEqual([]);
  });
});
