import { useMemo } from 'react';
import type { HistorySeries } from '../../shared/history-series';
import type { BucketSize, HistoryRange } from '../../shared/ipc-contract';
import { type QuotaOverlay, quotaForHistory, quotaOverlay } from '../../shared/quota-overlay';
import { formatBytes } from '../common/format';
import { useQuotas } from '../hooks/useQuotas';
import './quota-legend.css';

/**
 * The monthly view's quota overlay: only for the month range, once its day buckets have
 * arrived (the previous range's result stays on screen while the new one loads).
 */
export function useQuotaOverlay(
  range: HistoryRange,
  bucket: BucketSize | null,
  series: HistorySeries | null,
): QuotaOverlay | null {
  const { state } = useQuotas();
  const quota = state === null ? null : quotaForHistory(state.quotas);
  return useMemo(() => {
    if (range !== 'month' || bucket !== 'day' || series === null || quota === null) return null;
    return quotaOverlay(series.bucketStarts, series.rxBytes, series.txBytes, quota);
  }, [range, bucket, series, quota]);
}

/** Says in words what the quota lines on the chart are. */
export function QuotaLegend({
  overlay,
  series,
}: {
  overlay: QuotaOverlay | null;
  series: HistorySeries;
}) {
  if (overlay === null) return null;
  const starts = overlay.boundaries.map((i) => series.labels[i] ?? '').filter((l) => l !== '');
  return (
    <p className="quota-legend" data-testid="quota-legend">
      <bdi>{overlay.label}</bdi>: {formatBytes(overlay.sizeBytes)} (dashed line); the solid line is
      the traffic of the routers shown since the period started.{' '}
      {starts.length === 0
        ? 'No period starts in this range.'
        : `A new period starts on ${starts.join(', ')} (dotted lines).`}
    </p>
  );
}
