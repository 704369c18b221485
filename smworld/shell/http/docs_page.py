"""The ``/docs`` page: a self-contained renderer of ``/openapi.json`` (no CDN, works offline)."""

__all__ = ["PAGE"]

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smworld API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
  header { padding: 1.2rem 2rem; background: #1d2330; color: #fff; }
  header h1 { margin: 0; font-size: 1.3rem; }
  main { max-width: 980px; margin: 0 auto; padding: 1rem 2rem 4rem; }
  h2 { margin-top: 2.2rem; border-bottom: 1px solid #dde1e8; padding-bottom: .3rem; }
  details { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; margin: .5rem 0; }
  summary { cursor: pointer; padding: .55rem .8rem; font-family: ui-monospace, monospace; }
  .m { display: inline-block; width: 4.2rem; font-weight: 700; }
  .GET { color: #1a7f37; } .POST { color: #0550ae; } .PATCH { color: #8250df; } .DELETE { color: #cf222e; }
  .body { padding: 0 1rem 1rem; }
  pre { background: #f3f5f8; padding: .6rem; overflow: auto; font-size: 12.5px; border-radius: 4px; }
  table { border-collapse: collapse; font-size: 13px; }
  td, th { border: 1px solid #dde1e8; padding: .25rem .5rem; text-align: left; }
  .muted { color: #5b6475; }
</style>
</head>
<body>
<header><h1>smworld API reference</h1><div class="muted" id="info"></div></header>
<main id="root"><p>Loading <a href="/openapi.json">/openapi.json</a>…</p></main>
<script>
"use strict";
const el = (tag, attrs = {}, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const kid of kids) node.append(kid);
  return node;
};
const pretty = (value) => el("pre", {}, JSON.stringify(value, null, 2));
function resolve(doc, schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return Object.assign({title: name}, doc.components.schemas[name] || {});
  }
  return schema;
}
function operation(doc, path, method, op) {
  const body = el("div", {class: "body"});
  if (op.description) body.append(el("p", {}, op.description));
  const auth = (op.security || []).map((s) => Object.keys(s)[0]).join(", ") || "none";
  const scope = op["x-required-scope"] ? ` · scope: ${op["x-required-scope"]}` : "";
  body.append(el("p", {class: "muted"}, `auth: ${auth}${scope}`));
  if (op.parameters) {
    const table = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "about")));
    for (const p of op.parameters) {
      table.append(el("tr", {}, el("td", {}, p.name), el("td", {}, p.in), el("td", {}, p.description || "")));
    }
    body.append(table);
  }
  if (op.requestBody) {
    body.append(el("h4", {}, "Request body"));
    body.append(pretty(resolve(doc, op.requestBody.content["application/json"].schema)));
  }
  body.append(el("h4", {}, "Responses"));
  const table = el("table", {});
  for (const [status, r] of Object.entries(op.responses)) {
    const resp = r.$ref ? doc.components.responses[r.$ref.split("/").pop()] : r;
    table.append(el("tr", {}, el("td", {}, status), el("td", {}, resp.description || "")));
  }
  body.append(table);
  const verb = method.toUpperCase();
  return el("details", {}, el("summary", {}, el("span", {class: `m ${verb}`}, verb), path,
    el("span", {class: "muted"}, " — " + (op.summary || ""))), body);
}
fetch("/openapi.json").then((r) => r.json()).then((doc) => {
  const info = `${doc.info.title} · version ${doc.info.version} · OpenAPI ${doc.openapi}`;
  document.getElementById("info").textContent = info;
  const root = document.getElementById("root");
  root.textContent = "";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags || ["Other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  for (const [tag, ops] of byTag) {
    root.append(el("h2", {}, tag));
    for (const [path, method, op] of ops) root.append(operation(doc, path, method, op));
  }
}).catch((err) => { document.getElementById("root").textContent = `Could not load /openapi.json: ${err}`; });
</script>
</body>
</html>
"""
