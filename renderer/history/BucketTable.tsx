import type { HistorySeries } from '../../shared/history-series';
import { formatBytes, formatMbps } from '../common/format';

type Props = { series: HistorySeries; bucketName: string };

/**
 * The chart's figures as a table, one row per bucket: what the chart shows only on hover, for
 * the keyboard and screen readers (the summary opens it by Enter; the page scrolls it).
 */
export function BucketTable({ series, bucketName }: Props) {
  return (
    <details className="bucket-table">
      <summary>Figures per {bucketName}</summary>
      <table data-testid="bucket-table">
        <thead>
          <tr>
            <th scope="col">{bucketName[0]?.toUpperCase() + bucketName.slice(1)}</th>
            <th scope="col">Download (RX)</th>
            <th scope="col">Upload (TX)</th>
            <th scope="col">Average rate</th>
            <th scope="col">Reboots</th>
          </tr>
        </thead>
        <tbody>
          {series.labels.map((label, i) => {
            const rate = series.averageMbps[i];
            return (
              <tr key={series.bucketStarts[i]} data-start={series.bucketStarts[i]}>
                <th scope="row">{label}</th>
                {series.monitored[i] ? (
                  <>
                    <td>{formatBytes(series.rxBytes[i] ?? 0n)}</td>
                    <td>{formatBytes(series.txBytes[i] ?? 0n)}</td>
                    <td data-mbps={rate ?? ''}>
                      {rate === null || rate === undefined
                        ? 'not measured'
                        : `${formatMbps(rate)}${series.gapAverage[i] ? ' (average over a gap)' : ''}`}
                    </td>
                    <td>{series.reboots[i] ?? 0}</td>
                  </>
                ) : (
                  <td colSpan={4}>not monitored</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
