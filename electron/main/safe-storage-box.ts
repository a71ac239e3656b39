import { safeStorage } from 'electron';
import type { SecretBox } from '../core/settings-store';

/**
 * Secrets sealed by the OS keychain (Keychain, DPAPI, libsecret), through Electron 45's async
 * safeStorage (the synchronous calls are deprecated). Data sealed by the old synchronous
 * `encryptString` opens with `decryptStringAsync` too.
 */
export const safeStorageBox: SecretBox = {
  async isAvailable() {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
    // On Linux without a keyring safeStorage falls back to a hard-coded key: not a secret.
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  },
  async encrypt(plain) {
    return (await safeStorage.encryptStringAsync(plain)).toString('base64');
  },
  async decrypt(sealed) {
    return (await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'))).result;
  },
};
