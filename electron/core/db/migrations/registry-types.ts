import type { PoolConnection } from 'mysql2/promise';

export interface Migration {
  version: number;
  name: string;
  /** Must be safe to run again after a crash half way: MySQL commits each DDL statement. */
  up(db: PoolConnection): Promise<void>;
}
