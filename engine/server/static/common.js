// What both pages share: building DOM from text (never innerHTML), calling the JSON API, rendering
// a prediction (the contract of POST /api/check), downloads.

/** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An API error: `problems` is the response's `detail` list ({loc, msg, suggestions?}). */
export class ApiError extends Error {
  constructor(status, problems) {
    super(problems.map(describeProblem).join("; "));
    this.status = status;
    this.problems = problems;
  }
}

/** A problem in words: where (field names spelled out, list positions counted from 1), then what. */
export function describeProblem(problem) {
  const where = (problem.loc || []).filter((part) => part !== "body")
    .map((part) => (typeof part === "number" ? `#${part + 1}` : String(part).replaceAll("_", " "))).join(" › ");
  return where ? `${where}: ${problem.msg}` : problem.msg;
}

async function answer(response) {
  const isJson = (response.headers.get("content-type") || "").includes("json");
  const payload = isJson ? await response.json() : await response.text();
  if (!response.ok) {
    const detail = isJson && Array.isArray(payload.detail) ? payload.detail : [{ loc: [], msg: `HTTP ${response.status}` }];
    throw new ApiError(response.status, detail);
  }
  return payload;
}

export async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return answer(response);
}

export async function postForm(url, form) {
  return answer(await fetch(url, { method: "POST", body: form }));
}

export async function getJSON(url) {
  return answer(await fetch(url));
}

/** Save text as a file through a temporary object URL (nothing leaves the browser). */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: filename, className: "hidden" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Show an error (or clear it with null) in the page's alert box. */
export function showError(box, error) {
  box.replaceChildren();
  if (!error) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const problems = Array.isArray(error.problems) ? error.problems : [{ loc: [], msg: String(error.message || error) }];
  for (const problem of problems) {
    const line = el("div", { className: "problem" }, describeProblem(problem));
    if (problem.suggestions && problem.suggestions.length) {
      line.append(el("span", { className: "suggestions" }, ` Did you mean: ${problem.suggestions.join(", ")}?`));
    }
    box.append(line);
  }
}

/** Words for ids: a treatment's name, a criterion's title (labels come from GET /api/vocabulary). */
export function makeLabels(vocabulary) {
  const treatments = new Map((vocabulary?.treatments || []).map((t) => [t.id, t.name]));
  const criteria = vocabulary?.criterion_titles || {};
  return {
    treatment: (id) => treatments.get(id) || String(id).replaceAll("_", " "),
    criterion: (set, id) => criteria[`${set}/${id}`] || String(id).replaceAll("_", " "),
  };
}

const PLAIN = makeLabels(null);

function findingsTable(request, labels, sources) {
  const rows = request.findings.map((finding) =>
    el(
      "tr",
      { "data-testid": `finding-${request.id}-${finding.criteria_set}/${finding.criterion}` },
      el("td", { "data-testid": "finding-title" }, labels.criterion(finding.criteria_set, finding.criterion)),
      el("td", {}, el("span", { className: `status status-${finding.status}`, "data-testid": "finding-status" }, finding.status)),
      el("td", {}, finding.message),
      el("td", { className: "citation", "data-testid": "finding-source" }, `[${sources.indexOf(finding.citation) + 1}]`),
    ),
  );
  return el(
    "div",
    { className: "scroll" },
    el(
      "table",
      { className: "findings" },
      el("thead", {}, el("tr", {}, el("th", {}, "Criterion"), el("th", {}, "Status"), el("th", {}, "Why"), el("th", {}, "Source"))),
      el("tbody", {}, rows),
    ),
  );
}

// A "document ..." hint says what to do in its own words: only the other kinds get a label.
const HINT_KINDS = { threshold: "short of the threshold", not_fixable: "cannot be fixed by documentation" };

export const MEANING = {
  uphold: "The reviewer would likely agree with the denial: the item stays not authorized.",
  overturn: "The reviewer would likely find it medically necessary: the denial is reversed and the item authorized.",
};

/** One card per requested item: prediction and what it means, criteria (each source cited once), the
 * checklist (`options.missing` replaces the result's), what would flip it, the rationale. */
export function renderRequest(request, options = {}) {
  const labels = options.labels || PLAIN;
  const card = el("article", { className: `request prediction-${request.prediction}`, "data-testid": `request-${request.id}` });
  card.append(
    el(
      "h3",
      {},
      `Item ${request.id}: ${labels.treatment(request.treatment)} `,
      el("span", { className: `badge badge-${request.prediction}`, "data-testid": `prediction-${request.id}` }, request.prediction),
    ),
    el("p", { className: "meaning", "data-testid": `meaning-${request.id}` }, MEANING[request.prediction] || ""),
  );
  if (request.companion_of) card.append(el("p", { className: "muted" }, `Goes with item ${request.companion_of} (its companion).`));
  const sources = [...new Set(request.findings.map((finding) => finding.citation).filter(Boolean))];
  if (request.findings.length) card.append(findingsTable(request, labels, sources));
  const missing = options.missing || request.missing_documentation || [];
  if (missing.length) {
    card.append(
      el("h4", {}, "Documentation to add"),
      el("ul", { className: "checklist", "data-testid": `missing-${request.id}` }, missing.map((item) => el("li", {}, item))),
    );
  }
  const hints = request.to_overturn || [];
  if (hints.length) {
    card.append(
      el("h4", {}, "What would change the outcome"),
      el("ul", { className: "hints", "data-testid": `flip-${request.id}` }, hints.map((hint) =>
        el("li", { "data-kind": hint.kind }, HINT_KINDS[hint.kind] ? [el("span", { className: "kind" }, HINT_KINDS[hint.kind]), " "] : null, hint.message))),
    );
  }
  card.append(el("p", { className: "rationale", "data-testid": `rationale-${request.id}` }, request.rationale));
  if (sources.length) {
    card.append(el("h4", {}, "Sources"), el("ol", { className: "sources", "data-testid": `sources-${request.id}` },
      sources.map((citation) => el("li", {}, citation))));
  }
  return card;
}

/** The whole prediction (the JSON of POST /api/check); `options.missing(request)` may replace a checklist. */
export function renderResult(container, result, options = {}) {
  container.replaceChildren();
  if (!result) return;
  const edition = result.edition ? `, edition ${result.edition}` : "";
  container.append(el("p", { className: "muted" }, `Judged as of ${result.as_of}${edition}.`));
  for (const request of result.requests) {
    container.append(renderRequest(request, { labels: options.labels, missing: options.missing?.(request) }));
  }
}
