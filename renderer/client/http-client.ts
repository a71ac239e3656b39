import {
  type BandwidthApi,
  CALL_NAMES,
  type CallArgs,
  type CallName,
  type CallResult,
  EVENT_NAMES,
  type EventName,
  type Events,
  subscriberName,
} from '../../shared/ipc-contract';

import { watchConnection } from './connection-banner';

export class CallError extends Error {}

/** The per-run token the collector writes into every page it serves (see ui-server.ts). */
function pageToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="bt-ui-token"]')?.content ?? '';
}

/**
 * The contract over HTTP, for the collector's browser view: `POST /api/call/<name>` and one
 * Server-Sent Events stream for all events.
 */
export function createHttpClient(base = '', token = pageToken()): BandwidthApi {
  async function call<K extends CallName>(name: K, args: CallArgs<K>): Promise<CallResult<K>> {
    const response = await fetch(`${base}/api/call/${name}`, {
      method: 'POST',
      // The server takes calls only with this page's token (and the browser's Origin header).
      headers: { 'content-type': 'application/json', 'x-bt-token': token },
      body: JSON.stringify({ args }),
    });
    const body = (await response.json().catch(() => null)) as
      | { ok: true; result: CallResult<K> }
      | { ok: false; error: string }
      | null;
    if (body === null) throw new CallError(`The collector answered HTTP ${response.status}`);
    if (!body.ok) throw new CallError(body.error);
    return body.result;
  }

  let source: EventSource | null = null;
  type AnyListener = (payload: unknown) => void;
  const listeners = new Map<EventName, Set<AnyListener>>();
  function subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
    if (source === null) {
      source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token)}`);
      watchConnection(source);
      for (const name of EVENT_NAMES) {
        source.addEventListener(name, (message) => {
          const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
          for (const each of listeners.get(name) ?? []) each(payload);
        });
      }
    }
    const set = listeners.get(event) ?? new Set();
    set.add(listener as AnyListener);
    listeners.set(event, set);
    return () => {
      set.delete(listener as AnyListener);
    };
  }

  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    api[name] = (...args: unknown[]) => call(name, args as never);
  }
  for (const event of EVENT_NAMES) {
    api[subscriberName(event)] = (listener: AnyListener) => subscribe(event, listener);
  }
  // A browser opens the other pages itself instead of asking a main process for a window.
  api.openWindow = async (name: string, options: { routerId?: number }) => {
    const query = options.routerId === undefined ? '' : `?router=${options.routerId}`;
    window.open(`${base}/${name}.html${query}`, '_blank', 'noopener');
    return null;
  };
  return api as BandwidthApi;
}
