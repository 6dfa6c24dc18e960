/**
 * Maps a failure to reach the org (DNS, TCP, TLS, timeouts) to what the operator can do about it.
 * A host that does not resolve or refuses connections is almost always a wrong hostname; a TLS
 * failure is a proxy or missing CA; timeouts and resets are Salesforce or network weather.
 */
import { ConfigError, TransientError, type ConnectorError } from '../../runtime/errors.js';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

export function classifyNetworkError(code: string | undefined, host: string, detail: string): ConnectorError {
  const internalMessage = `${code ?? 'unknown'}: ${detail}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return code === 'ENOTFOUND'
      ? new ConfigError(`The host ${host} does not exist; check the hostname against Setup > My Domain (for example acme.my.salesforce.com).`, {
          internalMessage,
        })
      : new TransientError(`The host ${host} could not be resolved right now (DNS); the next run will try again.`, { internalMessage });
  }
  if (code === 'ECONNREFUSED') {
    return new ConfigError(`Nothing accepts connections at ${host}; check the hostname and port.`, { internalMessage });
  }
  if (code && TLS_CODES.has(code)) {
    return new ConfigError(
      `The TLS certificate of ${host} is not trusted (${code}); check the hostname, and if a proxy inspects TLS, give its CA certificate through NODE_EXTRA_CA_CERTS.`,
      { internalMessage },
    );
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new ConfigError(`${host} does not speak https; check the hostname and port.`, { internalMessage });
  }
  return new TransientError(`The connection to ${host} failed (${code ?? 'network error'}); the next run will try again.`, { internalMessage });
}
