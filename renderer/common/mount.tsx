import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './theme.css';

/** Renders a page's root component into its #root element. */
export function mountPage(page: string, app: React.ReactNode): void {
  const root = document.getElementById('root');
  if (root === null) throw new Error(`${page}.html has no #root`);
  createRoot(root).render(<StrictMode>{app}</StrictMode>);
}
