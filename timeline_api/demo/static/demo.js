/*
 * The demo page: a browser app using the timeline API, in plain JavaScript.
 *
 * Everything on the page comes from four kinds of request:
 *   GET /api/v1/events?…          a page of events (filters, q, sort); more via links.next
 *   GET /api/v1/events/facets?…   counts per year, type, tag, actor and country
 *   GET /api/v1/events/{slug}     one event with its citations, quotes and related events
 *   /api/v1/events.{csv,ics,…}?…  exports, linked with the same filters
 *
 * Two habits worth copying along with the code:
 *   - Strings from the API go into the page as text (el() below), never as HTML. The one
 *     exception is a search hit's `snippet`: the API escapes it and adds only <mark>.
 *   - Errors are RFC 9457 problem documents; show their `detail` and `invalid_params`.
 */
"use strict";

const API = "/api/v1";
const PAGE_SIZE = 20; // the API's default; `?limit=` in the page's address changes it
const SEARCH_DELAY_MS = 300; // wait for a pause in typing, not one request per key
// The filters offered as facets. Each may be repeated: the API matches any of the values.
const FACETS = [
  { name: "year", title: "Year" },
  { name: "type", title: "Type" },
  { name: "tag", title: "Tag" },
  { name: "actor", title: "Actor" },
  { name: "country", title: "Country" },
];
const EXPORT_FORMATS = ["csv", "ics", "atom", "timelinejs", "jsonld", "geojson", "vistimeline"];
const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

const state = {
  q: "",
  sort: "date",
  sortChosen: false, // true once the reader picks an order (or a link names one)
  notice: null, // what a shared link lost, told once
  limit: PAGE_SIZE,
  filters: new Map(FACETS.map(({ name }) => [name, new Set()])), // facet name -> values
  facetsAvailable: true, // false once the API answers 404 for /events/facets
  labels: new Map(), // "tag:privacy" -> "Privacy", learnt from the facets
  next: null, // links.next of the last page shown
  shown: 0,
  group: null, // the year group new events are appended to: {key, list}
  controller: null, // aborts the requests of a query the reader has since changed
};

const $ = (selector) => document.querySelector(selector);

/* ---------- Small helpers ---------- */

// Build an element. Children that are strings become text nodes, so API data can never
// inject markup; attributes whose value is null, undefined or false are left out.
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// Show a date exactly as precisely as it is known: "2020", "August 2020", "5 March 2020".
// Splitting the string, rather than parsing it with Date, neither invents a day nor shifts
// the date by the reader's time zone.
function formatDate(date, precision) {
  const [year, month, day] = date.split("-");
  if (precision === "year" || !month) return year;
  const monthName = MONTHS[Number(month) - 1];
  if (precision === "month" || !day) return `${monthName} ${year}`;
  return `${Number(day)} ${monthName} ${year}`;
}

// Text that screen readers read but that is not shown, e.g. "events" after a bare count.
const visuallyHidden = (text) => el("span", { class: "visually-hidden" }, text);

const plural = (count, noun) => (count === 1 ? ` ${noun}` : ` ${noun}s`);
const humanize = (slug) => slug.replaceAll("_", " ");
const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

// A readable name for a facet value: the facets' label when we have seen it, else a guess.
function labelFor(facet, value) {
  const known = state.labels.get(`${facet}:${value}`);
  if (known) return known;
  if (facet === "type") return capitalize(humanize(value));
  if (facet === "country") {
    try {
      return regionNames.of(value); // the browser knows country names; no request needed
    } catch {
      return value;
    }
  }
  return value;
}

