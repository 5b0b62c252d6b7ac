// Push progress: poll /api/v1/pushes and draw one box per push (textContent only).
'use strict';
(function () {
  const root = document.getElementById('pushes');
  if (!root) return;
  const readOnly = root.dataset.readonly === '1';
  const csrf = document.body.dataset.csrf;
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const pick = (o, ...keys) => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null);
  function box(p) {
    const d = el('div', null, 'push');
    const id = pick(p, 'id', 'pushId');
    d.appendChild(el('h2', 'Push ' + id + ' · ' + (pick(p, 'image', 'imageName') || '') + ' · ' + (pick(p, 'state', 'status') || '')));
    const total = Number(pick(p, 'imageSize', 'size', 'total') || 0);
    const done = Number(pick(p, 'bytesConfirmed', 'confirmed', 'sent', 'bytes') || 0);
    const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    const bar = el('div', null, 'bar');
    const fill = el('span');
    fill.style.width = pct.toFixed(1) + '%';
    bar.appendChild(fill);
    d.appendChild(bar);
    d.appendChild(el('p', pct.toFixed(1) + '% of ' + total + ' bytes', 'hint'));
    const receivers = pick(p, 'receivers') || [];
    if (receivers.length) {
      const t = el('table');
      const h = t.createTHead().insertRow();
      ['Receiver', 'State', 'Confirmed', 'Reason'].forEach((x) => h.appendChild(el('th', x)));
      const b = t.createTBody();
      receivers.forEach((r) => {
        const tr = b.insertRow();
        [r.hostname || r.ip, r.state, r.confirmed, r.reason].forEach((x) => tr.appendChild(el('td', x)));
      });
      d.appendChild(t);
    }
    const state = String(pick(p, 'state', 'status') || '');
    if (!readOnly && !/done|finished|failed|cancel/.test(state)) {
      const f = el('form', null, 'danger');
      f.method = 'post';
      f.action = '/ui/pushes/' + encodeURIComponent(id) + '/cancel';
      const c = el('input');
      c.type = 'hidden';
      c.name = '_csrf';
      c.value = csrf;
      f.appendChild(c);
      f.appendChild(el('button', 'Cancel push ' + id));
      d.appendChild(f);
    }
    return d;
  }
  async function poll() {
    try {
      const r = await fetch('/api/v1/pushes', { credentials: 'same-origin' });
      if (r.status === 401) return void location.assign('/login');
      const list = await r.json();
      if (!r.ok) throw new Error((list.error && list.error.message) || 'HTTP ' + r.status);
      root.replaceChildren(...(list.length ? list.map(box) : [el('p', 'No pushes yet. Start one with rackboot push start.', 'hint')]));
    } catch (e) {
      root.replaceChildren(el('p', 'Cannot read pushes: ' + e.message, 'error'));
    }
  }
  poll();
  setInterval(poll, 1000);
})();
