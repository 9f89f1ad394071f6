// The draft-request page: the request (treatment, region, first or repeat, date) and any other items
// of the RFA, the generated questions, and the predicted IMR outcome, updated after every change
// (POST /api/questionnaire, then POST /api/check with the case it makes plus the other items).
// It records only what is entered: a blank is "not documented", and nothing is filled in for the user.
import { describeProblem, download, el, getJSON, makeLabels, MEANING, postJSON, renderResult, showError } from "./common.js";

const $ = (id) => document.getElementById(id);
const state = { answers: {}, case: null, result: null, questionnaire: null, seq: 0, timer: null, labels: makeLabels(null), said: {} };
const rows = new Map(); // question id -> its row, kept across updates so typing is never interrupted
const SETUP_FIELDS = { treatment: "treatment", region: "region", repeat: "repeat", request_date: "request-date" };

function formRequest() {
  const request = { treatment: $("treatment").value.trim() };
  if ($("region").value) request.region = $("region").value;
  if ($("repeat").value) request.repeat = $("repeat").value === "true";
  if ($("request-date").value) request.request_date = $("request-date").value;
  return request;
}

function setBusy(busy) {
  $("busy").hidden = !busy;
  document.body.dataset.state = busy ? "busy" : "ready";
}

// --- field errors: an invalid answer is marked where it was entered ---

function clearMarks() {
  for (const node of document.querySelectorAll("[aria-invalid=true]")) node.removeAttribute("aria-invalid");
  for (const node of document.querySelectorAll(".field-error")) node.textContent = "";
}

function markField(input, message) {
  if (!input) return false;
  const box = input.closest(".question, .item")?.querySelector(".field-error") || $(`${input.id}-error`);
  for (const each of input.closest(".question")?.querySelectorAll("input, select") || [input]) each.setAttribute("aria-invalid", "true");
  if (box) box.textContent = message;
  return true;
}

/** Marks each problem at its field; returns the problems that have no field on the page. */
function markProblems(problems) {
  const rest = [];
  for (const problem of problems) {
    const loc = (problem.loc || []).filter((part) => part !== "body");
    let input = null;
    if (loc[0] === "answers" && loc.length === 2) input = rows.get(loc[1])?.inputs[0];
    else if (loc.length === 1 && SETUP_FIELDS[loc[0]]) input = $(SETUP_FIELDS[loc[0]]);
    else if (loc.length === 1 && loc[0] === "answers") input = null; // an answer to no question: said in the box
    else if (loc[0] === "requests" && typeof loc[1] === "number" && loc[1] > 0) input = $("items").children[loc[1] - 1]?.querySelector("input");
    const hint = problem.suggestions?.length ? ` Did you mean: ${problem.suggestions.join(", ")}?` : "";
    if (!markField(input, problem.msg + hint)) rest.push(problem);
  }
  return rest;
}

/** No prediction and no download while what is entered is invalid: the last result would be stale. */
function withdraw(problems) {
  state.case = null;
  state.result = null;
  $("result").replaceChildren();
  $("summary").replaceChildren();
  $("withdrawn").hidden = false;
  $("report").hidden = false;
  for (const id of ["download-yaml", "download-json", "print"]) $(id).disabled = true;
  const rest = markProblems(problems);
  showError($("error"), rest.length ? { problems: rest, message: rest.map(describeProblem).join("; ") } : null);
  announce("The prediction is withdrawn until the marked answers are fixed.");
}

function announce(text) {
  $("announce").textContent = text;
}

// --- the other items of the RFA ---

function itemRow(item = { treatment: "", companion: false }) {
  const index = $("items").children.length + 2;
  const input = el("input", { type: "text", list: "treatment-names", value: item.treatment, "aria-label": `Item ${index}: treatment`,
    "data-testid": "item-treatment", placeholder: "e.g. fluoroscopy" });
  const companion = el("input", { type: "checkbox", "data-testid": "item-companion" });
  companion.checked = Boolean(item.companion);
  const row = el("div", { className: "item", "data-testid": "item" },
    el("span", { className: "item-number" }, `Item ${index}`), input,
    el("label", { className: "inline" }, companion, " goes with item 1"),
    el("span", { className: "field-error" }),
    el("button", { type: "button", className: "secondary", "data-testid": "item-remove", onclick: () => { row.remove(); renumber(); schedule(); } }, "Remove"));
  input.addEventListener("change", schedule);
  companion.addEventListener("change", schedule);
  $("items").append(row);
  return row;
}

