import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves the build (apps/web/dist) at `/`; in `npm run dev -w @mercato/web` Vite
// serves the sources and passes API calls to a gateway on :8080 (GATEWAY_URL to change it).
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  // The gateway keeps React 18 for GraphiQL at the root of node_modules: one React 19 for every library here.
  resolve: { dedupe: ["react", "react-dom"] },
  // scripts/build.ts holds the first load to 200 KB gzipped; Vite's own 500 KB warning counts
  // minified bytes of one chunk and would only repeat that check, less exactly.
  build: { target: "es2022", sourcemap: false, reportCompressedSize: false, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      "/graphql": { target: gateway, ws: true },
      "/api": gateway,
    },
  },
});
