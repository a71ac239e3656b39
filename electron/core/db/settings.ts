/** Where the data lives. The password never appears in logs: see `describeMysqlTarget`. */
export interface MysqlSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/bandwidth_tracker';

/** `mysql://user:pass@host:3306/database` → settings; throws a message naming what is wrong. */
export function parseMysqlUrl(text: string): MysqlSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `"${redactUrl(text)}" is not a URL; expected mysql://user:password@host:3306/database`,
    );
  }
  if (url.protocol !== 'mysql:') {
    throw new Error(`"${redactUrl(text)}" must start with mysql://`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new Error(
      `"${redactUrl(text)}" names no database; add it after the host, e.g. mysql://root@127.0.0.1:3306/bandwidth_tracker`,
    );
  }
  if (database.length > 64)
    throw new Error(`database name "${database}" is longer than 64 characters`);
  const port = url.port === '' ? 3306 : Number(url.port);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
  };
}

/** The URL with its password replaced, safe for error messages. */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

export function describeMysqlTarget(settings: MysqlSettings): string {
  return `${settings.host}:${settings.port}`;
}
