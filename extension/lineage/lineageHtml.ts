/**
 * The webview's page: a strict Content-Security-Policy (nothing but our stylesheet and our one
 * script, by nonce), the graph's SVG inline, and the title of the pipeline shown.
 */
export interface PageParts {
  title: string;
  svg: string;
  nonce: string;
  /** webview.cspSource: the origin VS Code serves local resources from. */
  cspSource: string;
  styleUri: string;
  scriptUri: string;
}

export function lineageHtml(parts: PageParts): string {
  const csp = [`default-src 'none'`, `style-src ${parts.cspSource}`, `img-src ${parts.cspSource}`, `script-src 'nonce-${parts.nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${parts.styleUri}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
<h1 id="title">${escapeHtml(parts.title)}</h1>
<p class="legend">Click a node to select it in the Pipeline Pause view. Edges show how far each reader is behind.</p>
<div id="graph">${parts.svg}</div>
<script nonce="${parts.nonce}" src="${parts.scriptUri}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
