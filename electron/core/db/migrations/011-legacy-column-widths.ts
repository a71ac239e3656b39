import type { RowDataPacket } from 'mysql2/promise';
import type { Migration } from './registry-types';

/** What the app writes into each text column: the parser clips device texts to these widths. */
const TEXT_WIDTHS: Record<string, number> = {
  name: 255,
  ip_address: 45,
  brand: 100,
  location: 255,
};
const THROUGHPUT_COLUMNS = ['download_mbps', 'upload_mbps', 'latency_ms'];

/**
 * The older dashboard's tables were upgraded in place with their own, narrower columns
 * (`name VARCHAR(100)`, `brand VARCHAR(50)`, throughput as FLOAT). One device with a longer
 * name or a figure past FLOAT's range then made MySQL refuse every cycle it was in. Widened to
 * what the app writes; nullability is kept, and widening loses no stored value.
 */
export const widenLegacyColumns: Migration = {
  version: 11,
  name: 'widen the older dashboard’s text and throughput columns to what the app writes',
  async up(db) {
    const [columns] = await db.query<RowDataPacket[]>(
      `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, DATA_TYPE AS type,
              CHARACTER_MAXIMUM_LENGTH AS width, IS_NULLABLE AS nullable
         FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('routers', 'bandwidth_logs')`,
    );
    for (const column of columns) {
      const table = String(column.tableName);
      const name = String(column.name);
      const nullability = column.nullable === 'YES' ? 'NULL' : 'NOT NULL';
      const width = table === 'routers' ? TEXT_WIDTHS[name] : undefined;
      if (width !== undefined && Number(column.width) < width) {
        await db.query(
          `ALTER TABLE ${db.escapeId(table)} MODIFY ${db.escapeId(name)} VARCHAR(${width}) ${nullability}`,
        );
      }
      if (
        table === 'bandwidth_logs' &&
        THROUGHPUT_COLUMNS.includes(name) &&
        String(column.type).toLowerCase() !== 'double'
      ) {
        await db.query(
          `ALTER TABLE bandwidth_logs MODIFY ${db.escapeId(name)} DOUBLE ${nullability}`,
        );
      }
    }
  },
};
