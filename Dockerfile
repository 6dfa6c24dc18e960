# syntax=docker/dockerfile:1
# Airbyte source connector for Salesforce, as the platform runs it:
#   docker run --rm -v "$PWD/secrets:/secrets:ro" airbyte/source-salesforce-ts:0.1.0 check --config /secrets/config.json
#
# Three stages on the same Node base: production dependencies, the TypeScript build, and a runtime
# stage holding only those two results. Behind a TLS-inspecting proxy, npm must trust the proxy's CA:
#   --secret id=npm_ca,src=/path/proxy-ca.pem   (docker and podman) the CA, added to Node's own for npm ci;
#   --build-arg NPM_CONFIG_CAFILE=/path/bundle  a whole CA bundle already visible inside the build
#                                               (podman build -v /etc/ssl/certs:/etc/ssl/certs:ro ...).
# Both are optional: NPM_CONFIG_CAFILE defaults to empty (npm's own CAs) so the build warns about neither.

# --- production dependencies only (got, ajv, ajv-formats) -------------------------------------------
# Exactly the versions in package-lock.json.
FROM node:24-bookworm-slim AS deps
ARG NPM_CONFIG_CAFILE=
WORKDIR /build
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
 && npm ls --omit=dev >/dev/null \
 && rm -rf /root/.npm

# --- compile the connector (tests, emulator and demo are not part of the image) ---------------------
FROM node:24-bookworm-slim AS build
ARG NPM_CONFIG_CAFILE=
WORKDIR /build
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY generated ./generated
COPY connector ./connector
RUN npx tsc -p tsconfig.build.json

# --- runtime -----------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
LABEL io.airbyte.name="airbyte/source-salesforce-ts" \
      io.airbyte.version="0.1.0" \
      org.opencontainers.image.title="source-salesforce" \
      org.opencontainers.image.description="Airbyte source connector for Salesforce (Client Credentials, refresh token or JWT bearer flow)" \
      org.opencontainers.image.licenses="MIT"
# The same V8 flags as the CLI's shebang (see connector/cli.ts); NODE_OPTIONS so a platform can override them.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=2" \
    AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/connector/cli.js"
# The connector runs as an unprivileged user; its code stays owned by root and read-only to it. A
# regular (not --system) account: useradd warns that uid 10001 is above the range of system ones.
RUN groupadd --system --gid 10001 airbyte \
 && useradd --uid 10001 --gid airbyte --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin airbyte
WORKDIR /airbyte/integration_code
# package.json carries "type": "module", which makes Node load dist/ as ES modules.
# --chmod: files of a checkout made (or pulled) under umask 077 are their owner's alone, and uid 10001
# could not read them; the image's copies are readable whatever the checkout's modes.
COPY --chmod=644 package.json spec.json ./
COPY --chmod=644 schemas/*.json ./schemas/
# The user guide, where spec.json's documentationUrl points.
COPY --chmod=644 docs/salesforce.md ./docs/
COPY --from=deps /build/node_modules ./node_modules
COPY --from=build /build/dist/connector ./dist/connector
COPY --from=build /build/dist/generated ./dist/generated
USER 10001:10001
ENTRYPOINT ["node", "/airbyte/integration_code/dist/connector/cli.js"]
