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

  /** Per MAC, the check that last found it listed and online (updated in place, no set per check). */
  private readonly listedIn = new Map<string, number>();
  private checks = 0;

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
    this.checks += 1;
    const check = this.checks;
    for (const device of devices) {
      if (device.online !== false) this.listedIn.set(device.identity.mac, check);
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
    // MACs no longer listed do not pile up: dropped once they outnumber the listed ones.
    if (this.listedIn.size > 2 * devices.length + 1_000) {
      for (const [mac, last] of this.listedIn) if (last !== check) this.listedIn.delete(mac);
    }
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
    const watch = { check, announced, polls, now, unanswered };
    // Two plain loops (no generator, no object per router): most routers need nothing.
    for (const router of this.seen.values()) {
      const change = this.follow(router, watch);
      if (change !== null) await this.announce(db, router, change, watch, changes);
    }
    for (const router of announcedOnly) {
      const change = this.follow(router, watch);
      if (change !== null) await this.announce(db, router, change, watch, changes);
    }
    return changes;
  }

  /** What this check may announce for a router: back, offline, or (mostly) nothing. */
  private follow(router: SeenRouter, watch: Watch): OfflineChange['change'] | null {
    const { routerId, mac } = router;
    const online = this.listedIn.get(mac) === watch.check;
    // A router of a source or site that did not answer was not asked: neither gone nor back.
    if (!online && this.notAsked(mac, watch.unanswered)) return null;
    if (online) {
      this.missing.delete(routerId);
      return watch.announced.has(routerId) ? 'back' : null;
    }
    const gone = this.missing.get(routerId) ?? { since: watch.now, polls: 0 };
    gone.polls += 1;
    this.missing.set(routerId, gone);
    return gone.polls >= watch.polls && !watch.announced.has(routerId) ? 'offline' : null;
  }

  private async announce(
    db: Pool,
    { routerId, name }: SeenRouter,
    change: OfflineChange['change'],
    watch: Watch,
    changes: OfflineChange[],
  ): Promise<void> {
    if (change === 'back') {
      const since = watch.announced.get(routerId) as Date;
      if (await this.release(db, routerId))
        changes.push({ routerId, name, change: 'back', since, at: watch.now });
      return;
    }
    const since = this.missing.get(routerId)?.since ?? watch.now;
    if (await this.claim(db, routerId, since))
      changes.push({ routerId, name, change: 'offline', since, at: watch.now });
  }

  private notAsked(mac: string, unanswered: readonly UnansweredPart[]): boolean {
    if (unanswered.length === 0) return false;
    const from = this.origin.get(mac) ?? {};
    return unanswered.some(
      (part) =>
        (part.source === undefined || part.source === from.source) &&
        (part.site === undefined || part.site === from.site),
    );
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

/** What one check compares each router with. */
interface Watch {
  check: number;
  announced: Map<number, Date>;
  polls: number;
  now: Date;
  unanswered: readonly UnansweredPart[];
}
