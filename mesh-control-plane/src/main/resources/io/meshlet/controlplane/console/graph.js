// The service graph as SVG: workloads in columns by how far down the call chain they are (callers
// left, callees right), edges as arrows labelled with request rate, error rate and p99 latency, and
// a lock for mutual TLS. No library: a few DOM calls.
'use strict';

const MeshGraph = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const COLUMN = 320, ROW = 130, LEFT = 80, TOP = 60, RADIUS = 26;

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }

  function text(parent, content, attrs) {
    const t = el('text', attrs, parent);
    t.textContent = content;
    return t;
  }

  // Depth of each node: 0 for nodes no edge enters, else one more than its deepest caller (cycles cut).
  function layout(nodes, edges) {
    const depth = new Map(nodes.map(n => [n.id, 0]));
    for (let round = 0; round < nodes.length; round++) {
      let changed = false;
      for (const e of edges) {
        if (e.source === e.destination) continue;
        const d = (depth.get(e.source) || 0) + 1;
        if (d > (depth.get(e.destination) || 0) && d < nodes.length + 1) { depth.set(e.destination, d); changed = true; }
      }
      if (!changed) break;
    }
    const columns = new Map();
    for (const n of nodes) {
      const d = depth.get(n.id) || 0;
      if (!columns.has(d)) columns.set(d, []);
      columns.get(d).push(n);
    }
    const at = new Map();
    for (const [d, column] of columns) {
      column.sort((a, b) => a.id.localeCompare(b.id));
      column.forEach((n, i) => at.set(n.id, { x: LEFT + d * COLUMN, y: TOP + i * ROW }));
    }
    return at;
  }

  function health(edge) {
    if (!(edge.rps > 0)) return 'idle';
    return edge.errorRate >= 0.05 ? 'bad' : edge.errorRate >= 0.01 ? 'warn' : 'ok';
  }

  function fmt(v, digits) { return Number(v).toFixed(digits); }

  function edgeLabel(e) {
    const p99 = e.p99Ms === null || e.p99Ms === undefined ? 'p99 –' : 'p99 ' + fmt(e.p99Ms, 1) + ' ms';
    return fmt(e.rps, 2) + ' rps · ' + fmt(e.errorRate * 100, 1) + ' % err · ' + p99;
  }

  // Draws {nodes, edges} into svg; onNode(node) on a click; selected is the id of the selected node.
  function render(svg, graph, selected, onNode) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const at = layout(graph.nodes, graph.edges);
    const defs = el('defs', {}, svg);
    for (const h of ['ok', 'warn', 'bad', 'idle']) {
      const m = el('marker', { id: 'arrow-' + h, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: 'auto-start-reverse' }, defs);
      el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-' + h,
        fill: { ok: '#3e8635', warn: '#ec7a08', bad: '#c9190b', idle: '#b8bbbe' }[h] }, m);
    }
    let width = 0, height = 0;
    for (const p of at.values()) { width = Math.max(width, p.x + COLUMN); height = Math.max(height, p.y + ROW); }
    svg.setAttribute('viewBox', '0 0 ' + Math.max(width, 600) + ' ' + Math.max(height, 300));

    const edges = el('g', { class: 'edges' }, svg);
    for (const e of graph.edges) {
      const a = at.get(e.source), b = at.get(e.destination);
      if (!a || !b) continue;
      const h = health(e);
      const g = el('g', { class: 'edge ' + h, 'data-source': e.source, 'data-destination': e.destination,
        'data-service': e.service, 'data-rps': e.rps, 'data-error-rate': e.errorRate, 'data-mtls': e.mtls }, edges);
      const dx = b.x - a.x, dy = b.y - a.y, len = Math.max(Math.hypot(dx, dy), 1);
      const x1 = a.x + dx / len * RADIUS, y1 = a.y + dy / len * RADIUS;
      const x2 = b.x - dx / len * (RADIUS + 2), y2 = b.y - dy / len * (RADIUS + 2);
      // a slight bend, so that a pair of opposite edges do not overlap
      const mx = (x1 + x2) / 2 - dy / len * 18, my = (y1 + y2) / 2 + dx / len * 18;
      el('path', { d: `M ${x1} ${y1} Q ${mx} ${my} ${x2} ${y2}`, 'marker-end': `url(#arrow-${h})` }, g);
      const title = el('title', {}, g);
      title.textContent = e.service + '\n' + edgeLabel(e) + (e.mtls ? '\nmutual TLS' : '');
      text(g, edgeLabel(e), { x: mx, y: my - 12, class: 'label' });
      if (e.mtls) {
        const lock = el('g', { class: 'lock', transform: `translate(${mx - 22} ${my + 2})` }, g);
        el('path', { d: 'M 2 6 V 4 a 3 3 0 0 1 6 0 V 6', fill: 'none', stroke: '#2f6fdf', 'stroke-width': 1.6 }, lock);
        el('rect', { x: 0, y: 6, width: 10, height: 7, rx: 1.5, fill: '#2f6fdf' }, lock);
        text(g, 'mTLS', { x: mx + 6, y: my + 13, class: 'lock' });
      }
    }

    const nodes = el('g', { class: 'nodes' }, svg);
    for (const n of graph.nodes) {
      const p = at.get(n.id);
      const cls = 'node' + (n.xdsNodes && n.xdsNodes.length ? ' connected' : '') + (n.id === selected ? ' selected' : '');
      const g = el('g', { class: cls, 'data-id': n.id, 'data-app': n.app, 'data-version': n.version,
        transform: `translate(${p.x} ${p.y})`, tabindex: 0 }, nodes);
      el('circle', { r: RADIUS }, g);
      text(g, n.app, { y: RADIUS + 16, class: 'app' });
      text(g, n.version === 'unknown' ? n.namespace : n.version + ' · ' + n.namespace, { y: RADIUS + 30, class: 'version' });
      text(g, n.id.startsWith('service:') ? 'svc' : (n.app || '?').slice(0, 2).toUpperCase(), { y: 4 });
      g.addEventListener('click', () => onNode(n));
      g.addEventListener('keydown', ev => { if (ev.key === 'Enter') onNode(n); });
    }
  }

  return { render, edgeLabel, health };
})();
