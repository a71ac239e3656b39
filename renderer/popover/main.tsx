import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/theme.css';
import { PopoverApp } from './PopoverApp';

const root = document.getElementById('root');
if (root === null) throw new Error('popover.html has no #root');
createRoot(root).render(
  <StrictMode>
    <PopoverApp />
  </StrictMode>,
);
