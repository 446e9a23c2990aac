/*
 * The demo page's map: every event matching the page's filters, as a point on a world map.
 *
 * It works offline: the country outlines are Natural Earth's, vendored as TopoJSON
 * (timeline_api/data/world-atlas, served at /demo/outlines.json), drawn by Leaflet (vendor/leaflet) as plain vector shapes, with no
 * tile server. The points come from the API's GeoJSON export of the same filters the list
 * uses, so the map shows every matching event, not only the page of the list:
 *   GET /api/v1/events.geojson?…   one Feature per event; a Point where it has a place
 *
 * demo.js tells the map about each new query with a "timeline:query" DOM event whose
 * `detail.params` are the filters (URLSearchParams). Events at the same point (several
 * known only by one country, or in one city) share one marker whose popup lists each of
 * them. Clicking a point opens the event: in the list when it is shown there, otherwise in
 * the point's popup; with several events there, each one's title in the popup opens it.
 */
"use strict";

(() => {
  const API = "/api/v1";
  const OUTLINES = "/demo/outlines.json";
  const container = document.getElementById("map");
  const status = document.getElementById("map-status");
  if (!container || !window.L || !window.topojson) return;

  const map = L.map(container, {
    worldCopyJump: true,
    minZoom: 1,
    maxZoom: 8,
    zoomSnap: 0.5,
    attributionControl: true,
  }).setView([30, 10], 1.5);
  map.attributionControl.setPrefix(false); // no link to leafletjs.com inside the map
  map.attributionControl.addAttribution("Outlines: Natural Earth · Places: GeoNames");

  const markers = L.featureGroup().addTo(map);
  let controller = null;

  // Natural Earth cuts rings at the antimeridian, and a flat map would draw each jump from
  // +180 to -180 as a line across the world: keep every ring's longitudes continuous.
  const unwrapRing = (ring) => {
    let shift = 0;
    return ring.map(([longitude, latitude], index) => {
      if (index > 0) {
        const previous = ring[index - 1][0];
        if (longitude - previous > 180) shift -= 360;
        else if (previous - longitude > 180) shift += 360;
      }
      return [longitude + shift, latitude];
    });
  };
  const unwrap = (geometry) => {
    if (geometry.type === "Polygon") {
      return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
    }
    if (geometry.type === "MultiPolygon") {
      return {
        ...geometry,
        coordinates: geometry.coordinates.map((polygon) => polygon.map(unwrapRing)),
      };
    }
    return geometry;
  };
  const ANTARCTICA = "010"; // ISO 3166-1 numeric; it reaches the pole, which Mercator cannot

  fetch(OUTLINES)
    .then((response) => response.json())
    .then((world) => {
      const countries = topojson.feature(world, world.objects.countries);
      countries.features = countries.features
        .filter((country) => country.id !== ANTARCTICA)
        .map((country) => ({ ...country, geometry: unwrap(country.geometry) }));
      L.geoJSON(countries, {
        interactive: false,
        style: { color: "#8a8f98", weight: 0.6, fillColor: "#e6e8eb", fillOpacity: 1 },
      }).addTo(map);
      markers.bringToFront();
    });

  const text = (tag, content, className) => {
    const node = document.createElement(tag);
    node.textContent = content; // API data goes in as text, never as HTML
    if (className) node.className = className;
    return node;
  };

  function popupContent(events) {
    const box = document.createElement("div");
    box.className = "map-popup";
    if (events.length === 1) {
      const [properties] = events;
      box.append(
        text("strong", properties.title),
        text("p", `${properties.display_date} · ${properties.place}`, "hint"),
        text("p", properties.summary),
      );
      return box;
    }
    box.append(text("p", `${events.length} events at ${events[0].place}:`, "hint"));
    const list = document.createElement("ul");
    for (const properties of events) {
      // In the list when it is shown there; otherwise the event itself, from its URL.
      const onPage = document.getElementById(`event-${properties.slug}`);
      const link = text("a", properties.title, "map-event");
      link.href = onPage ? `#event-${properties.slug}` : properties.url;
      link.dataset.slug = properties.slug;
      link.addEventListener("click", (click) => {
        if (!document.getElementById(`event-${properties.slug}`)) return;
        click.preventDefault();
        openEvent(properties);
      });
      const item = document.createElement("li");
      item.append(link, text("span", ` · ${properties.display_date}`, "hint"));
      list.append(item);
    }
    box.append(list);
    return box;
  }

  // Open the event in the list when it is there; the popup shows it in any case.
  function openEvent(properties) {
    const item = document.getElementById(`event-${properties.slug}`);
    if (!item) return;
    const toggle = item.querySelector("button[aria-expanded]");
    if (toggle && toggle.getAttribute("aria-expanded") !== "true") toggle.click();
    item.scrollIntoView({ block: "nearest" });
    item.querySelector(".event-title")?.focus({ preventScroll: true });
  }

  // The events at each position, in the collection's order: one marker per position.
  function byPosition(features) {
    const groups = new Map();
    for (const feature of features) {
      if (!feature.geometry) continue; // no known place: in the list, not on the map
      const key = feature.geometry.coordinates.join(",");
      if (!groups.has(key)) groups.set(key, { coordinates: feature.geometry.coordinates, events: [] });
      groups.get(key).events.push(feature.properties);
    }
    return [...groups.values()];
  }

  function show(collection) {
    markers.clearLayers();
    // Countries first, so a city's point is drawn over its country's (Beijing over China).
    const isCity = (group) => group.events.some((e) => e.geo_precision === "city");
    const groups = byPosition(collection.features).sort((a, b) => isCity(a) - isCity(b));
    let placed = 0;
    for (const group of groups) {
      const [longitude, latitude] = group.coordinates;
      const precision = isCity(group) ? "city" : "country";
      const events = group.events;
      const marker = L.circleMarker([latitude, longitude], {
        radius: (precision === "city" ? 7 : 9) + Math.min(events.length - 1, 4),
        className: `event-marker geo-${precision}`,
        color: "#1d4f91",
        weight: events.length > 1 ? 3 : 2,
        fillColor: precision === "city" ? "#2f6fd0" : "#ffffff",
        fillOpacity: 0.85,
      });
      marker.bindTooltip(
        events.length === 1 ? events[0].title : `${events.length} events at ${events[0].place}`,
      );
      marker.bindPopup(() => popupContent(events));
      if (events.length === 1) marker.on("click", () => openEvent(events[0]));
      marker.addTo(markers);
      marker.getElement().dataset.slugs = events.map((e) => e.slug).join(" ");
      placed += events.length;
    }
    const unplaced = collection.features.length - placed;
    status.textContent =
      `${placed} event${placed === 1 ? "" : "s"} at ${groups.length} ` +
      `point${groups.length === 1 ? "" : "s"} on the map` +
      (unplaced ? `; ${unplaced} without a known place` : "") +
      ". A hollow point stands for a whole country; a point with several events lists them.";
    container.dataset.markers = String(groups.length);
    container.dataset.events = String(placed);
  }

  document.addEventListener("timeline:query", async (event) => {
    controller?.abort();
    controller = new AbortController();
    status.textContent = "Loading the map…";
    try {
      const response = await fetch(`${API}/events.geojson?${event.detail.params}`, {
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      show(await response.json());
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = "The map could not be loaded.";
    }
  });
})();
