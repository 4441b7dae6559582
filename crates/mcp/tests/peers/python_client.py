"""The official Python MCP SDK (PyPI `mcp`) against specdex's MCP server.

    python_client.py --url http://127.0.0.1:PORT/mcp
    python_client.py --stdio COMMAND ARG...

Over HTTP and over stdio, in both protocol modes: the default (`auto`, which
negotiates 2026-07-28 through `server/discover`) and `legacy` (the
`initialize` handshake, 2025-11-25). The server must hold the fixtures of
crates/mcp/tests/fixtures: `petstore` (two versions) and `weather-service`.

Every check prints one line; the last line is `N passed, N failed`. Exit
status 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from typing import Any, Awaitable, Callable

from mcp import Client, StdioServerParameters
from mcp.types import PromptReference, ResourceTemplateReference

TOOLS = [
    "search_apis",
    "list_endpoints",
    "get_endpoints",
    "get_schemas",
    "get_spec_summary",
    "list_versions",
]

passed = 0
failed = 0


def report(ok: bool, label: str, detail: str = "") -> None:
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {label}")
    else:
        failed += 1
        print(f"FAIL {label}{': ' + detail if detail else ''}")


def text_of(result: Any) -> str:
    return "\n".join(getattr(c, "text", "") for c in result.content)


async def check(label: str, run: Callable[[], Awaitable[None]]) -> None:
    try:
        await run()
        report(True, label)
    except AssertionError as e:
        report(False, label, str(e) or "assertion failed")
    except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
        report(False, label, f"{type(e).__name__}: {e}")
        traceback.print_exc(file=sys.stderr)


async def exercise(client: Client, where: str, expect_version: str) -> None:
    async def protocol() -> None:
        assert client.protocol_version == expect_version, client.protocol_version

    async def identity() -> None:
        assert client.server_info is None or client.server_info.name == "specdex", client.server_info
        instructions = client.instructions or ""
        assert "search_apis" in instructions and "get_endpoints" in instructions, instructions[:200]

    async def tools() -> None:
        listed = await client.list_tools()
        names = [t.name for t in listed.tools]
        assert names == TOOLS, names
        for tool in listed.tools:
            assert tool.title, f"{tool.name} has no title"
            assert tool.description, f"{tool.name} has no description"
            a = tool.annotations
            assert a is not None and a.read_only_hint is True and a.idempotent_hint is True, (tool.name, a)
            assert a.destructive_hint is False, (tool.name, a)
            assert tool.output_schema and tool.output_schema.get("type") == "object", tool.name
            props = tool.input_schema.get("properties", {})
            assert props and all(p.get("description") for p in props.values()), (tool.name, props)

    async def call(name: str, arguments: dict[str, Any], must_contain: str) -> None:
        # The SDK validates structuredContent against the tool's outputSchema.
        result = await client.call_tool(name, arguments)
        text = text_of(result)
        assert not result.is_error, text[:300]
        assert result.structured_content is not None, "no structuredContent"
        assert must_contain in text, f"{must_contain!r} not in {text[:300]!r}"

    async def error(name: str, arguments: dict[str, Any], *must_contain: str) -> None:
        result = await client.call_tool(name, arguments)
        text = text_of(result)
        assert result.is_error is True, f"not an error: {text[:300]}"
        for needle in must_contain:
            assert needle in text, f"{needle!r} not in {text!r}"

    async def resources() -> None:
        listed = await client.list_resources()
        uris = sorted(r.uri for r in listed.resources)
        assert uris == ["specdex://petstore/summary", "specdex://weather-service/summary"], uris
        templates = await client.list_resource_templates()
        got = sorted(t.uri_template for t in templates.resource_templates)
        assert "specdex://{provider}/endpoints/{method}/{path}" in got, got
        assert "specdex://{provider}/schemas/{name}" in got, got
        endpoint = await client.read_resource("specdex://petstore/endpoints/DELETE/pets/%7BpetId%7D")
        assert "DELETE /pets/{petId}" in endpoint.contents[0].text, endpoint.contents[0]
        schema = await client.read_resource("specdex://petstore/schemas/Pet?version=1.0.0")
        assert '"name"' in schema.contents[0].text, schema.contents[0]

    async def completions() -> None:
        ref = ResourceTemplateReference(uri="specdex://{provider}/endpoints/{method}/{path}")
        providers = await client.complete(ref, {"name": "provider", "value": "pet"})
        assert providers.completion.values == ["petstore"], providers.completion
        paths = await client.complete(ref, {"name": "path", "value": "pets/"}, {"provider": "petstore", "method": "DELETE"})
        assert paths.completion.values == ["pets/{petId}"], paths.completion
        names = await client.complete(
            ResourceTemplateReference(uri="specdex://{provider}/schemas/{name}"),
            {"name": "name", "value": "pe"},
            {"provider": "petstore"},
        )
        assert names.completion.values[:2] == ["Pet", "PetPage"], names.completion
        prompt = await client.complete(PromptReference(name="explore_api"), {"name": "provider", "value": "wea"})
        assert prompt.completion.values == ["weather-service"], prompt.completion

    async def prompts() -> None:
        listed = await client.list_prompts()
        names = sorted(p.name for p in listed.prompts)
        assert names == ["explore_api", "plan_call"], names
        got = await client.get_prompt("explore_api", {"provider": "petstore", "goal": "adopt a pet"})
        assert "adopt a pet" in got.messages[0].content.text, got.messages[0]
        assert "Endpoint groups" in got.messages[1].content.resource.text, got.messages[1]
        plan = await client.get_prompt("plan_call", {"task": "register a weather station"})
        assert "search_apis" in plan.messages[0].content.text, plan.messages[0]

    await check(f"{where}: protocol version {expect_version}", protocol)
    await check(f"{where}: server info and instructions", identity)
    await check(f"{where}: tools/list has the six tools, titled, annotated, with schemas", tools)
    calls = [
        ("search_apis", {"query": "delete pet"}, "DELETE"),
        ("search_apis", {"query": "weather", "scope": "providers", "limit": 3}, "weather-service"),
        ("list_endpoints", {"provider": "petstore", "method": "get", "limit": 1}, "cursor"),
        ("list_endpoints", {"provider": "petstore", "version": "1.0.0"}, "/pets/{petId}"),
        ("get_endpoints", {"provider": "petstore", "endpoints": ["POST /pets", "DELETE /pets/{petId}"]}, "curl"),
        ("get_endpoints", {"provider": "weather-service", "endpoints": ["get /forecast/{city}"]}, "X-Api-Key"),
        ("get_schemas", {"provider": "petstore", "names": ["Pet", "Person"], "depth": 1}, "## Person"),
        ("get_spec_summary", {"provider": "weather-service"}, "Forecasts"),
        ("list_versions", {"provider": "petstore"}, "superseded"),
    ]
    for name, arguments, needle in calls:
        await check(f"{where}: tools/call {name} {arguments}", lambda n=name, a=arguments, s=needle: call(n, a, s))
    errors = [
        ("get_endpoints", {"provider": "petstor", "endpoints": ["GET /pets"]}, ["petstore", "isError"]),
        ("get_endpoints", {"provider": "petstore", "endpoints": ["GET /pet/{petId}"]}, ["GET /pets/{petId}"]),
        ("get_endpoints", {"provider": "petstore", "endpoints": ["fetch the pets"]}, ["`endpoints`", "METHOD /path"]),
        ("get_schemas", {"provider": "petstore", "names": ["Pett"]}, ["`Pet`"]),
        ("list_endpoints", {"provider": "petstore", "limit": 0}, ["`limit`", "between 1 and 500"]),
        ("list_endpoints", {"provider": "petstore", "limit": "many"}, ["`limit`"]),
        ("list_versions", {}, ["provider"]),
        ("list_versions", {"provider": "petstore", "colour": "red"}, ["colour"]),
        ("no_such_tool", {}, ["search_apis"]),
    ]
    for name, arguments, needles in errors:
        needles = [n for n in needles if n != "isError"]
        await check(
            f"{where}: tools/call {name} {arguments} is an isError answer",
            lambda n=name, a=arguments, s=needles: error(n, a, *s),
        )
    await check(f"{where}: resources, templates and reads", resources)
    await check(f"{where}: completions", completions)
    await check(f"{where}: prompts", prompts)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--stdio", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    runs: list[tuple[str, Any, str]] = []
    for mode, version in [("auto", "2026-07-28"), ("legacy", "2025-11-25")]:
        if args.url:
            runs.append((f"http/{mode}", args.url, mode))
        if args.stdio:
            params = StdioServerParameters(command=args.stdio[0], args=args.stdio[1:])
            runs.append((f"stdio/{mode}", params, mode))
    for where, server, mode in runs:
        expect = "2026-07-28" if mode == "auto" else "2025-11-25"
        try:
            async with Client(server, mode=mode) as client:
                await exercise(client, where, expect)
        except Exception as e:  # noqa: BLE001
            report(False, f"{where}: connect", f"{type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