/* ---------- Talking to the API ---------- */

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `The API answered with status ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }
}

// GET a JSON document; a 4xx/5xx answer becomes an ApiError carrying the problem document.
// The browser's HTTP cache revalidates with the API's ETags by itself (304 costs no body).
async function getJSON(url, signal) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// The query as filters only: what /events, /events/facets and the exports share.
// While the reader is typing, `q` is what they have typed so far, made searchable.
function filterParams({ typing = false } = {}) {
  const params = new URLSearchParams();
  const q = typing ? typedSoFar(state.q) : state.q;
  if (q) params.set("q", q);
  for (const [name, values] of state.filters) {
    for (const value of values) params.append(name, value); // repeated = any of them
  }
  return params;
}

function listParams(options) {
  const params = filterParams(options);
  params.set("sort", effectiveSort());
  params.set("limit", state.limit);
  return params;
}

// Half-typed search text as a query the API accepts: an open "phrase is closed, a
// trailing OR, AND or - is left out until its next word comes, and the last word counts
// as a prefix ("surveil" finds "surveillance"). Enter sends the text exactly as typed.
function typedSoFar(text) {
  let query = text.trimStart();
  if ((query.match(/"/g) || []).length % 2) query += '"';
  const words = query.trimEnd().split(/\s+/);
  while (words.length && /^(or|and|-+)$/i.test(words.at(-1))) words.pop();
  while (words.length && /^(or|and)$/i.test(words[0])) words.shift();
  const last = words.at(-1);
  if (last && !/\s$/.test(text) && /^-?[\p{L}\p{N}]+$/u.test(last)) {
    words[words.length - 1] = `${last}*`;
  }
  return words.join(" ");
}

// Best match first while searching, unless the reader chose an order themselves.
function effectiveSort() {
  if (state.sortChosen) return state.sort === "relevance" && !state.q ? "date" : state.sort;
  return state.q ? "relevance" : "date";
}

// Reload the list and the facet counts together, so the two always describe one query.
// `typing`: the reader is still typing, so a query the API cannot read yet is no error.
async function refresh({ typing = false } = {}) {
  state.controller?.abort(); // an answer to an older query must not overwrite a newer one
  const controller = new AbortController();
  state.controller = controller;
  rememberQueryInPageUrl();
  updateExportLinks();
  // map.js draws the same filters' events on its map.
  document.dispatchEvent(new CustomEvent("timeline:query", { detail: { params: filterParams() } }));
  setBusy(true);

  const list = getJSON(`${API}/events?${listParams({ typing })}`, controller.signal);
  // One request for every facet, with the same filters as the list: the API counts each
  // facet under every filter except its own (ticking another value of a facet widens the
  // list, since one filter's values are alternatives), and lists a ticked value even when
  // its count is 0, so it can always be unticked.
  const facets = state.facetsAvailable
    ? getJSON(`${API}/events/facets?${filterParams({ typing })}`, controller.signal).catch(
        noFacets,
      )
    : Promise.resolve(null);
  try {
    const [page, facetCounts] = await Promise.all([list, facets]);
    hideError();
    renderFacets(facetCounts);
    renderEvents(page, { append: false });
  } catch (error) {
    if (error.name === "AbortError") return;
    if (typing && error instanceof ApiError && error.status === 400) return; // keep typing
    if (dropRejectedFilters(error)) return refresh(); // a bad shared link: say so, go on
    showError(error);
    renderFacets({ facets: {} }); // the ticked filters stay visible, to untick or clear
    renderEvents(null, { append: false });
  } finally {
    if (state.controller === controller) setBusy(false);
  }
}

// A link from elsewhere may carry values the API rejects (`?year=abc`): drop those
// parameters, tell the reader once in plain words, and show the rest of the query.
function dropRejectedFilters(error) {
  const invalid = error instanceof ApiError ? error.problem.invalid_params || [] : [];
  const dropped = [];
  for (const { name, reason } of invalid) {
    if (state.filters.get(name)?.size) {
      state.filters.get(name).clear();
    } else if (name === "limit" && state.limit !== PAGE_SIZE) {
      state.limit = PAGE_SIZE;
    } else if (name === "sort" && state.sortChosen) {
      state.sortChosen = false;
    } else {
      continue;
    }
    dropped.push(`${labelForParameter(name)}: ${reason}`);
  }
  if (!dropped.length) return false;
  state.notice = `Part of the link could not be used and was left out (${dropped.join(" ")})`;
  return true;
}

const labelForParameter = (name) => FACETS.find((facet) => facet.name === name)?.title || name;

// An API without the facets endpoint still has a list: hide the panel and carry on.
function noFacets(error) {
  if (error instanceof ApiError && error.status === 404) {
    state.facetsAvailable = false;
    return null;
  }
  throw error;
}

async function loadMore() {
  const controller = new AbortController();
  state.controller = controller;
  setBusy(true);
  try {
    // links.next is the whole URL of the next page, filters and cursor included.
    const page = await getJSON(state.next, controller.signal);
    hideError();
    const firstNew = renderEvents(page, { append: true });
    firstNew?.focus(); // keyboard and screen-reader users continue where the new events start
  } catch (error) {
    if (error.name !== "AbortError") showError(error);
  } finally {
    if (state.controller === controller) setBusy(false);
  }
}

function setBusy(busy) {
  $("#results").setAttribute("aria-busy", String(busy));
  $("#load-more").disabled = busy;
}

/* ---------- The event list ---------- */

// Render a page of events; returns the first new event's heading (to move focus to).
function renderEvents(page, { append }) {
  const timeline = $("#timeline");
  if (!append) {
    timeline.replaceChildren();
    state.shown = 0;
    state.group = null;
  }
  if (!page) {
    state.next = null;
    $("#status").textContent = "No events to show.";
    $("#load-more").hidden = true;
    return null;
  }

  let firstNew = null;
  for (const event of page.items) {
    // Date order reads as a timeline grouped by year; relevance order is one ranked list.
    const key = effectiveSort() === "relevance" ? "Best matches first" : event.date.split("-")[0];
    if (state.group?.key !== key) {
      const list = el("ol", { class: "events" });
      timeline.append(el("div", { class: "year-group" }, el("h3", {}, key), list));
      state.group = { key, list };
    }
    const item = renderEvent(event);
    state.group.list.append(item);
    firstNew ??= item.querySelector("h4");
  }

  state.shown += page.items.length;
  state.next = page.links?.next || null;
  $("#load-more").hidden = !state.next;
  $("#status").textContent =
    page.total === 0
      ? "No events match."
      : `Showing ${state.shown} of ${page.total}${plural(page.total, "event")}.`;
  return firstNew;
}

function renderEvent(event) {
  const titleId = `title-${event.slug}`;
  const detailId = `detail-${event.slug}`;
  // Every event has this button: aria-describedby tells screen readers which event it opens.
  const toggle = el(
    "button",
    {
      type: "button",
      class: "link-button",
      "aria-expanded": "false",
      "aria-controls": detailId,
      "aria-describedby": titleId,
    },
    "Quotes and related events",
  );
  const detail = el("div", { class: "event-detail", id: detailId, hidden: true });
  toggle.addEventListener("click", () => toggleDetail(event, toggle, detail));

  // A place known only by its country is named by the country below.
  const city = event.place?.geo_precision === "city" ? event.place.name : null;
  const place = [city, event.country && labelFor("country", event.country)]
    .filter(Boolean)
    .join(", ");
  const facts = el("dl", { class: "facts" });
  addFact(facts, "Where", place || null);
  addFact(
    facts,
    "Who",
    // One entry per actor, with every role it played in the event.
    event.actors
      .map((actor) => `${actor.name} (${actor.roles.map(humanize).join(", ")})`)
      .join(", ") || null,
  );
  addFact(facts, "Tags", tagList(event.tags));
  addFact(facts, "Sources", sourceList(event.sources));

  return el(
    "li",
    { class: "event", id: `event-${event.slug}` },
    el(
      "article",
      {},
      // The title comes first for screen readers; CSS shows the date line above it.
      el("h4", { class: "event-title", id: titleId, tabindex: "-1" }, event.title),
      el(
        "p",
        { class: "event-meta" },
        el("time", { datetime: event.date }, formatDate(event.date, event.date_precision)),
        el("span", { class: "badge" }, labelFor("type", event.event_type)),
      ),
      event.snippet ? snippet(event.snippet) : null,
      el("p", { class: "summary" }, event.summary),
      facts,
      toggle,
      detail,
    ),
  );
}

// The API escapes everything in a snippet except its own <mark> highlights, so this is
// the one place where API data is inserted as HTML. Should any other tag ever appear, the
// snippet is shown as plain text instead: cheap insurance against a server-side slip.
function snippet(html) {
  const paragraph = el("p", { class: "snippet" }, visuallyHidden("Match: "));
  if (/<(?!\/?mark>)/i.test(html)) paragraph.append(html);
  else paragraph.insertAdjacentHTML("beforeend", html);
  return paragraph;
}

function addFact(list, term, value) {
  if (value === null || value === undefined) return;
  list.append(el("div", {}, el("dt", {}, term), el("dd", {}, value)));
}

function tagList(tags) {
  if (!tags.length) return null;
  return el("ul", { class: "tags" }, ...tags.map((tag) => el("li", {}, tag.name)));
}

// Each source as a reader cites it: publisher, headline (linking to the API's record of
// the source, from its `url`) and publication date as known.
function sourceList(sources) {
  if (!sources.length) return null;
  const items = sources.map((source) =>
    el(
      "li",
      {},
      `${source.publisher}, `,
      el("a", { href: source.url }, el("cite", {}, source.headline)),
      source.published ? `, ${formatDate(source.published)}` : null,
    ),
  );
  return el("ul", { class: "sources" }, ...items);
}

/* ---------- One event's quotes and related events ---------- */

async function toggleDetail(event, toggle, detail) {
  const expand = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(expand));
  detail.hidden = !expand;
  if (!expand || detail.dataset.state === "loaded") return;

  detail.replaceChildren(el("p", { class: "hint" }, "Loading…"));
  try {
    // Each list item carries the URL of its own detail: follow it, don't build it.
    renderDetail(detail, await getJSON(event.url));
    detail.dataset.state = "loaded";
  } catch (error) {
    detail.replaceChildren(problemMessage(error)); // try again on the next click
  }
}

function renderDetail(container, event) {
  container.replaceChildren();
  if (event.date_note) {
    container.append(
      el("p", { class: "date-note" }, el("strong", {}, "About the date: "), event.date_note),
    );
  }

  container.append(el("h5", {}, "What the sources say"));
  for (const citation of event.citations) {
    const source = citation.source;
    // A quotation says who said it: the publisher and headline of the article it is from,
    // linking to the API's record of the source (with the article's fingerprint).
    const headline = el("a", { href: source.url }, source.headline);
    container.append(
      el(
        "figure",
        { class: "citation" },
        ...citation.quotes.map((quote) =>
          el("blockquote", {}, el("p", {}, quote)),
        ),
        el(
          "figcaption",
          {},
          `${source.publisher}, `,
          el("cite", {}, headline),
          source.published ? `, ${formatDate(source.published)}` : null,
        ),
      ),
    );
  }

  // An initiative's points (or a measure's provisions), each with the article's words.
  if (event.points.length) {
    container.append(el("h5", {}, "Its points"));
    const points = event.points.map(({ summary, quote, source }) =>
      el(
        "li",
        {},
        el("p", { class: "point-summary" }, summary),
        el(
          "figure",
          { class: "point-quote" },
          el("blockquote", {}, el("p", {}, quote)),
          el("figcaption", {}, `${source.publisher}, `, el("cite", {}, source.headline)),
        ),
      ),
    );
    container.append(el("ol", { class: "points" }, ...points));
  }

  if (event.related.length) {
    container.append(el("h5", {}, "Related events"));
    const items = event.related.map(({ relation, note, event: other }) => {
      // Jump to the related event when it is on the page, else open its API record.
      const onPage = document.getElementById(`event-${other.slug}`);
      return el(
        "li",
        {},
        el("span", { class: "relation" }, `${capitalize(humanize(relation))}: `),
        el("a", { href: onPage ? `#event-${other.slug}` : other.url }, other.title),
        ` (${formatDate(other.date, other.date_precision)})`,
        note ? el("span", { class: "hint" }, ` ${note}`) : null,
      );
    });
    container.append(el("ul", { class: "related" }, ...items));
  }
}

