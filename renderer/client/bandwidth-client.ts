import type { BandwidthApi } from '../../shared/ipc-contract';
import { createHttpClient } from './http-client';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    bandwidth?: BandwidthApi;
  }
}

let client: BandwidthApi | null = null;

/** The preload's API inside the app, the HTTP transport in a browser: same contract either way. */
export function bandwidthClient(): BandwidthApi {
  client ??= window.bandwidth ?? createHttpClient();
  return client;
}
