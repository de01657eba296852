import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices, SIGNED_OUT_NOTICE } from './app/services';
import { ServicesProvider } from './app/services-context';
import { useAuth } from './auth/auth-store';
import { createBridge } from './bridge';
import './styles/base.css';
import './styles/dashboard.css';
import './styles/settings.css';
import './styles/viewer.css';

// The composition root: the one place that picks the bridge and builds the services.
const services = createServices({
  bridge: createBridge(),
  fetch: (url, init) => window.fetch(url, init),
  onSignedOut: () => useAuth.getState().signedOut(SIGNED_OUT_NOTICE),
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ServicesProvider services={services}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
