/** Small fixed REST bodies: the version list, the per-version resource map, and limits. */

export const OLDEST_VERSION = 31;
export const NEWEST_VERSION = 66;
export const DAILY_API_LIMIT = 15000;

const RELEASES = ['Spring', 'Summer', 'Winter'] as const;

/** v31.0 was Summer '14; three releases a year, Winter named for the following year. */
function releaseLabel(major: number): string {
  const index = major - 31 + 1; // 0 = Spring '14
  const season = RELEASES[index % 3];
  const year = 14 + Math.floor(index / 3) + (season === 'Winter' ? 1 : 0);
  // Salesforce writes every label with an ASCII apostrophe except Spring ’18's typographic one.
  return `${season} ${year === 18 && season === 'Spring' ? '\u2019' : "'"}${String(year).padStart(2, '0')}`;
}

export function versionList(): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = OLDEST_VERSION; v <= NEWEST_VERSION; v++) {
    out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

export function resourceMap(version: string): Record<string, string> {
  const base = `/services/data/v${version}`;
  return {
    limits: `${base}/limits`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    sobjects: `${base}/sobjects`,
    jobs: `${base}/jobs`,
  };
}

export function limits(apiCalls: number, dailyLimit = DAILY_API_LIMIT): Record<string, { Max: number; Remaining: number }> {
  return {
    DailyApiRequests: { Max: dailyLimit, Remaining: Math.max(0, dailyLimit - apiCalls) },
    DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
    DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
    DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
    DataStorageMB: { Max: 5, Remaining: 5 },
    FileStorageMB: { Max: 20, Remaining: 20 },
  };
}
