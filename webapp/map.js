/* The app's maps (webapp/mapview.py): Leaflet from the app's own static folder, the layers of
   mapping.present.webmap.map_spec, tooltips of text nodes, and a click on an area sent back to the app.

   Streamlit calls this module's function again, on the same element, whenever the page's data for the map
   changes: the map, its Leaflet and the area shapes it fetched stay; only the layers and the view change. A new
   measure restyles the areas already drawn, so the shapes are fetched and drawn once per page. Every value from
   the data reaches the page as text (textContent, text-node tooltips); a layer's name is escaped for Leaflet's
   layer list, which sets names as HTML. */
var textTable = /*TOOLTIP_JS*/;
var drawMarker = /*MARKER_JS*/;
var unstepped = /*STEPS_JS*/;  // shapes arrive as steps (mapping.present.webmap.stepped): made GeoJSON again
var KEPT = "__pimapMap";

function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

function escaped(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
}

// Leaflet once per page: its script and stylesheet from the app (static/vendor/leaflet), never a CDN.
function loadLeaflet(urls) {
    if (window.L) { return Promise.resolve(window.L); }
    if (!window.pimapLeaflet) {
        window.pimapLeaflet = new Promise(function (resolve, reject) {
            var css = document.createElement("link");
            css.rel = "stylesheet";
            css.href = urls.css;
            document.head.appendChild(css);
            var script = document.createElement("script");
            script.src = urls.js;
            script.onload = function () { resolve(window.L); };
            script.onerror = function () {
                window.pimapLeaflet = null;
                reject(new Error("Leaflet could not be loaded from " + urls.js));
            };
            document.head.appendChild(script);
        });
    }
    return window.pimapLeaflet;
}

// A geography's shapes once per page, kept parsed for every map of it.
function fetchShapes(url) {
    var kept = window.pimapShapes = window.pimapShapes || {};
    if (!kept[url]) {
        kept[url] = fetch(url).then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.json().then(unstepped);
        });
        kept[url].catch(function () { delete kept[url]; });
    }
    return kept[url];
}

// The element of parent with this class, made (a div with that role) when there is none yet.
function childOf(parent, className, role) {
    var child = parent.querySelector("." + className);
    if (!child) {
        child = document.createElement("div");
        child.className = className;
        child.setAttribute("role", role);
        parent.appendChild(child);
    }
    return child;
}

function showProblem(box, text) {
    childOf(box, "pimap-map-problem", "alert").textContent = text;
}

function tooltipOf(labels, values, sticky, direction) {
    return [function () { return textTable(labels, values); },
            {sticky: sticky, direction: direction || "auto", className: "pimap-tooltip"}];
}

// Drawn as SVG, not on the areas' canvas: Leaflet's canvas takes the pointer over the whole inside of an
// unfilled outline, so a catchment's outline would hide the areas under it from hover and click; an SVG outline
// only takes the pointer on its line.
function shapesLayer(L, kept, spec) {
    kept.svg = kept.svg || L.svg({padding: 0.5});
    return L.geoJSON(unstepped(spec.data), {
        smoothFactor: 0.5,
        renderer: kept.svg,
        style: function (feature) { return feature.properties.style; },
        pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, Object.assign({renderer: kept.svg}, feature.properties.style));
        },
        onEachFeature: function (feature, layer) {
            layer.bindTooltip.apply(layer, tooltipOf(spec.labels, feature.properties.tooltip, false));
        }
    });
}

function teamsLayer(L, spec) {
    return L.geoJSON(spec.data, {
        pointToLayer: function (feature, latlng) {
            var marker = drawMarker(spec.markers, feature, latlng);
            marker.on("add", function () {  // a name for screen readers, as text (the tooltip says the rest)
                marker.getElement().setAttribute("aria-label", "Team base: " + feature.properties.tooltip[0]);
            });
            return marker;
        },
        onEachFeature: function (feature, layer) {
            layer.bindTooltip.apply(layer, tooltipOf(spec.labels, feature.properties.tooltip, false, "top"));
        }
    });
}

