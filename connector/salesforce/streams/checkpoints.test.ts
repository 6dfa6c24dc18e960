import { describe, expect, it } from '@jest/globals';
import type { StreamSink } from '../../runtime/source.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';
import { StreamCheckpoints } from './checkpoints.js';

/** A sink that keeps what it is handed, as the runtime would write it. */
function collectingSink(): StreamSink & { checkpoints: { records: string[]; state: Record<string, unknown> }[] } {
  const checkpoints: { records: string[]; state: Record<string, unknown> }[] = [];
  return {
    checkpoints,
    log: async () => undefined,
    estimate: async () => undefined,
    rateLimited: async () => undefined,
    resumed: async () => undefined,
    checkpoint: async (records, state) => {
      checkpoints.push({ records: records.map((r) => String((r as { Id?: unknown }).Id)), state: structuredClone(state) });
    },
  };
}

const rec = (id: string, stamp: string) => ({ Id: id, SystemModstamp: stamp });

describe('StreamCheckpoints', () => {
  it('keeps the state from before an unordered window until its last page, then moves it to the newest stamp of the window', async () => {
    const sink = collectingSink();
    const pages = new StreamCheckpoints(sink, true, '2024-01-01T00:00:00.000Z');
    await pages.page({ records: [rec('001A', '2024-03-01T00:00:00.000Z'), rec('001B', '2024-02-01T00:00:00.000Z')], unordered: true, held: true });
    await pages.page({ records: [rec('001C', '2024-01-15T00:00:00.000Z')], unordered: true, held: true });
    await pages.page({ records: [rec('001D', '2024-02-15T00:00:00.000Z')], unordered: true });
    expect(sink.checkpoints.map((c) => c.state.SystemModstamp)).toEqual(['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(sink.checkpoints.flatMap((c) => c.records)).toEqual(['001A', '001B', '001C', '001D']);
  });

  it('marks a full refresh in progress with its position, and complete at the end', async () => {
    const sink = collectingSink();
    const pages = new StreamCheckpoints(sink, false, undefined);
    await pages.page({ records: [rec('001A', '2024-01-01T00:00:00.000Z'), rec('001B', '2024-01-02T00:00:00.000Z')] });
    await pages.finish();
    expect(sink.checkpoints.map((c) => c.state)).toEqual([
      {
        full_refresh: 'in_progress',
        cursor_field: 'SystemModstamp',
        SystemModstamp: '2024-01-02T00:00:00.000Z',
        recently_delivered: { '001B': '2024-01-02T00:00:00.000Z' },
      },
      { full_refresh: 'complete' },
    ]);
  });

  it('keeps the last Id of a full refresh of a stream without cursor', async () => {
    const sink = collectingSink();
    const pages = new StreamCheckpoints(sink, false, undefined, undefined, { primaryKey: 'Id' }, '001A');
    await pages.page({ records: [{ Id: '001B' }, { Id: '001C' }] });
    expect(sink.checkpoints[0].state).toEqual({ full_refresh: 'in_progress', after_id: '001C' });
  });

  it('keeps the state on the head lane while a later lane writes ahead, and jumps to that lane when the head finishes', async () => {
    const sink = collectingSink();
    const pages = new StreamCheckpoints(sink, true, undefined);
    const [head, later] = pages.openLanes(2);
    await pages.page({ records: [rec('001B', '2024-03-01T00:00:00.000Z'), rec('001C', '2024-03-01T00:01:00.000Z')] }, later);
    await pages.page({ records: [rec('001A', '2024-01-01T00:00:00.000Z')] }, head);
    expect(later.position).toEqual({ stamp: '2024-03-01T00:01:00.000Z', id: '001C' });
    await pages.close(head);
    await pages.page({ records: [rec('001D', '2024-03-02T00:00:00.000Z')] }, later);
    await pages.close(later);
    expect(sink.checkpoints).toEqual([
      { records: ['001B', '001C'], state: {} },
      {
        records: ['001A'],
        state: { cursor_field: 'SystemModstamp', SystemModstamp: '2024-01-01T00:00:00.000Z', recently_delivered: { '001A': '2024-01-01T00:00:00.000Z' } },
      },
      // The head is done: the state covers the later lane up to its last record, its versions listed.
      {
        records: [],
        state: {
          cursor_field: 'SystemModstamp',
          SystemModstamp: '2024-03-01T00:01:00.000Z',
          recently_delivered: { '001B': '2024-03-01T00:00:00.000Z', '001C': '2024-03-01T00:01:00.000Z' },
        },
      },
      {
        records: ['001D'],
        state: { cursor_field: 'SystemModstamp', SystemModstamp: '2024-03-02T00:00:00.000Z', recently_delivered: { '001D': '2024-03-02T00:00:00.000Z' } },
      },
    ]);
  });

  it('skips on a lane read ahead, as on the head, the versions the last run delivered', async () => {
    // A resumed read divided between connections: its later lanes start inside the look-back window too.
    const sink = collectingSink();
    const previous = RecentDeliveries.fromState({ recently_delivered: { '001B': '2024-03-01T00:00:00.000Z', '001A': '2024-01-01T00:00:00.000Z' } });
    const pages = new StreamCheckpoints(sink, true, '2024-03-01T00:00:00.000Z', previous);
    const [head, later] = pages.openLanes(2);
    await pages.page({ records: [rec('001B', '2024-03-01T00:00:00.000Z'), rec('001C', '2024-03-01T00:01:00.000Z')] }, later);
    await pages.page({ records: [rec('001A', '2024-01-01T00:00:00.000Z'), rec('001E', '2024-01-01T00:00:00.000Z')] }, head);
    expect(sink.checkpoints.map((c) => c.records)).toEqual([['001C'], ['001E']]);
  });

  it('jumps over lanes that finished ahead of the head, once the head finishes', async () => {
    const sink = collectingSink();
    const pages = new StreamCheckpoints(sink, false, undefined);
    const [a, b, c] = pages.openLanes(3);
    await pages.page({ records: [rec('001C', '2024-03-01T00:00:00.000Z')] }, c);
    await pages.close(c);
    await pages.page({ records: [rec('001B', '2024-02-01T00:00:00.000Z')] }, b);
    await pages.close(b);
    expect(sink.checkpoints.map((x) => x.state)).toEqual([{ full_refresh: 'in_progress' }, { full_refresh: 'in_progress' }]);
    await pages.close(a);
    await pages.finish();
    expect(sink.checkpoints.slice(2).map((x) => x.state)).toEqual([
      {
        full_refresh: 'in_progress',
        cursor_field: 'SystemModstamp',
        SystemModstamp: '2024-03-01T00:00:00.000Z',
        recently_delivered: { '001C': '2024-03-01T00:00:00.000Z' },
      },
      { full_refresh: 'complete' },
    ]);
  });
});
