import { sameSecretTargets } from '../../shared/secret-binding';
import type { SettingsView } from '../../shared/settings';
import type { Draft } from './SettingsApp';

/** Which saved secrets still apply: each one is only sent where it was saved for. */
export function secretsStillApply(draft: Draft, view: SettingsView) {
  const same = sameSecretTargets(
    {
      database: { host: draft.host, port: Number(draft.port), user: draft.user },
      unifi: { controllerUrl: draft.controllerUrl, username: draft.unifiUser },
    },
    view,
  );
  return {
    database: view.database.passwordSet && same.database,
    unifiPassword: view.unifi.passwordSet && same.controllerPassword,
    apiKey: view.unifi.apiKeySet && same.apiKey,
  };
}
