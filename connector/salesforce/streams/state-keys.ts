/**
 * The keys this source writes into a stream's state. A state holding others (another connector's,
 * or one edited by hand) gives no cursor this source can trust; the read says so before it starts
 * the stream over rather than silently re-reading everything.
 */
import { CURSOR_CANDIDATES } from '../objects.js';
import { CURSOR_FIELD_KEY, RECENT_STATE_KEY } from '../state/cursor.js';
import { AFTER_ID_KEY, FULL_REFRESH_KEY } from './checkpoints.js';
import { DELETIONS_STATE_KEY } from './deleted-records.js';
import { FORMULA_STATE_KEY } from './formula-refresh.js';

const OWN_KEYS: ReadonlySet<string> = new Set([
  CURSOR_FIELD_KEY,
  RECENT_STATE_KEY,
  FULL_REFRESH_KEY,
  AFTER_ID_KEY,
  DELETIONS_STATE_KEY,
  FORMULA_STATE_KEY,
  ...CURSOR_CANDIDATES,
]);

/** The keys of `state` this source never writes (the field its cursor_field names counts as its own). */
export function foreignStateKeys(state: Record<string, unknown> | undefined): string[] {
  if (!state) return [];
  const cursorField = state[CURSOR_FIELD_KEY];
  return Object.keys(state).filter((key) => !OWN_KEYS.has(key) && key !== cursorField);
}
