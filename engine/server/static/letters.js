// The letters page: upload letters one by one to POST /api/parse and show each letter's items, the
// reviewer's decision beside the prediction, and the case extracted from the clinical summary.
import { describeProblem, el, getJSON, makeLabels, postForm, renderRequest, showError, ApiError } from "./common.js";

const $ = (id) => document.getElementById(id);
// The letters shown, by file name: reading a letter again replaces it (and its counts), never adds a copy.
const shown = new Map(); // file name -> { section, letter (null when it could not be read) }
let labels = makeLabels(null); // treatment names and criterion titles, once the vocabulary is loaded

function agreement(item) {
  if (item.agrees === null || item.agrees === undefined) return el("span", { className: "muted" }, "—");
  return el("span", { className: item.agrees ? "agree" : "disagree" }, item.agrees ? "agrees" : "disagrees");
}

function itemsTable(letter) {
  const rows = letter.items.map((item, index) =>
    el("tr", { "data-testid": "letter-item", "data-request": item.request_id || "" },
      el("td", {}, String(index + 1)),
      el("td", { "data-testid": "item-title" }, item.title),
      el("td", { "data-testid": "item-treatment" }, item.treatment ? labels.treatment(item.treatment) : "not recognised"),
      el("td", { "data-testid": "item-actual" }, item.actual || item.decision || "?"),
      el("td", { "data-testid": "item-predicted" }, item.predicted || "—"),
      el("td", { "data-testid": "item-agrees" }, agreement(item))));
  return el("div", { className: "scroll" }, el("table", { className: "items" },
    el("thead", {}, el("tr", {}, ["#", "Item", "Treatment", "Actual decision", "Prediction", ""].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows)));
}

function details(summary, testid, ...content) {
  return el("details", { "data-testid": testid }, el("summary", {}, summary), ...content);
}

function renderLetter(letter) {
  const section = el("section", { className: "letter", "data-testid": "letter", "data-source": letter.source });
  const reviewer = [letter.reviewer.specialty, letter.reviewer.subspecialty].filter(Boolean).join(", ");
  section.append(
    el("h2", {}, letter.source),
    el("p", { className: "muted" },
      `Layout ${letter.layout}; case ${letter.header.case_number || "not stated"}; reviewer ${reviewer || "not stated"}.`),
    itemsTable(letter));
  const extraction = letter.extraction;
  if (extraction.error) {
    section.append(el("p", { className: "warning", "data-testid": "extraction-error" }, `No prediction: ${extraction.error}`));
  }
  if (extraction.case) {
    section.append(details("Extracted case", "extracted-case", el("pre", {}, JSON.stringify(extraction.case, null, 2))));
  }
  if (extraction.notes.length) {
    section.append(details("Extraction notes", "extraction-notes", el("ul", {}, extraction.notes.map((note) => el("li", {}, note)))));
  }
  if (letter.check) {
    section.append(details("Prediction per item, with the criteria", "predictions", letter.check.requests.map((request) => renderRequest(request, { labels }))));
  }
  const warnings = [...letter.warnings, ...letter.items.flatMap((item) => item.warnings)];
  if (warnings.length) section.append(el("ul", { className: "warnings" }, warnings.map((w) => el("li", {}, w))));
  return section;
}

function renderFailure(name, error) {
  const message = error instanceof ApiError ? error.problems.map(describeProblem).join("; ") : String(error.message || error);
  return el("section", { className: "letter failed", "data-testid": "letter", "data-source": name },
    el("h2", {}, name), el("p", { className: "error", "data-testid": "letter-error" }, message));
}

function show(name, section, letter) {
  const old = shown.get(name);
  if (old) old.section.replaceWith(section);
  else $("letters").append(section);
  shown.set(name, { section, letter });
  const tally = { letters: shown.size, items: 0, compared: 0, agreed: 0 };
  for (const { letter: each } of shown.values()) {
    for (const item of each?.items || []) {
      tally.items += 1;
      if (item.agrees !== null && item.agrees !== undefined) {
        tally.compared += 1;
        if (item.agrees) tally.agreed += 1;
      }
    }
  }
  $("totals").textContent = `${tally.letters} letter(s), ${tally.items} item(s) read; ` +
    `${tally.compared} predicted and compared; ${tally.agreed} agree with the reviewer.`;
}

async function upload(event) {
  event.preventDefault();
  const files = [...$("files").files];
  if (!files.length) {
    showError($("error"), new Error("choose one or more letter files first"));
    return;
  }
  showError($("error"), null);
  document.body.dataset.state = "busy";
  for (const file of files) {
    const form = new FormData();
    form.append("letter", file, file.name);
    try {
      const letter = await postForm("/api/parse", form);
      show(file.name, renderLetter(letter), letter);
    } catch (error) {
      show(file.name, renderFailure(file.name, error), null);
    }
  }
  document.body.dataset.state = "ready";
}

$("upload-form").addEventListener("submit", upload);
getJSON("/api/vocabulary")
  .then((vocabulary) => { labels = makeLabels(vocabulary); })
  .catch((error) => showError($("error"), error))
  .finally(() => { document.body.dataset.state = "ready"; });
