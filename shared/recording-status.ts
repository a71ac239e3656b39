import type { AppState } from './ipc-contract';

function hourMinute(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** `Not recording since 14:02: <reason>` while cycles are neither committed nor kept; else null. */
export function notRecordingText(state: AppState): string | null {
  const recording = state.recording;
  if (recording === undefined || recording.notRecordingSince === null) return null;
  return `Not recording since ${hourMinute(recording.notRecordingSince)}: ${recording.reason ?? 'cycles are not being written'}`;
}

/** What else the status must say about recording: cycles moved aside, devices left uncounted. */
export function recordingNotices(state: AppState): string[] {
  const recording = state.recording;
  if (recording === undefined) return [];
  const notices: string[] = [];
  if (recording.movedAside > 0) {
    notices.push(
      `${recording.movedAside} cycle(s) the database refused were moved aside to ${recording.deadLetterPath ?? 'the dead-letter file'}; their traffic is counted by the next cycle written.`,
    );
  }
  for (const collision of recording.collisions) notices.push(collision);
  for (const down of recording.sourcesDown ?? []) notices.push(down);
  return notices;
}
