// The 台账 view: a register's open matters by due date, in the API's tabs (`state=`), with 办结
// and the acknowledgement of a moved due date; adding a matter from a deadline's result; the
// calendar subscription's address. A register is not public: the page asks for its id and key
// once, keeps them in this browser (localStorage) until the clerk clears them, and shows
// nothing of a register without them. Loaded when the view is first shown.

import {
  $, addWords, announce, api, calendars, done, go, h, hashFor, lang, put, renderToken, request, resultHeading,
  showDate, showDay, showError, t, today,
} from "./app.js";
import { copyText } from "./result.js";

const STORE = "qixian-register";
/** The tabs, as the list's `state=` names them; the first is the view's default. */
const TABS = ["open", "due_soon", "overdue", "moved", "done"];
/** The fields of a deadline's request that a matter keeps as its period (not its status). */
const PERIOD = ["rule", "event", "event_timezone", "calendar", "days", "extended", "paused", "agreed_due", "agreed_by"];

// The view's own words (in the page's language) and style come with it, not with every view.
const OWN = {};
let style = null;
async function prepare() {
  if (!style) {
    style = h("link", { rel: "stylesheet", href: new URL("./register.css", import.meta.url).href });
    document.head.append(style);
  }
  const code = lang;
  OWN[code] ??= (await (code === "en" ? import("./register-text-en.js") : import("./register-text.js"))).WORDS;
  addWords(OWN[code]);
}

/** The register and key kept in this browser, or none. */
function saved() {
  try {
    const kept = JSON.parse(localStorage.getItem(STORE) || "null");
    return kept?.id && kept?.key ? kept : null;
  } catch {
    return null;
  }
}

/** A register route's path and the key's header. */
const route = (kept, rest = "") => `v1/registers/${encodeURIComponent(kept.id)}${rest}`;
const auth = (kept, more = {}) => ({ Authorization: `Bearer ${kept.key}`, ...more });

/** What a matter is called in a sentence: its 文号, else its 事由. */
const named = (m) => m.doc_number || m.subject;

export async function renderRegister(params, token) {
  await prepare();
  if (token !== renderToken) return;
  const out = $("r-register");
  const lead = h("p", { class: "lead" }, t("registerLead"));
  const kept = saved();
  if (!kept) {
    put(out, lead, keyForm(""));
    return;
  }
  const top = [lead, h("div", { class: "register-bar" }, h("p", {}, t("registerOpened", kept.id)), forgetButton())];
  if (params.get("add")) await renderAdd(out, top, kept, params, token);
  else await renderList(out, top, kept, TABS.includes(params.get("tab")) ? params.get("tab") : TABS[0], token);
}

