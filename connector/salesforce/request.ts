/** Runs one got request and turns transport failures (DNS, TLS, resets, timeouts) into ConnectorErrors. */
import { RequestError, HTTPError, type Response } from 'got';
import { classifyNetworkError } from './network-errors.js';

export async function requestOrClassify<T extends Response<string>>(host: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof RequestError && !(error instanceof HTTPError)) {
      throw classifyNetworkError(error.code, host, error.message);
    }
    throw error;
  }
}