function renumber() {
  [...$("items").children].forEach((row, i) => {
    row.querySelector(".item-number").textContent = `Item ${i + 2}`;
    row.querySelector("input").setAttribute("aria-label", `Item ${i + 2}: treatment`);
  });
}

function items() {
  return [...$("items").children].map((row) => ({
    treatment: row.querySelector("[data-testid=item-treatment]").value.trim(),
    companion: row.querySelector("[data-testid=item-companion]").checked,
  }));
}

function withItems(built, request) {
  const others = items().map((item, i) => {
    if (!item.treatment) return null;
    const extra = { id: String(i + 2), treatment: item.treatment };
    if (item.companion) extra.companion_of = "1";
    else if (request.region) extra.region = request.region;
    return extra;
  }).filter(Boolean);
  return { ...built, requests: [...built.requests, ...others] };
}

// --- asking and predicting ---

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, 250);
}

async function refresh() {
  clearTimeout(state.timer);
  const request = formRequest();
  if (!request.treatment) return;
  const seq = ++state.seq; // answers arrive faster than the server answers: only the latest counts
  setBusy(true);
  try {
    let built;
    try {
      const asked = JSON.stringify(request);
      if (asked !== state.asked) {
        // A changed request asks its own questions: keep the answers to those it still asks, drop the rest.
        const probe = await postJSON("/api/questionnaire", { ...request, answers: {} });
        if (seq !== state.seq) return;
        const ids = new Set(probe.questionnaire.questions.flatMap((q) =>
          [q.id, ...(q.details || []).map((d) => d.id), ...(q.earlier ? [q.earlier.answer] : [])]));
        for (const id of Object.keys(state.answers)) if (!ids.has(id)) delete state.answers[id];
        state.asked = asked;
      }
      built = await postJSON("/api/questionnaire", { ...request, answers: state.answers });
    } catch (error) {
      if (seq === state.seq) handleFailure(error);
      return;
    }
    if (seq !== state.seq) return;
    renderQuestionnaire(built.questionnaire);
    const sent = withItems(built.case, request);
    let result;
    try {
      result = await postJSON("/api/check", sent);
    } catch (error) {
      if (seq === state.seq) handleFailure(error);
      return;
    }
    if (seq !== state.seq) return;
    clearMarks();
    showError($("error"), null);
    state.case = sent;
    state.result = result;
    state.questionnaire = built.questionnaire;
    $("withdrawn").hidden = true;
    for (const id of ["download-yaml", "download-json", "print"]) $(id).disabled = false;
    $("report").hidden = false;
    renderSummary(request, built.questionnaire);
    renderResult($("result"), result, { labels: state.labels, missing: (r) => (r.id === "1" ? stillAsked(built.questionnaire) : undefined) });
    announceChanges(result);
  } finally {
    if (seq === state.seq) setBusy(false);
  }
}

function handleFailure(error) {
  if (error && Array.isArray(error.problems)) {
    withdraw(error.problems);
  } else {
    withdraw([]);
    showError($("error"), error);
  }
}

/** The checklist of the asked item: the questions still open (a greyed-out question is not asked for). */
function stillAsked(questionnaire) {
  return questionnaire.questions.filter((q) => q.status === "ask").map((q) => q.prompt);
}

function announceChanges(result) {
  const changed = [];
  const now = {};
  for (const request of result.requests) {
    now[request.id] = request.prediction;
    if (state.said[request.id] !== request.prediction) {
      changed.push(`Item ${request.id}, ${state.labels.treatment(request.treatment)}: predicted ${request.prediction}. ${MEANING[request.prediction] || ""}`);
    }
  }
  state.said = now;
  if (changed.length) announce(changed.join(" "));
}

// --- the request as it will be printed: what was asked, and every answer given ---

