/** Parses the Sforce-Limit-Info header, e.g. `api-usage=25/15000` (other parts such as api-bursts are ignored). */
export interface ApiUsage {
  used: number;
  max: number;
}

export function parseLimitInfo(header: string | string[] | undefined): ApiUsage | undefined {
  const text = Array.isArray(header) ? header.join(';') : header;
  if (!text) return undefined;
  const match = /(?:^|[;,\s])api-usage=(\d+)\/(\d+)/.exec(text);
  return match ? { used: Number(match[1]), max: Number(match[2]) } : undefined;
}
