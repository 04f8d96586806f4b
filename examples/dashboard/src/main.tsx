import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App';
import { createGatewayClient } from './client';
import { readConfig } from './config';
import './styles.css';

const config = readConfig();
const client = createGatewayClient(config);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={client}>
      <App refreshSeconds={config.refreshSeconds} />
    </Provider>
  </StrictMode>,
);
