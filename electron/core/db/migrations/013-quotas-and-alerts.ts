import { tableExists } from '../schema-inspection';
import type { Migration } from './registry-types';
import { routerIdType } from './router-id-type';

/**
 * Quotas, and what was announced about them and about offline routers, in MySQL so every
 * workstation on the database shares them and a notice is given once, whichever copy (or
 * restart) sees the crossing first: an announcement is a row under a unique key, and only the
 * copy whose INSERT inserted it announces.
 */
export const createQuotasAndAlerts: Migration = {
  version: 13,
  name: 'add quotas, quota announcements and offline alerts',
  async up(db) {
    if (!(await tableExists(db, 'quotas'))) {
      // One quota per target: `--quota` and Settings replace it rather than add a second one.
      await db.query(`
        CREATE TABLE quotas (
          id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
          target VARCHAR(255) NOT NULL,
          size_bytes BIGINT UNSIGNED NOT NULL,
          period ENUM('month','week','day') NOT NULL,
          billing_day TINYINT UNSIGNED NOT NULL DEFAULT 1,
          direction ENUM('down','up','both') NOT NULL DEFAULT 'both',
          time_zone VARCHAR(64) NOT NULL,
          thresholds VARCHAR(64) NOT NULL DEFAULT '80,90,100',
          UNIQUE KEY ux_quotas_target (target)
        ) ENGINE=InnoDB`);
    }
    if (!(await tableExists(db, 'quota_announcements'))) {
      // kind 'forecast' is the early warning (threshold 100); a new period has a new start,
      // so it re-arms every threshold.
      await db.query(`
        CREATE TABLE quota_announcements (
          quota_id INT UNSIGNED NOT NULL,
          period_start DATETIME NOT NULL,
          kind ENUM('threshold','forecast') NOT NULL,
          threshold SMALLINT UNSIGNED NOT NULL,
          announced_at DATETIME(3) NOT NULL,
          PRIMARY KEY (quota_id, period_start, kind, threshold),
          CONSTRAINT fk_quota_announcements_quota FOREIGN KEY (quota_id) REFERENCES quotas (id) ON DELETE CASCADE
        ) ENGINE=InnoDB`);
    }
    if (!(await tableExists(db, 'alert_settings'))) {
      await db.query(`
        CREATE TABLE alert_settings (
          id TINYINT NOT NULL PRIMARY KEY,
          offline_polls SMALLINT UNSIGNED NOT NULL DEFAULT 3
        ) ENGINE=InnoDB`);
      await db.query('INSERT INTO alert_settings (id, offline_polls) VALUES (1, 3)');
    }
    if (!(await tableExists(db, 'offline_announcements'))) {
      // A row while a router is announced offline: inserted once when it goes, deleted once
      // when it is back, so each of the two notices is given by one copy only.
      const idType = await routerIdType(db);
      await db.query(`
        CREATE TABLE offline_announcements (
          router_id ${idType} NOT NULL PRIMARY KEY,
          offline_since DATETIME(3) NOT NULL,
          CONSTRAINT fk_offline_announcements_router FOREIGN KEY (router_id) REFERENCES routers (id) ON DELETE CASCADE
        ) ENGINE=InnoDB`);
    }
  },
};
