import { safeStorage } from 'electron';
import type { SecretBox } from '../core/settings-store';

/** Secrets sealed by the OS keychain (Keychain, DPAPI, libsecret). */
export const safeStorageBox: SecretBox = {
  isAvailable() {
    // On Linux without a keyring safeStorage falls back to a hard-coded key: not a secret.
    if (!safeStorage.isEncryptionAvailable()) return false;
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  },
  encrypt(plain) {
    return safeStorage.encryptString(plain).toString('base64');
  },
  decrypt(sealed) {
    return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  },
};
