// @ts-check
/* global acquireVsCodeApi, document, window, Element */
// The lineage webview: clicks on a node go to the extension (which selects it in the tree);
// the extension sends new SVG whenever the agent's state changes.
(function () {
  const vscode = acquireVsCodeApi();
  const graph = document.getElementById('graph');
  const title = document.getElementById('title');

  /** @param {EventTarget | null} target */
  const nodeId = (target) => {
    const node = target instanceof Element ? target.closest('[data-id]') : null;
    return node ? node.getAttribute('data-id') : null;
  };
  const select = (/** @type {string | null} */ id) => {
    if (id) vscode.postMessage({ type: 'select', id });
  };

  graph?.addEventListener('click', (event) => select(nodeId(event.target)));
  graph?.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') select(nodeId(event.target));
  });
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message?.type !== 'render' || !graph) return;
    graph.innerHTML = message.svg;
    if (title) title.textContent = message.title;
  });
})();
