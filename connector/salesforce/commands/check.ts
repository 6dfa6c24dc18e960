/**
 * `check`: mints a token and proves every selected object can be described and queried. Every
 * problem found is listed with its fix in one FAILED status, so an operator fixes them all in one
 * round instead of one per attempt.
 */
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectorError } from '../../runtime/errors.js';
import { describeFailure } from '../api/describe-failure.js';
import { connectionStatusMessage } from '../../runtime/messages.js';
import type { ProtocolWriter } from '../../runtime/writer.js';
import { SalesforceClient } from '../api/client.js';
import type { Settings } from '../settings.js';
import { RetryLog } from './retry-log.js';
import { probeQuery } from '../soql.js';
import { selectFields } from '../streams/field-selection.js';
import { hiddenBaselineFields } from '../schema/baseline.js';

/** Problems the operator can fix are reported; our own bugs still fail loudly. */
function problemOf(error: unknown): ConnectorError {
  const described = describeFailure(error);
  if (described.failureType !== 'system_error') return described;
  throw described;
}

/** Writes a FAILED status for a problem the operator can fix; rethrows anything else. */
export async function reportProblem(error: unknown, writer: ProtocolWriter): Promise<undefined> {
  await writer.write(connectionStatusMessage('FAILED', problemOf(error).message));
  return undefined;
}

export async function runCheck(config: ResolvedConfig, writer: ProtocolWriter, settings: Settings): Promise<void> {
  const client = new SalesforceClient(config, writer.redactor, settings, new RetryLog(writer).note);
  try {
    await client.tokens.current();
  } catch (error) {
    await reportProblem(error, writer);
    return;
  }
  const problems: string[] = [];
  const notes: string[] = [];
  for (const object of config.objects) {
    try {
      const describe = await client.describe(object);
      selectFields(describe, undefined, object);
      for await (const page of client.query(probeQuery(object), { object, includeDeleted: false })) void page;
      const hidden = hiddenBaselineFields(object, describe);
      if (hidden.length) notes.push(`${object}: ${hidden.join(', ')} hidden by field-level security`);
    } catch (error) {
      const problem = problemOf(error);
      // One cause (such as the API being off) fails every object the same way: say it once.
      if (!problems.includes(problem.message)) problems.push(problem.message);
    }
  }
  if (notes.length) {
    await writer.log('WARN', `Some standard fields are not readable and will be missing from the data: ${notes.join('; ')}. Grant Read on them in the Run As user's permission set if you need them.`);
  }
  if (problems.length) {
    const list = problems.length === 1 ? problems[0] : problems.map((p, i) => `(${i + 1}) ${p}`).join(' ');
    await writer.write(connectionStatusMessage('FAILED', list));
    return;
  }
  await writer.write(connectionStatusMessage('SUCCEEDED', `Connected to ${config.org.host}; ${config.objects.join(', ')} are readable.`));
}