// The areas: one Leaflet layer per page and geography, restyled for each view (the view's colours and tooltip
// values in `kept.areas`, read when a tooltip opens).
function areasLayer(L, kept, spec, onClick) {
    if (kept.areasLayer && kept.areasUrl === spec.url) {
        kept.areas = spec;
        kept.areasLayer.setStyle(function (feature) { return areaStyle(kept, feature); });
        return Promise.resolve(kept.areasLayer);
    }
    kept.areas = spec;
    kept.areasUrl = spec.url;
    var layer = L.geoJSON(null, {
        smoothFactor: 0.5,
        style: function (feature) { return areaStyle(kept, feature); },
        onEachFeature: function (feature, part) {
            var code = feature.properties.code;
            part.bindTooltip(function () {
                var areas = kept.areas.areas;
                return has(areas, code) ? textTable(kept.areas.labels, areas[code].slice(1))
                    : document.createTextNode(code);
            }, {sticky: true, className: "pimap-tooltip"});
            part.on({
                mouseover: function (e) { e.target.setStyle(kept.areas.highlight); },
                mouseout: function (e) { e.target.setStyle(areaStyle(kept, feature)); },
                click: function () { onClick(code); }
            });
        }
    });
    kept.areasLayer = layer;
    return fetchShapes(spec.url).then(function (shapes) {
        if (kept.areasLayer === layer) {  // only the view's areas: a shape of no area of it is not drawn
            layer.addData({type: "FeatureCollection", features: shapes.features.filter(function (feature) {
                return has(kept.areas.areas, feature.properties.code);
            })});
        }
        return layer;
    }, function (error) {
        if (kept.areasLayer === layer) { kept.areasLayer = null; kept.areasUrl = null; }  // the next view tries again
        throw error;
    });
}

function areaStyle(kept, feature) {
    var areas = kept.areas.areas, code = feature.properties.code;
    if (!has(areas, code)) { return {stroke: false, fill: false}; }  // not an area of this view: not drawn
    return Object.assign({fillColor: areas[code][0]}, kept.areas.style);
}

function setUp(L, box) {
    var map = L.map(box, {preferCanvas: true, zoomSnap: 0.25, zoomDelta: 0.5, minZoom: 4, maxZoom: 13});
    map.attributionControl.setPrefix(false);
    // The controls (zoom, layers) come first in the keyboard's order, before the team markers, not after them.
    box.insertBefore(map.getContainer().querySelector(".leaflet-control-container"), box.firstChild);
    L.control.scale({imperial: false}).addTo(map);
    var kept = {map: map, shown: [], control: L.control.layers(null, null, {collapsed: true}).addTo(map)};
    // A street map only when asked for: its tiles come from openstreetmap.org, the one thing that would
    // leave the machine, so the map never loads them by itself.
    var streets = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19, attribution: "\u00a9 OpenStreetMap contributors"});
    kept.control.addOverlay(streets, escaped("Street map (OpenStreetMap, loaded from openstreetmap.org)"));
    map.on("moveend", function () {  // the view's zoom and centre on the map, for a test to read
        var c = map.getCenter();
        box.dataset.zoom = String(map.getZoom());
        box.dataset.center = c.lat.toFixed(3) + "," + c.lng.toFixed(3);
    });
    box[KEPT] = kept;
    return kept;
}

function leafletLayer(L, kept, spec) {
    if (spec.kind === "areas") {
        return areasLayer(L, kept, spec, function (code) {
            if (kept.clickable) { kept.send("area", code); }
        });
    }
    return Promise.resolve(spec.kind === "teams" ? teamsLayer(L, spec) : shapesLayer(L, kept, spec));
}

