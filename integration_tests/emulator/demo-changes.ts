/**
 * A round of changes such as an org sees between two syncs, so that a second, incremental read has
 * something to deliver: per object, the two records changed longest ago updated, one inserted and
 * one soft-deleted (Users are never deleted in Salesforce). Used by the demo, and by `npm run
 * emulator` on request (Enter on its terminal, or SIGUSR2).
 */
import type { Emulator } from './emulator.js';
import { SOBJECT_NAMES } from './field-catalog.js';

export interface ObjectChanges {
  object: string;
  updated: string[];
  inserted: string[];
  deleted: string[];
}

export function changeSomeRecords(emulator: Emulator, round = 1): ObjectChanges[] {
  return SOBJECT_NAMES.map((object) => {
    // Storage order is oldest change first: these are the records a read from the last state would not bring again.
    const live = emulator.records(object);
    const note = object === 'User' ? {} : { Description: `Changed on the emulator, round ${round}` };
    const updated = live.slice(0, 2).map((r) => String(emulator.update(object, String(r.Id), note).Id));
    const inserted = [String(emulator.insert(object).Id)];
    const victim = object === 'User' ? undefined : live[2];
    const deleted = victim ? [String(emulator.softDelete(object, String(victim.Id)).Id)] : [];
    return { object, updated, inserted, deleted };
  });
}

/** One line: "Account 2 updated, 1 inserted, 1 deleted; …". */
export function describeChanges(changes: readonly ObjectChanges[]): string {
  return changes.map((c) => `${c.object} ${c.updated.length} updated, ${c.inserted.length} inserted, ${c.deleted.length} deleted`).join('; ');
}
