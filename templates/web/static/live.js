// Live boot stages on the nodes table: poll the JSON API (same-origin, cookie) and
// rebuild the rows with textContent only, so no inventory value is ever parsed as HTML.
'use strict';
(function () {
  const table = document.getElementById('nodes');
  if (!table) return;
  const status = document.getElementById('live-status');
  const query = table.dataset.query || '';
  const cell = (tr, text, cls) => {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined ? '' : String(text);
    tr.appendChild(td);
    return td;
  };
  function render(nodes) {
    const body = table.tBodies[0];
    const rows = nodes.map((n) => {
      const tr = document.createElement('tr');
      tr.dataset.mac = n.mac;
      const a = document.createElement('a');
      a.href = '/ui/nodes/' + encodeURIComponent(n.hostname);
      a.textContent = n.hostname;
      cell(tr, '').appendChild(a);
      cell(tr, n.rack);
      cell(tr, n.nodeId, 'num');
      cell(tr, n.ip);
      cell(tr, n.mac, 'mono');
      cell(tr, n.cluster);
      cell(tr, n.profile);
      const span = document.createElement('span');
      span.className = 'stage stage-' + (n.lastStage || '');
      span.textContent = n.lastStage || '—';
      cell(tr, '').appendChild(span);
      cell(tr, n.lastStageAt, 'time');
      return tr;
    });
    if (rows.length) body.replaceChildren(...rows);
  }
  async function poll() {
    try {
      const r = await fetch('/api/v1/nodes' + query, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (r.status === 401) return void location.assign('/login');
      if (!r.ok) throw new Error('HTTP ' + r.status);
      render(await r.json());
      status.textContent = 'Boot stages refresh every 2 seconds; last update ' + new Date().toLocaleTimeString() + '.';
    } catch (e) {
      status.textContent = 'Live update failed (' + e.message + '); retrying.';
    }
  }
  setInterval(poll, 2000);
})();
