import type { RouterLive } from '../../shared/ipc-contract';
import { formatBytes, formatMbps } from '../common/format';
import { FRESHNESS_TEXT } from './router-order';

type Props = { router: RouterLive };

export function RouterRow({ router }: Props) {
  return (
    <li className="router-row" data-router-id={router.id}>
      <span
        className={`router-row__dot router-row__dot--${router.freshness}`}
        role="img"
        aria-label={FRESHNESS_TEXT[router.freshness]}
        title={FRESHNESS_TEXT[router.freshness]}
      />
      <span className="router-row__name" title={router.mac}>
        {router.name}
      </span>
      <span className="router-row__rate">
        <span className="rx">
          <span aria-hidden="true">↓</span>
          <span className="visually-hidden">download</span> {formatMbps(router.rxMbps)}
        </span>{' '}
        <span className="tx">
          <span aria-hidden="true">↑</span>
          <span className="visually-hidden">upload</span> {formatMbps(router.txMbps)}
        </span>
      </span>
      <span className="router-row__today">
        today{' '}
        <span className="router-row__today-rx">{formatBytes(BigInt(router.todayRxBytes))}</span> ↓ /{' '}
        <span className="router-row__today-tx">{formatBytes(BigInt(router.todayTxBytes))}</span> ↑
      </span>
    </li>
  );
}
