import { defineConfig, loadEnv } from 'vite';

/**
 * No plugin needed: Vite compiles TSX itself (React's automatic runtime, from tsconfig "jsx").
 * VITE_DEV_PROXY=http://127.0.0.1:4000 with VITE_GATEWAY_URL=/graphql serves the gateway through
 * `vite` / `vite preview` on the dashboard's own origin (HTTP and graphql-ws), for a gateway
 * that does not answer CORS for this origin.
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_');
  const proxy = env.VITE_DEV_PROXY ? { '/graphql': { target: env.VITE_DEV_PROXY, ws: true, changeOrigin: true } } : undefined;
  return {
    // Relative asset URLs: dist/ can be served from any path.
    base: './',
    build: { sourcemap: true },
    server: { proxy },
    preview: { proxy },
  };
});
