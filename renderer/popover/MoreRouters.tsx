import './more-routers.css';

type Props = { count: number; onOpen: () => void };

/** Under a list cut at the busiest routers: how many more there are, and where they all are. */
export function MoreRouters({ count, onOpen }: Props) {
  if (count <= 0) return null;
  return (
    <p className="more-routers">
      {count.toLocaleString('en-US')} more router(s), quieter when this list was sorted.{' '}
      <button type="button" className="more-routers__open" onClick={onOpen}>
        See every router in the history
      </button>
    </p>
  );
}
