import { memo } from 'react';
import type { RouterLive } from '../../shared/ipc-contract';
import type { EdgeRule } from '../../shared/router-role';
import { formatBytes, formatMbps } from '../common/format';
import { RoleBadge } from './RoleBadge';
import { FRESHNESS_TEXT } from './router-order';
import { Sparkline } from './Sparkline';

type Props = {
  router: RouterLive;
  onOpen: (routerId: number) => void;
  /** Which routers the header adds up: each row then says whether it is one of them. */
  edgeRule?: EdgeRule;
};

/**
 * One router on one line; the whole row is a button that opens its history. Drawn again only
 * when its figures change: a cycle that fetched 500 rows leaves the unchanged ones alone.
 */
export const RouterRow = memo(function RouterRow({ router, onOpen, edgeRule }: Props) {
  const measuring = router.measuring === true;
  const freshness = measuring
    ? 'Measuring: a rate needs two readings'
    : FRESHNESS_TEXT[router.freshness];
  const month =
    router.monthRxBytes === undefined
      ? null
      : BigInt(router.monthRxBytes) + BigInt(router.monthTxBytes ?? '0');
  return (
    <li className="router-row-item">
      <button
        type="button"
        className="router-row"
        data-router-id={router.id}
        onClick={() => onOpen(router.id)}
        title={`${router.name} (${router.mac}): open its history`}
      >
        <span
          className={`router-row__dot router-row__dot--${measuring ? 'measuring' : router.freshness}`}
          role="img"
          aria-label={freshness}
        />
        <span className="router-row__name">
          <bdi>{router.name}</bdi>
        </span>
        <Sparkline values={router.sparkline} label={`${router.name}, last hour`} />
        <span className="router-row__rate">
          {measuring ? (
            <span className="router-row__measuring">measuring…</span>
          ) : (
            <>
              <span className="rx">
                <span aria-hidden="true">↓</span>
                <span className="visually-hidden">download</span> {formatMbps(router.rxMbps)}
              </span>{' '}
              <span className="tx">
                <span aria-hidden="true">↑</span>
                <span className="visually-hidden">upload</span> {formatMbps(router.txMbps)}
              </span>
            </>
          )}
        </span>
        <span className="router-row__today">
          <RoleBadge router={router} rule={edgeRule} />
          today{' '}
          <span className="router-row__today-rx">{formatBytes(BigInt(router.todayRxBytes))}</span> ↓
          / <span className="router-row__today-tx">{formatBytes(BigInt(router.todayTxBytes))}</span>{' '}
          ↑{month === null ? '' : ` · month ${formatBytes(month)}`}
        </span>
      </button>
    </li>
  );
});
