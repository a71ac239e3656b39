import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/theme.css';
import { HistoryApp } from './HistoryApp';

const root = document.getElementById('root');
if (root === null) throw new Error('history.html has no #root');
createRoot(root).render(
  <StrictMode>
    <HistoryApp />
  </StrictMode>,
);
