# Placement Companion — container image (Node 20, runs the TypeScript sources with tsx).
# Build:  docker build -t placement-companion .
# Run:    docker run -p 3978:3978 -e MONGODB_URI=... -e MicrosoftAppId=... -e MicrosoftAppPassword=... \
#           -e MicrosoftAppTenantId=... -e MicrosoftAppType=SingleTenant placement-companion
# Secrets are passed at run time (App Service settings / Key Vault references), never baked in.
FROM node:20-slim

ENV NODE_ENV=production \
    PORT=3978 \
    TZ=Europe/London

WORKDIR /app

# Dependencies first for layer caching. `npm start` runs tsx, which is a devDependency today,
# so this installs the full tree (see docs/deploy.md: "Image size").
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .

USER node
EXPOSE 3978

# Fail fast with a clear message when the database is not configured.
CMD ["sh", "-c", "if [ -z \"$MONGODB_URI\" ]; then echo 'MONGODB_URI is required (mongodb:// or mongodb+srv:// connection string)' >&2; exit 1; fi; exec npm start"]
