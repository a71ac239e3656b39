import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { OfflineChange } from '../../../shared/quota-notice';
import type { DeviceReading } from '../../../shared/types';
import { loadOfflinePolls } from './quota-store';
import type { KnownRouter } from './router-directory';

/**
 * Routers missing from an answer of their source, or reported offline by it, poll after poll.
 * Only called for cycles whose source answered: a source that cannot be reached is the one
 * source notice, not one notice per router. Routers are watched once this copy has seen them
 * (a router retired years ago is not "offline"), or while the database says they were
 * announced offline (so "back" is said after a restart too).
 */
export class OfflineWatch {
  private readonly seen = new Set<number>();
  /** Per router: the first poll it was missing and how many polls in a row. */
  private readonly missing = new Map<number, { since: Date; polls: number }>();

  async check(
    db: Pool,
    routers: readonly KnownRouter[],
    devices: readonly DeviceReading[],
    now: Date,
  ): Promise<OfflineChange[]> {
    const online = new Set<string>();
    for (const device of devices) if (device.online !== false) online.add(device.identity.mac);
    const [rows] = await db.query<RowDataPacket[]>(
      'SELECT router_id, offline_since FROM offline_announcements',
    );
    const announced = new Map(
      rows.map((row) => [Number(row.router_id), row.offline_since as Date]),
    );
    const polls = await loadOfflinePolls(db);
    const changes: OfflineChange[] = [];
    for (const router of routers) {
      const isOnline = online.has(router.mac);
      if (isOnline) {
        this.seen.add(router.id);
        this.missing.delete(router.id);
        const since = announced.get(router.id);
        if (since !== undefined && (await this.release(db, router.id))) {
          changes.push({ routerId: router.id, name: router.name, change: 'back', since, at: now });
        }
        continue;
      }
      if (!this.seen.has(router.id) && !announced.has(router.id)) continue;
      const gone = this.missing.get(router.id) ?? { since: now, polls: 0 };
      gone.polls += 1;
      this.missing.set(router.id, gone);
      if (gone.polls >= polls && !announced.has(router.id)) {
        if (await this.claim(db, router.id, gone.since)) {
          changes.push({
            routerId: router.id,
            name: router.name,
            change: 'offline',
            since: gone.since,
            at: now,
          });
        }
      }
    }
    return changes;
  }

  private async claim(db: Pool, routerId: number, since: Date): Promise<boolean> {
    const [result] = await db.query<ResultSetHeader>(
      'INSERT IGNORE INTO offline_announcements (router_id, offline_since) VALUES (?, ?)',
      [routerId, since],
    );
    return result.affectedRows === 1;
  }

  private async release(db: Pool, routerId: number): Promise<boolean> {
    const [result] = await db.query<ResultSetHeader>(
      'DELETE FROM offline_announcements WHERE router_id = ?',
      [routerId],
    );
    return result.affectedRows === 1;
  }
}
