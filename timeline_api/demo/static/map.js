/*
 * The demo page's map: every event matching the page's filters, as a point on a world map.
 *
 * It works offline: the country outlines are Natural Earth's, vendored as TopoJSON
 * (vendor/world-atlas), drawn by Leaflet (vendor/leaflet) as plain vector shapes, with no
 * tile server. The points come from the API's GeoJSON export of the same filters the list
 * uses, so the map shows every matching event, not only the page of the list:
 *   GET /api/v1/events.geojson?…   one Feature per event; a Point where it has a place
 *
 * demo.js tells the map about each new query with a "timeline:query" DOM event whose
 * `detail.params` are the filters (URLSearchParams). Clicking a point opens the event: in
 * the list when it is shown there, otherwise in the point's popup, from the event's URL.
 */
"use strict";

(() => {
  const API = "/api/v1";
  const OUTLINES = "/demo/vendor/world-atlas/countries-110m.json";
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

  function popupContent(properties) {
    const box = document.createElement("div");
    box.className = "map-popup";
    box.append(
      text("strong", properties.title),
      text("p", `${properties.display_date} · ${properties.place}`, "hint"),
      text("p", properties.summary),
    );
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

  function show(collection) {
    markers.clearLayers();
    let placed = 0;
    // Countries first, so a city's point is drawn over its country's (Beijing over China).
    const cityLast = (feature) => (feature.properties.geo_precision === "city" ? 1 : 0);
    const features = [...collection.features].sort((a, b) => cityLast(a) - cityLast(b));
    for (const feature of features) {
      if (!feature.geometry) continue; // no known place: in the list, not on the map
      const [longitude, latitude] = feature.geometry.coordinates;
      const properties = feature.properties;
      const marker = L.circleMarker([latitude, longitude], {
        radius: properties.geo_precision === "city" ? 7 : 9,
        className: `event-marker geo-${properties.geo_precision}`,
        color: "#1d4f91",
        weight: 2,
        fillColor: properties.geo_precision === "city" ? "#2f6fd0" : "#ffffff",
        fillOpacity: 0.85,
      });
      marker.bindTooltip(properties.title);
      marker.bindPopup(() => popupContent(properties));
      marker.on("click", () => openEvent(properties));
      marker.addTo(markers);
      marker.getElement().dataset.slug = properties.slug;
      placed += 1;
    }
    const unplaced = collection.features.length - placed;
    status.textContent =
      `${placed} event${placed === 1 ? "" : "s"} on the map` +
      (unplaced ? `; ${unplaced} without a known place` : "") +
      ". A hollow point stands for a whole country.";
    container.dataset.markers = String(placed);
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
