import { memo, useMemo, useState } from 'react';
import { headlineLabel } from '../../shared/edge-text';
import type { HistoryResult, HistorySummaryRow } from '../../shared/ipc-contract';
import { formatBytes } from '../common/format';

type Column = 'name' | 'rx' | 'tx' | 'total' | 'share' | 'tracked' | 'lifetime' | 'reboots';
type Props = { rows: HistorySummaryRow[]; edge?: HistoryResult['edge'] };

/**
 * Rows drawn at a time: with 10,000 routers a row each took seconds to draw and to update every
 * cycle. Past this the table shows the first rows of its order, a search by name and "more".
 */
export const SUMMARY_ROWS = 100;

const HEADINGS: Array<[Column, string]> = [
  ['name', 'Router'],
  ['rx', 'Download (RX)'],
  ['tx', 'Upload (TX)'],
  ['total', 'Total'],
  ['share', 'Share'],
  ['tracked', 'Tracked since first seen'],
  ['lifetime', 'Counter total'],
  ['reboots', 'Reboots'],
];

function sortValue(row: HistorySummaryRow, column: Column): bigint | number | string {
  switch (column) {
    case 'name':
      return row.name.toLowerCase();
    case 'rx':
      return BigInt(row.rxBytes);
    case 'tx':
      return BigInt(row.txBytes);
    case 'total':
    case 'share':
      return BigInt(row.rxBytes) + BigInt(row.txBytes);
    case 'tracked':
      return BigInt(row.trackedRxBytes ?? '0') + BigInt(row.trackedTxBytes ?? '0');
    case 'lifetime':
      return BigInt(row.lifetimeRxBytes) + BigInt(row.lifetimeTxBytes);
    case 'reboots':
      return row.reboots;
  }
}

/** The day a router was first seen, in the user's locale and the page's zone. */
function sinceDate(iso: string): string {
  return new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(iso));
}

/** Per-router figures for the range; every column sorts, and says how it is sorted. */
export const SummaryTable = memo(function SummaryTable({ rows, edge }: Props) {
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({
    column: 'total',
    descending: true,
  });
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(SUMMARY_ROWS);
  // Shares are of the internet usage (the edge routers): inside devices are a breakdown of it.
  const edgeIds = useMemo(
    () => new Set(edge?.routerIds ?? rows.map((r) => r.routerId)),
    [edge, rows],
  );
  const { grandRx, grandTx } = useMemo(() => {
    let rx = 0n;
    let tx = 0n;
    for (const r of rows) {
      if (!edgeIds.has(r.routerId)) continue;
      rx += BigInt(r.rxBytes);
      tx += BigInt(r.txBytes);
    }
    return { grandRx: rx, grandTx: tx };
  }, [rows, edgeIds]);
  const grand = grandRx + grandTx;
  const breakdown = edge !== undefined && edge.rule !== 'all';
  // Each row's key is read once, not at every comparison (10,000 rows: 260,000 comparisons).
  const sorted = useMemo(() => {
    const keyed = rows.map((row) => ({ row, key: sortValue(row, sort.column) }));
    keyed.sort((a, b) => {
      const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return sort.descending ? -order : order;
    });
    return keyed.map((k) => k.row);
  }, [rows, sort]);
  const many = rows.length > SUMMARY_ROWS;
  const needle = query.trim().toLowerCase();
  const matching = useMemo(
    () => (needle === '' ? sorted : sorted.filter((r) => r.name.toLowerCase().includes(needle))),
    [sorted, needle],
  );
  const shown = many && matching.length > limit ? matching.slice(0, limit) : matching;
  const more = Math.min(SUMMARY_ROWS, matching.length - shown.length);

  return (
    // A narrow window (or 200 % zoom) scrolls the table, not the page.
    <div className="summary-table-scroll">
      {many && (
        <div className="summary-table__find">
          <label>
            Find a router in the table{' '}
            <input
              type="search"
              className="summary-table__search"
              value={query}
              onChange={(e) => {
                // A new search or order starts again from its first rows.
                setQuery(e.target.value);
                setLimit(SUMMARY_ROWS);
              }}
            />
          </label>
          <span className="history__note" role="status" data-testid="summary-count">
            {needle === ''
              ? `The first ${shown.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} routers in this order.`
              : `${matching.length.toLocaleString('en-US')} router(s) match${shown.length < matching.length ? `, the first ${shown.length.toLocaleString('en-US')} shown` : ''}.`}
          </span>
        </div>
      )}
      <table className="summary-table" data-testid="summary-table">
        <caption className="visually-hidden">Traffic per router for the chosen range</caption>
        <thead>
          <tr>
            {HEADINGS.map(([column, label]) => {
              const active = sort.column === column;
              return (
                <th
                  key={column}
                  scope="col"
                  aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    className="summary-table__sort"
                    onClick={() => {
                      setSort({
                        column,
                        descending: active ? !sort.descending : column !== 'name',
                      });
                      setLimit(SUMMARY_ROWS);
                    }}
                  >
                    {label}
                    {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => {
            const total = BigInt(row.rxBytes) + BigInt(row.txBytes);
            const share = grand === 0n ? 0 : Number((total * 10_000n) / grand) / 100;
            return (
              <tr key={row.routerId} data-router-id={row.routerId}>
                <th scope="row">
                  <bdi>{row.name}</bdi>
                  {breakdown && !edgeIds.has(row.routerId) && (
                    <span className="edge-note__inside"> (inside device)</span>
                  )}
                </th>
                <td data-bytes={row.rxBytes} title={`${row.rxBytes} bytes`}>
                  {formatBytes(BigInt(row.rxBytes))}
                </td>
                <td data-bytes={row.txBytes} title={`${row.txBytes} bytes`}>
                  {formatBytes(BigInt(row.txBytes))}
                </td>
                <td data-bytes={String(total)}>{formatBytes(total)}</td>
                <td>{share.toFixed(1)} %</td>
                <td data-first-seen={row.firstSeenAt}>
                  {formatBytes(
                    BigInt(row.trackedRxBytes ?? '0') + BigInt(row.trackedTxBytes ?? '0'),
                  )}
                  {row.firstSeenAt !== undefined && (
                    <span className="summary-table__since">since {sinceDate(row.firstSeenAt)}</span>
                  )}
                </td>
                <td>{formatBytes(BigInt(row.lifetimeRxBytes) + BigInt(row.lifetimeTxBytes))}</td>
                <td>{row.reboots}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr data-testid="summary-headline">
            <th scope="row">{headlineLabel(edge?.rule)}</th>
            <td data-bytes={String(grandRx)}>{formatBytes(grandRx)}</td>
            <td data-bytes={String(grandTx)}>{formatBytes(grandTx)}</td>
            <td data-bytes={String(grand)}>{formatBytes(grand)}</td>
            <td>{grand === 0n ? '0.0' : '100.0'} %</td>
            <td colSpan={3} />
          </tr>
        </tfoot>
      </table>
      {more > 0 && (
        <button
          type="button"
          className="summary-table__more"
          onClick={() => setLimit(shown.length + SUMMARY_ROWS)}
        >
          Show {more.toLocaleString('en-US')} more
        </button>
      )}
      <p className="history__note">
        Tracked since first seen: what Bandwidth Tracker counted. Counter total: the router's own
        counters when it was first tracked plus everything counted since, so it includes traffic
        from before tracking began.
        {breakdown &&
          ' Share: of the internet usage (the edge routers); inside devices are a breakdown of it, already counted at the edge.'}
      </p>
    </div>
  );
});
