import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/theme.css';
import { SettingsApp } from './SettingsApp';

const root = document.getElementById('root');
if (root === null) throw new Error('settings.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SettingsApp />
  </StrictMode>,
);
