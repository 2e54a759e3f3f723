# One image per server, chosen at build time:
#   docker build --build-arg SERVER=filesystem -t mcp-filesystem .    (or sqlite, http)
#   export MCP_AUTH_TOKEN=$(openssl rand -hex 32)      (keep it: clients send it as their bearer token)
#   docker run -p 3000:3000 -e MCP_AUTH_TOKEN -v "$PWD/workspace:/workspace" mcp-filesystem
# The server speaks stateless Streamable HTTP at /mcp (bearer token required) and answers GET /healthz.

ARG SERVER=filesystem

FROM node:20-slim AS build
ARG SERVER
# better-sqlite3 compiles its native addon when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN npm install --global pnpm@10.34.9
WORKDIR /src
COPY . .
# `prepare` builds every package.
RUN pnpm install --frozen-lockfile
# The one server package with only its production dependencies (core included), in /out.
RUN pnpm --filter "@mcp-toolkit/${SERVER}" deploy --prod --legacy /out

FROM node:20-slim
ARG SERVER
ENV NODE_ENV=production \
    SERVER=${SERVER} \
    MCP_WORKSPACE=/workspace \
    MCP_SQLITE_DB=/workspace/data.db \
    MCP_LOG_LEVEL=info
WORKDIR /app
COPY --from=build --chown=node:node /out packages/${SERVER}
RUN mkdir -p /workspace && chown node:node /workspace
VOLUME ["/workspace"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# MCP_AUTH_TOKEN must be given at run time: without it the server refuses to start, saying so in one line.
CMD ["sh", "-c", "exec node packages/$SERVER/dist/cli.cjs --transport http --host 0.0.0.0 --port 3000"]
