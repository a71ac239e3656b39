/** The origin our pages are served from inside Electron (a privileged custom protocol). */
export const APP_ORIGIN = 'app://bandwidth-tracker';

export interface SenderInfo {
  /** URL of the frame that sent the message. */
  url: string | undefined;
  /** False for iframes: only our top-level pages may call the main process. */
  isMainFrame: boolean;
}

/** Why a message is refused, or null when it comes from one of our own top-level pages. */
export function senderRefusal(
  sender: SenderInfo,
  allowedOrigins: readonly string[] = [APP_ORIGIN],
): string | null {
  if (!sender.isMainFrame) return 'it came from a sub-frame';
  if (sender.url === undefined || sender.url === '') return 'its frame has no URL';
  let origin: string;
  try {
    const url = new URL(sender.url);
    // Custom schemes have an opaque origin in the URL API: rebuild it from scheme and host.
    origin = url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
  } catch {
    return `its URL "${sender.url}" cannot be parsed`;
  }
  return allowedOrigins.includes(origin) ? null : `its origin ${origin} is not one of our pages`;
}
