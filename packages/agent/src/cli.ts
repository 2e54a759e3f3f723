#!/usr/bin/env node
if (!process.env.ANTHROPIC_API_KEY && !process.env.ANTHROPIC_AUTH_TOKEN) {
  process.stderr.write(
    "mcp-agent: ANTHROPIC_API_KEY is not set: export ANTHROPIC_API_KEY=sk-ant-… (or ANTHROPIC_AUTH_TOKEN for a gateway) and try again\n",
  );
  process.exit(1);
}
