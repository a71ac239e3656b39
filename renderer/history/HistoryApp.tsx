import { useCallback, useEffect, useMemo, useState } from 'react';
import { historyCsv, historyCsvName } from '../../shared/csv';
import {
  type CustomRangeErrors,
  customBucketName,
  customRangeErrors,
} from '../../shared/custom-range';
import { headlineLabel } from '../../shared/edge-text';
import { anyMeasured, type HistorySeries, historySeries } from '../../shared/history-series';
import type {
  AppState,
  HistoryRange,
  HistoryRequest,
  HistoryResult,
} from '../../shared/ipc-contract';
import type { SiteGroup } from '../../shared/site-groups';
import { bandwidthClient } from '../client/bandwidth-client';
import { EdgeNote } from '../common/EdgeNote';
import { formatBytes } from '../common/format';
import { useAppState } from '../hooks/useAppState';
import { useHistory } from '../hooks/useHistory';
import { SiteFilter } from '../sites/SiteFilter';
import { BucketTable } from './BucketTable';
import { HistoryChart } from './HistoryChart';
import { QuotaLegend, useQuotaOverlay } from './QuotaLegend';
import { RouterChooser } from './RouterChooser';
import { SummaryTable } from './SummaryTable';
import './history.css';

const RANGES: Array<[HistoryRange, string]> = [
  ['day', 'Last 24 hours'],
  ['week', 'Last 7 days'],
  ['month', 'Last 30 days'],
  ['year', 'Last 12 months'],
  ['custom', 'Custom range'],
];

const NO_ROUTERS: AppState['routers'] = [];

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function routerFromUrl(): number[] {
  const id = Number(new URLSearchParams(window.location.search).get('router'));
  return Number.isSafeInteger(id) && id > 0 ? [id] : [];
}

