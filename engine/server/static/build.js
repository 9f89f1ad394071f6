// The draft-request page: choose a treatment, answer the generated questions, and see the predicted
// IMR outcome update after every answer (POST /api/questionnaire, then POST /api/check with its case).
import { download, el, getJSON, postJSON, renderResult, showError } from "./common.js";

const $ = (id) => document.getElementById(id);
const state = { request: null, answers: {}, case: null, result: null, seq: 0, timer: null };
const rows = new Map(); // question id -> its row, kept across updates so typing is never interrupted

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

async function refresh() {
  const seq = ++state.seq; // answers arrive faster than the server answers: only the latest counts
  setBusy(true);
  try {
    const built = await postJSON("/api/questionnaire", { ...state.request, answers: state.answers });
    if (seq !== state.seq) return;
    renderQuestionnaire(built.questionnaire);
    state.case = built.case;
    const result = await postJSON("/api/check", built.case);
    if (seq !== state.seq) return;
    state.result = result;
    showError($("error"), null);
    $("report").hidden = false;
    renderResult($("result"), result);
  } catch (error) {
    if (seq === state.seq) showError($("error"), error);
  } finally {
    if (seq === state.seq) setBusy(false);
  }
}

function answerChanged(id, value) {
  if (value === undefined) delete state.answers[id];
  else state.answers[id] = value;
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, 250);
}

// --- one input per answer type; each reports undefined for "not documented" ---

function selectControl(question, options) {
  const select = el("select", { id: `answer-${question.id}`, "data-testid": `answer-${question.id}` },
    el("option", { value: "" }, "(not documented)"),
    options.map(([value, text]) => el("option", { value }, text)));
  const read = () => (select.value === "" ? undefined : select.value);
  return { node: select, inputs: [select], read, event: "change" };
}

function control(question) {
  const id = `answer-${question.id}`;
  switch (question.answer_type) {
    case "boolean": {
      const made = selectControl(question, [["true", "yes"], ["false", "no"]]);
      return { ...made, read: () => (made.read() === undefined ? undefined : made.read() === "true") };
    }
    case "choice":
      return selectControl(question, (question.choices || []).map((choice) => [choice, choice.replaceAll("_", " ")]));
    case "integer":
    case "number": {
      const input = el("input", { id, type: "number", step: question.answer_type === "integer" ? "1" : "any", "data-testid": id });
      const read = () => {
        if (input.value === "") return undefined;
        const value = question.answer_type === "integer" ? Number.parseInt(input.value, 10) : Number.parseFloat(input.value);
        return Number.isNaN(value) ? undefined : value;
      };
      return { node: input, inputs: [input], read, event: "input" };
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
        return { node, inputs: boxes, read, event: "change" };
      }
    // falls through: a list without fixed choices is typed, comma-separated
    default: {
      const input = el("input", { id, type: question.answer_type === "date" ? "date" : "text", "data-testid": id });
      const read = () => {
        const text = input.value.trim();
        if (!text) return undefined;
        return question.answer_type === "list" ? text.split(",").map((part) => part.trim()).filter(Boolean) : text;
      };
      return { node: input, inputs: [input], read, event: question.answer_type === "date" ? "change" : "input" };
    }
  }
}

function newRow(question) {
  const made = control(question);
  for (const input of made.inputs) input.addEventListener(made.event, () => answerChanged(question.id, made.read()));
  const row = el("div", { className: "question", "data-testid": `q-${question.id}`, "data-field": question.field },
    el("label", { className: "prompt", for: `answer-${question.id}` }, question.prompt),
    made.node,
    el("div", { className: "reason", "data-testid": "skipped-reason" }),
    el("div", { className: "muted cites" }, question.citations.join("; ")));
  row.inputs = made.inputs;
  return row;
}

function renderQuestionnaire(questionnaire) {
  const sets = questionnaire.criteria_sets.length ? questionnaire.criteria_sets.join(", ") : "no criteria sets apply";
  $("q-title").textContent = `— ${questionnaire.treatment_name} (${sets})`;
  $("questionnaire").hidden = false;
  const list = $("questions");
  const wanted = new Set(questionnaire.questions.map((question) => question.id));
  for (const [id, row] of rows) {
    if (!wanted.has(id)) {
      row.remove();
      rows.delete(id);
      delete state.answers[id];
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
}

async function start(event) {
  event.preventDefault();
  clearTimeout(state.timer);
  state.request = formRequest();
  state.answers = {};
  for (const row of rows.values()) row.remove();
  rows.clear();
  $("result").replaceChildren();
  $("report").hidden = true;
  await refresh();
}

async function loadVocabulary() {
  try {
    const vocabulary = await getJSON("/api/vocabulary");
    $("treatment-names").replaceChildren(...vocabulary.treatments.map((t) => el("option", { value: t.name }, t.category)));
    $("region").append(...vocabulary.regions.map((region) => el("option", { value: region }, region.replaceAll("_", " "))));
  } catch (error) {
    showError($("error"), error);
  }
}

$("setup").addEventListener("submit", start);
$("download-yaml").addEventListener("click", async () => {
  try {
    download("case.yaml", await postJSON("/api/case.yaml", state.case), "application/yaml");
  } catch (error) {
    showError($("error"), error);
  }
});
$("download-json").addEventListener("click", () => download("result.json", JSON.stringify(state.result, null, 2), "application/json"));
$("print").addEventListener("click", () => window.print());
loadVocabulary().then(() => {
  document.body.dataset.state = "ready";
});
