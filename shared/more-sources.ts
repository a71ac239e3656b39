// Sources polled beside the main one (Settings › "Also poll"): another controller, or the
// UniFi API server next to a controller. Each is polled at the same time as the main source,
// with its own outage; the secrets of a controller are sealed like the main one's and bound to
// its address and account (see secret-binding.ts).

import { normalizeFingerprint } from './fingerprint';
import { controllerOrigin } from './secret-binding';
import { parseSiteSelection } from './unifi-sites';

export type MoreSource =
  | { kind: 'seed'; apiUrl: string }
  | {
      kind: 'unifi';
      controllerUrl: string;
      username: string;
      /** Stored encrypted; never sent back to a page. */
      password: string;
      /** Stored encrypted; never sent back to a page. */
      apiKey: string;
      site: string;
      fingerprint: string;
    };

type UnifiMore = Extract<MoreSource, { kind: 'unifi' }>;

/** What a page sends: a null password or key keeps the stored one (same address and account). */
export type MoreSourceInput =
  | { kind: 'seed'; apiUrl: string }
  | (Omit<UnifiMore, 'password' | 'apiKey'> & { password: string | null; apiKey: string | null });

/** What a page receives: everything but the secrets, which it only knows are set. */
export type MoreSourceView =
  | { kind: 'seed'; apiUrl: string }
  | (Omit<UnifiMore, 'password' | 'apiKey'> & { passwordSet: boolean; apiKeySet: boolean });

/** `moreSources.1.controllerUrl`: a field of the second additional source. */
export type MoreSourceField = `moreSources.${number}.${string}`;

/** Enough for several controllers and the API server; more is a configuration mistake. */
export const MAX_MORE_SOURCES = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks every additional source; messages are keyed by `moreSources.N.field`. */
export function validateMoreSources(raw: unknown): {
  value: MoreSourceInput[];
  errors: Record<MoreSourceField, string>;
} {
  const errors: Record<MoreSourceField, string> = {};
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : null;
  if (list === null) {
    errors['moreSources.0.kind'] = 'The additional sources are not a list';
    return { value: [], errors };
  }
  if (list.length > MAX_MORE_SOURCES) {
    errors['moreSources.0.kind'] = `Add at most ${MAX_MORE_SOURCES} more sources`;
  }
  const value = list.slice(0, MAX_MORE_SOURCES).map((entry, i): MoreSourceInput => {
    const fields = isRecord(entry) ? entry : {};
    const text = (name: string, fallback = '') =>
      typeof fields[name] === 'string' ? (fields[name] as string).trim() : fallback;
    const secret = (name: string) =>
      fields[name] === null || fields[name] === undefined ? null : String(fields[name]);
    if (fields.kind === 'seed') {
      const apiUrl = text('apiUrl');
      if (!isHttpUrl(apiUrl))
        errors[`moreSources.${i}.apiUrl`] =
          'Enter the address of the UniFi API server, starting with http:// or https://';
      return { kind: 'seed', apiUrl };
    }
    if (fields.kind !== 'unifi') errors[`moreSources.${i}.kind`] = 'Choose what to poll';
    const source = {
      kind: 'unifi' as const,
      controllerUrl: text('controllerUrl'),
      username: text('username'),
      password: secret('password'),
      apiKey: secret('apiKey'),
      site: text('site', 'default'),
      fingerprint: text('fingerprint'),
    };
    if (!isHttpUrl(source.controllerUrl))
      errors[`moreSources.${i}.controllerUrl`] =
        'Enter the controller address, for example https://192.168.1.1';
    if (parseSiteSelection(source.site) === null)
      errors[`moreSources.${i}.site`] =
        'Enter the site’s short name (usually default), several separated by commas, or all';
    if (source.username === '' && (source.apiKey ?? '') === '')
      errors[`moreSources.${i}.username`] =
        'Enter a local account’s user name and password, or an API key';
    if (source.fingerprint !== '') {
      const normalized = normalizeFingerprint(source.fingerprint);
      if (normalized === null)
        errors[`moreSources.${i}.fingerprint`] =
          'A SHA-256 fingerprint is 64 hexadecimal digits (colons allowed); leave it empty to trust the usual certificate authorities';
      else source.fingerprint = normalized;
    }
    return source;
  });
  return { value, errors };
}

/**
 * A null secret keeps the stored one of the source saved for the same address (and, for a
 * password, the same account); for any other target it is empty, so a page cannot send a
 * stored secret to a server of its choosing.
 */
export function applyMoreSources(
  input: readonly MoreSourceInput[],
  stored: readonly MoreSource[],
): MoreSource[] {
  return input.map((entry) => {
    if (entry.kind === 'seed') return entry;
    const origin = controllerOrigin(entry.controllerUrl);
    const saved = stored.find(
      (s): s is UnifiMore =>
        s.kind === 'unifi' && origin !== null && controllerOrigin(s.controllerUrl) === origin,
    );
    return {
      ...entry,
      password:
        entry.password ??
        (saved !== undefined && saved.username === entry.username ? saved.password : ''),
      apiKey: entry.apiKey ?? saved?.apiKey ?? '',
    };
  });
}

export function viewOfMoreSources(sources: readonly MoreSource[]): MoreSourceView[] {
  return sources.map((source) => {
    if (source.kind === 'seed') return source;
    const { password, apiKey, ...rest } = source;
    return { ...rest, passwordSet: password !== '', apiKeySet: apiKey !== '' };
  });
}
