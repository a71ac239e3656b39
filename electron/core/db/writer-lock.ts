import type { Connection, RowDataPacket } from 'mysql2/promise';
import { createConnection } from './connection';
import type { MysqlSettings } from './settings';

/**
 * - `writer`: this copy holds the lock and may write.
 * - `writer-offline`: it held the lock when its connection broke (the database is down, most
 *   likely): it keeps polling into its journal but writes nothing until it holds the lock again.
 * - `reader`: another copy writes; this one shows what the database says.
 */
export type WriterRole = 'writer' | 'writer-offline' | 'reader';

export interface WriterLockOptions {
  /** True while this copy has cycles in its journal: it then claims a free lock at once. */
  hasPendingCycles: () => boolean;
  connect?: () => Promise<Connection>;
}

/** Lock names are server-wide and at most 64 characters. */
export function writerLockName(database: string): string {
  return `bandwidth-tracker:${database}`.slice(0, 64);
}

/**
 * One writer per database, with MySQL's own GET_LOCK held on a dedicated connection: the lock
 * goes when that connection goes (the copy died, or lost the server), and another copy takes
 * over. A reader claims a free lock only after seeing it free on two checks in a row, so a
 * writer coming back from an outage with cycles in its journal wins the race and replays them.
 */
export class WriterLock {
  private connection: Connection | null = null;
  /** The lock connection's id on the server: the cycle's transaction checks the lock against it. */
  private connectionId: number | null = null;
  private role: WriterRole = 'reader';
  private firstCheck = true;
  private freeChecks = 0;
  /** This check replaced the connection of a copy that held the lock. */
  private reconnectedWriter = false;
  /** The connection that held the lock before it broke: the server may not have let go of it yet. */
  private lostConnectionId: number | null = null;
  private readonly name: string;
  private readonly connect: () => Promise<Connection>;

  constructor(
    settings: MysqlSettings,
    private readonly options: WriterLockOptions,
  ) {
    this.name = writerLockName(settings.database);
    this.connect = options.connect ?? (() => createConnection(settings));
  }

  get current(): WriterRole {
    return this.role;
  }

  /** The lock and the connection holding it, while this copy is the writer; null otherwise. */
  holder(): { name: string; connectionId: number } | null {
    if (this.role !== 'writer' || this.connectionId === null) return null;
    return { name: this.name, connectionId: this.connectionId };
  }

  /**
   * A commit found the lock gone (see CycleGuard): read until it is free again. The lock
   * connection is closed too: should it hold the lock after all (claimed again meanwhile), a
   * reader keeping it would block every copy, itself included, for good.
   */
  demote(): void {
    if (this.role === 'writer') this.role = 'reader';
    this.freeChecks = 0;
    this.drop();
  }

  /**
   * Checks (and claims, when free) the lock; one or two round trips on the lock's connection.
   * `reconnected`: the writer's lock connection had been closed (killed, timed out) while MySQL
   * answered a new one, on which this copy holds the lock again.
   */
  async check(): Promise<{
    role: WriterRole;
    gained: boolean;
    error: unknown;
    reconnected?: boolean;
  }> {
    const before = this.role;
    const hadConnection = this.connection !== null;
    let error: unknown = null;
    try {
      this.role = await this.decide();
    } catch (caught) {
      this.drop();
      // Only that connection went (KILL, wait_timeout): a new one tells whether MySQL did too.
      if (hadConnection && before !== 'reader' && isClosedConnection(caught)) {
        try {
          this.role = await this.decide();
        } catch (again) {
          error = again;
        }
      } else {
        error = caught;
      }
      if (error !== null) {
        this.drop();
        this.role = before === 'reader' ? 'reader' : 'writer-offline';
      }
    }
    this.firstCheck = false;
    const reconnected = this.reconnectedWriter && this.role === 'writer';
    this.reconnectedWriter = false;
    return {
      role: this.role,
      // Held again on a new connection counts as gained: another copy may have written meanwhile.
      gained: this.role === 'writer' && (before !== 'writer' || reconnected),
      error,
      reconnected,
    };
  }

  private async decide(): Promise<WriterRole> {
    if (this.connection === null) {
      const connection = await this.connect();
      // A broken connection must not stay around as the "lock holder".
      connection.on('error', () => this.drop());
      this.connection = connection;
      const [[row]] = await connection.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      this.connectionId = Number(row?.id);
      // The lock went with the old connection: claimed again at once below, if still free.
      if (this.role === 'writer') {
        this.role = 'writer-offline';
        this.reconnectedWriter = true;
      }
    }
    if (this.role === 'writer') {
      const [[row]] = await this.connection.query<RowDataPacket[]>(
        'SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine',
        [this.name],
      );
      if (Number(row?.mine) === 1) return 'writer';
      return 'reader';
    }
    const [[free]] = await this.connection.query<RowDataPacket[]>(
      'SELECT IS_FREE_LOCK(?) AS free',
      [this.name],
    );
    if (Number(free?.free) !== 1) {
      this.freeChecks = 0;
      if (this.role === 'writer-offline' && this.lostConnectionId !== null) {
        // Still held by this copy's old connection, killed but not yet gone on the server:
        // not another copy's lock. Claimed at the next check.
        const [[used]] = await this.connection.query<RowDataPacket[]>(
          'SELECT IS_USED_LOCK(?) AS holder',
          [this.name],
        );
        if (Number(used?.holder) === this.lostConnectionId) return 'writer-offline';
      }
      return this.role === 'writer-offline' ? 'reader' : this.role;
    }
    this.freeChecks += 1;
    const claim =
      this.firstCheck ||
      this.role === 'writer-offline' ||
      this.options.hasPendingCycles() ||
      this.freeChecks >= 2;
    if (!claim) return 'reader';
    const [[got]] = await this.connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [
      this.name,
    ]);
    this.freeChecks = 0;
    if (Number(got?.got) !== 1) return 'reader';
    // Held on this connection now: the old one no longer matters.
    this.lostConnectionId = null;
    return 'writer';
  }

  /** The lock's connection dropped (its lock went with it); the connection stays null until the next check. */
  private drop(): void {
    const connection = this.connection;
    if (this.connectionId !== null) this.lostConnectionId = this.connectionId;
    this.connection = null;
    this.connectionId = null;
    connection?.destroy();
  }

  /** Releases the lock (closing its connection does that). */
  async release(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.connectionId = null;
    this.role = 'reader';
    await connection?.end().catch(() => connection.destroy());
  }
}

/** The server closed this connection (it was killed, or timed out), as opposed to not answering. */
function isClosedConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'PROTOCOL_CONNECTION_LOST' ||
    code === 'ER_CONNECTION_KILLED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ER_CLIENT_INTERACTION_TIMEOUT'
  );
}
