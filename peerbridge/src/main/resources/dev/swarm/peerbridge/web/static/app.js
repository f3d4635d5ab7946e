// The peerbridge dashboard: fetches /api/dashboard every few seconds and draws tables and uPlot charts.
// Every text from the API (URLs learned from peers, error messages) goes in through textContent, never as HTML.
'use strict';
(function () {
  const REFRESH_MS = 3000;
  const charts = new Map(); // element id -> uPlot
  const state = { refreshes: 0, charts: charts, lastError: null };
  window.peerbridge = state;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function fmt(v, unit) {
    return v === null || v === undefined ? '–' : v + (unit || '');
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString();
  }

  function chart(id, parent, title, series, data, axes, scales) {
    let box = document.getElementById(id);
    if (!box) {
      box = el('div', { id: id, class: 'chart' });
      parent.append(box);
    }
    const width = Math.max(300, (parent.clientWidth || 440) - 10);
    let u = charts.get(id);
    if (u && u.root.isConnected) {
      u.setData(data);
      return;
    }
    if (u) u.destroy();
    u = new uPlot({ title: title, width: width, height: 180, series: [{}].concat(series), axes: axes,
      scales: Object.assign({ x: { time: true } }, scales || {}) }, data, box);
    charts.set(id, u);
  }

  function trackerTable(rows) {
    const body = document.querySelector('#trackers tbody');
    body.replaceChildren(...rows.map(r => {
      const t = r.tracker;
      return el('tr', {},
        el('td', { class: 'num' }, t.rank || ''),
        el('td', {}, t.url),
        el('td', { class: t.status }, t.status),
        el('td', { class: 'num' }, fmt(t.uptime, ' %')),
        el('td', { class: 'num' }, fmt(t.uptime24h, ' %')),
        el('td', { class: 'num' }, fmt(t.latencyP50Millis) + ' / ' + fmt(t.latencyP95Millis, ' ms')),
        el('td', { class: 'num' }, t.distinctPeers + ' (' + t.uniquePeers + ')'),
        el('td', { class: 'num' }, fmt(t.seeders) + ' / ' + fmt(t.leechers)),
        el('td', {}, t.families.map(f => 'IPv' + f).join(' ')),
        el('td', {}, t.origin));
    }));
  }

  function card(containerId, key, build) {
    const container = document.getElementById(containerId);
    const id = containerId + '-' + key;
    let c = document.getElementById(id);
    if (!c) {
      c = el('div', { id: id, class: 'card' });
      container.append(c);
    }
    build(c, id);
    return id;
  }

  function prune(containerId, keep) {
    for (const c of Array.from(document.getElementById(containerId).children)) {
      if (!keep.has(c.id)) {
        for (const [id, u] of charts) {
          if (id.startsWith(c.id + '-')) { u.destroy(); charts.delete(id); }
        }
        c.remove();
      }
    }
  }

  function trackerCards(rows) {
    const keep = new Set();
    rows.forEach((r, i) => {
      keep.add(card('tracker-cards', 't' + hash(r.tracker.url), (c, id) => {
        let head = c.querySelector('.head');
        if (!head) {
          head = el('div', { class: 'head' });
          c.prepend(head);
        }
        head.replaceChildren(el('h3', {}, r.tracker.url),
          el('div', { class: 'figures' },
            el('span', { class: r.tracker.status }, r.tracker.status), ' · uptime ', fmt(r.tracker.uptime, ' %'),
            ' · latency p50 ', fmt(r.tracker.latencyP50Millis, ' ms'), ' · ', r.tracker.distinctPeers, ' peers (',
            r.tracker.uniquePeers, ' only here)', r.tracker.lastError ? el('div', { class: 'down' }, r.tracker.lastError)
              : null));
        let plot = c.querySelector('.plot');
        if (!plot) {
          plot = el('div', { class: 'plot' });
          c.append(plot);
        }
        chart(id + '-history', plot, 'probe latency and uptime', [
          { label: 'latency ms', stroke: '#3467c2', scale: 'ms', spanGaps: true, points: { show: true } },
          { label: 'uptime %', stroke: '#2e8b57', scale: '%', spanGaps: true }],
          r.history.slice(0, 3), [{}, { scale: 'ms', label: 'ms' }, { scale: '%', side: 1, label: '%', grid: { show: false } }],
          { '%': { auto: false, range: [0, 100] } });
        let log = c.querySelector('details');
        if (!log) {
          log = el('details', {}, el('summary', {}, 'response log'), el('table', { class: 'log' }));
          c.append(log);
        }
        log.querySelector('summary').textContent = 'response log (last ' + r.log.length + ')';
        log.querySelector('table').replaceChildren(...r.log.map(e => el('tr', { class: e.ok ? 'ok' : 'fail' },
          el('td', {}, time(e.atMillis)), el('td', {}, e.kind + (e.family ? ' ' + e.family : '')),
          el('td', {}, e.ok ? 'ok' : 'error'), el('td', { class: 'num' }, e.latencyMillis + ' ms'),
          el('td', {}, e.ok ? [e.peers === null ? null : e.peers + ' peers', e.seeders === null ? null : e.seeders + ' seeders',
            e.leechers === null ? null : e.leechers + ' leechers'].filter(x => x).join(', ') : e.error))));
      }));
    });
    prune('tracker-cards', keep);
  }

  function torrentCards(rows) {
    const keep = new Set();
    for (const t of rows) {
      keep.add(card('torrent-cards', 'h' + t.infoHash, (c, id) => {
        let head = c.querySelector('.head');
        if (!head) {
          head = el('div', { class: 'head' });
          c.prepend(head);
        }
        const links = el('span', {});
        if (t.magnet) links.append(' · ', el('a', { href: t.magnet }, 'magnet'));
        if (t.torrent) links.append(' · ', el('a', { href: t.torrent }, '.torrent'));
        const f = t.figures || {};
        head.replaceChildren(el('h3', {}, (t.name || '(no name)') + ' ', el('span', { class: 'muted' }, t.infoHash)),
          el('div', { class: 'figures' }, fmt(f.seeds), ' seeds, ', fmt(f.leechers), ' leechers connected (by bitfield) · ',
            'availability ', fmt(f.availability), ' · ', t.workingTrackers, '/', t.trackers, ' trackers working', links),
          f.completionHistogram ? el('div', { class: 'figures muted' }, 'completion (0-9 %, ..., 90-99 %, 100 %): ',
            f.completionHistogram.join(' ')) : null);
        let plot = c.querySelector('.plot');
        if (!plot) {
          plot = el('div', { class: 'plot' });
          c.append(plot);
        }
        chart(id + '-history', plot, 'peers and availability', [
          { label: 'seeds', stroke: '#2e8b57', scale: 'n', spanGaps: true },
          { label: 'leechers', stroke: '#c27c34', scale: 'n', spanGaps: true },
          { label: 'connected', stroke: '#3467c2', scale: 'n', dash: [4, 4] },
          { label: 'availability', stroke: '#6b3fa0', scale: 'copies', spanGaps: true }], t.history,
          [{}, { scale: 'n', label: 'peers' }, { scale: 'copies', side: 1, label: 'copies', grid: { show: false } }]);
      }));
    }
    prune('torrent-cards', keep);
  }

  function hash(s) {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    return (h >>> 0).toString(36);
  }

  async function refresh() {
    try {
      const r = await fetch('/api/dashboard', { cache: 'no-store' });
      if (!r.ok) throw new Error('/api/dashboard answered ' + r.status);
      const d = await r.json();
      const badge = document.getElementById('health');
      badge.textContent = d.health.status + (d.health.reasons.length ? ': ' + d.health.reasons.join('; ') : '');
      badge.className = 'badge ' + d.health.status;
      document.getElementById('updated').textContent = 'updated ' + time(d.nowMillis);
      trackerTable(d.trackers);
      trackerCards(d.trackers);
      torrentCards(d.torrents);
      document.getElementById('alerts').replaceChildren(...(d.alerts.length ? [] : [el('li', {}, 'none')]), ...d.alerts.map(a => el('li', {},
        time(a.atMillis) + ' ' + a.kind + ' ' + (a.subject || '') + ': ' + (a.message || ''))));
      document.getElementById('error').hidden = true;
      state.lastError = null;
    } catch (e) {
      state.lastError = String(e);
      const p = document.getElementById('error');
      p.textContent = 'refresh failed: ' + e;
      p.hidden = false;
    } finally {
      state.refreshes++;
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