/** The form that asks for the register's id and key, and keeps them in this browser. */
function keyForm(id) {
  const field = (name, label, type, value) => {
    const input = h("input", { id: name, type, autocomplete: "off", spellcheck: "false", maxlength: "200", required: true });
    input.value = value;
    return h("div", { class: "field" }, h("label", { for: name }, t(label)), input);
  };
  const form = h("form", { id: "f-key", class: "form", novalidate: true },
    h("p", { class: "hint" }, t("keyLead")),
    field("g-id", "registerId", "text", id), field("g-key", "registerKey", "password", ""),
    h("button", { type: "submit", class: "primary" }, t("keyOpen")),
    h("div", { id: "r-key", class: "result" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const [id, key] = [$("g-id").value.trim(), $("g-key").value.trim()];
    const missing = !id ? [$("g-id"), "registerId"] : !key ? [$("g-key"), "registerKey"] : null;
    if (missing) {
      showError($("r-key"), t("required", t(missing[1])), missing[0]);
      return;
    }
    localStorage.setItem(STORE, JSON.stringify({ id, key }));
    // The same state (a matter being added stays being added), now with the key.
    const state = {};
    for (const [name, value] of new URLSearchParams(location.hash.split("?")[1] || "")) {
      if (name !== "lang") (state[name] ??= []).push(value);
    }
    go("register", state);
  });
  return form;
}

function forgetButton() {
  const button = h("button", { type: "button", id: "forget-key" }, t("keyForget"));
  button.addEventListener("click", async () => {
    localStorage.removeItem(STORE);
    await renderRegister(new URLSearchParams(), renderToken);
    $("r-register").append(h("p", { class: "answer", role: "status" }, t("keyForgotten")));
    $("g-id").focus();
  });
  return button;
}

/** A refusal: the API's words under the bar; for the register's key, the form to give another. */
function refused(out, top, e) {
  showError(out, e.message);
  out.prepend(...top);
  if (e.status === 401 || e.status === 403) out.append(keyForm(saved()?.id ?? ""));
}

// ---- the list

async function renderList(out, top, kept, tab, token) {
  const tabs = h("nav", { class: "tabs", "aria-label": t("tabsLabel") }, h("ul", {}, TABS.map((name) =>
    h("li", {}, h("a", { href: hashFor("register", { tab: name }), "data-tab": name,
      "aria-current": name === tab ? "page" : null }, t(`tab_${name}`))))));
  put(out, top, tabs, h("p", { class: "loading" }, t("loadingList")));
  let answer;
  try {
    answer = await api(route(kept, "/matters"), { state: tab }, auth(kept));
  } catch (e) {
    if (token === renderToken) refused(out, top, e);
    return;
  }
  if (token !== renderToken) return;
  const status = h("p", { class: "copy-status", role: "status", id: "register-status" });
  const list = answer.matters;
  put(out,
    top,
    tabs,
    h("p", { class: "print-only sheet-title" }, t("printRegisterTitle")),
    h("p", { class: "print-only sheet-sub" }, `${t(`tab_${tab}`)}${t("sentenceEnd")}${t("printedOn")}${t("colon")}${
      showDate(today())}`),
    resultHeading(t("tabCount", t(`tab_${tab}`), list.length)),
    list.length ? matterTable(list, kept, tab, status) : h("p", {}, t("tabEmpty")),
    h("div", { class: "actions" }, printButton(), status),
    subscription(kept));
  done(out);
}

function printButton() {
  const button = h("button", { type: "button" }, t("printRegister"));
  button.addEventListener("click", () => window.print());
  return button;
}

function matterTable(list, kept, tab, status) {
  const cols = ["colNo", "colDoc", "colSubject", "colSender", "colHandler", "colDue", "colState", "colAct"];
  return h("table", { class: "register" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col", class: c === "colAct" ? "act" : null }, t(c))))),
    h("tbody", {}, list.map((m, i) => h("tr", { "data-id": m.id, "data-state": m.state, class: m.moved ? "moved" : null },
      h("td", {}, String(i + 1)),
      cell(m.doc_number), cell(m.subject), cell(m.sender), cell(m.handler),
      h("td", { "data-value": m.due_date }, m.due_date ? div(showDay(m.due_date),
        m.provisional ? [" ", h("strong", { class: "tag" }, t("provisional"))] : null) : null),
      h("td", { class: "state-cell" }, div(m.state_text ?? m.problem, m.moved ? movedNote(m) : null)),
      h("td", { class: "act" }, actions(m, kept, tab, status))))));
}

/** A cell's text in a block (which paper clamps to two lines). */
const div = (...children) => h("div", { class: "cell" }, children);
const cell = (text) => h("td", {}, div(text));

/** A moved matter: its acknowledged date, its new one, and why, in the API's words: each
 * changed day that moved it (`moved_by`), or why those days cannot be named. */
function movedNote(m) {
  const by = (m.moved_by ?? []).map((c) => c.text);
  const why = by.length ? `${t("movedBy")}${t("colon")}${by.join(t("sentenceEnd"))}` : m.moved_by_unknown;
  return h("span", { class: "moved-note" },
    h("strong", {}, t("movedFrom", showDay(m.acknowledged_due), showDay(m.due_date))), why ? ` ${why}` : null);
}

function actions(m, kept, tab, status) {
  const name = named(m);
  // `said` is announced once it is done; `label` names the matter for a screen reader.
  const act = (action, words, label, said) => {
    const button = h("button", { type: "button", "data-action": action, "aria-label": label }, words);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        // The version the list showed: a matter changed meanwhile is refused (412), not overwritten.
        await request(route(kept, `/matters/${encodeURIComponent(m.id)}/${action}`), {},
          { method: "POST", headers: auth(kept, { "If-Match": `"${m.version}"` }) });
      } catch (e) {
        button.disabled = false;
        status.textContent = e.message;
        announce(e.message);
        return;
      }
      await renderRegister(new URLSearchParams({ tab }), renderToken);
      const shown = $("register-status");
      if (shown) shown.textContent = said;
      // The button is gone with its row: the list's heading takes the focus.
      $("r-register").querySelector(".result-title")?.focus();
      announce(said);
    });
    return button;
  };
  if (m.completed_at) return act("reopen", t("reopen"), t("reopenLabel", name), t("reopenSaid", name));
  return [m.moved ? act("acknowledge", t("acknowledge"), t("acknowledgeLabel", name), t("acknowledgeSaid", name)) : null,
    act("complete", t("complete"), t("completeLabel", name), t("completeSaid", name))];
}

// ---- the calendar subscription

