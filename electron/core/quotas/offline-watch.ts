import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { OfflineChange } from '../../../shared/quota-notice';
import type { DeviceReading } from '../../../shared/types';
import type { UnansweredPart } from '../payload';
import { loadOfflinePolls } from './quota-store';

/** A router this copy has written, by MAC. */
export interface SeenRouter {
  routerId: number;
  mac: string;
  name: string;
}

/**
 * Routers missing from an answer of their source, or reported offline by it, poll after poll.
 * Only called for cycles whose source answered: a source that cannot be reached is the one
 * source notice, not one notice per router. Routers are watched once this copy has seen them
 * (a router retired years ago is not "offline"), or while the database says they were
 * announced offline (so "back" is said after a restart too). Nothing here grows with the
 * number of routers in SQL: two small reads a cycle, a write per announcement.
 */
export class OfflineWatch {
  private readonly seen = new Map<string, SeenRouter>();
  /** Where each router was last listed: a source (several at once) and a site, when known. */
  private readonly origin = new Map<string, UnansweredPart>();
  /** Per router: the first poll it was missing and how many polls in a row. */
  private readonly missing = new Map<number, { since: Date; polls: number }>();

  async check(
    db: Pool,
    written: ReadonlyArray<{ routerId: number; identity: { mac: string; name: string } }>,
    devices: readonly DeviceReading[],
    now: Date,
    unanswered: readonly UnansweredPart[] = [],
  ): Promise<OfflineChange[]> {
    // Every cycle lists every router: objects are made only for what is new or renamed.
    for (const { routerId, identity } of written) {
      const known = this.seen.get(identity.mac);
      if (known?.routerId !== routerId || known.name !== identity.name)
        this.seen.set(identity.mac, { routerId, mac: identity.mac, name: identity.name });
    }
    const online = new Set<string>();
    for (const device of devices) {
      if (device.online !== false) online.add(device.identity.mac);
      const source = device.source;
      const site = device.identity.site ?? undefined;
      if (source === undefined && site === undefined) continue;
      const known = this.origin.get(device.identity.mac);
      if (known?.source !== source || known?.site !== site)
        this.origin.set(device.identity.mac, {
          ...(source === undefined ? {} : { source }),
          ...(site === undefined ? {} : { site }),
        });
    }
    // A router of a source or site that did not answer was not asked: neither gone nor back.
    const notAsked = (mac: string) => {
      const from = this.origin.get(mac) ?? {};
      return unanswered.some(
        (part) =>
          (part.source === undefined || part.source === from.source) &&
          (part.site === undefined || part.site === from.site),
      );
    };
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT o.router_id, o.offline_since, r.mac_address, r.name
         FROM offline_announcements o JOIN routers r ON r.id = o.router_id`,
    );
    const announced = new Map<number, Date>();
    // Routers announced offline by any copy are watched too, so "back" is said after a restart.
    const announcedOnly: SeenRouter[] = [];
    for (const row of rows) {
      const router = {
        routerId: Number(row.router_id),
        mac: String(row.mac_address),
        name: String(row.name),
      };
      announced.set(router.routerId, row.offline_since as Date);
      if (!this.seen.has(router.mac)) announcedOnly.push(router);
    }
    const polls = await loadOfflinePolls(db);
    const changes: OfflineChange[] = [];
    for (const router of both(this.seen.values(), announcedOnly)) {
      const { routerId, name } = router;
      if (!online.has(router.mac) && notAsked(router.mac)) continue;
      if (online.has(router.mac)) {
        this.missing.delete(routerId);
        const since = announced.get(routerId);
        if (since !== undefined && (await this.release(db, routerId))) {
          changes.push({ routerId, name, change: 'back', since, at: now });
        }
        continue;
      }
      const gone = this.missing.get(routerId) ?? { since: now, polls: 0 };
      gone.polls += 1;
      this.missing.set(routerId, gone);
      if (gone.polls >= polls && !announced.has(routerId)) {
        if (await this.claim(db, routerId, gone.since)) {
          changes.push({ routerId, name, change: 'offline', since: gone.since, at: now });
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

function* both<T>(first: Iterable<T>, second: Iterable<T>): Generator<T> {
  yield* first;
  yield* second;
}
