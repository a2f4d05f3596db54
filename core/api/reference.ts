/**
 * The API reference page, rendered on the server from the OpenAPI document: one self-contained HTML page (no
 * scripts, no CDN, inline styles only), so it works offline and under a strict Content-Security-Policy.
 */

type Doc = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function escape(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function obj(value: unknown): Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `code` spans for `backticks`, the rest escaped; blank lines split paragraphs. */
function prose(text: unknown): string {
  if (typeof text !== 'string' || text === '') return '';
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${escape(para).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
}

function anchor(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** A schema as indented JSON, with each $ref a link to the schema's section. */
function schemaBlock(schema: unknown): string {
  const json = escape(JSON.stringify(schema, null, 2));
  const linked = json.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
    (_m, name: string) => `&quot;<a href="#${anchor('schema', name)}">#/components/schemas/${name}</a>&quot;`,
  );
  return `<pre>${linked}</pre>`;
}

function parametersTable(parameters: unknown[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters
    .map((p) => {
      const param = obj(p);
      const schema = obj(param.schema);
      return `<tr><td><code>${escape(param.name)}</code></td><td>${escape(param.in)}</td><td>${param.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(schema))}</code></td><td>${escape(param.description ?? '')}</td></tr>`;
    })
    .join('');
  return `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function responsesList(responses: Doc): string {
  const items = Object.entries(responses)
    .map(([status, value]) => {
      const response = obj(value);
      const content = obj(response.content);
      const types = Object.keys(content);
      const schema = types.length > 0 ? obj(content[types[0]]).schema : undefined;
      const ref = typeof obj(schema).$ref === 'string' ? String(obj(schema).$ref).split('/').pop() : undefined;
      const body = ref
        ? ` — <a href="#${anchor('schema', ref)}">${escape(ref)}</a>`
        : schema !== undefined
          ? `<details><summary>schema</summary>${schemaBlock(schema)}</details>`
          : '';
      return `<li><strong>${escape(status)}</strong> ${escape(response.description ?? '')}${types.length > 0 ? ` <small>(${escape(types.join(', '))})</small>` : ''}${body}</li>`;
    })
    .join('');
  return `<h4>Responses</h4><ul>${items}</ul>`;
}

function operationSection(path: string, method: string, op: Doc): string {
  const id = anchor('op', String(op.operationId ?? `${method}-${path}`));
  const body = obj(obj(obj(op.requestBody).content)['application/json']).schema;
  return [
    `<section class="op" id="${id}">`,
    `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>`,
    `<p class="summary">${escape(op.summary ?? '')}</p>`,
    prose(op.description),
    parametersTable(list(op.parameters)),
    body !== undefined ? `<h4>Request body</h4>${schemaBlock(body)}` : '',
    responsesList(obj(op.responses)),
    '</section>',
  ].join('\n');
}

export function renderReference(document: Doc): string {
  const info = obj(document.info);
  const paths = obj(document.paths);
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = obj(obj(item)[method]);
      if (Object.keys(op).length === 0) continue;
      const tag = String(list(op.tags)[0] ?? 'other');
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationSection(path, method, op)]);
      const link = `<li><a href="#${anchor('op', String(op.operationId))}"><span class="method ${method}">${method.toUpperCase()}</span> ${escape(path)}</a></li>`;
      toc.set(tag, [...(toc.get(tag) ?? []), link]);
    }
  }
  const schemas = Object.entries(obj(obj(document.components).schemas))
    .map(
      ([name, schema]) =>
        `<section id="${anchor('schema', name)}"><h3>${escape(name)}</h3>${schemaBlock(schema)}</section>`,
    )
    .join('\n');
  const nav = [...toc.entries()].map(([tag, links]) => `<h2>${escape(tag)}</h2><ul>${links.join('')}</ul>`).join('');
  const main = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="${anchor('tag', tag)}">${escape(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title ?? 'API')} ${escape(info.version ?? '')} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d232a}
nav{width:20rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f6f8;padding:1rem;box-sizing:border-box}
nav ul{list-style:none;padding:0;margin:0 0 1rem}nav li{margin:.15rem 0;font-size:13px}nav a{text-decoration:none;color:inherit}
nav h2{font-size:14px;text-transform:uppercase;margin:1rem 0 .3rem}
main{padding:1rem 2rem;max-width:64rem;overflow:auto}
.op{border-top:1px solid #dde1e6;padding:.5rem 0}
.method{display:inline-block;min-width:3.5rem;text-align:center;font:bold 12px monospace;border-radius:3px;padding:1px 4px;color:#fff;background:#555}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#8d6e00}.patch{background:#6a1b9a}.delete{background:#b71c1c}
pre{background:#f5f6f8;padding:.6rem;overflow:auto;font-size:12px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #dde1e6;padding:.2rem .4rem;text-align:left;vertical-align:top}code{font-size:13px}
</style>
</head>
<body>
<nav><strong>${escape(info.title ?? 'API')}</strong> <small>${escape(info.version ?? '')}</small>
<p><a href="openapi.json">openapi.json</a> · <a href="#schemas">Schemas</a></p>${nav}</nav>
<main>
<h1>${escape(info.title ?? 'API')} <small>${escape(info.version ?? '')}</small></h1>
${prose(info.description)}
${main}
<h2 id="schemas">Schemas</h2>
${schemas}
</main>
</body>
</html>
`;
}
