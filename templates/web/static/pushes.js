// Push progress: poll /api/v1/pushes every second and draw one box per push with a bar
// per receiver. Values go in with textContent only, never as HTML.
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
  const mib = (n) => (n / 1048576).toFixed(1) + ' MiB';
  const bar = (fraction) => {
    const b = el('div', null, 'bar');
    const fill = el('span');
    fill.style.width = (100 * Math.max(0, Math.min(1, fraction))).toFixed(1) + '%';
    b.appendChild(fill);
    return b;
  };
  function box(p) {
    const d = el('section', null, 'push');
    d.dataset.push = p.id;
    d.appendChild(el('h2', 'Push ' + p.id + ': ' + p.image + ' → ' + p.target));
    const receivers = p.receivers || [];
    const joined = receivers.filter((r) => r.state === 'joined' || r.state === 'done');
    const confirmed = p.state === 'done' ? p.size : joined.length ? Math.min(...joined.map((r) => r.bytesConfirmed)) : 0;
    const line = p.state + ' · ' + mib(confirmed) + ' of ' + mib(p.size) + ' on every receiver · ' + mib(p.bytesSent) + ' sent' + (p.result ? ' · ' + p.result : '');
    d.appendChild(el('p', line, 'state state-' + p.state));
    d.appendChild(bar(p.size ? confirmed / p.size : 0));
    if (receivers.length) {
      const t = el('table');
      const h = t.createTHead().insertRow();
      ['Receiver', 'Address', 'State', 'Confirmed', 'Detail'].forEach((x) => h.appendChild(el('th', x)));
      const b = t.createTBody();
      receivers.forEach((r) => {
        const tr = b.insertRow();
        [r.hostname, r.ip, r.state].forEach((x) => tr.appendChild(el('td', x)));
        const td = el('td');
        td.appendChild(bar(p.size ? r.bytesConfirmed / p.size : 0));
        td.appendChild(el('span', mib(r.bytesConfirmed), 'hint'));
        tr.appendChild(td);
        tr.appendChild(el('td', r.detail));
      });
      d.appendChild(t);
    }
    if (!readOnly && (p.state === 'waiting' || p.state === 'running')) {
      const f = el('form', null, 'danger');
      f.method = 'post';
      f.action = '/ui/pushes/' + encodeURIComponent(p.id) + '/cancel';
      const c = el('input');
      c.type = 'hidden';
      c.name = '_csrf';
      c.value = csrf;
      f.appendChild(c);
      f.appendChild(el('button', 'Cancel push ' + p.id));
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
      root.replaceChildren(...(list.length ? list.map(box) : [el('p', 'No pushes yet.', 'hint')]));
    } catch (e) {
      root.replaceChildren(el('p', 'Cannot read pushes: ' + e.message, 'error'));
    }
  }
  poll();
  setInterval(poll, 1000);
})();
