"""The official `mcp` Python SDK against Concierge's MCP server (/mcp, Streamable HTTP).

Run by tests/api/mcp.rs against a server it started on a free port: a client's key that may
propose actions, her event, another client's event and another venue's event. Exits non-zero
with the reason on the first check that fails.
"""

import asyncio
import json
import os
import sys

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

URL = os.environ["CONCIERGE_URL"] + "/mcp"
KEY = os.environ["CONCIERGE_KEY"]
EVENT = int(os.environ["CONCIERGE_EVENT"])
OTHER_EVENT = int(os.environ["CONCIERGE_OTHER_EVENT"])
RIVAL_EVENT = int(os.environ["CONCIERGE_RIVAL_EVENT"])
GUEST = os.environ["CONCIERGE_GUEST"]
OTHER_GUEST = os.environ["CONCIERGE_OTHER_GUEST"]


def check(cond, what):
    if not cond:
        print("FAILED:", what, flush=True)
        sys.exit(1)
    print("ok:", what.split("\n")[0][:120], flush=True)


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "text", None))


async def main():
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}, timeout=60) as http:
        async with streamable_http_client(URL, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check(init.server_info.name == "concierge", f"the server says who it is: {init.server_info.name}")

                tools = {t.name: t for t in (await session.list_tools()).tools}
                check("view_guest_list" in tools and "add_guest" in tools, f"a client's tools: {sorted(tools)}")
                check("list_vendors" not in tools and "search_clients" not in tools, "no staff tools for a client")
                check(tools["view_guest_list"].input_schema.get("type") == "object", "tools carry their schemas")

                # A read tool, on her own event.
                r = await session.call_tool("view_guest_list", {"event_id": EVENT})
                check(not r.is_error and GUEST in text_of(r), f"her guest list: {text_of(r)[:200]!r}")

                # An action: queued for approval, not done.
                r = await session.call_tool("add_guest", {"event_id": EVENT, "name": "Mallory MCP"})
                t = text_of(r)
                check(not r.is_error and "Pending approval" in t and "/chat/" in t, f"an action waits: {t!r}")

                # Another client's event and another venue's: refused by the tool.
                for event in (OTHER_EVENT, RIVAL_EVENT):
                    r = await session.call_tool("view_guest_list", {"event_id": event})
                    t = text_of(r)
                    check(r.is_error and OTHER_GUEST not in t, f"event {event} is refused: {t!r}")

                # Arguments that do not fit the schema are refused before anything runs.
                r = await session.call_tool("add_guest", {"event_id": EVENT, "name": "X", "party_size": "many"})
                check(r.is_error, f"bad arguments are refused: {text_of(r)!r}")

                # A tool the key does not have is a protocol error.
                try:
                    await session.call_tool("list_vendors", {})
                    check(False, "a staff tool is refused")
                except MCPError as e:
                    check(e.code == -32602, f"a tool the key lacks is refused: {e.error.message}")

    # A wrong key gets nothing.
    try:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer ck_" + "0" * 64}, timeout=30) as http:
            async with streamable_http_client(URL, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    await session.list_tools()
        check(False, "a wrong key is refused")
    except BaseException as e:  # the SDK raises an ExceptionGroup around an MCPError
        check("Server returned an error" in repr(e) or "401" in repr(e), f"a wrong key is refused: {type(e).__name__}")

    print("all MCP checks passed", flush=True)


asyncio.run(main())
