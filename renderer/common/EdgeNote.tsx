import { EDGE_NOTE, needsEdgeNote } from '../../shared/edge-text';
import type { EdgeRule } from '../../shared/router-role';
import './edge-note.css';

type Props = { rule: EdgeRule | undefined; routerCount: number };

/** Says the headline double-counts while no router is the internet edge; nothing otherwise. */
export function EdgeNote({ rule, routerCount }: Props) {
  if (!needsEdgeNote(rule, routerCount)) return null;
  return (
    <p className="edge-note" data-testid="edge-note">
      {EDGE_NOTE}
    </p>
  );
}
