// The console: polls the admin API every few seconds and draws the graph, the traffic table, the
// selected workload's config and ACK/NACK state, and answers the explain form. Plain DOM, no build.
'use strict';

(() => {
  const POLL_MS = 3000;
  const KINDS = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'];
  const $ = id => document.getElementById(id);
  let selected = null;       // graph node id
  let workloads = [];        // /api/workloads .workloads
  let lastGraph = { nodes: [], edges: [] };

  async function json(path) {
    const r = await fetch(path, { cache: 'no-store' });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || (r.status + ' ' + r.statusText));
    return body;
  }

  function node(tag, content, cls) {
    const e = document.createElement(tag);
    if (content !== undefined && content !== null) e.textContent = content;
    if (cls) e.className = cls;
    return e;
  }

  function fmtMap(m) {
    return Object.entries(m || {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => k + ' ' + Number(v).toFixed(2)).join(', ');
  }

  function trafficTable(graph) {
    const body = $('traffic').tBodies[0];
    body.replaceChildren();
    for (const e of graph.edges) {
      const tr = document.createElement('tr');
      tr.dataset.source = e.source;
      tr.dataset.destination = e.destination;
      const p99 = e.p99Ms === null || e.p99Ms === undefined ? '–' : Number(e.p99Ms).toFixed(1) + ' ms';
      for (const [v, cls] of [[e.source], [e.destination], [e.service], [Number(e.rps).toFixed(2), 'num'],
          [(e.errorRate * 100).toFixed(1) + ' %', 'num'], [p99, 'num'], [e.mtls ? 'yes' : 'no'], [fmtMap(e.byCode)],
          [fmtMap(e.byFlags)]]) {
        tr.appendChild(node('td', v, cls));
      }
      body.appendChild(tr);
    }
  }

  function xdsNodesOf(graphNode) {
    return workloads.filter(w => (graphNode.xdsNodes || []).includes(w.node)
        || (w.workload === graphNode.workload && w.namespace === graphNode.namespace));
  }

  async function showDetails(graphNode) {
    selected = graphNode.id;
    MeshGraph.render($('graph'), lastGraph, selected, showDetails);
    const box = $('details-body');
    box.className = '';
    box.replaceChildren(node('div', graphNode.id, 'title'));
    box.firstChild.id = 'details-title';
    box.appendChild(node('div', 'app ' + graphNode.app + ', version ' + graphNode.version, 'muted'));
    const xds = xdsNodesOf(graphNode);
    if (!xds.length) {
      box.appendChild(node('p', 'No xDS node of this workload is connected to this control plane.', 'muted'));
      return;
    }
    for (const w of xds) {
      const section = node('div');
      section.className = 'xds-node';
      section.dataset.node = w.node;
      section.appendChild(node('div', 'node ' + w.node + (w.connected ? '' : ' (disconnected)'), 'muted'));
      const table = document.createElement('table');
      table.className = 'states';
      table.appendChild(rowOf(['type', 'version', 'state', ''], 'th'));
      for (const kind of KINDS) {
        const r = (w.resources || {})[kind];
        if (!r) continue;
        const tr = rowOf([kind, r.version, r.state, (r.names || []).length + ' names'], 'td');
        tr.children[2].className = 'state-' + r.state;
        tr.dataset.kind = kind;
        tr.dataset.state = r.state;
        table.appendChild(tr);
        if (r.nack) {
          const n = rowOf(['', '', 'NACK: ' + r.nack, ''], 'td');
          n.children[2].className = 'nack';
          table.appendChild(n);
        }
      }
      section.appendChild(table);
      for (const kind of ['routes', 'clusters', 'endpoints']) {
        const d = document.createElement('details');
        d.dataset.kind = kind;
        d.appendChild(node('summary', kind));
        const list = node('ul', null, 'names');
        d.appendChild(list);
        d.addEventListener('toggle', () => { if (d.open) fill(list, w.node, kind); });
        section.appendChild(d);
      }
      box.appendChild(section);
      const option = [...$('explain-node').options].find(o => o.value === w.node);
      if (option) $('explain-node').value = w.node;
    }
  }

  // On every poll: the shown nodes' versions and states, in place (open lists stay open).
  function refreshStates() {
    for (const section of document.querySelectorAll('#details-body .xds-node')) {
      const w = workloads.find(x => x.node === section.dataset.node);
      if (!w) continue;
      for (const tr of section.querySelectorAll('table.states tr[data-kind]')) {
        const r = (w.resources || {})[tr.dataset.kind];
        if (!r) continue;
        tr.children[1].textContent = r.version;
        tr.children[2].textContent = r.state;
        tr.children[2].className = 'state-' + r.state;
        tr.dataset.state = r.state;
        const next = tr.nextElementSibling;
        const nackRow = next && !next.dataset.kind ? next : null;
        if (r.nack && !nackRow) {
          const n = rowOf(['', '', 'NACK: ' + r.nack, ''], 'td');
          n.children[2].className = 'nack';
          tr.after(n);
        } else if (nackRow) {
          if (r.nack) nackRow.children[2].textContent = 'NACK: ' + r.nack; else nackRow.remove();
        }
      }
    }
  }

  function rowOf(cells, tag) {
    const tr = document.createElement('tr');
    for (const c of cells) tr.appendChild(node(tag, c));
    return tr;
  }

  // One line per served resource: a route's matches and destinations, a cluster's type, an
  // assignment's endpoints.
  async function fill(list, nodeId, kind) {
    list.replaceChildren(node('li', 'loading…', 'muted'));
    try {
      const answer = await json('/api/workloads/' + encodeURIComponent(nodeId) + '/config/' + kind);
      list.replaceChildren();
      for (const r of answer.resources) {
        for (const line of describe(kind, r.resource)) list.appendChild(node('li', line));
      }
      if (!answer.resources.length) list.appendChild(node('li', 'none', 'muted'));
    } catch (e) {
      list.replaceChildren(node('li', String(e.message), 'nack'));
    }
  }

  function describe(kind, res) {
    if (kind === 'routes') {
      const out = [];
      for (const vh of res.virtualHosts || []) {
        for (const rt of vh.routes || []) {
          const m = rt.match || {};
          const match = m.prefix !== undefined ? 'prefix ' + m.prefix : m.path !== undefined ? 'path ' + m.path
              : m.safeRegex ? 'regex ' + m.safeRegex.regex : '';
          const hdr = (m.headers || []).map(h => h.name).join(',');
          const a = rt.route || {};
          const to = a.cluster || (a.weightedClusters ? a.weightedClusters.clusters.map(c => c.name + ' ' + (c.weight || 0)).join(' | ') : '')
              || (rt.redirect ? 'redirect' : rt.directResponse ? 'direct ' + rt.directResponse.status : '');
          out.push(res.name + ' ' + (rt.name ? '"' + rt.name + '" ' : '') + match + (hdr ? ' headers ' + hdr : '') + ' → ' + to);
        }
      }
      return out.length ? out : [res.name];
    }
    if (kind === 'clusters') return [res.name + ' (' + (res.type || 'EDS') + ', ' + (res.lbPolicy || 'ROUND_ROBIN') + ')'];
    if (kind === 'endpoints') {
      const eps = [];
      for (const l of res.endpoints || []) {
        for (const e of l.lbEndpoints || []) {
          const a = ((e.endpoint || {}).address || {}).socketAddress || {};
          eps.push(a.address + ':' + a.portValue);
        }
      }
      return [res.clusterName + ': ' + (eps.join(', ') || 'no endpoints')];
    }
    return [res.name];
  }

  function explainNodes() {
    const select = $('explain-node');
    const current = select.value;
    const ids = workloads.filter(w => w.connected).map(w => w.node);
    const have = [...select.options].map(o => o.value);
    if (ids.join('\n') === have.join('\n')) return;
    select.replaceChildren();
    for (const w of workloads.filter(x => x.connected)) {
      const o = node('option', w.workload + ' (' + w.namespace + ')');
      o.value = w.node;
      select.appendChild(o);
    }
    if (ids.includes(current)) select.value = current;
  }

  async function explain(ev) {
    ev.preventDefault();
    const q = new URLSearchParams({ node: $('explain-node').value, url: $('explain-url').value, method: $('explain-method').value });
    for (const line of $('explain-headers').value.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) q.append('header.' + line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    const out = $('explain-result');
    try {
      const answer = await json('/api/explain?' + q);
      out.className = '';
      out.textContent = answer.text;
    } catch (e) {
      out.className = 'nack';
      out.textContent = e.message;
    }
  }

  function showConfig(c) {
    const box = $('config-body');
    box.className = '';
    box.replaceChildren(node('div', 'version ' + c.version + ' from ' + c.sources.join(', ')),
        node('div', c.nacks + ' NACKs' + (c.lastNack ? ', last: ' + c.lastNack.nodeId + ' ' + c.lastNack.message : '')));
    if (c.lastRejection) box.appendChild(node('div', 'last rejected update: ' + c.lastRejection, 'nack'));
  }

  async function poll() {
    try {
      const [graph, w, config] = await Promise.all([json('/api/graph?window=' + $('window').value), json('/api/workloads'),
        json('/api/config')]);
      workloads = w.workloads;
      lastGraph = graph;
      $('graph-source').textContent = '(series from ' + graph.source + ', last ' + graph.windowSeconds + ' s)';
      $('graph-empty').hidden = graph.nodes.length > 0;
      MeshGraph.render($('graph'), graph, selected, showDetails);
      trafficTable(graph);
      explainNodes();
      refreshStates();
      showConfig(config);
      const status = $('status');
      status.className = 'status';
      status.textContent = 'config version ' + config.version + ' · ' + workloads.filter(x => x.connected).length
          + ' connected · updated ' + new Date().toLocaleTimeString();
      status.dataset.updated = String(Date.now());
    } catch (e) {
      $('status').className = 'status error';
      $('status').textContent = 'cannot read the admin API: ' + e.message;
    }
  }

  $('explain-form').addEventListener('submit', explain);
  $('window').addEventListener('change', poll);
  poll();
  setInterval(poll, POLL_MS);
})();
