# Placement Companion — container image (Node 20). Multi-stage: the build stage compiles the
# service (tsc → dist/src) and the tab (vite → dist/web) once and drops the dev dependencies;
# the runtime stage holds only the compiled output, production node_modules, cards/ and
# package.json, and runs plain node as the unprivileged `node` user (no tsx, no vite, nothing
# written to the file system: it can run with a read-only root file system).
# Build:  docker build -t placement-companion .
# Run:    docker run --read-only -p 3978:3978 -e MONGODB_URI=... -e MicrosoftAppId=... \
#           -e MicrosoftAppTenantId=... -e MicrosoftAppPassword=... -e PUBLIC_BASE_URL=https://... \
#           -e EXPORT_LINK_SECRET=... -e SURVEY_HMAC_SECRET=... placement-companion
# Secrets are passed at run time (App Service settings / Key Vault references), never baked in.

FROM node:20-slim AS build
WORKDIR /app
# Dependencies first for layer caching.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY tools/local-db/local-db.ts ./tools/local-db/local-db.ts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    TZ=Europe/London
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY cards ./cards
USER node
EXPOSE 3978
# SIGTERM goes straight to node (no shell or npm in between), which drains and exits.
CMD ["node", "dist/src/index.js"]