function downloadCsv(text: string, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/**
 * Why a history request failed, with what to do. A request that never reached the app (the
 * collector stopped, the page outlived it) says so; the app's own answers already say what to do.
 */
function loadFailure(message: string): string {
  if (/failed to fetch|networkerror|load failed/i.test(message))
    return 'Bandwidth Tracker does not answer. Start it again, then reload this page.';
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

/** Why the chart is empty, in words a user can act on; null when there is something to show. */
function emptyReason(
  series: HistorySeries,
  result: HistoryResult,
  total: bigint,
  state: AppState | null,
): string | null {
  if (series.monitored.some(Boolean)) {
    if (total !== 0n) return null;
    // Polled, but no poll measured anything yet: the first reading of a router is its baseline.
    return anyMeasured(result)
      ? 'The routers were polled in this range but moved no traffic.'
      : 'The routers have been read once so far: figures appear from their second poll.';
  }
  if (state?.database.state === 'down')
    return `Nothing recorded in this range. The database cannot be reached right now: ${state.database.message ?? 'check the database in Settings'}.`;
  if (state?.source.state === 'down')
    return `Nothing recorded in this range. The routers cannot be reached right now: ${state.source.message ?? 'check the source in Settings'}.`;
  return 'Nothing recorded in this range: Bandwidth Tracker was not polling then. Figures appear once it has polled the routers twice.';
}

export function HistoryApp() {
  const [range, setRange] = useState<HistoryRange>('day');
  const [routerIds, setRouterIds] = useState<number[]>(routerFromUrl);
  // The range shown, and the one being typed: only a valid range, applied, is asked for.
  const [applied, setApplied] = useState(() => ({
    from: isoDate(new Date(Date.now() - 6 * 86_400_000)),
    to: isoDate(new Date()),
  }));
  const [draft, setDraft] = useState(applied);
  const draftErrors = customRangeErrors(draft.from, draft.to, isoDate(new Date()));
  const draftValid = Object.keys(draftErrors).length === 0;
  // Checked as typed (a date field gives a value only once complete): the chart stays.
  const shownErrors: CustomRangeErrors = draftErrors;
  const { from, to } = applied;
  const apply = () => {
    if (draftValid) setApplied(draft);
  };
  const { state } = useAppState();

  useEffect(() => bandwidthClient().onHistoryFocus(({ routerId }) => setRouterIds([routerId])), []);

  // The page draws per-bucket sums; each router's buckets are asked for on Export CSV only.
  const request: HistoryRequest = useMemo(
    () => ({
      range,
      routerIds,
      timeZone: TIME_ZONE,
      ...(range === 'custom' ? { from, to } : {}),
      detail: 'sums',
    }),
    [range, routerIds, from, to],
  );
  const history = useHistory(request);
  const result = history.result;
  // "Internet (edge routers)" is the headline's routers, not the sum of every router.
  const [site, setSite] = useState<SiteGroup | null>(null);
  // Sets, not arrays: a site can hold thousands of routers, looked up once per router.
  const chosen = useMemo(() => new Set(routerIds), [routerIds]);
  const headlineIds = useMemo(() => {
    if (result?.edge === undefined) return undefined;
    const edge = result.edge.routerIds;
    if (routerIds.length === 0) return new Set(edge);
    // A whole site chosen: its internet usage is its edge routers (all of them where it has none).
    const wholeSite =
      site !== null &&
      site.routers.length === chosen.size &&
      site.routers.every((r) => chosen.has(r.id));
    if (!wholeSite || result.edge.rule === 'all') return undefined;
    const inSite = edge.filter((id) => chosen.has(id));
    return inSite.length > 0 ? new Set(inSite) : undefined;
  }, [result, routerIds, chosen, site]);
  const series = useMemo(
    () => (result === null ? null : historySeries(result, TIME_ZONE, undefined, headlineIds)),
    [result, headlineIds],
  );
  const edgeRule = result?.edge?.rule ?? state?.totals.edgeRule;
  const [exporting, setExporting] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const exportCsv = useCallback(async () => {
    // The shown range and routers, with every router's buckets (the figures as of now).
    const full: HistoryRequest = { ...request, detail: 'buckets' };
    const today = isoDate(new Date());
    setExporting({ busy: true });
    try {
      const answer = await bandwidthClient().getHistory(full);
      downloadCsv(historyCsv(answer, TIME_ZONE), historyCsvName(range, today, applied));
      setExporting({ busy: false });
    } catch (error) {
      setExporting({
        busy: false,
        error: loadFailure(error instanceof Error ? error.message : String(error)),
      });
    }
  }, [request, range, applied]);
  const quotaOverlay = useQuotaOverlay(range, result?.bucket ?? null, series);
  const total = useMemo(
    () =>
      series === null ? 0n : [...series.rxBytes, ...series.txBytes].reduce((a, b) => a + b, 0n),
    [series],
  );
  const edge = result?.edge;
  const edgeIds = useMemo(() => new Set(edge?.routerIds ?? []), [edge]);
  const allRouters = state?.routers;
  // A chosen site narrows the router choices; "all" then means all of that site's routers.
  const routers = useMemo(() => {
    if (allRouters === undefined) return [];
    if (site === null) return allRouters;
    const inSite = new Set(site.routers.map((r) => r.id));
    return allRouters.filter((r) => inSite.has(r.id));
  }, [allRouters, site]);
  const siteIds = useMemo(() => (site === null ? [] : site.routers.map((r) => r.id)), [site]);
  const chooseSite = useCallback((picked: SiteGroup | null) => {
    setSite(picked);
    setRouterIds(picked === null ? [] : picked.routers.map((r) => r.id));
  }, []);
  const toggle = useCallback(
    (id: number) =>
      setRouterIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id])),
    [],
  );
  const inside = useMemo(
    () => (edgeRule !== 'all' && edge !== undefined ? (id: number) => !edgeIds.has(id) : undefined),
    [edgeRule, edge, edgeIds],
  );

  return (
    <main className="history">
      <header className="history__header">
        <h1>
          Bandwidth history{' '}
          {state !== null && state.sourceLabel !== '' && (
            <span className="demo-badge">{state.sourceLabel}</span>
          )}
        </h1>
        <p className="history__zone">Times in {TIME_ZONE}</p>
      </header>

      <section className="history__controls" aria-label="What to show">
        <fieldset className="history__ranges">
          <legend>Range</legend>
          {RANGES.map(([value, label]) => (
            <label key={value} className="history__range">
              <input
                type="radio"
                name="range"
                value={value}
                checked={range === value}
                onChange={() => setRange(value)}
              />
              {label}
            </label>
          ))}
          {range === 'custom' && (
            <span className="history__custom">
              <span className="history__date">
                <label htmlFor="custom-from">From</label>
                <input
                  id="custom-from"
                  type="date"
                  value={draft.from}
                  max={isoDate(new Date())}
                  aria-invalid={shownErrors.from !== undefined}
                  aria-describedby={
                    shownErrors.from !== undefined ? 'custom-from-error' : undefined
                  }
                  onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
                  onKeyDown={(e) => e.key === 'Enter' && apply()}
                />
                {shownErrors.from !== undefined && (
                  <span id="custom-from-error" className="field-error">
                    {shownErrors.from}
                  </span>
                )}
              </span>
              <span className="history__date">
                <label htmlFor="custom-to">To</label>
                <input
                  id="custom-to"
                  type="date"
                  value={draft.to}
                  max={isoDate(new Date())}
                  aria-invalid={shownErrors.to !== undefined}
                  aria-describedby={shownErrors.to !== undefined ? 'custom-to-error' : undefined}
                  onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
                  onKeyDown={(e) => e.key === 'Enter' && apply()}
                />
                {shownErrors.to !== undefined && (
                  <span id="custom-to-error" className="field-error">
                    {shownErrors.to}
                  </span>
                )}
              </span>
              <button
                type="button"
                onClick={apply}
                disabled={!draftValid || (draft.from === applied.from && draft.to === applied.to)}
              >
                Apply
              </button>
              {draftValid && (
                <span className="history__note">By {customBucketName(draft.from, draft.to)}</span>
              )}
            </span>
          )}
        </fieldset>
        <fieldset className="history__routers">
          <legend>Routers</legend>
          <SiteFilter
            routers={allRouters ?? NO_ROUTERS}
            value={site?.key ?? null}
            onChange={chooseSite}
          />
          <label>
            <input
              type="checkbox"
              checked={
                site === null
                  ? routerIds.length === 0
                  : siteIds.length === chosen.size && siteIds.every((id) => chosen.has(id))
              }
              onChange={() => setRouterIds(siteIds)}
            />
            {site === null
              ? headlineLabel(edgeRule)
              : `${headlineLabel(edgeRule)} of ${site.label}`}
          </label>
          <RouterChooser routers={routers} chosen={chosen} onToggle={toggle} inside={inside} />
        </fieldset>
        <button
          type="button"
          disabled={result === null || exporting.busy}
          onClick={() => void exportCsv()}
        >
          Export CSV
        </button>
        {exporting.busy && (
          <span className="history__note" role="status">
            Preparing the CSV…
          </span>
        )}
      </section>
      {exporting.error !== undefined && (
        <p className="notice notice--bad" role="alert">
          The CSV cannot be exported: {exporting.error}
        </p>
      )}

      {history.status === 'error' && (
        <p className="notice notice--bad" role="alert">
          History cannot be loaded: {loadFailure(history.message)}
          {history.result !== null && ' The chart below is the last one that loaded.'}
        </p>
      )}
      {result !== null && series !== null && (
        <>
          <EdgeNote rule={edgeRule} routerCount={result.routers.length} />
          {emptyReason(series, result, total, state) !== null && (
            <p className="notice" role="status" data-testid="history-empty">
              {emptyReason(series, result, total, state)}
            </p>
          )}
          {series.monitored.some(Boolean) && !series.monitored.every(Boolean) && (
            <p className="history__note">
              Gaps are times Bandwidth Tracker was not polling; the average rate counts only the
              time it was.
            </p>
          )}
          <HistoryChart
            series={series}
            description={`${routerIds.length === 0 ? `${headlineLabel(edgeRule)}: traffic` : 'Traffic'} per ${result.bucket}: ${formatBytes(total)} in total over the range`}
            quota={quotaOverlay}
          />
          <QuotaLegend overlay={quotaOverlay} series={series} />
          <BucketTable series={series} bucketName={result.bucket} />
          <SummaryTable rows={result.summary} edge={result.edge} />
        </>
      )}
      {history.status === 'loading' && result === null && <p role="status">Loading history…</p>}
    </main>
  );
}
