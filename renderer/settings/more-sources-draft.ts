import { formatFingerprint } from '../../shared/fingerprint';
import type { MoreSourceInput, MoreSourceView } from '../../shared/more-sources';
import { controllerOrigin } from '../../shared/secret-binding';

/** One additional source as the form edits it (secrets typed, never read back). */
export type MoreSourceDraft = {
  kind: 'seed' | 'unifi';
  apiUrl: string;
  controllerUrl: string;
  username: string;
  password: string;
  apiKey: string;
  site: string;
  fingerprint: string;
  /** Where its stored secrets may go: they are kept only while the fields still say so. */
  saved: { origin: string | null; username: string; passwordSet: boolean; apiKeySet: boolean };
};

export const NEW_MORE_SOURCE: MoreSourceDraft = {
  kind: 'unifi',
  apiUrl: 'http://127.0.0.1:5001',
  controllerUrl: '',
  username: '',
  password: '',
  apiKey: '',
  site: 'default',
  fingerprint: '',
  saved: { origin: null, username: '', passwordSet: false, apiKeySet: false },
};

export function moreSourcesDraftOf(view: readonly MoreSourceView[] | undefined): MoreSourceDraft[] {
  return (view ?? []).map((source) =>
    source.kind === 'seed'
      ? { ...NEW_MORE_SOURCE, kind: 'seed', apiUrl: source.apiUrl }
      : {
          ...NEW_MORE_SOURCE,
          controllerUrl: source.controllerUrl,
          username: source.username,
          site: source.site,
          fingerprint: source.fingerprint === '' ? '' : formatFingerprint(source.fingerprint),
          saved: {
            origin: controllerOrigin(source.controllerUrl),
            username: source.username,
            passwordSet: source.passwordSet,
            apiKeySet: source.apiKeySet,
          },
        },
  );
}

/** Whether an empty secret box still means "keep the stored one" for this source. */
export function storedSecretsApply(draft: MoreSourceDraft): { password: boolean; apiKey: boolean } {
  const sameOrigin =
    draft.saved.origin !== null && controllerOrigin(draft.controllerUrl) === draft.saved.origin;
  return {
    password:
      draft.saved.passwordSet && sameOrigin && draft.username.trim() === draft.saved.username,
    apiKey: draft.saved.apiKeySet && sameOrigin,
  };
}

export function moreSourcesInputOf(drafts: readonly MoreSourceDraft[]): MoreSourceInput[] {
  return drafts.map((draft) => {
    if (draft.kind === 'seed') return { kind: 'seed', apiUrl: draft.apiUrl };
    const applies = storedSecretsApply(draft);
    return {
      kind: 'unifi',
      controllerUrl: draft.controllerUrl,
      username: draft.username,
      password: draft.password === '' && applies.password ? null : draft.password,
      apiKey: draft.apiKey === '' && applies.apiKey ? null : draft.apiKey,
      site: draft.site,
      fingerprint: draft.fingerprint,
    };
  });
}

const MORE_LABELS: Record<string, string> = {
  kind: 'What to poll',
  apiUrl: 'UniFi API server',
  controllerUrl: 'Controller address',
  site: 'Sites',
  username: 'User name',
  fingerprint: 'Trusted certificate',
};

/** `Controller address (additional source 2)` for `moreSources.1.controllerUrl`; null for other fields. */
export function moreSourceFieldLabel(field: string): string | null {
  const match = /^moreSources\.(\d+)\.(\w+)$/.exec(field);
  if (match === null) return null;
  return `${MORE_LABELS[match[2] ?? ''] ?? match[2]} (additional source ${Number(match[1]) + 1})`;
}
