"""Discovery and health: the OpenAPI document matches the route table exactly; docs, schema, probes."""

from __future__ import annotations

import re

from smworld.kernel import codec
from smworld.kernel.ops import OPS
from smworld.shell.http.openapi import documented_routes


def _route_table(app) -> set[tuple[str, str]]:
    table = set()
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        path = re.sub(r"\{([^}:]+)(?::[^}]*)?\}", r"{\1}", route.resource.canonical)
        table.add((route.method.lower(), path))
    return table


async def test_openapi_matches_the_routes_exactly(client):
    resp = await client.get("/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    documented = {(method, path) for path, methods in doc["paths"].items() for method in methods}
    assert documented == _route_table(client.app)
    assert len(documented_routes(client.app)) == len(documented)
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            assert op["summary"] and op["operationId"] and op["responses"], (method, path)
            declared = set(re.findall(r"\{(\w+)\}", path))
            assert {p["name"] for p in op.get("parameters", []) if p["in"] == "path"} == declared
            if op["security"]:
                assert "401" in op["responses"]


async def test_openapi_serves_the_op_vocabulary(client):
    doc = await (await client.get("/openapi.json")).json()
    assert doc["components"]["schemas"]["GraphOp"]["properties"]["op"]["enum"] == list(OPS)
    ops_body = doc["paths"]["/v1/worlds/{id}/ops"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = ops_body["$ref"].rsplit("/", 1)[-1]
    assert doc["components"]["schemas"][name]["properties"]["ops"]["items"] == {"$ref": "#/components/schemas/GraphOp"}


async def test_spec_routes_are_all_there(client):
    doc = await (await client.get("/openapi.json")).json()
    spec = {
        ("post", "/v1/apps"), ("get", "/v1/apps"), ("post", "/v1/apps/{appId}/keys"), ("get", "/v1/apps/{appId}/keys"),
        ("delete", "/v1/apps/{appId}/keys/{keyId}"), ("post", "/v1/worlds"), ("get", "/v1/jobs/{jobId}"),
        ("get", "/v1/worlds"), ("get", "/v1/worlds/{id}"), ("patch", "/v1/worlds/{id}"), ("delete", "/v1/worlds/{id}"),
        ("post", "/v1/worlds/{id}/forks"), ("get", "/v1/worlds/{id}/scene"), ("get", "/v1/worlds/{id}/graph"),
        ("get", "/v1/worlds/{id}/states"), ("get", "/v1/worlds/{id}/states/{stateId}"),
        ("post", "/v1/worlds/{id}/states"), ("patch", "/v1/worlds/{id}/states/{stateId}"),
        ("delete", "/v1/worlds/{id}/states/{stateId}"), ("get", "/v1/worlds/{id}/events"),
        ("get", "/v1/worlds/{id}/events/{name}"), ("post", "/v1/worlds/{id}/events"),
        ("patch", "/v1/worlds/{id}/events/{name}"), ("delete", "/v1/worlds/{id}/events/{name}"),
        ("patch", "/v1/worlds/{id}/entrance"), ("post", "/v1/worlds/{id}/ops"), ("post", "/v1/worlds/{id}/validate"),
        ("post", "/v1/worlds/{id}/lint"), ("post", "/v1/worlds/{id}/versions"), ("get", "/v1/worlds/{id}/versions"),
        ("get", "/v1/worlds/{id}/versions/{vid}"), ("patch", "/v1/worlds/{id}/versions/{vid}"),
        ("delete", "/v1/worlds/{id}/versions/{vid}"), ("get", "/v1/worlds/{id}/versions/{a}/diff/{b}"),
        ("post", "/v1/worlds/{id}/checkout"), ("get", "/v1/usage"), ("get", "/openapi.json"), ("get", "/docs"),
        ("get", "/schema/smworld-1.0.json"), ("get", "/healthz"), ("get", "/readyz"),
    }
    documented = {(method, path) for path, methods in doc["paths"].items() for method in methods}
    assert spec <= documented


async def test_docs_render_offline(client):
    resp = await client.get("/docs")
    assert resp.status == 200 and resp.content_type == "text/html"
    page = await resp.text()
    assert "/openapi.json" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)


async def test_world_schema(client):
    resp = await client.get("/schema/smworld-1.0.json")
    assert resp.status == 200
    assert await resp.json(content_type=None) == codec.json_schema()


async def test_health_probes(client):
    assert await (await client.get("/healthz")).json() == {"ok": True}
    resp = await client.get("/readyz")
    assert resp.status == 200 and (await resp.json())["ok"] is True
