import { memo, useMemo, useState } from 'react';

/**
 * Checkboxes drawn at a time. Past this (10,000 routers drew 10,000 checkboxes, seconds to show
 * and to update each cycle) the chosen routers come first, then the others up to this many, and
 * a search by name finds the rest.
 */
export const ROUTER_CHOICES = 100;

type Props = {
  routers: ReadonlyArray<{ id: number; name: string }>;
  chosen: ReadonlySet<number>;
  onToggle: (id: number) => void;
  /** The routers to mark "(inside device)": none when undefined. */
  inside?: (id: number) => boolean;
};

/** One checkbox per router to chart; with many routers, a search and the first matches. */
export const RouterChooser = memo(function RouterChooser({
  routers,
  chosen,
  onToggle,
  inside,
}: Props) {
  const [query, setQuery] = useState('');
  const many = routers.length > ROUTER_CHOICES;
  const needle = query.trim().toLowerCase();
  const { shown, matching } = useMemo(() => {
    if (!many) return { shown: routers, matching: routers.length };
    const matches =
      needle === '' ? routers : routers.filter((r) => r.name.toLowerCase().includes(needle));
    // The chosen ones first, so a choice never disappears from the list.
    const first = matches.filter((r) => chosen.has(r.id));
    const rest: Array<{ id: number; name: string }> = [];
    for (const router of matches) {
      if (first.length + rest.length >= ROUTER_CHOICES) break;
      if (!chosen.has(router.id)) rest.push(router);
    }
    return { shown: [...first.slice(0, ROUTER_CHOICES), ...rest], matching: matches.length };
  }, [many, routers, chosen, needle]);

  return (
    <>
      {many && (
        <label className="history__find">
          Find routers{' '}
          <input
            type="search"
            className="history__search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      )}
      {shown.map((router) => (
        <label key={router.id}>
          <input
            type="checkbox"
            checked={chosen.has(router.id)}
            onChange={() => onToggle(router.id)}
          />
          <bdi>{router.name}</bdi>
          {inside?.(router.id) === true && (
            <span className="edge-note__inside"> (inside device)</span>
          )}
        </label>
      ))}
      {many && (
        <span className="history__note" role="status" data-testid="router-choices-count">
          {shown.length < matching
            ? `${shown.length.toLocaleString('en-US')} of ${matching.toLocaleString('en-US')} routers${needle === '' ? '' : ' that match'} listed: type part of a name to find the others.`
            : `${matching.toLocaleString('en-US')} router(s) match.`}
        </span>
      )}
    </>
  );
});
