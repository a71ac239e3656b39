import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import type { HistorySeries } from '../../shared/history-series';
import type { QuotaOverlay } from '../../shared/quota-overlay';
import { formatMbpsTick } from '../../shared/units';
import { formatBytes, formatMbps } from '../common/format';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

type Props = {
  series: HistorySeries;
  description: string;
  /** The monthly view's quota: period boundaries, usage since each, and the quota's size. */
  quota?: QuotaOverlay | null;
};

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** What each dataset draws for a series: the bars, the rate line and the reboot markers. */
function datasetValues(series: HistorySeries): Array<Array<number | null>> {
  return [
    // Unmonitored buckets are gaps (null), not zero.
    series.rxBytes.map((b, i) => (series.monitored[i] ? Number(b) : null)),
    series.txBytes.map((b, i) => (series.monitored[i] ? Number(b) : null)),
    series.averageMbps,
    series.reboots.map((count, i) =>
      count > 0 ? Number((series.rxBytes[i] ?? 0n) + (series.txBytes[i] ?? 0n)) : null,
    ),
  ];
}

/**
 * Volume per bucket as stacked bars, average rate as a line, reboots as markers. The chart is
 * made once and its data replaced on each refresh, so a cycle's update neither redraws it from
 * scratch nor forgets the series the user hid in the legend or the tooltip being read.
 */
export function HistoryChart({ series, description, quota = null }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  // The tooltip and point callbacks read the series being shown, not the one at creation.
  const shown = useRef(series);
  shown.current = series;
  const shownQuota = useRef(quota);
  shownQuota.current = quota;
  // The quota's two lines are datasets: the chart is made again only when they come or go.
  const hasQuota = quota !== null;

  useEffect(() => {
    if (canvas.current === null) return;
    const text = cssVar('--text-muted');
    const grid = cssVar('--border');
    const [rx, tx, rate, reboots] = datasetValues(shown.current);
    const created = new Chart(canvas.current, {
      data: {
        labels: shown.current.labels,
        datasets: [
          {
            type: 'bar',
            label: 'Download (RX)',
            data: rx ?? [],
            backgroundColor: cssVar('--rx'),
            stack: 'volume',
            yAxisID: 'bytes',
          },
          {
            type: 'bar',
            label: 'Upload (TX)',
            data: tx ?? [],
            backgroundColor: cssVar('--tx'),
            stack: 'volume',
            yAxisID: 'bytes',
          },
          {
            type: 'line',
            label: 'Average rate',
            data: rate ?? [],
            borderColor: cssVar('--text'),
            backgroundColor: cssVar('--text'),
            // A bucket between two gaps has no line to draw: it gets a dot instead.
            pointRadius: (context: { dataIndex: number }) =>
              isolated(shown.current.averageMbps, context.dataIndex) ? 3 : 0,
            borderWidth: 1.5,
            spanGaps: false,
            yAxisID: 'rate',
          },
          {
            type: 'line',
            label: 'Reboot',
            data: reboots ?? [],
            showLine: false,
            pointStyle: 'triangle',
            pointRadius: 7,
            borderColor: cssVar('--bad'),
            backgroundColor: cssVar('--bad'),
            yAxisID: 'bytes',
          },
          ...quotaDatasets(shownQuota.current),
        ],
      },
      plugins: hasQuota ? [periodBoundaries(shownQuota, cssVar('--text-muted'))] : [],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: {
            stacked: true,
            ticks: { color: text, maxRotation: 0, autoSkip: true },
            grid: { color: grid },
          },
          // From zero, whole bytes, at least 1 KB tall: an empty chart reads "0 B … 1.00 KB",
          // never "1 B, 1 B … 0 B".
          bytes: {
            type: 'linear',
            stacked: true,
            position: 'left',
            min: 0,
            suggestedMax: 1000,
            ticks: { color: text, precision: 0, callback: (value) => formatBytes(Number(value)) },
            grid: { color: grid },
          },
          rate: {
            type: 'linear',
            position: 'right',
            min: 0,
            suggestedMax: 1,
            ticks: { color: text, callback: (value) => formatMbpsTick(Number(value)) },
            grid: { drawOnChartArea: false },
          },
        },
        plugins: {
          legend: { labels: { color: text } },
          tooltip: {
            callbacks: {
              label: (item) => {
                const i = item.dataIndex;
                const series = shown.current;
                switch (item.datasetIndex) {
                  case 0:
                    return `Download: ${formatBytes(series.rxBytes[i] ?? 0n)} (${(series.rxBytes[i] ?? 0n).toLocaleString()} bytes)`;
                  case 1:
                    return `Upload: ${formatBytes(series.txBytes[i] ?? 0n)} (${(series.txBytes[i] ?? 0n).toLocaleString()} bytes)`;
                  case 2: {
                    const rate = series.averageMbps[i];
                    if (rate === null || rate === undefined) return 'Average rate: not measured';
                    return series.gapAverage[i]
                      ? `Average rate: ${formatMbps(rate)} (counted after a gap in polling: the average over the gap)`
                      : `Average rate: ${formatMbps(rate)} (while polled)`;
                  }
                  case 3:
                    return `Reboots: ${series.reboots[i] ?? 0}`;
                  case 4:
                    return `${shownQuota.current?.label}: ${formatBytes(shownQuota.current?.cumulative[i] ?? 0)} used in its period so far`;
                  default:
                    return `${shownQuota.current?.label}: ${formatBytes(shownQuota.current?.sizeBytes ?? 0)}`;
                }
              },
            },
          },
        },
      },
    });
    chart.current = created;
    return () => {
      created.destroy();
      chart.current = null;
    };
  }, [hasQuota]);

  useEffect(() => {
    const current = chart.current;
    if (current === null) return;
    current.data.labels = series.labels;
    [...datasetValues(series), ...quotaDatasets(quota).map((d) => d.data)].forEach((values, i) => {
      const dataset = current.data.datasets[i];
      if (dataset !== undefined) dataset.data = values;
    });
    current.update('none');
  }, [series, quota]);

  return (
    <div className="history-chart">
      <canvas ref={canvas} role="img" aria-label={description} data-testid="history-canvas" />
    </div>
  );
}

