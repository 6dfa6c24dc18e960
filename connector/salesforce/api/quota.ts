/**
 * Keeps a sync inside its share of the org's daily API allocation. Salesforce reports the org's
 * rolling 24-hour usage on every response (Sforce-Limit-Info); once it crosses the configured
 * budget, every further call is refused here, so each stream stops after the page it is on.
 */
import { TransientError } from '../../runtime/errors.js';
import type { ApiUsage } from './limit-info.js';

/** The org's API allocation is spent (by our budget or by Salesforce's own 403). */
export class QuotaReachedError extends TransientError {}

export function quotaMessage(usage: ApiUsage | undefined, budgetPercent: number, bySalesforce: boolean): string {
  const used = usage ? `${usage.used} of ${usage.max} daily API requests (${Math.round((usage.used / usage.max) * 100)}%)` : 'its daily API requests';
  const why = bySalesforce ? 'Salesforce refused further calls (REQUEST_LIMIT_EXCEEDED)' : `this exceeds api_budget_percent (${budgetPercent}%)`;
  return (
    `The org has used ${used} and ${why}, so the connector made no further calls (a read stops after saving its progress); ` +
    "usage frees up as calls age out of Salesforce's rolling 24-hour window, so the next scheduled run continues, " +
    'or raise api_budget_percent if other integrations can spare the calls.'
  );
}

export class QuotaGuard {
  private usage?: ApiUsage;
  private tripped?: QuotaReachedError;

  constructor(readonly budgetPercent: number) {}

  observe(usage: ApiUsage): void {
    this.usage = usage;
  }

  get lastUsage(): ApiUsage | undefined {
    return this.usage;
  }

  /** Throws once usage has crossed the budget (or Salesforce said the limit is exhausted). */
  assertWithinBudget(): void {
    if (this.tripped) throw this.tripped;
    const usage = this.usage;
    if (usage && usage.max > 0 && (usage.used / usage.max) * 100 >= this.budgetPercent) {
      this.trip(false);
      throw this.tripped;
    }
  }

  trip(bySalesforce: boolean, cause?: unknown): QuotaReachedError {
    this.tripped ??= new QuotaReachedError(quotaMessage(this.usage, this.budgetPercent, bySalesforce), {
      internalMessage: this.usage ? `api-usage=${this.usage.used}/${this.usage.max}` : undefined,
      cause,
    });
    return this.tripped;
  }

  get reached(): boolean {
    return this.tripped !== undefined;
  }
}