/* ---------- Facets ---------- */

function renderFacets(body) {
  const panel = $("#facets");
  panel.hidden = !state.facetsAvailable;
  if (!body) return;

  // Rebuilding the checkboxes would drop keyboard focus: note it and put it back after.
  const focused = document.activeElement?.closest?.(".facet input");
  const refocus = focused && { name: focused.name, value: focused.value };

  const groups = [];
  for (const { name, title } of FACETS) {
    const values = [...(body.facets?.[name] || [])];
    for (const { value, label } of values) state.labels.set(`${name}:${value}`, label);
    // The API lists ticked values even with a count of 0; after an error (no counts),
    // the ticked values are still shown so they can be unticked.
    const selected = state.filters.get(name);
    for (const value of selected) {
      if (!values.some((facet) => facet.value === value)) {
        values.push({ value, label: labelFor(name, value), count: 0 });
      }
    }
    if (name === "year") values.sort((a, b) => Number(a.value) - Number(b.value)); // time order
    if (!values.length) continue;

    const chips = values.map(({ value, label, count }) =>
      el(
        "li",
        {},
        el(
          "label",
          { class: "chip" },
          el("input", {
            type: "checkbox",
            name,
            value: String(value),
            checked: selected.has(String(value)),
          }),
          el("span", { class: "chip-label" }, label),
          el("span", { class: "count" }, String(count), visuallyHidden(plural(count, "event"))),
        ),
      ),
    );
    groups.push(
      el(
        "fieldset",
        { class: "facet" },
        el("legend", {}, title),
        el("ul", { class: "chips" }, ...chips),
      ),
    );
  }
  $("#facet-groups").replaceChildren(...groups);

  if (refocus) {
    const selector = `.facet input[name="${refocus.name}"][value="${CSS.escape(refocus.value)}"]`;
    $(selector)?.focus();
  }
  $("#clear-filters").hidden = ![...state.filters.values()].some((values) => values.size);
}