/** Usage since the period start, and the quota's size as a dashed line, both on the bytes axis. */
function quotaDatasets(quota: QuotaOverlay | null) {
  if (quota === null) return [];
  const used = cssVar('--ok');
  const limit = cssVar('--bad');
  // Each in a stack of its own: on the stacked bytes axis they would otherwise add up.
  return [
    {
      type: 'line' as const,
      label: `${quota.label}: used in the period`,
      data: quota.cumulative,
      borderColor: used,
      backgroundColor: used,
      borderWidth: 2,
      pointRadius: 0,
      stack: 'quota-used',
      yAxisID: 'bytes',
    },
    {
      type: 'line' as const,
      label: quota.label,
      data: quota.cumulative.map(() => quota.sizeBytes),
      borderColor: limit,
      backgroundColor: limit,
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      stack: 'quota-size',
      yAxisID: 'bytes',
    },
  ];
}

/** A vertical line where each quota period starts (Chart.js has no such marker of its own). */
function periodBoundaries(shown: { current: QuotaOverlay | null }, color: string) {
  return {
    id: 'quotaPeriodBoundaries',
    afterDatasetsDraw(chart: Chart) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (x === undefined) return;
      const { ctx } = chart;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([3, 3]);
      for (const index of shown.current?.boundaries ?? []) {
        // Between the bucket before and the first bucket of the period.
        const at = x.getPixelForValue(index) - (x.getPixelForValue(1) - x.getPixelForValue(0)) / 2;
        ctx.beginPath();
        ctx.moveTo(at, area.top);
        ctx.lineTo(at, area.bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

/** A value with no value on either side: a line through it would have no length. */
function isolated(values: ReadonlyArray<number | null>, index: number): boolean {
  return values[index] != null && values[index - 1] == null && values[index + 1] == null;
}
