import { useState } from 'react';
import { EDGE_NOTE, needsEdgeNote, ROLE_TEXT } from '../../shared/edge-text';
import type { RouterLive } from '../../shared/ipc-contract';
import type { RouterRole } from '../../shared/types';
import { bandwidthClient } from '../client/bandwidth-client';
import { useAppState } from '../hooks/useAppState';
import './router-roles.css';

type Choice = 'auto' | RouterRole;

function automaticText(router: RouterLive): string {
  const said = router.sourceRole ?? null;
  return said === null ? 'Automatic (the source does not say)' : `Automatic (${ROLE_TEXT[said]})`;
}

/**
 * Which routers are the internet edge. The headline (tray, popover, history totals) adds up
 * the edge routers only; the marks are saved in MySQL, so every copy on the database agrees.
 */
export function RouterRoles() {
  const { state } = useAppState();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  if (state === null) return null;
  const routers = [...state.routers].sort((a, b) => a.name.localeCompare(b.name));

  async function choose(router: RouterLive, choice: Choice) {
    setBusy(router.id);
    setMessage(null);
    try {
      const result = await bandwidthClient().setRouterRole({
        routerId: router.id,
        role: choice === 'auto' ? null : choice,
      });
      setMessage(
        result.ok
          ? {
              ok: true,
              text: `Saved: ${router.name} is ${choice === 'auto' ? 'back to what the source says' : `marked as ${ROLE_TEXT[choice].toLowerCase()}`}.`,
            }
          : { ok: false, text: result.message },
      );
    } catch (error) {
      setMessage({ ok: false, text: `The mark was not saved: ${(error as Error).message}` });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="router-roles" aria-labelledby="router-roles-title">
      <h2 id="router-roles-title">Routers</h2>
      <p className="router-roles__intro">
        The totals count the internet usage once: the traffic of the internet edge routers (a
        gateway's WAN). Inside devices (switches, access points) are shown as a breakdown. Marks are
        saved in the database, so every computer using it agrees.
      </p>
      {needsEdgeNote(state.totals.edgeRule, routers.length) && (
        <p className="router-roles__note" data-testid="router-roles-note">
          {EDGE_NOTE.replace('in Settings', 'below')}
        </p>
      )}
      {routers.length === 0 ? (
        <p className="router-roles__intro">Routers appear here after the first poll.</p>
      ) : (
        <ul className="router-roles__list">
          {routers.map((router) => {
            const id = `router-role-${router.id}`;
            return (
              <li key={router.id} className="router-roles__item" data-router-id={router.id}>
                <label htmlFor={id} className="router-roles__name">
                  <bdi>{router.name}</bdi> <span className="router-roles__mac">{router.mac}</span>
                </label>
                <select
                  id={id}
                  value={router.markedRole ?? 'auto'}
                  disabled={busy !== null}
                  onChange={(e) => void choose(router, e.target.value as Choice)}
                >
                  <option value="auto">{automaticText(router)}</option>
                  <option value="edge">{ROLE_TEXT.edge}</option>
                  <option value="inside">{ROLE_TEXT.inside}</option>
                </select>
              </li>
            );
          })}
        </ul>
      )}
      {message !== null && (
        <p className={`notice${message.ok ? '' : ' notice--bad'}`} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
