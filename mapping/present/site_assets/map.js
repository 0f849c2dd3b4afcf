/* The static site's map: Leaflet, the areas coloured by the measure chosen, team bases, the key and the view
   in the URL fragment (#measure=...&nation=...&area=...). Every value from the data reaches the page as text
   (textContent, text-node tooltips); nothing is ever set as HTML. Written by `pimap site`. */
(function () {
    "use strict";
    var site = window.pimapSite, shapes = window.pimapShapes;
    var body = document.body;
    if (!site || !shapes || !window.L) {
        body.dataset.areasDrawn = "error";
        var note = document.createElement("p");
        note.className = "note";
        note.textContent = "The map's files could not be loaded; the table below gives every area's figures.";
        document.getElementById("map").appendChild(note);
        return;
    }
    // Until the map is drawn, the rest of the page (read after this script) is not laid out: see site.css.
    body.classList.add("pimap-drawing");
    var textTable = /*TOOLTIP_JS*/;
    var drawMarker = /*MARKER_JS*/;
    shapes = (/*STEPS_JS*/)(shapes);  // the lines arrive as steps (mapping.present.webmap.stepped): GeoJSON again
    var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
    var measures = {};
    site.measures.forEach(function (m) { measures[m.id] = m; });
    var state = {measure: site.measures[0].id, nation: "", area: ""};

    // A value from the link, quoted for a note: cut at 60 characters, saying how long it was (webapp.state.quoted).
    function quoted(value) {
        if (!value) { return "an empty value"; }
        var text = value.length > 60 ? value.slice(0, 60) + "\u2026 (" + value.length + " characters)" : value;
        return "\u201c" + text + "\u201d";
    }

    // A value the link gave that the map cannot show, in words (the app's wording, webapp.state.link_note).
    function refusal(what, value, why, shown, options) {
        return "The link asks for " + what + " " + quoted(value) + ", " + why + ", so the map shows " + shown
            + " instead. To fix the link, use one of: " + options.join(", ") + ".";
    }

    // The view the fragment asks for; what it asks that the map cannot show is kept in ``refused``, to be said.
    function readFragment() {
        var out = {measure: site.measures[0].id, nation: "", area: "", refused: []};
        location.hash.replace(/^#/, "").split("&").forEach(function (part) {
            if (!part) { return; }
            var pair = part.split("="), key, value;
            try {
                key = decodeURIComponent(pair[0] || "");
                value = decodeURIComponent((pair.slice(1).join("=")).replace(/\+/g, " "));
            } catch (e) {
                out.refused.push("Part of the link, " + quoted(part) + ", is not readable text, so it is ignored.");
                return;
            }
            if (key === "measure") {
                if (has(measures, value)) { out.measure = value; } else {
                    out.refused.push(refusal("the measure", value, "which this map does not have",
                                             "'" + measures[site.measures[0].id].label + "'", Object.keys(measures)));
                }
            } else if (key === "nation") {
                if (has(site.views, value)) { out.nation = value; } else {
                    out.refused.push(refusal("the nation", value, "which this map does not have", "every area",
                                             Object.keys(site.views).filter(function (n) { return n; })));
                }
            } else if (key === "area") {
                out.area = value;  // checked against the map's areas once they are drawn (apply)
            }
        });
        return out;
    }

    // Say what the link asked for that the map could not show (as text), or nothing.
    function sayRefused(notes) {
        var box = document.getElementById("link-note");
        if (!box) { return; }
        while (box.firstChild) { box.removeChild(box.firstChild); }
        notes.forEach(function (note) {
            var line = document.createElement("p");
            line.textContent = note;
            box.appendChild(line);
        });
        box.hidden = notes.length === 0;
    }

    function writeFragment() {
        var parts = ["measure=" + encodeURIComponent(state.measure)];
        if (state.nation) { parts.push("nation=" + encodeURIComponent(state.nation)); }
        if (state.area) { parts.push("area=" + encodeURIComponent(state.area)); }
        var hash = "#" + parts.join("&");
        if (location.hash !== hash) {
            try { history.replaceState(null, "", hash); } catch (e) { location.hash = hash; }
        }
    }

    // The view is set before any layer is added, so the areas are drawn once, already in place.
    var first = readFragment();
    var map = L.map("map", {preferCanvas: true, attributionControl: false, zoomSnap: 0.25, zoomDelta: 0.5,
                            minZoom: 4, maxZoom: site.maxZoom});
    state.measure = first.measure;
    state.nation = first.nation;
    L.control.scale({imperial: false}).addTo(map);
    // The view's zoom and centre on the page, for a test or an embedding page to read.
    map.on("moveend", function () {
        var c = map.getCenter();
        body.dataset.zoom = String(map.getZoom());
        body.dataset.center = c.lat.toFixed(3) + "," + c.lng.toFixed(3);
    });
    map.fitBounds(site.views[state.nation], {padding: [10, 10], animate: false});
    var byCode = {};

    function values(code) {
        var areas = measures[state.measure].areas;
        return has(areas, code) ? areas[code] : null;
    }

    function areaStyle(feature) {
        var v = values(feature.properties.code), out = Object.assign({}, site.areaStyle);
        out.fillColor = v ? v[0] : "#ffffff";
        if (feature.properties.code === state.area) { Object.assign(out, site.highlight); }
        return out;
    }

    var areas = L.geoJSON(shapes, {
        smoothFactor: 0.5,
        style: areaStyle,
        onEachFeature: function (feature, layer) {
            var code = feature.properties.code;
            byCode[code] = layer;
            layer.bindTooltip(function () {
                var v = values(code);
                return v ? textTable(measures[state.measure].labels, v.slice(1)) : document.createTextNode(code);
            }, {sticky: true, className: "pimap-tooltip"});
            layer.on({
                mouseover: function (e) { e.target.setStyle(site.highlight); },
                mouseout: function (e) { e.target.setStyle(areaStyle(feature)); },
                click: function () { pick(code, false); }
            });
        }
    }).addTo(map);

    var teams = L.geoJSON(site.teams, {
        pointToLayer: function (feature, latlng) {
            var marker = drawMarker(site.markers, feature, latlng);
            marker.on("add", function () {  // a name for screen readers, as text (the tooltip says the rest)
                marker.getElement().setAttribute("aria-label", "Team base: " + feature.properties.name);
            });
            return marker;
        },
        onEachFeature: function (feature, layer) {
            var p = feature.properties;
            layer.bindTooltip(function () {
                return textTable(site.teamLabels, [p.name, p.status, p.evidence, p.location]);
            }, {direction: "top", className: "pimap-tooltip"});
        }
    }).addTo(map);

    function showLegend() {
        var m = measures[state.measure], list = document.getElementById("legend");
        document.getElementById("legend-title").textContent = m.label;
        while (list.firstChild) { list.removeChild(list.firstChild); }
        m.legend.forEach(function (entry) {
            var item = document.createElement("li"), swatch = document.createElement("span");
            swatch.className = "swatch";
            swatch.style.background = entry[1];
            item.appendChild(swatch);
            item.appendChild(document.createTextNode(entry[0]));
            list.appendChild(item);
        });
    }

    function showPicked() {
        var box = document.getElementById("picked");
        while (box.firstChild) { box.removeChild(box.firstChild); }
        var v = state.area ? values(state.area) : null;
        if (!v) { return; }
        var head = document.createElement("h3");
        head.textContent = v[1];
        box.appendChild(head);
        box.appendChild(textTable(measures[state.measure].labels.slice(1), v.slice(2)));
    }

    function filterTable() {  // the table comes after this script in the page: again once it is read
        var caption = document.getElementById("table-caption");
        if (!caption) { return; }
        var rows = document.querySelectorAll("#area-table tbody tr"), shown = 0;
        Array.prototype.forEach.call(rows, function (row) {
            row.hidden = Boolean(state.nation) && row.dataset.nation !== state.nation;
            row.classList.toggle("picked-row", row.dataset.code === state.area);
            if (!row.hidden) { shown += 1; }
        });
        caption.textContent = (state.nation ? state.nation + ": " : "Every area: ")
            + shown + " areas, the figures of each measure";
    }

    function restyle(code) {
        if (code && has(byCode, code)) { byCode[code].setStyle(areaStyle(byCode[code].feature)); }
    }

    function pick(code, zoom) {
        var before = state.area;
        state.area = has(byCode, code) ? code : "";
        if (before !== state.area) { restyle(before); restyle(state.area); }
        if (state.area && zoom) {
            map.fitBounds(byCode[code].getBounds(), {padding: [20, 20], maxZoom: 9});
        }
        showPicked();
        filterTable();
        writeFragment();
    }

    function apply(view, opening) {
        if (view.refused) {  // a view read from the link: say what of it cannot be shown
            var notes = view.refused.slice();
            if (view.area && !has(byCode, view.area)) {
                notes.push("The link asks for the area " + quoted(view.area) + ", which is not an area of this map, "
                           + "so no area is picked. To fix the link, use an area code from the table.");
            }
            sayRefused(notes);
        }
        var nationChanged = !opening && view.nation !== state.nation;
        var measureChanged = !opening && view.measure !== state.measure;
        state.measure = view.measure;
        state.nation = view.nation;
        document.getElementById("measure").value = state.measure;
        document.getElementById("nation").value = state.nation;
        body.dataset.measure = state.measure;
        showLegend();
        if (measureChanged) { areas.setStyle(areaStyle); }
        if (nationChanged) { map.fitBounds(site.views[state.nation], {padding: [10, 10]}); }
        pick(view.area, view.area !== "" && (opening || view.area !== state.area));
        if (measureChanged) { showPicked(); }
    }

    document.getElementById("measure").addEventListener("change", function (e) {
        apply({measure: e.target.value, nation: state.nation, area: state.area, refused: []}, false);
    });
    document.getElementById("nation").addEventListener("change", function (e) {
        apply({measure: state.measure, nation: e.target.value, area: "", refused: []}, false);
    });
    window.addEventListener("hashchange", function () {
        var view = readFragment();
        if (view.measure !== state.measure || view.nation !== state.nation || view.area !== state.area) {
            apply(view, false);
        }
    });
    apply(first, true);
    requestAnimationFrame(function () {
        body.dataset.drawnMs = String(Math.round(performance.now()));
        body.dataset.areasDrawn = String(Object.keys(byCode).length);
        body.dataset.teamsDrawn = String(teams.getLayers().length);
        setTimeout(function () {  // then the table and the rest of the page
            function rest() {
                body.classList.remove("pimap-drawing");
                filterTable();
                body.dataset.pageReady = "true";
            }
            if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", rest); } else { rest(); }
        }, 0);
    });
}());