function toggleFilter(name, value, on) {
  const values = state.filters.get(name);
  if (on) values.add(value);
  else values.delete(value);
  refresh();
}

function clearFilters() {
  for (const values of state.filters.values()) values.clear();
  refresh();
  $("#q").focus(); // the button disappears; leave focus somewhere useful
}

/* ---------- Errors ---------- */

// A problem document as a message a reader understands, said once: each rejected
// parameter with its reason when there are some, else the problem's `detail`. No HTTP
// status phrases ("Unprocessable Entity"): they say nothing to a reader.
function problemMessage(error) {
  if (!(error instanceof ApiError)) {
    return el("p", {}, "The timeline could not be reached. Check the connection and try again.");
  }
  if (error.status >= 500) {
    return el("p", {}, "The timeline is unavailable for a moment. Please try again shortly.");
  }
  const invalid = error.problem.invalid_params || [];
  if (invalid.length) {
    const reasons = invalid.map(({ name, reason }) =>
      el("li", {}, name === "q" ? "Search: " : `${labelForParameter(name)}: `, reason),
    );
    return el("div", {}, el("p", {}, "This search could not be run:"), el("ul", {}, ...reasons));
  }
  return el("p", {}, error.problem.detail || "This request could not be answered.");
}

function showError(error) {
  const box = $("#error");
  box.replaceChildren(problemMessage(error));
  box.hidden = false;
}

