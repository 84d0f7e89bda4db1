import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './shell/ErrorBoundary';
import { registerOffline } from './share/offline';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    {/* Never a blank page: if the shell itself fails, say so and offer a reload. */}
    <ErrorBoundary what="playground">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

// Offline after the first visit (production builds only).
registerOffline();
