import { checkHistoryDate } from './history-range';
import {
  type CallArgs,
  type CallName,
  type HistoryRequest,
  LIVE_EVENT_ROUTERS,
  type QuotaInput,
} from './ipc-contract';

export type ArgsCheck<K extends CallName> =
  | { ok: true; args: CallArgs<K> }
  | { ok: false; reason: string };

const RANGES = new Set(['day', 'week', 'month', 'year', 'custom']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkHistoryRequest(value: unknown): HistoryRequest | string {
  if (!isRecord(value)) return 'the history request must be an object';
  if (typeof value.range !== 'string' || !RANGES.has(value.range)) return 'unknown history range';
  if (
    !Array.isArray(value.routerIds) ||
    value.routerIds.length > 10_000 ||
    !value.routerIds.every((id) => Number.isSafeInteger(id) && id > 0)
  ) {
    return 'routerIds must be a list of router ids';
  }
  if (typeof value.timeZone !== 'string' || !isTimeZone(value.timeZone)) return 'unknown time zone';
  if (value.detail !== undefined && value.detail !== 'buckets' && value.detail !== 'sums')
    return "detail must be 'buckets' or 'sums'";
  if (value.range === 'custom') {
    for (const field of ['from', 'to'] as const) {
      const date = checkHistoryDate(value[field], field);
      if (typeof date === 'string') return date;
    }
    if ((value.from as string) > (value.to as string)) return 'from must not be after to';
  }
  return value as unknown as HistoryRequest;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks what a page sent before any handler sees it: a compromised or buggy page must not be
 * able to pass a shape the handlers do not expect.
 */
export function checkCallArgs<K extends CallName>(name: K, args: unknown): ArgsCheck<K> {
  if (!Array.isArray(args)) return { ok: false, reason: 'arguments must be a list' };
  const ok = (value: unknown[]): ArgsCheck<K> => ({ ok: true, args: value as CallArgs<K> });
  const fail = (reason: string): ArgsCheck<K> => ({ ok: false, reason });
  switch (name) {
    case 'getState':
    case 'getSettings':
      return args.length === 0 ? ok([]) : fail('takes no arguments');
    case 'getHistory': {
      if (args.length !== 1) return fail('takes one history request');
      const request = checkHistoryRequest(args[0]);
      return typeof request === 'string' ? fail(request) : ok([request]);
    }
    case 'saveSettings':
    case 'testDatabase': {
      if (args.length !== 1) return fail('takes one settings object');
      // Field errors are the handler's answer to give, so only the shape is refused here.
      return isRecord(args[0]) ? ok([args[0]]) : fail('settings must be an object');
    }
    case 'checkCertificate':
      return args.length === 1 && typeof args[0] === 'string' && args[0].length <= 2_000
        ? ok([args[0]])
        : fail('takes one controller URL');
    case 'getRouters': {
      const [ids] = args;
      return args.length === 1 &&
        Array.isArray(ids) &&
        ids.length <= LIVE_EVENT_ROUTERS &&
        ids.every((id) => Number.isSafeInteger(id) && id > 0)
        ? ok([ids])
        : fail(`takes one list of at most ${LIVE_EVENT_ROUTERS} router ids`);
    }
    case 'setPaused':
      return args.length === 1 && typeof args[0] === 'boolean'
        ? ok([args[0]])
        : fail('takes true or false');
    case 'openWindow': {
      const [window, options] = args;
      if (window !== 'history' && window !== 'settings') return fail('unknown window');
      if (!isRecord(options)) return fail('options must be an object');
      const routerId = options.routerId;
      if (routerId !== undefined && !(Number.isSafeInteger(routerId) && (routerId as number) > 0)) {
        return fail('routerId must be a router id');
      }
      return ok([window, routerId === undefined ? {} : { routerId }]);
    }
    case 'setRouterRole': {
      const [choice] = args;
      if (args.length !== 1 || !isRecord(choice)) return fail('takes one router role choice');
      const { routerId, role } = choice;
      if (!(Number.isSafeInteger(routerId) && (routerId as number) > 0))
        return fail('routerId must be a router id');
      if (role !== null && role !== 'edge' && role !== 'inside')
        return fail('role must be edge, inside or null');
      return ok([{ routerId, role }]);
    }
    case 'getQuotas':
      return args.length === 0 ? ok([]) : fail('takes no arguments');
    case 'saveQuota': {
      const quota = checkQuotaInput(args);
      return typeof quota === 'string' ? fail(quota) : ok([quota]);
    }
    case 'deleteQuota':
    case 'setOfflinePolls':
      return args.length === 1 && Number.isSafeInteger(args[0]) && (args[0] as number) >= 0
        ? ok([args[0]])
        : fail('takes one whole number');
    default:
      return fail('unknown call');
  }
}

/** A quota form's shape (texts of bounded length, known choices); its values are the handler's to judge. */
function checkQuotaInput(args: unknown[]): QuotaInput | string {
  if (args.length !== 1 || !isRecord(args[0])) return 'takes one quota object';
  const q = args[0];
  const text = (value: unknown) => typeof value === 'string' && value.length <= 300;
  if (!text(q.target) || !text(q.size) || !text(q.thresholds) || !text(q.timeZone)) {
    return 'target, size, thresholds and time zone must be short texts';
  }
  if (q.period !== 'month' && q.period !== 'week' && q.period !== 'day') return 'unknown period';
  if (q.direction !== 'down' && q.direction !== 'up' && q.direction !== 'both') {
    return 'unknown direction';
  }
  if (!Number.isSafeInteger(q.billingDay)) return 'billingDay must be a whole number';
  return {
    target: q.target as string,
    size: q.size as string,
    period: q.period,
    billingDay: q.billingDay as number,
    direction: q.direction,
    thresholds: q.thresholds as string,
    timeZone: q.timeZone as string,
  };
}
