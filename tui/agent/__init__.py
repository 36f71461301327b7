"""The MCP server (`pipedrive-tui mcp`): reads over the cache, writes as proposals (server.py)."""