// Errors are cleared by the next answer; a notice (what a bad link lost) is shown once.
function hideError() {
  const box = $("#error");
  box.hidden = !state.notice;
  if (state.notice) box.replaceChildren(el("p", {}, state.notice));
  state.notice = null;
}

/* ---------- The page's own URL and the export links ---------- */

// Keep the query in the page's address, so a filtered view can be bookmarked and shared.
function rememberQueryInPageUrl() {
  const params = filterParams();
  if (state.sortChosen) params.set("sort", state.sort);
  if (state.limit !== PAGE_SIZE) params.set("limit", state.limit);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

function readQueryFromPageUrl() {
  const params = new URLSearchParams(location.search);
  state.q = (params.get("q") || "").trim();
  state.sortChosen = params.has("sort");
  state.sort = params.get("sort") || "date";
  state.limit = Number(params.get("limit")) || PAGE_SIZE; // out of range: the API says so
  for (const [name, values] of state.filters) {
    for (const value of params.getAll(name)) values.add(value);
  }
}

function updateExportLinks() {
  const params = filterParams();
  params.set("sort", effectiveSort()); // exports list the events in the order shown
  const query = params.toString();
  for (const format of EXPORT_FORMATS) {
    const link = document.querySelector(`#export-links a[data-format="${format}"]`);
    if (link) link.href = `${API}/events.${format}?${query}`;
  }
}

/* ---------- Controls ---------- */

// "Best match" only means something while searching, and is the order then, unless the
// reader picked another one.
function updateSortOptions() {
  const sort = $("#sort");
  sort.querySelector('option[value="relevance"]').disabled = !state.q;
  sort.value = effectiveSort();
}

function search(text, { typing = false } = {}) {
  state.q = text.trim();
  updateSortOptions();
  refresh({ typing });
}

function start() {
  $("#facets-details").open = matchMedia("(min-width: 52rem)").matches;
  readQueryFromPageUrl();
  $("#q").value = state.q;
  updateSortOptions();

  let typingTimer;
  $("#q").addEventListener("input", (e) => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      // Not for a mere space; as typed so far (see typedSoFar), without error messages.
      if (e.target.value.trim() !== state.q) search(e.target.value, { typing: true });
    }, SEARCH_DELAY_MS);
  });
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault(); // Enter searches at once (or again, after an error), without reloading
    clearTimeout(typingTimer);
    search($("#q").value);
  });
  $("#sort").addEventListener("change", (e) => {
    state.sort = e.target.value;
    state.sortChosen = true;
    refresh();
  });
  // One listener for all the checkboxes, which are rebuilt on every refresh.
  $("#facet-groups").addEventListener("change", (e) => {
    if (e.target.matches('input[type="checkbox"]')) {
      toggleFilter(e.target.name, e.target.value, e.target.checked);
    }
  });
  $("#clear-filters").addEventListener("click", clearFilters);
  $("#load-more").addEventListener("click", loadMore);

  refresh();
}

start();
