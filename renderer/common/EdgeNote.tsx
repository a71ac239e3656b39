import { EDGE_NOTE, EDGE_NOTE_SHORT, needsEdgeNote } from '../../shared/edge-text';
import type { EdgeRule } from '../../shared/router-role';
import './edge-note.css';

type Props = { rule: EdgeRule | undefined; routerCount: number };

/** Says the headline double-counts while no router is the internet edge; nothing otherwise. */
export function EdgeNote({ rule, routerCount }: Props) {
  if (!needsEdgeNote(rule, routerCount)) return null;
  return (
    <p className="edge-note" data-testid="edge-note" title={EDGE_NOTE}>
      <span className="edge-note__full">{EDGE_NOTE}</span>
      <span className="edge-note__short">{EDGE_NOTE_SHORT}</span>
    </p>
  );
}
