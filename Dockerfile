# Production image: build with dev dependencies, run with production ones only, as a non-root user.
# Node 24 LTS, pinned to the version CI tests (.ci/node24/package.json).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The reference dashboard (an npm workspace) is not part of the image: only the root is installed.
RUN npm ci --workspaces=false
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY schema ./schema
COPY src ./src
RUN npm run build && npm prune --omit=dev --workspaces=false

FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# With GATEWAY_CONFIG set the gateway serves real upstreams; without it, the demo.
# A 2 MB young generation keeps RSS low with large session lists (measured by npm run bench).
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
