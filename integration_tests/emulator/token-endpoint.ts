/** `POST /services/oauth2/token`: the form (or query string) read, the grant minted, errors as Salesforce words them. */
import type { IncomingMessage } from 'node:http';
import { errorAnswer, jsonAnswer, type Answer } from './answer.js';
import { OAuthError } from './errors.js';
import { readBody } from './http-util.js';
import type { TokenContext, TokenService } from './oauth.js';

/** The token endpoint's answer; `ctx.dry` mints a token that opens no session. */
export async function tokenAnswer(tokens: TokenService, req: IncomingMessage, url: URL, ctx: TokenContext): Promise<Answer> {
  try {
    if (req.method !== 'POST') throw new OAuthError('invalid_request', 'must use HTTP POST');
    const form = new URLSearchParams(await readBody(req));
    // Salesforce also reads the parameters from the query string.
    for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
    const answer = tokens.mint({ form, authorization: req.headers.authorization }, ctx);
    return jsonAnswer(200, answer, { 'Cache-Control': 'no-cache,must-revalidate,max-age=0,no-store,private' });
  } catch (err) {
    return errorAnswer(err, {});
  }
}
