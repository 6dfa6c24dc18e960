/**
 * Which objects a run works on: the config's names checked against what the org exposes to the Run
 * As user (its global describe), or, for "*", every object it exposes minus the exclusions.
 */
import { ConfigError } from '../../runtime/errors.js';
import type { Log } from '../../runtime/source.js';
import type { SalesforceClient } from '../api/client.js';
import { DATA_PATH } from '../api/api-version.js';
import { MalformedAnswerError } from '../api/failures.js';
import { DEFAULT_OBJECTS, EVERY_OBJECT } from '../config/defaults.js';
import { closestNames } from '../config/closest-names.js';
import { exclusionReason, type GlobalObject } from './exclusions.js';

export const everyObject = (objects: readonly string[]): boolean => objects.length === 1 && objects[0] === EVERY_OBJECT;

/**
 * The streams a read accepts before calling Salesforce: the six and the named objects (a catalog
 * may still hold one of the six after the config dropped it); with "*", any name, each checked
 * when it is described.
 */
export function offeredStreams(objects: readonly string[]): string[] | undefined {
  return everyObject(objects) ? undefined : [...new Set([...DEFAULT_OBJECTS, ...objects])];
}

/** The org's global describe: every object the integration user can see (unreadable ones are absent). */
export async function listOrgObjects(client: SalesforceClient): Promise<GlobalObject[]> {
  const context = { action: 'list the org objects' };
  const answer = await client.getJson<{ sobjects?: unknown }>(`${DATA_PATH}/sobjects`, context);
  if (!Array.isArray(answer?.sobjects)) throw new MalformedAnswerError('the global describe', 'sobjects list').in(context);
  return (answer.sobjects as GlobalObject[]).filter((o) => typeof o?.name === 'string');
}

export interface ObjectSelection {
  objects: string[];
  /** reason -> objects "*" left out for it */
  excluded: Map<string, string[]>;
}

/** The six first, in their usual order, then the others by name: a stable order across runs. */
function streamOrder(a: string, b: string): number {
  const rank = (name: string) => {
    const i = (DEFAULT_OBJECTS as readonly string[]).indexOf(name);
    return i < 0 ? DEFAULT_OBJECTS.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function selectObjects(requested: readonly string[], available: readonly GlobalObject[]): ObjectSelection {
  const excluded = new Map<string, string[]>();
  if (everyObject(requested)) {
    const objects: string[] = [];
    for (const object of available) {
      const reason = exclusionReason(object);
      if (!reason) objects.push(object.name);
      else excluded.set(reason, [...(excluded.get(reason) ?? []), object.name]);
    }
    return { objects: objects.sort(streamOrder), excluded };
  }
  // Salesforce matches API names whatever their case (account finds Account): so do we, keeping its spelling.
  const byName = new Map(available.map((o) => [o.name.toLowerCase(), o]));
  const names = available.map((o) => o.name);
  const problems: string[] = [];
  const objects: string[] = [];
  for (const name of requested) {
    const object = byName.get(name.toLowerCase());
    if (object && !objects.includes(object.name)) objects.push(object.name);
    if (object?.queryable === false) problems.push(`Salesforce does not allow ${object.name} to be queried; remove it from the config field 'objects'.`);
    else if (!object) {
      // Salesforce leaves objects the user cannot read out of the global describe: a typo and a missing permission look alike.
      const near = closestNames(name, names);
      const hint = near.length ? `; did you mean ${near.join(', ')}?` : '';
      problems.push(
        `The integration user cannot read ${name} (the org does not list it${hint}): grant Read on it in the user's permission set, use its exact API name (custom objects end in __c), or remove it from the config field 'objects'.`,
      );
    }
  }
  if (problems.length) throw new ConfigError(problems.length === 1 ? problems[0] : problems.map((p, i) => `(${i + 1}) ${p}`).join(' '));
  return { objects, excluded };
}

/** One LOG line per reason, naming the objects "*" left out for it. */
export async function logExclusions(selection: ObjectSelection, log: Log): Promise<void> {
  for (const [reason, objects] of selection.excluded) {
    const shown = objects.length > 20 ? `${objects.slice(0, 20).join(', ')} and ${objects.length - 20} more` : objects.join(', ');
    await log('INFO', `Left out of "*" (${reason}): ${shown}.`);
  }
}

/** The objects a run works on: the names checked against the org, or every replicable one for "*". */
export async function resolveObjects(client: SalesforceClient, requested: readonly string[], log: Log): Promise<string[]> {
  const selection = selectObjects(requested, await listOrgObjects(client));
  await logExclusions(selection, log);
  return selection.objects;
}
