import { describe, expect, it } from 'vitest';
import type { AppState, RecordingStatus } from '../../shared/ipc-contract';
import { notRecordingText, recordingNotices } from '../../shared/recording-status';
import { trayIconState, trayTooltip } from '../../shared/tray-status';

const HEALTHY: RecordingStatus = {
  notRecordingSince: null,
  reason: null,
  movedAside: 0,
  deadLetterPath: null,
  collisions: [],
};

function state(recording: Partial<RecordingStatus> = {}): AppState {
  return {
    routers: [],
    totals: { rxMbps: 1, txMbps: 1, todayRxBytes: '1000', todayTxBytes: '1000' },
    lastPollAt: '2026-01-01T20:45:00.000Z',
    source: { state: 'ok', message: null },
    database: { state: 'ok', message: null },
    paused: false,
    sourceLabel: '',
    role: 'writer',
    waitingCycles: 0,
    recording: { ...HEALTHY, ...recording },
  };
}

describe('recording status', () => {
  it('never shows all is well while cycles are neither committed nor kept', () => {
    const since = new Date(2026, 0, 1, 14, 2, 30).toISOString();
    const refused = state({
      notRecordingSince: since,
      reason: 'the database refused a cycle (ER_WARN_DATA_OUT_OF_RANGE)',
    });
    expect(notRecordingText(refused)).toBe(
      'Not recording since 14:02: the database refused a cycle (ER_WARN_DATA_OUT_OF_RANGE)',
    );
    expect(trayIconState(refused)).toBe('database-down');
    expect(trayTooltip(refused)).toBe(
      'Not recording since 14:02: the database refused a cycle (ER_WARN_DATA_OUT_OF_RANGE)',
    );
    expect(trayIconState(state())).toBe('ok');
    expect(notRecordingText(state())).toBeNull();
    // A state from before the field existed reads as before.
    expect(notRecordingText({ ...state(), recording: undefined })).toBeNull();
  });

  it('keeps saying what was moved aside and which devices were left uncounted', () => {
    const notices = recordingNotices(
      state({
        movedAside: 2,
        deadLetterPath: '/tmp/journal.dead-letter.jsonl',
        collisions: ['MAC AA:BB:CC:DD:EE:01 is claimed by 2 different devices ("A" and "B")'],
      }),
    );
    expect(notices).toEqual([
      '2 cycle(s) the database refused were moved aside to /tmp/journal.dead-letter.jsonl; their traffic is counted by the next cycle written.',
      'MAC AA:BB:CC:DD:EE:01 is claimed by 2 different devices ("A" and "B")',
    ]);
    expect(recordingNotices(state())).toEqual([]);
  });
});
