// Certificate fingerprints as admins see and type them (Settings, --fingerprint).

/** `AB:CD:…`, `ab cd …` or `abcd…` → `ABCD…`; null when it is not 64 hex digits (SHA-256). */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : null;
}

/** `AB:CD:…`, the way browsers show it. */
export function formatFingerprint(hex: string): string {
  return hex.match(/.{2}/g)?.join(':') ?? hex;
}
