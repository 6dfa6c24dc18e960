/**
 * `check`: mints a token and proves every selected object can be described and queried (with
 * `objects: ["*"]`, a sample of them: checking a thousand objects would cost a thousand calls). Every
 * problem found is listed with its fix in one failed result, so an operator fixes them all in one
 * round instead of one per attempt.
 */
import type { ConnectorError } from '../../runtime/errors.js';
import type { Redactor } from '../../runtime/redactor.js';
import type { CheckResult, Log, PersistConfig } from '../../runtime/source.js';
import { SalesforceClient } from '../api/client.js';
import { describeFailure } from '../api/describe-failure.js';
import type { ResolvedConfig } from '../config/load-config.js';
import { hiddenBaselineFields } from '../schema/baseline.js';
import type { Settings } from '../settings.js';
import { everyObject, resolveObjects } from '../catalog/org-objects.js';
import { DEFAULT_OBJECTS } from '../config/defaults.js';
import { probeQuery } from '../soql.js';
import { selectFields } from '../streams/field-selection.js';
import { RetryLog } from './retry-log.js';

/** A problem the operator can fix; our own bugs (system errors) are thrown to fail loudly. */
export function checkProblem(error: unknown): ConnectorError {
  const described = describeFailure(error);
  if (described.failureType !== 'system_error') return described;
  throw described;
}

export async function checkConnection(
  config: ResolvedConfig,
  log: Log,
  redactor: Redactor,
  settings: Settings,
  persistConfig?: PersistConfig,
): Promise<CheckResult> {
  const client = new SalesforceClient(config, redactor, settings, { onRetry: new RetryLog(log).note }, persistConfig);
  try {
    await client.tokens.current();
  } catch (error) {
    return { ok: false, message: checkProblem(error).message };
  }
  const every = everyObject(config.objects);
  let objects: string[];
  try {
    objects = await resolveObjects(client, config.objects, log);
  } catch (error) {
    return { ok: false, message: checkProblem(error).message };
  }
  const probed = every ? checkSample(objects) : objects;
  const problems: string[] = [];
  const notes: string[] = [];
  for (const object of probed) {
    try {
      const describe = await client.describe(object);
      const { keys } = selectFields(describe, undefined, object);
      for await (const page of client.query(probeQuery(object, keys), { object, includeDeleted: false })) void page;
      const hidden = hiddenBaselineFields(object, describe);
      if (hidden.length) notes.push(`${object}: ${hidden.join(', ')} hidden by field-level security`);
    } catch (error) {
      const problem = checkProblem(error);
      // One cause (such as the API being off) fails every object the same way: say it once.
      if (!problems.includes(problem.message)) problems.push(problem.message);
    }
  }
  if (notes.length) {
    await log(
      'WARN',
      `Some standard fields are not readable and will be missing from the data: ${notes.join('; ')}. Grant Read on them in the integration user's permission set if you need them.`,
    );
  }
  if (problems.length) return { ok: false, message: problems.length === 1 ? problems[0] : problems.map((p, i) => `(${i + 1}) ${p}`).join(' ') };
  if (every) {
    return { ok: true, message: `Connected to ${client.host}; "*" selects ${objects.length} objects, and ${probed.join(', ')} are readable.` };
  }
  return { ok: true, message: `Connected to ${client.host}; ${objects.join(', ')} are readable.` };
}

/** What check probes for "*": the default objects the org has, else the first few, never more than three. */
export function checkSample(objects: readonly string[]): string[] {
  const defaults = objects.filter((o) => (DEFAULT_OBJECTS as readonly string[]).includes(o));
  return (defaults.length ? defaults : objects).slice(0, 3);
}
