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

export function describeProblem(problem) {
  const where = (problem.loc || []).filter((part) => part !== "body").join(".");
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
  const problems = error instanceof ApiError ? error.problems : [{ loc: [], msg: String(error.message || error) }];
  for (const problem of problems) {
    const line = el("div", { className: "problem" }, describeProblem(problem));
    if (problem.suggestions && problem.suggestions.length) {
      line.append(el("span", { className: "suggestions" }, ` Did you mean: ${problem.suggestions.join(", ")}?`));
    }
    box.append(line);
  }
}

function findingsTable(request) {
  const rows = request.findings.map((finding) =>
    el(
      "tr",
      { "data-testid": `finding-${request.id}-${finding.criteria_set}/${finding.criterion}` },
      el("td", {}, finding.criterion, el("div", { className: "muted" }, finding.criteria_set)),
      el("td", {}, el("span", { className: `status status-${finding.status}`, "data-testid": "finding-status" }, finding.status)),
      el("td", {}, finding.message),
      el("td", { className: "citation" }, finding.citation),
    ),
  );
  return el(
    "table",
    { className: "findings" },
    el("thead", {}, el("tr", {}, el("th", {}, "Criterion"), el("th", {}, "Status"), el("th", {}, "Why"), el("th", {}, "Citation"))),
    el("tbody", {}, rows),
  );
}

const HINT_KINDS = { document: "document", threshold: "short of the threshold", not_fixable: "cannot be fixed by documentation" };

/** One card per requested item: prediction, criteria with citations, checklist, what would flip it, rationale. */
export function renderRequest(request) {
  const card = el("article", { className: `request prediction-${request.prediction}`, "data-testid": `request-${request.id}` });
  card.append(
    el(
      "h3",
      {},
      `${request.id}: ${request.treatment} `,
      el("span", { className: "muted" }, `(${request.category})`),
      " ",
      el("span", { className: `badge badge-${request.prediction}`, "data-testid": `prediction-${request.id}` }, request.prediction),
    ),
  );
  if (request.companion_of) card.append(el("p", { className: "muted" }, `Follows its primary request ${request.companion_of}.`));
  if (request.findings.length) card.append(findingsTable(request));
  const missing = request.missing_documentation || [];
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
        el("li", { "data-kind": hint.kind }, el("span", { className: "kind" }, HINT_KINDS[hint.kind] || hint.kind), " ", hint.message))),
    );
  }
  card.append(el("p", { className: "rationale", "data-testid": `rationale-${request.id}` }, request.rationale));
  return card;
}

/** The whole prediction (the JSON of POST /api/check). */
export function renderResult(container, result) {
  container.replaceChildren();
  if (!result) return;
  const edition = result.edition ? `, edition ${result.edition}` : "";
  container.append(el("p", { className: "muted" }, `Judged as of ${result.as_of}${edition}.`));
  for (const request of result.requests) container.append(renderRequest(request));
}
