import { defineConfig } from 'wxt';
import { apiHostPermission, normalizeApiUrl } from './extension/lib/api-url';
import { IMAGE_CDN_HOSTS, MARKETPLACES, SELLER_CENTER_ORIGINS } from './shared/marketplaces';

// Read lazily (inside the functions below): WXT loads .env files after this module is evaluated.
const apiUrl = (): string => normalizeApiUrl(process.env.WXT_API_URL);

/**
 * Exactly the hosts the extension needs (security.md, "Extension (Chrome MV3)"): the seller centers the
 * content scripts run on, the CDNs the background downloads listing images from, and the API.
 */
function hostPermissions(): string[] {
  const sellerCenters = MARKETPLACES.flatMap((m) => SELLER_CENTER_ORIGINS[m].map((origin) => `${origin}/*`));
  const imageCdns = MARKETPLACES.flatMap((m) => IMAGE_CDN_HOSTS[m].map((host) => `https://${host}/*`));
  return [...new Set([...sellerCenters, ...imageCdns, apiHostPermission(apiUrl())])];
}

export default defineConfig({
  srcDir: 'extension',
  modules: ['@wxt-dev/module-react'],
  // Explicit imports only: every file says where `browser`, `storage`, `defineContentScript` come from.
  imports: false,
  manifest: () => ({
    name: 'Lumiku Seller Studio',
    description: 'Enhance your marketplace listing photos right inside the seller center.',
    // downloads: the background saves ZIP exports with the token in a request header (extension/lib/handlers.ts).
    permissions: ['storage', 'downloads'],
    host_permissions: hostPermissions(),
  }),
  vite: () => ({
    // One resolved value (default applied) for the code, so it always matches the host permission above.
    define: { 'import.meta.env.WXT_API_URL': JSON.stringify(apiUrl()) },
  }),
});