function renderSummary(request, questionnaire) {
  const repeat = request.repeat === undefined ? "not stated" : request.repeat ? "repeat" : "first";
  const facts = [
    ["Treatment", questionnaire.treatment_name],
    ["Body region", request.region ? request.region.replaceAll("_", " ") : "not stated"],
    ["First or repeat", repeat],
    ["Request date", request.request_date || "not stated"],
  ];
  const others = items().filter((item) => item.treatment);
  others.forEach((item, i) => facts.push([`Item ${i + 2}`, `${item.treatment}${item.companion ? " (with item 1)" : ""}`]));
  const answered = questionnaire.questions.flatMap((q) => [q, ...(q.details || [])]).filter((q) => q.id in state.answers);
  $("summary").replaceChildren(
    el("h3", {}, "The request"),
    el("dl", { className: "facts", "data-testid": "summary-request" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("h3", {}, "Answers given"),
    answered.length
      ? el("dl", { className: "facts", "data-testid": "summary-answers" },
        answered.flatMap((q) => [el("dt", {}, q.prompt), el("dd", {}, say(state.answers[q.id], q))]))
      : el("p", { className: "muted", "data-testid": "summary-answers" }, "None yet: every question is not documented."));
}

function say(value, question) {
  if (Array.isArray(value)) return value.length ? value.join(", ") : (question.takes_dates ? "none" : "—");
  if (value === true) return "yes";
  if (value === false) return "no";
  return String(value).replaceAll("_", " ");
}

// --- one input per answer type; each reads undefined for "not documented" and can be filled back ---

function selectControl(id, options) {
  const select = el("select", { id, "data-testid": id },
    el("option", { value: "" }, "(not documented)"),
    options.map(([value, text]) => el("option", { value }, text)));
  return {
    node: select, inputs: [select], event: "change",
    read: () => (select.value === "" ? undefined : select.value),
    write: (value) => { select.value = value === undefined ? "" : String(value); },
  };
}

/** A repeatable list of dates (the date of each earlier record), or "none". */
function datesControl(id, question) {
  const list = el("div", { className: "dates", "data-testid": `${id}-dates` });
  const none = el("input", { type: "checkbox", "data-testid": `${id}-none` });
  const add = el("button", { type: "button", className: "secondary", "data-testid": `${id}-add` }, "Add a date");
  const made = { event: null, changed: () => {} }; // listens itself: dates come and go
  const addDate = (value = "") => {
    const input = el("input", { type: "date", min: "1900-01-01", max: "2100-12-31", value, "data-testid": `${id}-date`,
      "aria-label": `${question.label || "earlier record"}: date` });
    input.addEventListener("change", () => {
      if (input.value) none.checked = false;
      made.changed();
    });
    list.append(input);
    return input;
  };
  add.addEventListener("click", () => addDate().focus());
  none.addEventListener("change", () => {
    if (none.checked) for (const input of list.querySelectorAll("input")) input.value = "";
    made.changed();
  });
  made.node = el("div", { id, className: "dates-group", role: "group", "aria-label": question.prompt },
    list, add, el("label", { className: "inline" }, none, " none"));
  Object.defineProperty(made, "inputs", { get: () => [...list.querySelectorAll("input"), none, add] });
  made.read = () => {
    const dates = [...list.querySelectorAll("input")].map((input) => input.value).filter(Boolean);
    if (dates.length) return dates.sort();
    return none.checked ? [] : undefined;
  };
  made.write = (value) => {
    list.replaceChildren();
    for (const date of value || []) addDate(date);
    if (!value || !value.length) addDate();
    none.checked = Array.isArray(value) && value.length === 0;
  };
  made.write(undefined);
  return made;
}

function control(question) {
  const id = `answer-${question.id}`;
  if (question.takes_dates) return datesControl(id, question);
  switch (question.answer_type) {
    case "boolean": {
      const made = selectControl(id, [["true", "yes"], ["false", "no"]]);
      return { ...made, read: () => (made.read() === undefined ? undefined : made.read() === "true") };
    }
    case "choice":
      return selectControl(id, (question.choices || []).map((choice) => [choice, choice.replaceAll("_", " ")]));
    case "integer":
    case "number": {
      const input = el("input", { id, type: "number", inputmode: "decimal", step: question.answer_type === "integer" ? "1" : "any", "data-testid": id });
      const read = () => {
        if (input.value === "") return undefined;
        const value = Number(input.value);
        return Number.isNaN(value) ? input.value : value; // a malformed number goes to the server, which names the field
      };
      return { node: input, inputs: [input], read, event: "input", write: (value) => { input.value = value ?? ""; } };
    }
    case "list":
      if (question.choices && question.choices.length) {
        const boxes = question.choices.map((choice) =>
          el("input", { type: "checkbox", value: choice, "data-testid": `${id}-${choice}` }));
        const node = el("span", { id, className: "choices" },
          boxes.map((box) => el("label", { className: "inline" }, box, ` ${box.value.replaceAll("_", " ")}`)));
        const read = () => {
          const checked = boxes.filter((box) => box.checked).map((box) => box.value);
          return checked.length ? checked : undefined;
        };
        const write = (value) => { for (const box of boxes) box.checked = (value || []).includes(box.value); };
        return { node, inputs: boxes, read, write, event: "change" };
      }
    // falls through: a list without fixed choices is typed, comma-separated
    default: {
      const date = question.answer_type === "date";
      const input = el("input", { id, type: date ? "date" : "text", "data-testid": id, ...(date ? { min: "1900-01-01", max: "2100-12-31" } : {}) });
      const read = () => {
        const text = input.value.trim();
        if (!text) return undefined;
        return question.answer_type === "list" ? text.split(",").map((part) => part.trim()).filter(Boolean) : text;
      };
      const write = (value) => { input.value = Array.isArray(value) ? value.join(", ") : value ?? ""; };
      return { node: input, inputs: [input], read, write, event: date ? "change" : "input" };
    }
  }
}

function answerChanged(id, value) {
  if (value === undefined) delete state.answers[id];
  else state.answers[id] = value;
  schedule();
}

/** A control wired to its answer id, showing the answer already given. */
function wired(question) {
  const made = control(question);
  made.changed = () => answerChanged(question.id, made.read());
  made.write(state.answers[question.id]);
  if (made.event) for (const input of made.inputs) input.addEventListener(made.event, made.changed);
  return made;
}

function newRow(question) {
  const made = wired(question);
  // Details of the answer no criterion reads, recorded beside it (the side of a straight-leg raise).
  const details = (question.details || []).map((detail) => ({ detail, made: wired(detail) }));
  const labelFor = made.inputs[0]?.id ? made.inputs[0].id : undefined;
  const row = el("div", { className: "question", "data-testid": `q-${question.id}` },
    el(labelFor ? "label" : "div", { className: "prompt", for: labelFor }, question.prompt),
    made.node,
    details.map(({ detail, made: part }) => el("div", { className: "detail" },
      el("label", { for: part.inputs[0]?.id }, detail.prompt), " ", part.node)),
    el("div", { className: "field-error", role: "alert", "data-testid": "field-error" }),
    el("div", { className: "reason", "data-testid": "skipped-reason" }),
    el("div", { className: "muted cites" }, [...new Set(question.citations)].join("; ")));
  row.made = made;
  Object.defineProperty(row, "inputs", { get: () => [...made.inputs, ...details.flatMap(({ made: part }) => part.inputs)] });
  row.answerIds = [question.id, ...details.map(({ detail }) => detail.id)];
  return row;
}

// --- more records of a collection (a second medication): listed before the one the questions describe ---

const earlierBlocks = new Map(); // answer id ("history.medications[]") -> its block

function earlierBlock(key, fields) {
  const noun = key.replace(/\[\]$/, "").split(".").pop().replaceAll("_", " ");
  const list = el("div", { className: "earlier-records" });
  const block = el("fieldset", { className: "earlier", "data-testid": `earlier-${key}` },
    el("legend", {}, `Other ${noun} on record`),
    el("p", { className: "muted" }, `The questions above describe the most recent; list any other ${noun} here.`), list);
  const collect = () => {
    const records = [...list.children].map((fieldset) => {
      const record = {};
      for (const part of fieldset.parts) {
        const value = part.made.read();
        if (value !== undefined) record[part.field] = value;
      }
      return record;
    }).filter((record) => Object.keys(record).length);
    answerChanged(key, records.length ? records : undefined);
  };
  const addRecord = (values = {}) => {
    const n = list.children.length + 1;
    const parts = fields.map((question) => {
      const id = `${key}-${n}-${question.earlier.field}`;
      const made = control({ ...question, id: `${key}-${n}-${question.earlier.field}`, takes_dates: false });
      made.write(values[question.earlier.field]);
      if (made.event) for (const input of made.inputs) input.addEventListener(made.event, collect);
      return { field: question.earlier.field, made, id };
    });
    const fieldset = el("fieldset", { className: "earlier-record", "data-testid": "earlier-record" },
      el("legend", {}, `${noun} ${n}`),
      parts.map((part) => el("div", { className: "detail" },
        el("label", { for: part.made.inputs[0]?.id }, part.field.replaceAll("_", " ")), " ", part.made.node)),
      el("button", { type: "button", className: "secondary", onclick: () => { fieldset.remove(); collect(); } }, "Remove"));
    fieldset.parts = parts;
    list.append(fieldset);
    return fieldset;
  };
  block.append(el("button", { type: "button", className: "secondary", "data-testid": `earlier-add-${key}`,
    onclick: () => addRecord().querySelector("input, select")?.focus() }, `Add another (${noun})`));
  for (const values of state.answers[key] || []) addRecord(values);
  return block;
}

function renderEarlier(questionnaire) {
  const groups = new Map();
  for (const question of questionnaire.questions) {
    if (question.earlier && !question.earlier.field.includes(".") && !question.takes_dates) {
      if (!groups.has(question.earlier.answer)) groups.set(question.earlier.answer, []);
      groups.get(question.earlier.answer).push(question);
    }
  }
  for (const [key, block] of earlierBlocks) {
    if (!groups.has(key)) {
      block.remove();
      earlierBlocks.delete(key);
      delete state.answers[key];
    }
  }
  for (const [key, fields] of groups) {
    if (!earlierBlocks.has(key)) {
      const block = earlierBlock(key, fields);
      earlierBlocks.set(key, block);
      $("earlier").append(block);
    }
  }
}

function renderQuestionnaire(questionnaire) {
  const sets = questionnaire.criteria_sets.length ? "" : " — no guideline criteria apply on this date";
  $("q-title").textContent = `— ${questionnaire.treatment_name}${sets}`;
  $("questionnaire").hidden = false;
  const list = $("questions");
  const wanted = new Set(questionnaire.questions.map((question) => question.id));
  for (const [id, row] of rows) {
    if (!wanted.has(id)) {
      row.remove();
      rows.delete(id);
      for (const answered of row.answerIds) delete state.answers[answered]; // no longer asked: not part of the request
    }
  }
  let previous = null;
  for (const question of questionnaire.questions) {
    let row = rows.get(question.id);
    if (!row) {
      row = newRow(question);
      rows.set(question.id, row);
    }
    // Moving a row that holds the focused input would blur it: move only rows out of place.
    const expected = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== row) {
      if (previous) previous.after(row);
      else list.prepend(row);
    }
    previous = row;
    const skipped = question.status === "skipped";
    row.dataset.status = question.status;
    row.classList.toggle("skipped", skipped);
    for (const input of row.inputs) input.disabled = skipped;
    row.querySelector(".reason").textContent = skipped ? question.skipped_reason || "not needed for this outcome" : "";
  }
  renderEarlier(questionnaire);
}

async function start(event) {
  event.preventDefault();
  await refresh(); // answers are kept: only questions the new request no longer asks are dropped
  const target = $("withdrawn").hidden ? $("report-title") : document.querySelector("[aria-invalid=true]") || $("error");
  if (!$("report").hidden || !$("error").hidden) target.focus();
}

async function openCase() {
  const file = $("open-case").files[0];
  if (!file) return;
  try {
    const response = await fetch("/api/draft", { method: "POST", headers: { "content-type": "text/plain" }, body: await file.text() });
    const payload = await response.json();
    if (!response.ok) throw Object.assign(new Error("cannot open"), { problems: payload.detail });
    const request = payload.request;
    $("treatment").value = request.treatment;
    $("region").value = request.region || "";
    $("repeat").value = request.repeat === undefined ? "" : String(request.repeat);
    $("request-date").value = request.request_date || "";
    for (const row of rows.values()) row.remove();
    rows.clear();
    for (const block of earlierBlocks.values()) block.remove();
    earlierBlocks.clear();
    state.answers = { ...payload.answers };
    $("items").replaceChildren();
    for (const item of payload.items) itemRow(item);
    await refresh();
    $("report-title").focus();
  } catch (error) {
    showError($("error"), error.problems ? { problems: error.problems, message: "" } : error);
  } finally {
    $("open-case").value = "";
  }
}

async function loadVocabulary() {
  try {
    const vocabulary = await getJSON("/api/vocabulary");
    state.labels = makeLabels(vocabulary);
    $("treatment-names").replaceChildren(...vocabulary.treatments.map((t) => el("option", { value: t.name }, t.category)));
    $("region").append(...vocabulary.regions.map((region) => el("option", { value: region }, region.replaceAll("_", " "))));
  } catch (error) {
    showError($("error"), error);
  }
}

$("setup").addEventListener("submit", start);
for (const id of ["region", "repeat", "request-date"]) $(id).addEventListener("change", schedule);
$("treatment").addEventListener("change", schedule);
$("add-item").addEventListener("click", () => itemRow().querySelector("input").focus());
$("open-case").addEventListener("change", openCase);
$("download-yaml").addEventListener("click", async () => {
  if (!state.case) return;
  try {
    download("case.yaml", await postJSON("/api/case.yaml", state.case), "application/yaml");
  } catch (error) {
    showError($("error"), error);
  }
});
$("download-json").addEventListener("click", () => {
  if (state.result) download("result.json", JSON.stringify(state.result, null, 2), "application/json");
});
$("print").addEventListener("click", () => window.print());
loadVocabulary().then(() => {
  document.body.dataset.state = "ready";
});
