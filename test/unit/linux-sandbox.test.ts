import { describe, expect, it } from 'vitest';
import { type SandboxFacts, sandboxProblem } from '../../electron/tools/linux-sandbox';

const ubuntu2404: SandboxFacts = {
  platform: 'linux',
  appArmorRestrictsUserns: '1',
  usernsClone: '1',
  sandboxHelper: {
    path: '/src/bt/node_modules/electron/dist/chrome-sandbox',
    uid: 1000,
    mode: 0o100755,
  },
  appArmorProfileFor: false,
};

describe('npm start and the Linux sandbox', () => {
  it('explains what to do where AppArmor blocks the sandbox and the helper is not setuid root', () => {
    const message = sandboxProblem(ubuntu2404);
    expect(message).toContain('FATAL: setuid_sandbox_host');
    expect(message).toContain(
      'sudo chown root:root /src/bt/node_modules/electron/dist/chrome-sandbox && sudo chmod 4755 /src/bt/node_modules/electron/dist/chrome-sandbox',
    );
    expect(message).toContain('npm run collector -- --ui');
    // Older Debian with user namespaces off: the same.
    expect(
      sandboxProblem({ ...ubuntu2404, appArmorRestrictsUserns: null, usernsClone: '0' }),
    ).not.toBeNull();
  });

  it('lets Electron start where the sandbox can work', () => {
    expect(sandboxProblem({ ...ubuntu2404, appArmorRestrictsUserns: '0' })).toBeNull();
    expect(sandboxProblem({ ...ubuntu2404, appArmorRestrictsUserns: null })).toBeNull();
    expect(sandboxProblem({ ...ubuntu2404, appArmorProfileFor: true })).toBeNull();
    expect(
      sandboxProblem({ ...ubuntu2404, sandboxHelper: { path: 'x', uid: 0, mode: 0o104755 } }),
    ).toBeNull();
    expect(sandboxProblem({ ...ubuntu2404, platform: 'darwin' })).toBeNull();
  });
});