// The view's layers, bottom first. The overlays arrive once per page (webapp/mapview.py) and are kept by their
// hash, already made, so a new measure only restyles the areas: nothing else is made or drawn again.
function draw(L, box, data, send) {
    document.body.dataset.drawStartMs = String(Math.round(performance.now()));
    var kept = box[KEPT] || setUp(L, box);
    var map = kept.map;
    kept.clickable = data.clickable;
    kept.send = send;  // a click on the areas (their layer is kept from view to view) sends through the newest
    var view = JSON.stringify([data.bounds, data.padding]);
    if (kept.view !== view) {
        map.fitBounds(data.bounds, {padding: [data.padding, data.padding], animate: kept.view !== undefined});
        kept.view = view;
    }
    var generation = kept.generation = (kept.generation || 0) + 1;  // a newer view replaces one still loading
    var made = data.layers.map(function (spec) { return leafletLayer(L, kept, spec); });
    var overlays = Promise.resolve([]), ref = data.overlays ? data.overlays.ref : null;
    if (ref !== null) {
        var held = window.pimapOverlays = window.pimapOverlays || {};
        if (data.overlays.json) { held[ref] = JSON.parse(data.overlays.json); }
        if (!has(held, ref)) {
            send("missing", ref);  // this page lacks them: the app sends them again
        } else if (kept.overlaysRef === ref) {
            overlays = Promise.resolve(kept.overlays);
        } else {
            overlays = Promise.all(held[ref].map(function (spec) {
                return leafletLayer(L, kept, spec).then(function (layer) {
                    return {layer: layer, spec: spec};
                });
            }));
        }
    }
    var areasName = null;
    data.layers.forEach(function (spec) { if (spec.kind === "areas") { areasName = spec.name; } });
    return Promise.all([Promise.all(made), overlays]).then(function (results) {
        if (generation !== kept.generation) { return; }
        var layers = results[0].map(function (layer, i) { return {layer: layer, spec: data.layers[i]}; });
        var wanted = layers.concat(results[1]);
        kept.shown.forEach(function (item) {  // what this view no longer has
            if (wanted.every(function (w) { return w.layer !== item.layer; })) {
                map.removeLayer(item.layer);
            }
            kept.control.removeLayer(item.layer);
        });
        wanted.forEach(function (item) {
            kept.control.addOverlay(item.layer, escaped(item.spec.name));
            var before = kept.shown.some(function (k) { return k.layer === item.layer; });
            if (!before && item.spec.show) { item.layer.addTo(map); }
        });
        // Lines and markers above the areas, in the order given.
        wanted.forEach(function (item) {
            if (item.layer.bringToFront && map.hasLayer(item.layer)) { item.layer.bringToFront(); }
        });
        kept.shown = wanted;
        if (ref !== null && results[1].length) { kept.overlaysRef = ref; kept.overlays = results[1]; }
        var problem = box.querySelector(".pimap-map-problem");
        if (problem) { problem.parentNode.removeChild(problem); }
        requestAnimationFrame(function () {  // the browser's clock at the drawing, for the benchmarks
            document.body.dataset.drawnMs = String(Math.round(performance.now()));
            document.body.dataset.areasDrawn = areasName || "none";
            box.dataset.drawn = areasName || "none";
            if (data.tell_drawn) { tellDrawn(send); }
        });
    });
}

// A new visitor's first view (webapp/first_view.py): the map comes first, and says once when it is drawn, so that
// the app sends the rest of the page. It says so too if it could not be drawn, or is not drawn within 5 s, so the
// page is never left without its controls. The body is marked while the page waits for the rest (the tests
// wait for the whole page).
function tellDrawn(send) {
    if (!window.pimapToldDrawn) {
        window.pimapToldDrawn = true;
        send("drawn", true);
    }
}

function firstView(data, send) {
    if (data.tell_drawn) {
        document.body.dataset.mapFirst = "waiting";
        setTimeout(function () { tellDrawn(send); }, 5000);
    } else {
        delete document.body.dataset.mapFirst;
    }
}

export default function drawMap(component) {
    document.body.dataset.mapCalledMs = String(Math.round(performance.now()));  // the view arrived (browser clock)
    var data = component.data, parent = component.parentElement;
    firstView(data, component.setTriggerValue);
    var box = childOf(parent, "pimap-map", "region");
    box.style.height = data.height + "px";
    box.setAttribute("aria-label", data.label);
    (data.layers || []).forEach(function (spec) {  // the shapes download while Leaflet loads, not after it
        if (spec.url) { fetchShapes(spec.url).catch(function () {}); }
    });
    loadLeaflet(data.leaflet).then(function (L) {
        return draw(L, box, data, component.setTriggerValue);
    }).catch(function (error) {
        showProblem(box, "The map could not be drawn (" + error.message + "): reload the page. "
            + "The table of the map gives the same figures.");
        document.body.dataset.areasDrawn = "error";
        box.dataset.drawn = "error";
        if (data.tell_drawn) { tellDrawn(component.setTriggerValue); }
    });
}
