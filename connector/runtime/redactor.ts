/**
 * Keeps secrets out of every non-record line the connector prints. Secrets are registered as soon as
 * they are known (the client secret when the config is read, each access token when it is minted), and
 * the writer passes every LOG, TRACE and CONNECTION_STATUS line through `redact`. Each secret is
 * known in every spelling it can travel in: raw, URL- and form-encoded, JSON-escaped, base64 (alone
 * and as the `id:secret` pair of an HTTP Basic header).
 */
const MASK = '**********';
const MIN_SECRET_LENGTH = 4; // shorter values would mask ordinary words

export class Redactor {
  /** Longest first: a spelling that contains another must be masked whole. */
  private secrets: string[] = [];

  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    const known = new Set(this.secrets);
    for (const spelling of spellings(secret)) known.add(spelling);
    this.secrets = [...known].sort((a, b) => b.length - a.length);
  }

  /** A client secret, plus the Basic header value that pairs it with its client id. */
  addCredentials(clientId: string, clientSecret: string): void {
    this.add(clientSecret);
    if (clientSecret.length >= MIN_SECRET_LENGTH) this.add(Buffer.from(`${clientId}:${clientSecret}`).toString('base64'));
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }
}

function spellings(secret: string): Set<string> {
  const all = new Set([secret]);
  all.add(encodeURIComponent(secret));
  // Form encoding (application/x-www-form-urlencoded) differs: spaces as '+', and !'()~ escaped.
  all.add(new URLSearchParams({ s: secret }).toString().slice(2));
  all.add(JSON.stringify(secret).slice(1, -1));
  const base64 = Buffer.from(secret).toString('base64');
  all.add(base64);
  all.add(base64.replace(/=+$/, ''));
  // Percent-escapes are case-insensitive: %2F and %2f are the same byte.
  for (const spelling of [...all]) if (/%[0-9A-F]{2}/.test(spelling)) all.add(spelling.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  return all;
}
