/**
 * Keeps secrets out of every non-record line the connector prints. Secrets are registered as soon as
 * they are known (the client secret when the config is read, each access token when it is minted), and
 * the writer passes every LOG, TRACE and CONNECTION_STATUS line through `redact`.
 */
const MASK = '**********';
const MIN_SECRET_LENGTH = 4; // shorter values would mask ordinary words

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    // Secrets also travel URL-encoded (form bodies, query strings) and JSON-escaped.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.secrets.add(encoded);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.secrets.add(escaped);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }
}
