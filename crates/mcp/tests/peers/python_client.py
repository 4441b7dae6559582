"""The official Python MCP SDK (PyPI `mcp`) against specdex's MCP server.

    python_client.py --url http://127.0.0.1:PORT/mcp
    python_client.py --stdio COMMAND ARG...

Over HTTP and over stdio, in both protocol modes: the default (`auto`, which
negotiates 2026-07-28 through `server/discover`) and `legacy` (the
`initialize` handshake, 2025-11-25). The server must hold the fixtures of
crates/mcp/tests/fixtures as scripts/test-mcp-peers ingests them:
`petstore/api` (petstore-1 and -2: two versions, the only API of provider
`petstore`), `weather-service/forecasts`, and provider `pets` with two APIs,
`pets/one` (petstore-1) and `pets/two` (petstore-2).

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
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.types import PromptReference, ResourceTemplateReference

TOOLS = [
    "search_apis",
    "list_endpoints",
    "get_endpoints",
    "get_schemas",
    "get_spec_summary",
    "list_versions",
    "diff_versions",
    "check_call",
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
        assert "provider/api" in instructions, instructions[:400]

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
            if tool.name != "search_apis":
                assert "api" in props and "provider" in props, (tool.name, list(props))

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
        assert uris == [
            "specdex://pets/one/summary",
            "specdex://pets/two/summary",
            "specdex://petstore/api/summary",
            "specdex://weather-service/forecasts/summary",
        ], uris
        templates = await client.list_resource_templates()
        got = sorted(t.uri_template for t in templates.resource_templates)
        assert got == [
            "specdex://{provider}/{api}/endpoints/{method}/{path}",
            "specdex://{provider}/{api}/schemas/{name}",
            "specdex://{provider}/{api}/summary",
        ], got
        for uri in [
            "specdex://petstore/api/endpoints/DELETE/pets/%7BpetId%7D",
            # The previous release's form, for a provider with one API.
            "specdex://petstore/endpoints/DELETE/pets/%7BpetId%7D",
        ]:
            endpoint = await client.read_resource(uri)
            assert "DELETE /pets/{petId}" in endpoint.contents[0].text, (uri, endpoint.contents[0])
        for uri in ["specdex://petstore/api/schemas/Pet?version=1.0.0", "specdex://petstore/schemas/Pet?version=1.0.0"]:
            schema = await client.read_resource(uri)
            assert '"name"' in schema.contents[0].text, (uri, schema.contents[0])
        summary = await client.read_resource("specdex://pets/two/summary")
        assert "pets/two" in summary.contents[0].text, summary.contents[0]

    async def ambiguous_resource() -> None:
        # `pets` has two APIs: the previous release's URI names neither.
        try:
            await client.read_resource("specdex://pets/summary")
        except Exception as e:  # noqa: BLE001 - the SDK's error type varies by version
            assert "pets/one" in str(e) and "pets/two" in str(e), str(e)
        else:
            raise AssertionError("specdex://pets/summary read without naming an API")

    async def completions() -> None:
        ref = ResourceTemplateReference(uri="specdex://{provider}/{api}/endpoints/{method}/{path}")
        providers = await client.complete(ref, {"name": "provider", "value": "petst"})
        assert providers.completion.values == ["petstore"], providers.completion
        apis = await client.complete(ref, {"name": "api", "value": ""}, {"provider": "pets"})
        assert apis.completion.values == ["one", "two"], apis.completion
        paths = await client.complete(
            ref, {"name": "path", "value": "pets/"}, {"provider": "petstore", "api": "api", "method": "DELETE"}
        )
        assert paths.completion.values == ["pets/{petId}"], paths.completion
        names = await client.complete(
            ResourceTemplateReference(uri="specdex://{provider}/{api}/schemas/{name}"),
            {"name": "name", "value": "pe"},
            {"provider": "petstore", "api": "api"},
        )
        assert names.completion.values[:2] == ["Pet", "PetPage"], names.completion
        prompt = await client.complete(PromptReference(name="explore_api"), {"name": "api", "value": "wea"})
        assert prompt.completion.values == ["weather-service/forecasts"], prompt.completion

    async def prompts() -> None:
        listed = await client.list_prompts()
        names = sorted(p.name for p in listed.prompts)
        assert names == ["explore_api", "plan_call"], names
        got = await client.get_prompt("explore_api", {"api": "petstore/api", "goal": "adopt a pet"})
        assert "adopt a pet" in got.messages[0].content.text, got.messages[0]
        assert "Endpoint groups" in got.messages[1].content.resource.text, got.messages[1]
        legacy = await client.get_prompt("explore_api", {"provider": "petstore"})
        assert "petstore/api" in legacy.messages[0].content.text, legacy.messages[0]
        plan = await client.get_prompt("plan_call", {"task": "register a weather station"})
        assert "search_apis" in plan.messages[0].content.text, plan.messages[0]

    await check(f"{where}: protocol version {expect_version}", protocol)
    await check(f"{where}: server info and instructions", identity)
    await check(f"{where}: tools/list has the eight tools, titled, annotated, with schemas", tools)
    calls = [
        ("search_apis", {"query": "delete pet"}, "DELETE"),
        ("search_apis", {"query": "weather", "scope": "apis", "limit": 3}, "weather-service/forecasts"),
        ("search_apis", {"query": "weather", "scope": "providers", "limit": 3}, "weather-service/forecasts"),
        ("search_apis", {"query": "adopt", "scope": "endpoints"}, "pets/two"),
        ("list_endpoints", {"api": "petstore/api", "method": "get", "limit": 1}, "cursor"),
        ("list_endpoints", {"api": "petstore/api", "version": "1.0.0"}, "/pets/{petId}"),
        ("get_endpoints", {"api": "petstore/api", "endpoints": ["POST /pets", "DELETE /pets/{petId}"]}, "curl"),
        ("get_endpoints", {"api": "weather-service/forecasts", "endpoints": ["get /forecast/{city}"]}, "X-Api-Key"),
        ("get_endpoints", {"api": "pets/two", "endpoints": ["POST /adoptions"]}, "curl"),
        ("get_schemas", {"api": "petstore/api", "names": ["Pet", "Person"], "depth": 1}, "## Person"),
        ("get_spec_summary", {"api": "weather-service/forecasts"}, "Forecasts"),
        ("get_spec_summary", {"api": "pets/one"}, "pets/one 1.0.0"),
        ("list_versions", {"api": "petstore/api"}, "superseded"),
        # The previous release's `provider` argument: a provider with one API.
        ("get_spec_summary", {"provider": "weather-service"}, "weather-service/forecasts"),
        ("list_versions", {"provider": "petstore"}, "superseded"),
        ("diff_versions", {"api": "petstore/api"}, "`endpoint-security-added`"),
        (
            "diff_versions",
            {"api": "petstore/api", "from": "1.0.0", "to": "2.0.0", "endpoints": ["GET /pets"], "level": "breaking"},
            "Listed: breaking and above.",
        ),
        ("check_call", {"api": "petstore/api", "method": "GET", "path": "/pest"}, "`unknown_path`"),
        (
            "check_call",
            {"api": "petstore/api", "method": "GET", "path": "/pets", "query": {"limit": "many"}},
            "`wrong_type` query `limit`",
        ),
    ]
    for name, arguments, needle in calls:
        await check(f"{where}: tools/call {name} {arguments}", lambda n=name, a=arguments, s=needle: call(n, a, s))
    errors = [
        ("get_endpoints", {"api": "petstor", "endpoints": ["GET /pets"]}, ["petstore/api", "isError"]),
        ("get_endpoints", {"api": "petstore/api", "endpoints": ["GET /pet/{petId}"]}, ["GET /pets/{petId}"]),
        ("get_endpoints", {"api": "petstore/api", "endpoints": ["fetch the pets"]}, ["`endpoints`", "METHOD /path"]),
        ("get_schemas", {"api": "petstore/api", "names": ["Pett"]}, ["`Pet`"]),
        ("get_spec_summary", {"provider": "pets"}, ["`pets/one`", "`pets/two`"]),
        ("get_spec_summary", {"api": "pets"}, ["`pets/one`", "`pets/two`"]),
        ("get_spec_summary", {"api": "pets/one", "provider": "pets"}, ["not both"]),
        ("list_endpoints", {"api": "petstore/api", "limit": 0}, ["`limit`", "between 1 and 500"]),
        ("list_endpoints", {"api": "petstore/api", "limit": "many"}, ["`limit`"]),
        ("list_versions", {}, ["`api`", "provider/api"]),
        ("list_versions", {"api": "petstore/api", "colour": "red"}, ["colour"]),
        ("diff_versions", {"api": "weather-service/forecasts"}, ["`from`", "no snapshot older"]),
        ("diff_versions", {"api": "petstore/api", "level": "fatal"}, ["`level`"]),
        ("check_call", {"api": "petstore/api", "method": "GET", "path": "/pets", "heders": {}}, ["heders"]),
        ("no_such_tool", {}, ["search_apis", "diff_versions"]),
    ]
    for name, arguments, needles in errors:
        needles = [n for n in needles if n != "isError"]
        await check(
            f"{where}: tools/call {name} {arguments} is an isError answer",
            lambda n=name, a=arguments, s=needles: error(n, a, *s),
        )
    await check(f"{where}: resources, templates and reads", resources)
    await check(f"{where}: a provider's URI when it has two APIs is an error listing them", ambiguous_resource)
    await check(f"{where}: completions", completions)
    await check(f"{where}: prompts", prompts)


async def refused_without_key(url: str) -> None:
    try:
        async with Client(url, mode="legacy") as client:
            await client.list_tools()
    except Exception as e:  # noqa: BLE001 - the SDK's error type varies by version
        assert "401" in repr(e) or "nauthorized" in repr(e) or "key" in repr(e), repr(e)
    else:
        raise AssertionError("listed tools without a key on a server that requires one")


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--stdio", nargs=argparse.REMAINDER)
    # A server started with --require-key: every HTTP run sends this key as
    # `Authorization: Bearer`, and one connection without it must be refused.
    parser.add_argument("--bearer")
    args = parser.parse_args()
    runs: list[tuple[str, Any, str]] = []
    if args.url and args.bearer:
        await check("http: a connection without the key is refused", lambda: refused_without_key(args.url))

    def http_server(url: str) -> Any:
        if not args.bearer:
            return url
        headers = {"Authorization": f"Bearer {args.bearer}"}
        return streamable_http_client(url, http_client=create_mcp_http_client(headers=headers))

    for mode, version in [("auto", "2026-07-28"), ("legacy", "2025-11-25")]:
        if args.url:
            runs.append((f"http/{mode}", http_server(args.url), mode))
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
