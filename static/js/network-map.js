/* The interactive network map (templates/network/_map.html): cytoscape.js draws the JSON of
   /api/v1/network/map (partners with positions computed on the server, so they stay put between
   visits), a click or the search box chooses a partner and loads its panel, an HTML fragment
   written by the server in the user's language (/network/partners/<id>/panel).
   No inline script or style: cytoscape styles its canvas through the DOM, which the CSP allows.
   Performance marks: map-start, map-data, map-rendered; measures map-first-render (from the start
   of navigation) and map-draw (from the data to the first frame). */
(function () {
  'use strict';

  var section = document.getElementById('network-map-section');
  if (!section || typeof window.cytoscape !== 'function' || !window.fetch) {
    return;  // without the library or fetch the page keeps its static picture and tables
  }
  performance.mark('map-start');
  var box = document.getElementById('network-map');
  var panel = document.getElementById('map-panel');
  var searchForm = document.getElementById('map-search');
  var searchInput = document.getElementById('map-q');
  var searchStatus = document.getElementById('map-search-status');
  var names = document.getElementById('map-partner-names');
  var text = section.dataset;
  var cy = null;
  var byId = {};
  var partners = [];
  var panelRequest = 0;
  var fitScale = 1;  // the zoom at which the whole map shows (see draw)

  section.hidden = false;
  box.setAttribute('aria-busy', 'true');
  say(box, text.loading);

  function say(where, message) {
    var p = document.createElement('p');
    p.className = 'map-message';
    p.textContent = message;
    where.replaceChildren(p);
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  fetch(text.src, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (resp) {
      if (!resp.ok) { throw new Error('HTTP ' + resp.status); }
      return resp.json();
    })
    .then(draw)
    .catch(function (err) {
      box.removeAttribute('aria-busy');
      box.dataset.state = 'error';
      say(box, text.error);
      if (window.console) { console.warn('network map:', err.message); }
    });

  function draw(data) {
    performance.mark('map-data');
    partners = data.partners;
    box.replaceChildren();
    box.removeAttribute('aria-busy');
    if (!partners.length) {
      box.dataset.state = 'ready';
      box.dataset.partners = '0';
      say(box, text.empty);
      performance.mark('map-rendered');
      return;
    }
    var style = data.style;
    var extent = 1;
    partners.forEach(function (p) { extent = Math.max(extent, Math.abs(p.x), Math.abs(p.y)); });
    var large = partners.length > 300;
    var named = {};
    partners.slice(0, large ? 6 : 300).forEach(function (p) { named[p.id] = true; });
    // Sizes in screen pixels as the map opens, whatever the screen (a phone shrinks the nodes a
    // little, never the names); at scale L a node has about 60 model units of room (mapdata.layout).
    var side = Math.min(box.clientWidth, box.clientHeight);
    var f = Math.min(1, Math.max(0.6, side / 600));
    var minSize = (large ? 3 : 10) * f;
    var maxSize = (large ? 18 : 40) * f;
    // Room for the names too: up to 120 px wide, centred under their node.
    var fitZoom = Math.max(0.005, Math.min(box.clientWidth - Math.min(130, box.clientWidth / 4),
                                            box.clientHeight - 90 - maxSize) / (2 * extent));
    var k = 1 / fitZoom;  // model units per screen pixel as the map opens
    fitScale = fitZoom;

    var elements = [{
      group: 'nodes', classes: 'coop',
      data: { id: 'c', name: text.cooperative, colour: style.categories.cooperative, shape: 'ellipse', size: (large ? 36 : 48) * f * k },
      position: { x: 0, y: 0 }
    }];
    partners.forEach(function (p) {
      byId[p.id] = p;
      var classes = ['partner'];
      if (named[p.id] || (!large && (p.spof || p.broker))) { classes.push('named'); }
      if (p.spof) { classes.push('spof'); }
      if (p.broker) { classes.push('broker'); }
      elements.push({
        group: 'nodes', classes: classes.join(' '),
        data: {
          id: 'p' + p.id, pid: p.id, name: p.name, colour: style.categories[p.category] || '#777777',
          shape: style.shapes[p.flows[0]] || 'ellipse', size: k * (minSize + (maxSize - minSize) * p.s)
        },
        position: { x: p.x, y: p.y }
      });
      elements.push({
        group: 'edges', classes: p.s > 0 ? 'tie' : 'tie zero',
        data: { id: 't' + p.id, source: 'p' + p.id, target: 'c', w: k * (0.8 + 4 * p.s) }
      });
    });
    data.dependencies.forEach(function (d, i) {
      elements.push({
        group: 'edges', classes: 'dep',
        data: { id: 'd' + i, source: 'p' + d[0], target: 'p' + d[1], n: d[2], w: k * (1.4 + 0.4 * Math.min(d[2], 6)) }
      });
    });

    cy = window.cytoscape({
      container: box,
      elements: elements,
      // The extent is known: zoom and pan set here spare cytoscape measuring every element to fit.
      layout: { name: 'preset', fit: false },
      zoom: fitZoom,
      pan: { x: box.clientWidth / 2, y: box.clientHeight / 2 },
      minZoom: 0.02,
      maxZoom: 6,
      boxSelectionEnabled: false,
      autoungrabify: true,
      selectionType: 'single',
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      pixelRatio: large ? 1 : 'auto',
      style: [
        { selector: 'node', style: {
          'background-color': 'data(colour)', shape: 'data(shape)', width: 'data(size)', height: 'data(size)',
          'border-width': 0.8 * k, 'border-color': '#ffffff', label: '', color: '#111111', 'font-size': 11 * k,
          'text-wrap': 'wrap', 'text-max-width': 120 * k, 'text-valign': 'bottom', 'text-margin-y': 3 * k,
          'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': 1.5 * k,
          'min-zoomed-font-size': 8
        } },
        { selector: 'node.named', style: { label: 'data(name)' } },
        // Zoomed in at scale L: names about 11 px at three times the opening zoom, not growing as
        // large as the opening names would.
        { selector: 'node.zoomed', style: { label: 'data(name)', 'font-size': 11 * k / 3, 'text-max-width': 120 * k / 3,
          'text-margin-y': k, 'text-background-padding': 0.5 * k } },
        { selector: 'node.coop', style: {
          label: 'data(name)', 'font-weight': 'bold', 'font-size': (large ? 11 : 12) * k
        } },
        { selector: 'node.broker', style: {
          'border-width': 2.5 * k, 'border-style': 'dashed', 'border-color': style.broker
        } },
        { selector: 'node.spof', style: { 'border-width': 3 * k, 'border-style': 'solid', 'border-color': style.spof } },
        { selector: 'edge.tie', style: {
          'line-color': style.tie, width: 'data(w)', opacity: large ? 0.25 : 0.5, 'curve-style': 'haystack'
        } },
        { selector: 'edge.tie.zero', style: { 'line-style': 'dashed', 'curve-style': 'straight', width: 1.4 * k } },
        { selector: 'edge.dep', style: {
          'line-color': style.dependency, 'target-arrow-color': style.dependency, 'target-arrow-shape': 'triangle',
          width: 'data(w)', 'arrow-scale': 1.1, 'curve-style': 'straight', opacity: large ? 0.3 : 0.85
        } },
        { selector: '.faded', style: { opacity: large ? 0.2 : 0.4 } },
        { selector: 'node.at-risk', style: {
          label: 'data(name)', 'underlay-color': style.dependency, 'underlay-opacity': 0.35, 'underlay-padding': 6 * k
        } },
        { selector: 'edge.at-risk', style: { opacity: 1, 'z-index': 9 } },
        { selector: 'node:selected', style: {
          label: 'data(name)', 'overlay-color': '#f5b700', 'overlay-opacity': 0.45, 'overlay-padding': 7 * k,
          'font-weight': 'bold', 'z-index': 10
        } }
      ]
    });
    performance.mark('map-built');
    cy.one('render', function () {
      window.requestAnimationFrame(function () {
        performance.mark('map-rendered');
        performance.measure('map-first-render', { end: 'map-rendered' });
        performance.measure('map-draw', 'map-data', 'map-rendered');
        performance.measure('map-build', 'map-data', 'map-built');
        box.dataset.state = 'ready';
        box.dataset.partners = String(partners.length);
        box.dataset.dependencies = String(data.dependencies.length);
      });
    });
    if (large) {
      // At scale L only the largest are named as the map opens (a name for each of 2,000 partners
      // costs a second to draw and cannot be read); zoomed in, every partner in view is named.
      var zoomedIn = false;
      cy.on('zoom', function () {
        var now = cy.zoom() >= 2.5 * fitZoom;
        if (now !== zoomedIn) {
          zoomedIn = now;
          cy.batch(function () { cy.nodes('.partner')[now ? 'addClass' : 'removeClass']('zoomed'); });
        }
      });
    }
    cy.on('tap', 'node.partner', function (evt) { choose(evt.target.data('pid'), false); });
    cy.on('tap', function (evt) { if (evt.target === cy) { clearMarks(); } });

    var options = document.createDocumentFragment();
    partners.forEach(function (p) {
      var o = document.createElement('option');
      o.value = p.name;
      options.appendChild(o);
    });
    names.replaceChildren(options);
    riskList('map-spof', partners.filter(function (p) { return p.spof; }));
    riskList('map-brokers', partners.filter(function (p) { return p.broker; })
      .sort(function (a, b) { return a.broker - b.broker; }));
    window.networkMap = { cy: cy, choose: choose };  // for the browser tests and the console
  }

  // The first RISKS_SHOWN of each list (the page's tables have them all).
  var RISKS_SHOWN = 10;

  function riskList(id, rows) {
    var list = document.getElementById(id);
    var items = document.createDocumentFragment();
    rows.slice(0, RISKS_SHOWN).forEach(function (p) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = p.name;
      b.addEventListener('click', function () { choose(p.id, true); });
      li.appendChild(b);
      items.appendChild(li);
    });
    if (!rows.length) {
      var none = document.createElement('li');
      none.className = 'map-risk-none';  // not numbered: "1. —" read as a first item
      none.textContent = '—';
      items.appendChild(none);
    }
    list.replaceChildren(items);
    var more = document.getElementById(id + '-more');
    if (rows.length > RISKS_SHOWN) {
      more.textContent = fill(text.more, { n: (rows.length - RISKS_SHOWN).toLocaleString(document.documentElement.lang) });
      more.hidden = false;
    }
  }

  function clearMarks() {
    cy.elements().removeClass('at-risk faded');
  }

  // What breaks if this partner leaves, as the map can show it: the partners downstream of it along
  // the dependency arrows (the panel gives the exact agreements, computed on the server).
  function markAtRisk(node) {
    clearMarks();
    var seen = node.union(node.connectedEdges('.tie'));
    var frontier = node;
    while (frontier.nonempty()) {
      var edges = frontier.outgoers('edge.dep').difference(seen);
      var next = edges.targets().difference(seen);
      seen = seen.union(edges).union(next).union(next.connectedEdges('.tie'));
      next.addClass('at-risk');
      edges.addClass('at-risk');
      frontier = next;
    }
    var upstream = node.incomers('edge.dep');
    seen = seen.union(upstream).union(upstream.sources()).union(cy.getElementById('c'));
    cy.elements().difference(seen).addClass('faded');
  }

  function choose(pid, focusPanel) {
    var node = cy && cy.getElementById('p' + pid);
    if (!node || node.empty()) { return; }
    cy.$(':selected').unselect();
    node.select();
    markAtRisk(node);
    loadPanel(pid, focusPanel);
  }

  function loadPanel(pid, focus) {
    var ticket = ++panelRequest;
    panel.setAttribute('aria-busy', 'true');
    say(panel, text.loading);
    fetch(text.panel.replace('/partners/0/', '/partners/' + pid + '/'), { credentials: 'same-origin' })
      .then(function (resp) {
        if (!resp.ok) { throw new Error('HTTP ' + resp.status); }
        return resp.text();
      })
      .then(function (html) {
        if (ticket !== panelRequest) { return; }
        // A fragment written by this server, escaped there like every page (no script in it).
        panel.innerHTML = html;
        panel.removeAttribute('aria-busy');
        panel.dataset.partnerId = String(pid);
        var heading = document.getElementById('map-panel-h') || panel;
        if (focus) {
          heading.focus();  // chosen from the keyboard: reading goes on in the panel
        } else {
          // Chosen on the map: the map stays where it is; on a phone, where the panel is below the
          // map and out of sight, the page brings it up.
          heading.focus({ preventScroll: true });
          if (panel.getBoundingClientRect().top > window.innerHeight) {
            panel.scrollIntoView({ block: 'start' });
          }
        }
      })
      .catch(function () {
        if (ticket !== panelRequest) { return; }
        panel.removeAttribute('aria-busy');
        say(panel, text.error);
      });
  }

  searchForm.addEventListener('submit', function (evt) {
    evt.preventDefault();
    var q = searchInput.value.trim().toLocaleLowerCase();
    if (!q || !cy) { return; }
    var found = null;
    for (var i = 0; i < partners.length && !found; i++) {
      if (partners[i].name.toLocaleLowerCase() === q) { found = partners[i]; }
    }
    for (var j = 0; j < partners.length && !found; j++) {
      if (partners[j].name.toLocaleLowerCase().indexOf(q) !== -1) { found = partners[j]; }
    }
    if (!found) {
      searchStatus.textContent = fill(text.notFound, { text: searchInput.value.trim() });
      return;
    }
    searchStatus.textContent = fill(text.found, { name: found.name });
    var node = cy.getElementById('p' + found.id);
    var at = node.renderedPosition();
    if (partners.length > 300) {
      // At scale L the whole map is small on the screen: come close enough to read the names around it.
      cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 3 * fitScale) }, { duration: 250 });
    } else if (at.x < 0 || at.y < 0 || at.x > cy.width() || at.y > cy.height()) {
      cy.animate({ center: { eles: node } }, { duration: 250 });
    }
    choose(found.id, true);
  });
}());
