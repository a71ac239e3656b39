import { useState } from 'react';
import { headlineLabel } from '../../shared/edge-text';
import type { HistoryResult, HistorySummaryRow } from '../../shared/ipc-contract';
import { formatBytes } from '../common/format';

type Column = 'name' | 'rx' | 'tx' | 'total' | 'share' | 'tracked' | 'lifetime' | 'reboots';
type Props = { rows: HistorySummaryRow[]; edge?: HistoryResult['edge'] };

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
export function SummaryTable({ rows, edge }: Props) {
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({
    column: 'total',
    descending: true,
  });
  // Shares are of the internet usage (the edge routers): inside devices are a breakdown of it.
  const edgeIds = new Set(edge?.routerIds ?? rows.map((r) => r.routerId));
  const headline = rows.filter((r) => edgeIds.has(r.routerId));
  const grandRx = headline.reduce((sum, r) => sum + BigInt(r.rxBytes), 0n);
  const grandTx = headline.reduce((sum, r) => sum + BigInt(r.txBytes), 0n);
  const grand = grandRx + grandTx;
  const breakdown = edge !== undefined && edge.rule !== 'all';
  const sorted = [...rows].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.descending ? -order : order;
  });

  return (
    // A narrow window (or 200 % zoom) scrolls the table, not the page.
    <div className="summary-table-scroll">
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
                    onClick={() =>
                      setSort({ column, descending: active ? !sort.descending : column !== 'name' })
                    }
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
          {sorted.map((row) => {
            const total = BigInt(row.rxBytes) + BigInt(row.txBytes);
            const share = grand === 0n ? 0 : Number((total * 10_000n) / grand) / 100;
            return (
              <tr key={row.routerId} data-router-id={row.routerId}>
                <th scope="row">
                  {row.name}
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
      <p className="history__note">
        Tracked since first seen: what Bandwidth Tracker counted. Counter total: the router's own
        counters when it was first tracked plus everything counted since, so it includes traffic
        from before tracking began.
        {breakdown &&
          ' Share: of the internet usage (the edge routers); inside devices are a breakdown of it, already counted at the edge.'}
      </p>
    </div>
  );
}
