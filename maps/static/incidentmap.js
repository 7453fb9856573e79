/* incidentmap page script: draws every record on one canvas, filters by a time window and
 * by layer, and offers popups, a histogram time bar, play/pause, URL-hash state and
 * "download what is shown". Data arrives as columnar JSON (see maps/payload.py).
 * Untrusted text only ever reaches the page through textContent. */
(function () {
  "use strict";
  if (window.incidentmapBoot) { return; }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var TIME_PRECISION = { 1: "exact day", 2: "week known only (middle of the week)", 3: "month known only (middle of the month)" };
  var GEO_PRECISION = { 1: "the town itself", 2: "near a town or a small area", 3: "a larger region" };
  var SPEEDS = { "0.5": 1600, "1": 800, "2": 400, "4": 200 };
  var CELL = 60;            // cluster grid, in screen pixels
  var MAX_CIRCLES = 5000;   // precision circles drawn at most (they cost fill area)

  // ---- dates: whole days since 1970-01-01 (UTC) ----
  function isoToDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
    if (!m) { throw new Error("expected a date YYYY-MM-DD, got " + JSON.stringify(text)); }
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    var d = new Date(ms);
    if (d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
      throw new Error("not a calendar date: " + text);
    }
    return Math.round(ms / 86400000);
  }
  function dayToIso(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }
  function dayToWords(day) {
    var d = new Date(day * 86400000);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function addMonths(day, k) {
    var d = new Date(day * 86400000);
    return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, d.getUTCDate()) / 86400000);
  }
  function stepDays(day, unit, k) {
    if (unit === "month") { return addMonths(day, k); }
    return day + k * (unit === "week" ? 7 : 1);
  }

  // ---- small DOM helpers (text only through textContent) ----
  function el(tag, cls, text, parent) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function safeUrl(text) {
    try {
      var url = new URL(text);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) { return null; }
  }
  function slug(text) {
    var s = String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return (s || "incidentmap").slice(0, 60);
  }

  // ---- data columns (encodings: maps/columns.py) ----
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = new Int8Array(128);
  for (var d = 0; d < 64; d++) { DIGIT[ALPHABET.charCodeAt(d)] = d; }

  function unpackInts(spec, n) {     // -> Float64Array, NaN where missing
    var out = new Float64Array(n), w = spec.w, s = spec.s, min = spec.min, nulls = spec.nulls, p = 0;
    for (var i = 0; i < n; i++) {
      var v = 0;
      for (var k = 0; k < w; k++) { v = v * 64 + DIGIT[s.charCodeAt(p++)]; }
      out[i] = nulls ? (v === 0 ? NaN : min + v - 1) : min + v;
    }
    return out;
  }

  function decodeColumn(spec, n) {   // -> function (row) -> value (null when missing)
    if (spec.k === "list") { return function (i) { return spec.v[i]; }; }
    if (spec.k === "dict") {
      var codes = unpackInts(spec.codes, n);
      return function (i) { return spec.values[codes[i]]; };
    }
    var values = unpackInts(spec, n);
    return function (i) { var v = values[i]; return v === v ? v : null; };
  }

  function decodeIds(spec, n) {
    if (spec.k === "list") { return spec.v.slice(); }
    var prefix = unpackInts(spec.prefix, n), number = unpackInts(spec.number, n), out = new Array(n);
    for (var i = 0; i < n; i++) {
      var p = spec.prefixes[prefix[i]], digits = String(number[i]);
      while (digits.length < p[1]) { digits = "0" + digits; }
      out[i] = p[0] + digits;
    }
    return out;
  }

  function decodeColumns(data) {     // name -> function (row) -> value, over rows and places
    var cols = {}, n = data.n, place = data.place ? unpackInts(data.place, n) : null;
    Object.keys(data.rows).forEach(function (c) { cols[c] = decodeColumn(data.rows[c], n); });
    Object.keys(data.places).forEach(function (c) {
      var get = decodeColumn(data.places[c], data.nPlaces);
      cols[c] = function (i) { return get(place[i]); };
    });
    return cols;
  }

  function IncidentMap(map, data, opts) {
    var self = this;
    var n = data.n;
    this.map = map;
    this.data = data;
    this.opts = opts;
    this.n = n;
    this.layerInfo = data.layers;
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.layer = new Uint16Array(n);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.mx = new Float64Array(n);
    this.my = new Float64Array(n);
    var cols = decodeColumns(data);
    var start = unpackInts(data.start, n), dur = unpackInts(data.dur, n), layer = unpackInts(data.layer, n);
    this.ids = decodeIds(data.ids, n);
    var spanMin = Infinity, spanMax = -Infinity;
    for (var i = 0; i < n; i++) {
      var s = data.day0 + start[i];
      this.start[i] = s;
      this.end[i] = s + dur[i];
      this.layer[i] = layer[i];
      var lat = cols._lat(i) / data.coordScale, lon = cols._lon(i) / data.coordScale;
      this.lat[i] = lat;
      this.lon[i] = lon;
      var sin = Math.max(-0.9999, Math.min(0.9999, Math.sin(lat * Math.PI / 180)));
      this.mx[i] = (lon + 180) / 360;
      this.my[i] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
      if (s < spanMin) { spanMin = s; }
      if (this.end[i] > spanMax) { spanMax = this.end[i]; }
    }
    if (n === 0) { spanMin = spanMax = data.day0; }
    this.spanMin = spanMin;
    this.spanMax = spanMax;
    this.cols = cols;
    this.textCols = data.text;
    this.numCols = data.num;
    this.gp = this.numeric("geo_precision");
    this.pkm = this.numeric("precision_km");
    this.sizeVal = data.sizeBy ? this.numeric(data.sizeBy) : null;
    this.layerOn = data.layers.map(function () { return true; });
    this.inWindow = new Int32Array(data.layers.length);
    this.vis = new Int32Array(n);
    this.nVis = 0;
    this.from = spanMin;
    this.to = spanMax;
    this.cumulative = false;
    this.step = "week";
    this.speed = "1";
    this.timer = null;
    this.clusterOn = !!opts.cluster;
    this.heatOn = !!opts.heatmap;
    this.frame = null;
    this.drawPending = false;

    this.applyHash(location.hash);
    this.filter();
    this.buildCanvas();
    this.buildTitle();
    this.buildPanel();
    this.buildTimeBar();
    if (opts.heatmap && L.heatLayer) {
      this.heat = L.heatLayer([], { radius: 18, blur: 15, minOpacity: 0.25 });
      if (this.heatOn) { this.heat.addTo(map); }
    }
    if (opts.attribution) { map.attributionControl.addAttribution(opts.attribution); }
    if (opts.boundaries) { this.loadBoundaries(opts.boundaries); }
    if (!this.view) { this.fitData(); } else { map.setView([this.view[1], this.view[2]], this.view[0], { animate: false }); }
    map.on("click", this.onClick, this);
    map.on("mousemove", this.onHover, this);
    map.on("moveend", this.saveHash, this);
    window.addEventListener("hashchange", function () {
      if (location.hash !== self.lastHash) { self.applyHash(location.hash); self.changed(); }
    });
    this.changed();
  }

  var P = IncidentMap.prototype;

  // ---- filtering: rows are sorted by start day, so the scan stops at the window's end ----
  P.filter = function () {
    var from = this.cumulative ? -Infinity : this.from, to = this.to;
    var start = this.start, end = this.end, layer = this.layer, on = this.layerOn;
    var inWindow = this.inWindow, vis = this.vis, k = 0;
    inWindow.fill(0);
    for (var i = 0; i < this.n; i++) {
      if (start[i] > to) { break; }
      if (end[i] < from) { continue; }
      var l = layer[i];
      inWindow[l]++;
      if (on[l]) { vis[k++] = i; }
    }
    this.nVis = k;
  };

  P.changed = function () {
    var self = this;
    this.filter();
    this.requestDraw();
    this.updateControls();
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(function () { self.saveHash(); }, 150);
  };

  P.requestDraw = function () {
    var self = this;
    if (this.drawPending) { return; }
    this.drawPending = true;
    requestAnimationFrame(function () { self.drawPending = false; self.draw(); });
  };

  // ---- the canvas layer ----
  P.buildCanvas = function () {
    var self = this, map = this.map;
    var Layer = L.Layer.extend({
      onAdd: function () {
        // own pane above the overlay pane, so heat and boundaries stay under the markers
        var pane = map.getPane("incidentmap") || map.createPane("incidentmap");
        pane.style.zIndex = 450;
        this._canvas = L.DomUtil.create("canvas", "im-canvas leaflet-zoom-hide", pane);
        map.on("moveend zoomend resize viewreset", self.requestDraw, self);
      },
      onRemove: function () {
        L.DomUtil.remove(this._canvas);
        map.off("moveend zoomend resize viewreset", self.requestDraw, self);
      }
    });
    this.canvasLayer = new Layer();
    this.canvasLayer.addTo(map);
  };

  P.radius = function (i) {
    if (this.sizeVal) {
      var v = this.sizeVal[i];
      return v > 0 ? Math.min(24, 4 + 2 * Math.sqrt(v)) : 4;
    }
    return this.nVis > 20000 ? 3 : 5;
  };

  P.draw = function () {
    var map = this.map, canvas = this.canvasLayer._canvas;
    if (!canvas) { return; }
    var size = map.getSize(), pad = 0.2;
    var px = Math.round(size.x * pad), py = Math.round(size.y * pad);
    var w = size.x + 2 * px, h = size.y + 2 * py, dpr = window.devicePixelRatio || 1;
    var topLeft = map.containerPointToLayerPoint([-px, -py]);
    L.DomUtil.setPosition(canvas, topLeft);
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var zoom = map.getZoom(), origin = map.getPixelOrigin();
    var frame = { scale: 256 * Math.pow(2, zoom), ox: origin.x + topLeft.x, oy: origin.y + topLeft.y,
                  px: px, py: py, w: w, h: h, clusters: null };
    this.frame = frame;
    if (this.clusterOn && zoom < map.getMaxZoom()) { this.drawClusters(ctx, frame); } else { this.drawPoints(ctx, frame); }
    if (this.heat && this.heatOn) {
      var pts = new Array(this.nVis);
      for (var k = 0; k < this.nVis; k++) { var i = this.vis[k]; pts[k] = [this.lat[i], this.lon[i]]; }
      this.heat.setLatLngs(pts);
    }
  };

  P.drawPoints = function (ctx, f) {
    var vis = this.vis, mx = this.mx, my = this.my, layer = this.layer, nL = this.layerInfo.length;
    var gp = this.gp, pkm = this.pkm, sized = !!this.sizeVal, r0 = this.radius(0);
    var rings = [], nRings = 0, L_, k;
    for (L_ = 0; L_ < nL; L_++) { rings.push(new Path2D()); }
    // records on the same pixel in the same layer (one bit per layer, first 16 layers) are drawn once
    var W = Math.ceil(f.w), H = Math.ceil(f.h);
    if (!this.seen || this.seen.length !== W * H) { this.seen = new Uint16Array(W * H); }
    this.seen.fill(0);
    var dots = new Int32Array(this.nVis), nDots = 0;
    for (k = 0; k < this.nVis; k++) {
      var i = vis[k], cx = mx[i] * f.scale - f.ox, cy = my[i] * f.scale - f.oy, r = sized ? this.radius(i) : r0;
      if (cx < -r || cy < -r || cx > f.w + r || cy > f.h + r) { continue; }
      if (!sized && layer[i] < 16 && cx >= 0 && cy >= 0 && cx < W && cy < H) {
        var pix = (cy | 0) * W + (cx | 0), bit = 1 << layer[i];
        if (this.seen[pix] & bit) { continue; }
        this.seen[pix] |= bit;
      }
      dots[nDots++] = i;
      if (gp && pkm && gp[i] >= 2 && pkm[i] > 0 && nRings < MAX_CIRCLES) {
        var rr = pkm[i] * 1000 * f.scale / (40075016.686 * Math.cos(this.lat[i] * Math.PI / 180));
        if (rr > r + 2) {
          rings[layer[i]].moveTo(cx + rr, cy);
          rings[layer[i]].arc(cx, cy, rr, 0, 2 * Math.PI);
          nRings++;
        }
      }
    }
    ctx.lineWidth = 1;
    for (L_ = 0; L_ < nL; L_++) {   // precision circles first, under every marker
      ctx.fillStyle = ctx.strokeStyle = this.layerInfo[L_].color;
      ctx.globalAlpha = 0.08;
      ctx.fill(rings[L_]);
      ctx.globalAlpha = 0.45;
      ctx.setLineDash([4, 3]);
      ctx.stroke(rings[L_]);
    }
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    for (L_ = 0; L_ < nL; L_++) {   // markers layer by layer: one stamped image each, or paths when sized
      var color = this.layerInfo[L_].color, sprite = sized ? null : this.sprite(color, r0), d = r0 + 1;
      var path = sized ? new Path2D() : null;
      for (k = 0; k < nDots; k++) {
        var j = dots[k];
        if (layer[j] !== L_) { continue; }
        var x = mx[j] * f.scale - f.ox, y = my[j] * f.scale - f.oy;
        if (sprite) { ctx.drawImage(sprite, x - d, y - d, 2 * d, 2 * d); continue; }
        var rj = this.radius(j);
        path.moveTo(x + rj, y);
        path.arc(x, y, rj, 0, 2 * Math.PI);
      }
      if (path) {
        ctx.globalAlpha = 0.85; ctx.fillStyle = color; ctx.fill(path);
        ctx.globalAlpha = 1; ctx.strokeStyle = "#ffffff"; ctx.stroke(path);
      }
    }
  };

  // A marker drawn once into a small canvas, then stamped for every record of its layer.
  P.sprite = function (color, r) {
    var key = color + r, dpr = window.devicePixelRatio || 1;
    this.sprites = this.sprites || {};
    if (!this.sprites[key]) {
      var c = document.createElement("canvas"), size = Math.ceil((2 * r + 2) * dpr), g = c.getContext("2d");
      c.width = c.height = size;
      g.scale(dpr, dpr);
      g.beginPath(); g.arc(r + 1, r + 1, r, 0, 2 * Math.PI);
      g.globalAlpha = 0.9; g.fillStyle = color; g.fill();
      g.globalAlpha = 1; g.lineWidth = 1; g.strokeStyle = "#ffffff"; g.stroke();
      this.sprites[key] = c;
    }
    return this.sprites[key];
  };

  P.drawClusters = function (ctx, f) {
    var vis = this.vis, mx = this.mx, my = this.my, layer = this.layer, nL = this.layerInfo.length;
    var cells = new Map(), list = [];
    for (var k = 0; k < this.nVis; k++) {
      var i = vis[k], wx = mx[i] * f.scale, wy = my[i] * f.scale;
      var cx = wx - f.ox, cy = wy - f.oy;
      if (cx < -CELL || cy < -CELL || cx > f.w + CELL || cy > f.h + CELL) { continue; }
      var key = Math.floor(wx / CELL) * 4194304 + Math.floor(wy / CELL);
      var c = cells.get(key);
      if (!c) { c = { n: 0, sx: 0, sy: 0, i: i, by: new Int32Array(nL) }; cells.set(key, c); list.push(c); }
      c.n++; c.sx += cx; c.sy += cy; c.by[layer[i]]++;
    }
    var drawn = [];
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = "bold 12px sans-serif";
    for (var j = 0; j < list.length; j++) {
      var cl = list[j], x = cl.sx / cl.n, y = cl.sy / cl.n, best = 0;
      if (cl.n === 1) {
        var r1 = this.radius(cl.i);
        ctx.beginPath(); ctx.arc(x, y, r1, 0, 2 * Math.PI);
        ctx.fillStyle = this.layerInfo[layer[cl.i]].color; ctx.fill();
        ctx.strokeStyle = "#fff"; ctx.lineWidth = 1; ctx.stroke();
        continue;
      }
      for (var l = 1; l < nL; l++) { if (cl.by[l] > cl.by[best]) { best = l; } }
      var r = 11 + 5 * Math.log10(cl.n);
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.85; ctx.fillStyle = this.layerInfo[best].color; ctx.fill();
      ctx.globalAlpha = 1; ctx.lineWidth = 2; ctx.strokeStyle = "#fff"; ctx.stroke();
      var label = cl.n >= 10000 ? Math.round(cl.n / 1000) + "k" : cl.n >= 1000 ? (cl.n / 1000).toFixed(1) + "k" : String(cl.n);
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(0,0,0,0.6)"; ctx.strokeText(label, x, y);
      ctx.fillStyle = "#fff"; ctx.fillText(label, x, y);
      drawn.push({ x: x, y: y, r: r, n: cl.n });
    }
    f.clusters = drawn;
  };

  // ---- hit testing, popups, hover ----
  P.hit = function (point) {
    var f = this.frame;
    if (!f) { return null; }
    var x = point.x + f.px, y = point.y + f.py;
    if (f.clusters) {
      for (var c = 0; c < f.clusters.length; c++) {
        var cl = f.clusters[c], dx = cl.x - x, dy = cl.y - y;
        if (dx * dx + dy * dy <= cl.r * cl.r) { return { cluster: cl }; }
      }
    }
    var best = Infinity, found = [];
    for (var k = 0; k < this.nVis; k++) {
      var i = this.vis[k], ex = this.mx[i] * f.scale - f.ox - x, ey = this.my[i] * f.scale - f.oy - y;
      var d = Math.sqrt(ex * ex + ey * ey), r = this.radius(i) + 3;
      if (d <= r) { found.push([d, i]); if (d < best) { best = d; } }
    }
    if (!found.length) { return null; }
    var same = found.filter(function (e) { return e[0] <= best + 2; }).map(function (e) { return e[1]; });
    return { records: same };
  };

  P.onClick = function (e) {
    var hit = this.hit(e.containerPoint);
    if (!hit) { return; }
    if (hit.cluster) {
      var f = this.frame;
      var pt = L.point(hit.cluster.x - f.px, hit.cluster.y - f.py);
      this.map.setView(this.map.containerPointToLatLng(pt), Math.min(this.map.getZoom() + 2, this.map.getMaxZoom()));
      return;
    }
    var first = hit.records[0];
    L.popup({ maxWidth: 360, maxHeight: 320, autoPanPaddingTopLeft: [60, 120], autoPanPaddingBottomRight: [300, 190] }).setLatLng([this.lat[first], this.lon[first]])
      .setContent(this.popupNode(hit.records)).openOn(this.map);
  };

  P.onHover = function (e) {
    var hit = this.hit(e.containerPoint), box = this.map.getContainer();
    box.style.cursor = hit ? "pointer" : "";
    if (hit && hit.records) {
      var i = hit.records[0], more = hit.records.length > 1 ? " (+" + (hit.records.length - 1) + " more)" : "";
      var text = (this.get("location", i) || this.get("resolved_name", i)) + " · " + this.spanWords(i) + more;
      if (!this.tip) { this.tip = L.tooltip({ direction: "top", offset: [0, -8], className: "im-tip" }); }
      this.tip.setLatLng([this.lat[i], this.lon[i]]).setContent(el("span", null, text));
      if (!this.map.hasLayer(this.tip)) { this.tip.addTo(this.map); }
    } else if (this.tip && this.map.hasLayer(this.tip)) {
      this.map.removeLayer(this.tip);
    }
  };

  P.get = function (column, i) { return this.cols[column] ? this.cols[column](i) : ""; };
  P.getNum = function (column, i) { return this.cols[column] ? this.cols[column](i) : null; };
  P.numeric = function (column) {     // a numeric column as a typed array (NaN: missing), or null
    if (!this.cols[column]) { return null; }
    var out = new Float64Array(this.n), get = this.cols[column];
    for (var i = 0; i < this.n; i++) { var v = get(i); out[i] = v === null ? NaN : v; }
    return out;
  };

  P.spanWords = function (i) {
    var s = this.start[i], e = this.end[i];
    if (s === e) { return dayToWords(s); }
    return dayToWords(s) + " – " + dayToWords(e) + " (" + (e - s + 1) + " days)";
  };

  P.popupNode = function (records) {
    var root = el("div", "im-popup"), shown = records.slice(0, 10);
    for (var k = 0; k < shown.length; k++) { this.recordNode(shown[k], root); }
    if (records.length > shown.length) { el("p", "im-more", "and " + (records.length - shown.length) + " more records here", root); }
    return root;
  };

  P.recordNode = function (i, parent) {
    var box = el("section", "im-record", null, parent);
    var type = this.get("event_type", i) || this.layerInfo[this.layer[i]].name;
    var sub = this.get("sub_event_type", i);
    el("h3", null, sub ? type + " — " + sub : type, box);
    var dl = el("dl", null, null, box);
    function row(label, value) {
      if (value === "" || value === null || value === undefined) { return null; }
      el("dt", null, label, dl);
      return el("dd", null, value, dl);
    }
    var tp = this.getNum("time_precision", i);
    row("Date", this.spanWords(i) + (tp && tp !== 1 ? " — " + TIME_PRECISION[tp] : ""));
    var a1 = this.get("actor1", i), a2 = this.get("actor2", i);
    row("Actors", a1 && a2 ? a1 + " vs " + a2 : a1 || a2);
    var fat = this.getNum("fatalities", i);
    row("Fatalities", fat === null || fat === undefined ? (this.cols.fatalities ? "not reported" : "") : fat);
    row("Notes", this.get("notes", i));
    var place = [this.get("location", i), this.get("admin2", i), this.get("admin1", i), this.get("country", i)]
      .filter(function (v) { return v; }).join(", ");
    row("Place", place);
    var resolved = this.get("resolved_name", i), bits = [];
    var pkm = this.getNum("precision_km", i), conf = this.getNum("confidence", i), gp = this.getNum("geo_precision", i);
    if (gp && GEO_PRECISION[gp]) { bits.push(GEO_PRECISION[gp]); }
    if (pkm !== null && pkm !== undefined) { bits.push("±" + pkm + " km"); }
    if (conf !== null && conf !== undefined) { bits.push("confidence " + Number(conf).toFixed(2)); }
    row("Resolved as", (resolved || (bits.length ? "—" : "")) + (bits.length ? " (" + bits.join(", ") + ")" : ""));
    var source = this.get("source", i);
    if (source) { this.sourceNode(source, row("Source", " ")); }
    el("p", "im-id", this.ids[i], box);
    return box;
  };

  // Source text with http(s) URLs turned into links; everything else stays text.
  P.sourceNode = function (source, dd) {
    dd.textContent = "";
    var re = /\S+:\/\/\S+|javascript:\S*/gi, last = 0, m;
    while ((m = re.exec(source)) !== null) {
      dd.appendChild(document.createTextNode(source.slice(last, m.index)));
      var href = safeUrl(m[0].replace(/[),.;]+$/, ""));
      if (href) {
        var a = el("a", null, m[0], dd);
        a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        dd.appendChild(document.createTextNode(m[0]));
      }
      last = m.index + m[0].length;
    }
    dd.appendChild(document.createTextNode(source.slice(last)));
  };

  // ---- title, layer panel ----
  P.buildTitle = function () {
    var Title = L.Control.extend({
      onAdd: function () { return el("h1", "im-title", this.options.text); }
    });
    new Title({ position: "topleft", text: this.opts.title }).addTo(this.map);
  };

  P.buildPanel = function () {
    var self = this;
    var Panel = L.Control.extend({
      onAdd: function () {
        var box = el("div", "im-panel leaflet-bar");
        self.panel = box;
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        el("h2", null, "Layers: " + self.data.layerBy, box);
        var list = el("ul", "im-layers", null, box);
        self.layerRows = self.layerInfo.map(function (info, l) {
          var li = el("li", null, null, list), label = el("label", null, null, li);
          var box_ = el("input", null, null, label);
          box_.type = "checkbox";
          box_.checked = self.layerOn[l];
          box_.addEventListener("change", function () { self.setLayerVisible(info.name, box_.checked); });
          var sw = el("span", "im-swatch", null, label);
          sw.style.background = info.color;
          el("span", "im-name", info.name, label);
          var count = el("span", "im-count", "", label);
          return { input: box_, count: count, li: li };
        });
        var legend = el("div", "im-legend", null, box);
        var ring = el("p", null, null, legend);
        el("span", "im-ring", null, ring);
        ring.appendChild(document.createTextNode("dashed circle: approximate place (area or region)"));
        if (self.data.sizeBy) { el("p", null, "marker size: " + self.data.sizeBy, legend); }
        self.clusterBox = self.toggle(box, "Cluster markers", self.clusterOn, function (on) { self.clusterOn = on; self.changed(); });
        if (self.opts.heatmap) {
          self.toggle(box, "Heat layer", self.heatOn, function (on) {
            self.heatOn = on;
            if (self.heat) { if (on) { self.heat.addTo(self.map); } else { self.map.removeLayer(self.heat); } }
            self.changed();
          });
        }
        return box;
      }
    });
    new Panel({ position: "topright" }).addTo(this.map);
  };

  // Country boundaries from a TopoJSON on the CDN, drawn under the records; optional, so a
  // page opened offline says it could not load them and works on.
  P.loadBoundaries = function (spec) {
    var self = this;
    var status = el("p", "im-status", "Loading boundaries…", this.panel);
    fetch(spec.url).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (topology) {
      var shapes = topojson.feature(topology, topology.objects.countries);
      self.boundaries = L.geoJSON(shapes, { interactive: false, pane: "tilePane",
        style: { color: "#444", weight: 1, opacity: 0.8, fill: false } }).addTo(self.map);
      self.map.attributionControl.addAttribution(spec.attribution);
      status.remove();
      self.toggle(self.panel, "Boundaries", true, function (on) {
        if (on) { self.boundaries.addTo(self.map); } else { self.map.removeLayer(self.boundaries); }
      });
    }).catch(function (err) {
      status.textContent = "Boundaries could not be loaded (" + err.message + ")";
    });
  };

  P.toggle = function (parent, text, on, onChange) {
    var label = el("label", "im-toggle", null, parent), input = el("input", null, null, label);
    input.type = "checkbox";
    input.checked = on;
    input.addEventListener("change", function () { onChange(input.checked); });
    label.appendChild(document.createTextNode(" " + text));
    return input;
  };

  // ---- time bar ----
  P.buildTimeBar = function () {
    var self = this;
    var bar = el("div", "im-timebar", null, this.map.getContainer());
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.disableScrollPropagation(bar);
    this.summary = el("p", "im-summary", "", bar);
    this.summary.setAttribute("aria-live", "polite");
    this.hist = el("canvas", "im-hist", null, bar);
    this.hist.setAttribute("aria-hidden", "true");
    var sliders = el("div", "im-sliders", null, bar);
    function range(label) {
      var input = el("input", null, null, sliders);
      input.type = "range";
      input.min = self.spanMin; input.max = self.spanMax; input.step = 1;
      input.setAttribute("aria-label", label);
      return input;
    }
    this.fromInput = range("Window start");
    this.toInput = range("Window end");
    this.fromInput.addEventListener("input", function () {
      var v = +self.fromInput.value;
      self.from = Math.min(v, self.to); self.changed();
    });
    this.toInput.addEventListener("input", function () {
      var v = +self.toInput.value;
      self.to = Math.max(v, self.cumulative ? self.spanMin : self.from); self.changed();
    });
    var ends = el("div", "im-ends", null, bar);
    el("span", null, dayToWords(this.spanMin), ends);
    el("span", null, dayToWords(this.spanMax), ends);
    var row = el("div", "im-row", null, bar);
    this.playButton = el("button", "im-play", "▶ Play", row);
    this.playButton.type = "button";
    this.playButton.setAttribute("aria-pressed", "false");
    this.playButton.addEventListener("click", function () { if (self.timer) { self.pause(); } else { self.play(); } });
    this.stepSelect = this.select(row, "Step", { day: "day", week: "week", month: "month" }, this.step,
      function (v) { self.step = v; });
    this.speedSelect = this.select(row, "Speed", { "0.5": "½×", "1": "1×", "2": "2×", "4": "4×" }, this.speed,
      function (v) { self.speed = v; if (self.timer) { self.pause(); self.play(); } });
    this.cumBox = this.toggle(row, "Cumulative", this.cumulative, function (on) { self.setCumulative(on); });
    var all = el("button", null, "Full span", row);
    all.type = "button";
    all.addEventListener("click", function () { self.clearTimeWindow(); });
    el("span", "im-sep", "Download shown:", row);
    var gj = el("button", "im-dl-geojson", "GeoJSON", row), csv = el("button", "im-dl-csv", "CSV", row);
    gj.type = csv.type = "button";
    gj.addEventListener("click", function () { self.download("geojson"); });
    csv.addEventListener("click", function () { self.download("csv"); });
    this.binHistogram();
  };

  P.select = function (parent, label, choices, value, onChange) {
    var wrap = el("label", null, label + " ", parent), sel = el("select", null, null, wrap);
    Object.keys(choices).forEach(function (k) {
      var o = el("option", null, choices[k], sel); o.value = k; o.selected = k === value;
    });
    sel.addEventListener("change", function () { onChange(sel.value); });
    return sel;
  };

  P.binHistogram = function () {
    var span = this.spanMax - this.spanMin + 1;
    this.binUnit = span <= 120 ? "day" : span <= 1100 ? "week" : "month";
    var edges = [this.spanMin];
    while (edges[edges.length - 1] <= this.spanMax) { edges.push(stepDays(edges[edges.length - 1], this.binUnit, 1)); }
    var nL = this.layerInfo.length, nB = edges.length - 1, bins = new Int32Array(nB * nL), b = 0;
    for (var i = 0; i < this.n; i++) {       // rows sorted by start: walk the bins along
      while (b < nB - 1 && this.start[i] >= edges[b + 1]) { b++; }
      bins[b * nL + this.layer[i]]++;
    }
    this.edges = edges;
    this.bins = bins;
  };

  P.drawHistogram = function () {
    var c = this.hist, w = c.clientWidth || 600, h = c.clientHeight || 44, dpr = window.devicePixelRatio || 1;
    c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    var ctx = c.getContext("2d"), nL = this.layerInfo.length, nB = this.edges.length - 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var span = this.spanMax - this.spanMin + 1, max = 1, b, l;
    for (b = 0; b < nB; b++) {
      var tot = 0;
      for (l = 0; l < nL; l++) { tot += this.bins[b * nL + l]; }
      max = Math.max(max, tot);
    }
    var xOf = function (day) { return (day - this.spanMin) / span * w; }.bind(this);
    for (b = 0; b < nB; b++) {
      var x0 = xOf(this.edges[b]), x1 = xOf(Math.min(this.edges[b + 1], this.spanMax + 1)), y = h;
      for (l = 0; l < nL; l++) {
        var v = this.bins[b * nL + l];
        if (!v) { continue; }
        var bh = v / max * (h - 2);
        ctx.globalAlpha = this.layerOn[l] ? 1 : 0.2;
        ctx.fillStyle = this.layerInfo[l].color;
        ctx.fillRect(x0, y - bh, Math.max(1, x1 - x0 - 1), bh);
        y -= bh;
      }
    }
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = "#ffffff";
    var from = this.cumulative ? this.spanMin : this.from;
    ctx.fillRect(0, 0, Math.max(0, xOf(from)), h);
    ctx.fillRect(xOf(this.to + 1), 0, w, h);
    ctx.globalAlpha = 1;
  };

  P.updateControls = function () {
    if (!this.summary) { return; }
    var from = this.cumulative ? this.spanMin : this.from;
    var when = from === this.to ? dayToWords(this.to) : dayToWords(from) + " – " + dayToWords(this.to);
    this.summary.textContent = when + ": " + this.nVis + " of " + this.n + " records shown" +
      (this.cumulative ? " (cumulative)" : "");
    this.fromInput.value = Math.max(this.spanMin, Math.min(this.spanMax, from));
    this.toInput.value = Math.max(this.spanMin, Math.min(this.spanMax, this.to));
    this.fromInput.disabled = this.cumulative;
    this.fromInput.setAttribute("aria-valuetext", dayToWords(from));
    this.toInput.setAttribute("aria-valuetext", dayToWords(this.to));
    for (var l = 0; l < this.layerRows.length; l++) {
      var on = this.layerOn[l], row = this.layerRows[l];
      row.input.checked = on;
      row.count.textContent = on ? String(this.inWindow[l]) : "(" + this.inWindow[l] + ")";
      row.li.className = on ? "" : "im-off";
    }
    this.clusterBox.checked = this.clusterOn;
    this.cumBox.checked = this.cumulative;
    this.playButton.textContent = this.timer ? "❚❚ Pause" : "▶ Play";
    this.playButton.setAttribute("aria-pressed", this.timer ? "true" : "false");
    this.drawHistogram();
  };

  // ---- time window, play ----
  P.setTimeWindow = function (fromIso, toIso) {
    var from = isoToDay(fromIso), to = isoToDay(toIso);
    if (to < from) { throw new Error("window end " + toIso + " is before its start " + fromIso); }
    this.from = from; this.to = to; this.changed();
  };
  P.clearTimeWindow = function () { this.pause(); this.from = this.spanMin; this.to = this.spanMax; this.changed(); };
  P.setCumulative = function (on) { this.cumulative = !!on; this.changed(); };

  P.play = function () {
    var self = this;
    if (this.timer) { return; }
    if (this.to >= this.spanMax) {   // at the end: start again from the first step
      this.from = this.spanMin;
      this.to = Math.max(this.spanMin, stepDays(this.spanMin, this.step, 1) - 1);
      this.changed();
    }
    this.timer = setInterval(function () { self.tick(); }, SPEEDS[this.speed] || 800);
    this.updateControls();
  };
  P.tick = function () {
    if (this.to >= this.spanMax) { this.pause(); return; }
    if (!this.cumulative) { this.from = stepDays(this.from, this.step, 1); }
    this.to = stepDays(this.to, this.step, 1);
    this.changed();
    if (this.to >= this.spanMax) { this.pause(); }
  };
  P.pause = function () {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    this.updateControls();
  };

  // ---- layers ----
  P.layerIndex = function (name) {
    for (var l = 0; l < this.layerInfo.length; l++) { if (this.layerInfo[l].name === name) { return l; } }
    throw new Error("no layer named " + JSON.stringify(name));
  };
  P.setLayerVisible = function (name, on) { this.layerOn[this.layerIndex(name)] = !!on; this.changed(); };

  // ---- URL hash: window, layers switched on, cumulative, clusters, view ----
  P.saveHash = function () {
    var parts = [], map = this.map, self = this;
    if (this.from !== this.spanMin || this.to !== this.spanMax) {
      parts.push("from=" + dayToIso(this.from), "to=" + dayToIso(this.to));
    }
    if (this.layerOn.indexOf(false) >= 0) {
      parts.push("layers=" + this.layerInfo.filter(function (x, l) { return self.layerOn[l]; })
        .map(function (x) { return encodeURIComponent(x.name); }).join(","));
    }
    if (this.cumulative) { parts.push("cumulative=1"); }
    if (this.clusterOn !== !!this.opts.cluster) { parts.push("cluster=" + (this.clusterOn ? 1 : 0)); }
    if (map._loaded) {
      var c = map.getCenter();
      parts.push("view=" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4));
    }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash) {
      this.lastHash = hash;
      history.replaceState(null, "", location.pathname + location.search + hash);
    }
  };

  P.applyHash = function (hash) {
    var q = {}, self = this;
    hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var at = kv.indexOf("=");
      if (at > 0) { q[kv.slice(0, at)] = kv.slice(at + 1); }
    });
    try {
      this.from = q.from ? isoToDay(q.from) : this.spanMin;
      this.to = q.to ? isoToDay(q.to) : this.spanMax;
    } catch (e) { this.from = this.spanMin; this.to = this.spanMax; }
    if (this.to < this.from) { this.to = this.from; }
    if (q.layers !== undefined) {
      var on = q.layers.split(",").map(function (s) { try { return decodeURIComponent(s); } catch (e) { return null; } });
      this.layerOn = this.layerInfo.map(function (x) { return on.indexOf(x.name) >= 0; });
    } else {
      this.layerOn = this.layerInfo.map(function () { return true; });
    }
    this.cumulative = q.cumulative === "1";
    if (q.cluster !== undefined) { this.clusterOn = q.cluster === "1"; }
    var v = (q.view || "").split("/").map(Number);
    this.view = v.length === 3 && v.every(isFinite) ? v : null;
    if (this.view && this.map._loaded) { this.map.setView([v[1], v[2]], v[0], { animate: false }); }
  };

  P.fitData = function () {
    if (!this.n) { this.map.setView([20, 0], 2); return; }
    var s = 90, w = 180, nn = -90, e = -180;
    for (var i = 0; i < this.n; i++) {
      s = Math.min(s, this.lat[i]); nn = Math.max(nn, this.lat[i]);
      w = Math.min(w, this.lon[i]); e = Math.max(e, this.lon[i]);
    }
    // keep clear of the title (top left), the layer panel (right) and the time bar (bottom)
    this.map.fitBounds([[s, w], [nn, e]], { paddingTopLeft: [40, 90], paddingBottomRight: [310, 190],
                                           maxZoom: 10, animate: false });
  };

  // ---- downloads: exactly the records shown ----
  P.columns = function () {
    var cols = ["event_id_cnty", "event_date", "end_date"].concat(this.textCols, this.numCols);
    cols.push(this.data.layerBy);
    return cols.filter(function (c, k) { return cols.indexOf(c) === k; });
  };
  P.value = function (column, i) {
    if (column === "event_id_cnty") { return this.ids[i]; }
    if (column === "event_date") { return dayToIso(this.start[i]); }
    if (column === "end_date") { return dayToIso(this.end[i]); }
    if (this.cols[column]) { return this.cols[column](i); }
    if (column === this.data.layerBy) { return this.layerInfo[this.layer[i]].name; }
    return null;
  };
  P.shownIndexes = function () { return Array.prototype.slice.call(this.vis, 0, this.nVis); };

  P.geojson = function () {
    var cols = this.columns(), self = this;
    return {
      type: "FeatureCollection",
      features: this.shownIndexes().map(function (i) {
        var props = {};
        cols.forEach(function (c) { props[c] = self.value(c, i); });
        return { type: "Feature", id: self.ids[i], properties: props,
                 geometry: { type: "Point", coordinates: [self.lon[i], self.lat[i]] } };
      })
    };
  };

  P.csv = function () {
    var cols = this.columns().concat(["latitude", "longitude"]), self = this;
    function cell(v, isText) {
      if (v === null || v === undefined) { return ""; }
      var s = String(v);
      if (isText && /^[=+\-@\t\r]/.test(s)) { s = "'" + s; }  // no formulas in spreadsheets
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    var lines = [cols.map(function (c) { return cell(c, true); }).join(",")];
    this.shownIndexes().forEach(function (i) {
      lines.push(cols.map(function (c) {
        if (c === "latitude") { return cell(self.lat[i]); }
        if (c === "longitude") { return cell(self.lon[i]); }
        return cell(self.value(c, i), self.numCols.indexOf(c) < 0);
      }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };

  P.download = function (kind) {
    var body = kind === "csv" ? this.csv() : JSON.stringify(this.geojson());
    var type = kind === "csv" ? "text/csv" : "application/geo+json";
    var blob = new Blob([body], { type: type + ";charset=utf-8" });
    var a = el("a", null, null, document.body);
    a.href = URL.createObjectURL(blob);
    a.download = slug(this.opts.title) + "-shown." + kind;
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  };

  // ---- the scripting handle ----
  P.api = function () {
    var self = this;
    return {
      setTimeWindow: function (from, to) { self.setTimeWindow(from, to); },
      clearTimeWindow: function () { self.clearTimeWindow(); },
      getTimeWindow: function () { return [dayToIso(self.cumulative ? self.spanMin : self.from), dayToIso(self.to)]; },
      visibleCount: function () { return self.nVis; },
      visibleIds: function () { return self.shownIndexes().map(function (i) { return self.ids[i]; }); },
      layers: function () {
        return self.layerInfo.map(function (x, l) {
          return { name: x.name, color: x.color, on: self.layerOn[l], visible: self.layerOn[l] ? self.inWindow[l] : 0 };
        });
      },
      setLayerVisible: function (name, on) { self.setLayerVisible(name, on); },
      setCumulative: function (on) { self.setCumulative(on); },
      setStep: function (unit) { if (["day", "week", "month"].indexOf(unit) < 0) { throw new Error("step is day, week or month"); } self.step = unit; self.stepSelect.value = unit; },
      play: function () { self.play(); },
      pause: function () { self.pause(); },
      isPlaying: function () { return !!self.timer; },
      setClusters: function (on) { self.clusterOn = !!on; self.changed(); },
      geojson: function () { return self.geojson(); },
      screenPoint: function (id) {   // page coordinates of a record's marker (for tests)
        var i = self.ids.indexOf(id);
        if (i < 0) { throw new Error("no record " + JSON.stringify(id)); }
        var p = self.map.latLngToContainerPoint([self.lat[i], self.lon[i]]);
        var box = self.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
      }
    };
  };

  window.incidentmapBoot = function (map, name) {
    var data = JSON.parse(document.getElementById(name + "_data").textContent);
    var opts = JSON.parse(document.getElementById(name + "_options").textContent);
    var im = new IncidentMap(map, data, opts);
    window.incidentmap = im.api();
    return im;
  };
})();