function subscription(kept) {
  const status = h("p", { class: "copy-status", role: "status" });
  const address = h("input", { id: "ics-address", type: "text", readonly: true, "aria-describedby": "ics-lead" });
  const copy = h("button", { type: "button", id: "copy-address", hidden: true }, t("copyAddress"));
  const make = h("button", { type: "button", id: "make-address" }, t("subscribeMake"));
  const field = h("div", { class: "field", hidden: true }, h("label", { for: "ics-address" }, t("subscribeAddress")),
    address);
  make.addEventListener("click", async () => {
    let answer;
    try {
      answer = await (await request(route(kept, "/calendar-token"), {}, { method: "POST", headers: auth(kept) })).json();
    } catch (e) {
      status.textContent = e.message;
      return;
    }
    // The API gives the address as a path; a calendar needs it whole.
    address.value = new URL(answer.url.replace(/^\//, ""), new URL(".", location.href)).href;
    field.hidden = false;
    copy.hidden = false;
    make.textContent = t("subscribeAgain");
    status.textContent = t("subscribeMade");
    address.focus();
    address.select();
  });
  copy.addEventListener("click", async () => {
    status.textContent = (await copyText(address.value)) ? t("copied") : t("copyFailed");
  });
  return h("section", { class: "subscribe", "aria-labelledby": "h-subscribe" },
    h("h2", { id: "h-subscribe" }, t("subscribeTitle")),
    h("p", { class: "hint", id: "ics-lead" }, t("subscribeLead")),
    field, h("div", { class: "buttons" }, make, copy), status);
}

// ---- adding a matter from a deadline's result

/** The period the link carries, as `POST /v1/deadlines` takes it. */
function periodOf(params) {
  const period = {};
  for (const name of PERIOD) {
    const values = params.getAll(name).filter(Boolean);
    if (!values.length) continue;
    period[name] = name === "paused" ? values : name === "days" ? Number(values[0])
      : name === "extended" ? values[0] === "true" : values[0];
  }
  return period;
}

async function renderAdd(out, top, kept, params, token) {
  const period = periodOf(params);
  put(out, top, h("p", { class: "loading" }, t("loading")));
  let answer, list;
  try {
    // What the matter's period gives today, for the clerk to check before it is kept.
    [answer, list] = await Promise.all([api("v1/deadlines", { ...period, explain: "false" }), calendars()]);
  } catch (e) {
    if (token === renderToken) refused(out, top, e);
    return;
  }
  if (token !== renderToken) return;
  const field = (id, label, hint, value = "") => {
    const input = h("input", { id, type: "text", maxlength: "500", autocomplete: "off",
      "aria-describedby": hint ? `${id}-hint` : null });
    input.value = value;
    return h("div", { class: "field" }, h("label", { for: id }, t(label)),
      hint ? h("p", { class: "hint", id: `${id}-hint` }, t(hint)) : null, input);
  };
  const back = { ...Object.fromEntries(PERIOD.map((n) => [n, params.getAll(n)])), id: params.get("id") };
  delete back.event_timezone;
  const form = h("form", { id: "f-matter", class: "form", novalidate: true },
    h("dl", { class: "summary" },
      [[t("basis"), `${t("cite", answer.citation.statute, answer.citation.article)} ${answer.title}`], [t("eventDay"), showDate(answer.event_date)],
        [t("dueDate"), showDay(answer.due_date)], [t("calendarLabel"), list.find((c) => c.id === answer.calendar)?.name ?? answer.calendar]]
        .map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value)))),
    h("p", { class: "hint" }, t("addLeadRegister")),
    field("m-doc", "docIdLabel", null, params.get("id") ?? ""),
    field("m-subject", "subject"),
    field("m-sender", "sender"),
    field("m-handler", "handlerField"),
    field("m-notes", "notes"),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("addSubmit")),
      h("a", { class: "button", href: hashFor("deadline", { ...back, clock: params.get("event_timezone") === "Asia/Urumqi"
        ? "urumqi" : "beijing" }) }, t("addBack"))));
  const result = h("div", { class: "result" });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = (id) => $(id).value.trim();
    if (!value("m-doc") && !value("m-subject")) {
      showError(result, t("addNeedsName"), $("m-doc"));
      return;
    }
    const matter = { doc_number: value("m-doc"), subject: value("m-subject"), sender: value("m-sender"),
      handler: value("m-handler"), notes: value("m-notes"), period };
    try {
      await request(route(kept, "/matters"), {}, { method: "POST", body: JSON.stringify(matter),
        headers: auth(kept, { "Content-Type": "application/json" }) });
    } catch (e) {
      if (e.status === 401 || e.status === 403) refused(out, top, e);
      else showError(result, e.message);
      return;
    }
    go("register", {});
    announce(t("added", named(matter)));
  });
  put(out, top, resultHeading(t("addTitle")), form, result);
  done(out);
}
