import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './query-client';
import './page.css';

/** Renders an extension page (popup, options) with its own query client. */
export function mountPage(app: ReactNode): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('#root is missing from the page');
  createRoot(container).render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>{app}</QueryClientProvider>
    </StrictMode>,
  );
}
