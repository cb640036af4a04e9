// The page for people: five views (期限计算, 工作日计算, 日历, 规则, 台账) over the public API, each
// view's state in the URL's fragment (`#deadline?rule=…&event=…`), so that a link shows what
// its sender saw. Every date shown comes from an API answer; this file only lays them out.

// The API says its own words (reasons, problem details, rule titles) in the language `lang=`
// asks for; the page asks in its own. One switch, so that the page can talk to an API that
// does not take it (there, an unknown parameter is a 400).
const API_TAKES_LANG = true;

const VIEWS = ["deadline", "workdays", "calendar", "rules", "register"];
const CLOCKS = { beijing: "Asia/Shanghai", urumqi: "Asia/Urumqi" };
const ZONE_NAME = { "Asia/Shanghai": "beijing", "Asia/Urumqi": "urumqi" };
const zoneName = (zone) => ZONE_NAME[zone] ? t(`zone_${ZONE_NAME[zone]}`) : zone;

let lang = "zh";
let renderToken = 0;
let focusResult = null;
const lastHash = {};

// The page's words, one module per language with the same keys, loaded when a view first
// needs it: each is about 10 KB, which a view in the other language need not load (its budget
// is 150 KB, API answers included).
const TEXT = {};
async function loadWords(code) {
  if (!TEXT[code]) TEXT[code] = (await (code === "en" ? import("./text-en.js") : import("./text.js"))).WORDS;
}
/** A view's own words, beside the page's. */
const addWords = (words) => Object.assign(TEXT[lang], words);

const $ = (id) => document.getElementById(id);
/** Whether the page's language has a word for `key`. */
const hasWord = (key) => TEXT[lang]?.[key] !== undefined;
const t = (key, ...args) => {
  const value = TEXT[lang]?.[key];
  return typeof value === "function" ? value(...args) : value ?? key;
};

/** Every API URL is made here: relative (same origin, under any path prefix), with `lang`
 * once the API takes it. */
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, given] of Object.entries(params)) {
    for (const value of Array.isArray(given) ? given : [given]) {
      if (value !== undefined && value !== null && value !== "") query.append(name, String(value));
    }
  }
  if (API_TAKES_LANG) query.set("lang", lang);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** An answer that is not a success: its problem document's `detail`, as the API wrote it (and
 * `status`). */
class Problem extends Error {}

/** The answer to `init` (as `fetch` takes it) at `path`, when it is a success. */
async function request(path, params, init = {}) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch {
    throw new Problem(t("errorNetwork"));
  }
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch {
      // Not a problem document (a proxy's page): the status says enough.
    }
    throw Object.assign(new Problem(detail), { status: response.status });
  }
  return response;
}

const api = async (path, params, headers) => (await request(path, params, { headers })).json();

// Answers that do not change while the page is open are asked for once.
const asked = new Map();
function once(path, params = {}) {
  const url = apiUrl(path, params);
  if (!asked.has(url)) {
    asked.set(url, api(path, params).catch((e) => { asked.delete(url); throw e; }));
  }
  return asked.get(url);
}
const calendars = () => once("v1/calendars");
// The rule sets in force, each with its rules, in order (the 规则 view shows them all).
const ruleSets = () => once("v1/rules").then((book) => book.sets);
// The picker's list: each rule's id, article and title only (brief=true), so that the deadline
// view does not load every article's words; the chosen rule's whole entry comes on its own.
const pickerSets = () => once("v1/rules", { brief: "true" }).then((book) => book.sets);
const pickerRules = () => pickerSets().then((sets) => sets.flatMap((set) => set.rules));
const ruleDetail = (id) => once(`v1/rules/${id.split("/").map(encodeURIComponent).join("/")}`);
/** The picker's rule, whole; none while the picker is empty. */
const selectedRule = () => ($("d-rule").value ? ruleDetail($("d-rule").value) : Promise.resolve(undefined));
/** The rule a link names: its full id (`kizilsu/countersign-reply`), or a bare id that only one
 * set has (`countersign-reply`), as the API takes it. */
function findRule(list, id) {
  if (!id) return undefined;
  const exact = list.find((r) => r.id === id);
  if (exact) return exact;
  const bare = list.filter((r) => r.id.endsWith(`/${id}`));
  return bare.length === 1 ? bare[0] : undefined;
}
const specialDays = (calendar, from, to) =>
  once(`v1/calendars/${encodeURIComponent(calendar)}/days`,
    from === to ? { year: from } : { from_year: from, to_year: to });

// ---- DOM

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null && child !== false) el.append(child);
  }
  return el;
}

/** `out`'s children become `children`, nested lists flattened and empty ones left out. */
function put(out, ...children) {
  out.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

function announce(text) {
  const live = $("live");
  live.textContent = "";
  // A change after a tick, so that the same words are announced again.
  setTimeout(() => { live.textContent = text; }, 50);
}

function showError(out, message, field) {
  let text = message;
  if (field) {
    // Not a fragment link: the fragment holds the page's state.
    text = h("a", { href: "", class: "to-field" }, message);
    text.addEventListener("click", (e) => { e.preventDefault(); field.focus(); });
  }
  const box = h("div", { class: "error", role: "alert", tabindex: "-1" },
    h("h2", {}, t("errorTitle")), h("p", {}, text));
  put(out, box);
  if (field) field.setAttribute("aria-invalid", "true");
  if (focusResult) (field || box).focus();
  focusResult = null;
}

function resultHeading(text) {
  return h("h2", { tabindex: "-1", class: "result-title" }, text);
}

function done(out) {
  if (focusResult) {
    out.querySelector(".result-title")?.focus({ preventScroll: true });
    // On a phone the form fills the screen: the answer itself (the due date) is brought into
    // view, not only the heading above it.
    (out.querySelector(".due-date") ?? out.querySelector(".answer") ?? out.querySelector(".result-title"))
      ?.scrollIntoView({ block: "center" });
  }
  focusResult = null;
}

// ---- dates, as the API writes them (YYYY-MM-DD) and as people read them

const pad = (n) => String(n).padStart(2, "0");
const parts = (iso) => iso.slice(0, 10).split("-").map(Number);
const weekday = (iso) => { const [y, m, d] = parts(iso); return new Date(Date.UTC(y, m - 1, d)).getUTCDay(); };
function shiftDay(iso, days) {
  const [y, m, d] = parts(iso);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}
const showDate = (iso) => t("formatDate", ...parts(iso));
const showDay = (iso) => t("formatDay", showDate(iso), t("formatWeekday", weekday(iso)));

/** A moment as the API writes it (`2026-10-16T00:00:00+08:00`) on its own clock; midnight is
 * the end of the day before (24:00), as official deadlines say it. */
function showMoment(text) {
  let day = text.slice(0, 10);
  let time = text.slice(11, 16);
  if (time === "00:00") { day = shiftDay(day, -1); time = "24:00"; }
  return t("formatMoment", showDate(day), time);
}
/** A moment on its clock: `北京时间2026年10月15日19:30`. */
const showAt = (zone, text) => t("atZone", zoneName(zone), showMoment(text));

/** What people type (`2026/9/30`, `2026年9月30日`) as the API's `YYYY-MM-DD`; anything else
 * as it is, for the API to say what is wrong with it. */
function normalDate(text) {
  const value = text.trim().replace(/[年月/.]/g, "-").replace(/[日号]$/, "");
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  return m ? `${m[1]}-${pad(m[2])}-${pad(m[3])}` : text.trim();
}
function normalTime(text) {
  const value = text.trim().replace(/[：时点]/g, ":").replace(/[:分]$/, "");
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(value);
  return m ? `${pad(m[1])}:${m[2] || "00"}` : text.trim();
}

function thisYear() {
  return Number(today().slice(0, 4));
}

/** Today on Beijing time, as the API writes dates. */
function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
}

// ---- the URL's fragment: `#view?name=value&…`

function readHash() {
  const raw = location.hash.slice(1);
  const cut = raw.indexOf("?");
  const name = cut < 0 ? raw : raw.slice(0, cut);
  const params = new URLSearchParams(cut < 0 ? "" : raw.slice(cut + 1));
  return { view: VIEWS.includes(name) ? name : "deadline", params };
}

/** A fragment for `view`; a parameter given a list (`paused`) is repeated, as the API takes it. */
function hashFor(view, params, language = lang) {
  const pairs = Object.entries(params)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => [k, one]))
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%3A/g, ":").replace(/%2F/g, "/")}`);
  if (language === "en") pairs.push("lang=en");
  return `#${view}${pairs.length ? `?${pairs.join("&")}` : ""}`;
}

function go(view, params) {
  focusResult = true;
  const before = location.hash;
  location.hash = hashFor(view, params);
  if (location.hash === before) render();
}

// ---- language

function applyLanguage(view, params) {
  document.documentElement.lang = t("htmlLang");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
  const other = t("otherLangCode");
  const link = $("lang");
  link.textContent = t("otherLang");
  link.lang = other === "zh" ? "zh-CN" : "en";
  link.hreflang = link.lang;
  const kept = {};
  for (const [k, v] of params) if (k !== "lang") (kept[k] ??= []).push(v);
  link.href = hashFor(view, kept, other);
}

// ---- selects filled from the API

function fill(select, options, wanted) {
  const keep = wanted ?? select.value;
  select.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
  if (options.some(([value]) => value === keep)) select.value = keep;
}

/** The rule picker: one group per set, under the set's title. */
function fillRules(select, sets, wanted) {
  const keep = wanted ?? select.value;
  select.replaceChildren(...sets.map((set) => h("optgroup", { label: set.title },
    set.rules.map((r) => h("option", { value: r.id }, `${r.article} ${r.title}`)))));
  if (sets.some((set) => set.rules.some((r) => r.id === keep))) select.value = keep;
}

function defaultCalendar(list) {
  const configured = document.querySelector('meta[name="qixian-default-calendar"]')?.content;
  return list.some((c) => c.id === configured) ? configured : list[0]?.id;
}

function fillCalendars(select, list, wanted) {
  fill(select, list.map((c) => [c.id, c.name]), wanted || defaultCalendar(list));
}

function syncPicker(input) {
  const picker = document.querySelector(`.picker[data-for="${input.id}"]`);
  if (picker) picker.value = /^\d{4}-\d{2}-\d{2}$/.test(normalDate(input.value)) ? normalDate(input.value) : "";
}

function setValue(input, value) {
  input.value = value ?? "";
  input.removeAttribute("aria-invalid");
  syncPicker(input);
}

// ---- why an answer is provisional, in plain words

function noticeNames(layers) {
  return layers.map((id) => TEXT[lang]?.[`notice_${id}`] ?? t("noticeOther", id)).join(t("and"));
}

// The API's own lines on each provisional year (what the system lacks, how sure the estimate
// is); else the answer's own note where it gives one (a deadline's `provisional_note`).
function provisionalWhy(list, calendarId, from, to, note) {
  const calendar = list.find((c) => c.id === calendarId);
  const why = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    const entry = calendar?.years.find((y) => y.year === year);
    if (entry?.status === "provisional" && entry.outlook) why.push(entry.outlook);
  }
  return why.length ? why : [note ?? t("provisionalSome")];
}

function provisionalBox(why) {
  return h("div", { class: "provisional" },
    h("p", {}, h("strong", { class: "tag" }, t("provisional")), " ", why[0]),
    why.slice(1).map((w) => h("p", {}, w)));
}

// ---- month tables

const MONDAY_FIRST = [1, 2, 3, 4, 5, 6, 0];

/** One month as a table, Monday first; `cell(iso)` gives a day's classes and contents. */
function monthTable(year, month, cell) {
  const first = `${year}-${pad(month)}-01`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (weekday(first) + 6) % 7;
  const rows = [];
  let row = [];
  for (let i = 0; i < lead; i++) row.push(h("td", { class: "blank" }));
  for (let d = 1; d <= days; d++) {
    const iso = `${year}-${pad(month)}-${pad(d)}`;
    const { classes = [], contents = [] } = cell(iso);
    const wd = weekday(iso);
    if (wd === 0 || wd === 6) classes.push("wkend");
    row.push(h("td", { class: classes.join(" ") || null, "data-date": iso },
      h("span", { class: "num" }, String(d)), contents));
    if (row.length === 7) { rows.push(h("tr", {}, row)); row = []; }
  }
  if (row.length) {
    while (row.length < 7) row.push(h("td", { class: "blank" }));
    rows.push(h("tr", {}, row));
  }
  return h("table", { class: "month" },
    h("caption", {}, t("monthCaption", year, month)),
    h("thead", {}, h("tr", {}, MONDAY_FIRST.map((w) =>
      h("th", { scope: "col", abbr: t("weekdays")[w] }, t("weekdayShort")[w])))),
    h("tbody", {}, rows));
}

function mark(kind) {
  return kind === "holiday" ? h("span", { class: "mark rest" }, t("rest"))
    : kind === "makeup_workday" ? h("span", { class: "mark work" }, t("work")) : null;
}

function dayMarks(day) {
  if (!day) return { classes: [], contents: [] };
  return {
    classes: [day.kind === "holiday" ? "rest" : "work", day.estimated ? "estimated" : ""].filter(Boolean),
    contents: [mark(day.kind), day.estimated ? h("span", { class: "est" }, t("estimatedShort")) : null,
      day.name ? h("span", { class: "name", lang: "zh-CN" }, day.name) : null],
  };
}

function legend(items) {
  return h("ul", { class: "legend", "aria-label": t("legend") },
    items.filter(Boolean).map(([cls, sample, text]) => h("li", {}, h("span", { class: `sample ${cls}` }, sample), " ", text)));
}

function monthsBetween(from, to) {
  const out = [];
  let [y, m] = parts(from);
  const [y2, m2] = parts(to);
  while (y < y2 || (y === y2 && m <= m2)) {
    out.push([y, m]);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

// ---- 期限计算

/** What the rule's `excluded_time` says, as a sentence: the statutes name the time ("…所需时间")
 * or say the whole of it ("…的，所需时间不计算在…期限内"). */
function excludedSentence(text) {
  return `${text.includes("不计算") ? text : `${text}不计算在期限内`}。`;
}

/** The paused intervals' rows, from `[from, to]` pairs; always one row to fill at least. */
function setPaused(pairs) {
  const rows = pairs.length ? pairs : [["", ""]];
  put($("d-paused-list"), rows.map(([from, to], i) => {
    const date = (which, label, value) => {
      const id = `d-paused-${which}-${i}`;
      const input = h("input", { id, type: "text", class: "paused-date", inputmode: "numeric",
        autocomplete: "off", spellcheck: "false", "aria-describedby": "d-paused-hint" });
      input.value = value;
      return h("div", { class: "field" }, h("label", { for: id }, label), h("div", { class: "date" }, input,
        h("input", { type: "date", class: "picker", tabindex: "-1", "data-for": id, "aria-label": t("pickDate") })));
    };
    const remove = h("button", { type: "button", class: "remove" }, t("pausedRemove", i + 1));
    remove.addEventListener("click", () => {
      const left = readPaused().filter((_, j) => j !== i);
      setPaused(left);
      $("d-paused-add").focus();
    });
    return h("div", { class: "paused-row", role: "group", "aria-label": t("pausedRow", i + 1) },
      date("from", t("pausedFrom", i + 1), from ?? ""), date("to", t("pausedTo", i + 1), to ?? ""),
      rows.length > 1 || from || to ? remove : null);
  }));
  for (const input of $("d-paused-list").querySelectorAll(".paused-date")) syncPicker(input);
}

/** The rows as typed, `[from, to]` each, dates made the API's. */
function readPaused() {
  return [...$("d-paused-list").querySelectorAll(".paused-row")].map((row) =>
    [...row.querySelectorAll(".paused-date")].map((input) => normalDate(input.value)));
}

/** The first date of a half-filled interval, for the form to ask for. */
function halfPaused() {
  for (const row of $("d-paused-list").querySelectorAll(".paused-row")) {
    const [from, to] = row.querySelectorAll(".paused-date");
    if (!from.value.trim() !== !to.value.trim()) return from.value.trim() ? to : from;
  }
  return null;
}

function readDeadlineForm(rule) {
  const date = normalDate($("d-date").value);
  const time = normalTime($("d-time").value);
  const days = $("d-days").value.trim();
  return {
    rule: rule?.id,
    event: date && time ? `${date}T${time}` : date,
    clock: document.querySelector('input[name="clock"]:checked')?.value,
    calendar: $("d-calendar").value,
    days: rule?.adjustable && days && days !== String(rule.amount) ? days : undefined,
    extended: rule?.extension && $("d-extended").checked ? "true" : undefined,
    paused: rule?.forms_allowed?.includes("paused")
      ? readPaused().filter(([from, to]) => from && to).map((p) => p.join("/")) : [],
    agreed_due: rule?.forms_allowed?.includes("agreed_due") ? normalDate($("d-agreed-due").value) || undefined : undefined,
    agreed_by: rule?.forms_allowed?.includes("agreed_due") ? $("d-agreed-by").value.trim() || undefined : undefined,
    completed_at: normalDate($("d-completed").value) || undefined,
    id: $("d-id").value.trim() || undefined,
  };
}

/** How a rule's period runs, in words: forward within it, back from the event, or at least. */
function periodForm(rule) {
  return [rule.direction === "backward" ? t("formBackward") : null,
    rule.bound === "at_least" ? t("formAtLeast") : null].filter(Boolean);
}

function showRule(rule) {
  put($("d-rule-text"), rule ? [
    h("p", { class: "statute", lang: "zh-CN" }, rule.statute),
    h("p", { class: "text", lang: "zh-CN" }, h("strong", {}, rule.article), " ", rule.text),
    periodForm(rule).map((words) => h("p", { class: "form-note" }, words)),
    h("p", { class: "form-note" }, t("inForceNote", showDate(rule.in_force))),
    h("p", { class: "form-note" }, [`${t("ruleCutoff")}${t("colon")}${t(`cutoff_${rule.cutoff}`)}`,
      h("span", { lang: "zh-CN" }, `（${rule.cutoff_basis}）`)]),
  ] : []);
  $("d-days-field").hidden = !rule?.adjustable;
  if (rule?.adjustable && !$("d-days").value) $("d-days").value = rule.amount;
  // Only the forms the rule's statute allows are offered (the API refuses the others).
  $("d-agreed-field").hidden = !rule?.forms_allowed?.includes("agreed_due");
  $("d-extended-field").hidden = !rule?.extension;
  put($("d-extended-hint"), rule?.extension
    ? [t("extendedHint", t("periodValue", rule.extension.amount, rule.extension.unit)),
      h("span", { lang: "zh-CN" }, rule.extension.basis)] : []);
  $("d-paused-field").hidden = !rule?.forms_allowed?.includes("paused");
  put($("d-paused-hint"), rule?.excluded_time
    ? [h("span", { lang: "zh-CN" }, excludedSentence(rule.excluded_time)), " ", t("pausedHint")] : []);
}

async function renderDeadline(params, token) {
  const [sets, ruleList, calendarList] = await Promise.all([pickerSets(), pickerRules(), calendars()]);
  if (token !== renderToken) return;
  fillRules($("d-rule"), sets, findRule(ruleList, params.get("rule"))?.id ?? ruleList[0]?.id);
  fillCalendars($("d-calendar"), calendarList, params.get("calendar"));
  const event = params.get("event") || "";
  // The date and the time as the form joined them (`2026-09-30T18:00`, or as typed where the
  // page did not read them: `2026年9月30号T下午6点`, which the API reads).
  const cut = event.indexOf("T");
  const rest = cut < 0 ? "" : event.slice(cut + 1);
  setValue($("d-date"), cut < 0 ? event : event.slice(0, cut));
  setValue($("d-time"), /^\d{2}:\d{2}/.test(rest) ? rest.slice(0, 5) : rest);
  setValue($("d-days"), params.get("days"));
  setValue($("d-id"), params.get("id"));
  $("d-extended").checked = params.get("extended") === "true";
  setPaused(params.getAll("paused").map((p) => p.split("/")));
  setValue($("d-agreed-due"), params.get("agreed_due"));
  setValue($("d-agreed-by"), params.get("agreed_by"));
  setValue($("d-completed"), params.get("completed_at"));
  const clock = params.get("clock") === "urumqi" ? "urumqi" : "beijing";
  document.querySelector(`input[name="clock"][value="${clock}"]`).checked = true;
  const chosen = await selectedRule();
  if (token !== renderToken) return;
  showRule(chosen);
  const out = $("r-deadline");
  if (!event) { put(out); return; }

  const query = {
    rule: params.get("rule") || $("d-rule").value,
    event,
    event_timezone: CLOCKS[clock],
    calendar: params.get("calendar") || $("d-calendar").value,
    days: params.get("days"),
    extended: params.get("extended") === "true" ? "true" : undefined,
    paused: params.getAll("paused"),
    agreed_due: params.get("agreed_due"),
    agreed_by: params.get("agreed_by"),
    completed_at: params.get("completed_at"),
    id: params.get("id"),
  };
  put(out, h("p", { class: "loading" }, t("loading")));
  let answer, special, deadlineResult;
  try {
    // The result's module comes while the API answers.
    const shown = import("./result.js");
    answer = await api("v1/deadlines", { ...query, explain: "true", as_of: "today" });
    ({ deadlineResult } = await shown);
    const [first, last] = span(answer);
    special = await specialDays(answer.calendar, parts(first)[0], parts(last)[0]);
  } catch (e) {
    if (token === renderToken) showError(out, e.message);
    return;
  }
  if (token !== renderToken) return;
  const rule = answer.rule ? await ruleDetail(answer.rule) : undefined;
  if (token !== renderToken) return;
  const calendar = calendarList.find((c) => c.id === answer.calendar);
  const [first, last] = span(answer);
  // How likely the date is to move, as the API says it: the low-confidence days it rests on.
  const why = answer.provisional
    ? [...provisionalWhy(calendarList, answer.calendar, first, last, answer.provisional_note),
      answer.certainty_note].filter(Boolean) : [];
  put(out, deadlineResult(answer, rule, calendar, special.days, why, query, calendarList));
  announce(`${dueLabel(answer)}：${showDay(answer.due_date)}${answer.provisional ? `（${t("provisional")}）` : ""}`);
  done(out);
}

/** The first and last day an answer touches: a backward period ends before its event, a
 * minimum one is followed by its next step, an agreed date may lie past the period's own. */
function span(answer) {
  const days = [answer.event_date, answer.due_date, answer.next_step, answer.agreed?.period_due_date, answer.original_due_date]
    .filter(Boolean).sort();
  return [days[0], days[days.length - 1]];
}

/** What the due date is to the clerk: the last day to act by, the latest day to act before
 * the event, or the day the shortest allowed period ends. */
function dueLabel(answer) {
  return answer.direction === "backward" ? t("latestDay")
    : answer.bound === "at_least" ? t("periodEnds") : t("dueDate");
}


// ---- the views

// 日历 and 规则 are a module of their own, loaded when one of them is first shown.
const reference = () => import("./reference.js");
const RENDER = {
  deadline: renderDeadline,
  workdays: async (params, token) => (await import("./workdays.js")).renderWorkdays(params, token),
  calendar: async (params, token) => (await reference()).renderCalendar(params, token),
  rules: async (params, token) => (await reference()).renderRules(params, token),
  register: async (params, token) => (await import("./register.js")).renderRegister(params, token),
};
const TITLES = { deadline: "navDeadline", workdays: "navWorkdays", calendar: "navCalendar", rules: "navRules",
  register: "navRegister" };

async function render() {
  const { view, params } = readHash();
  const token = ++renderToken;
  let wanted = params.get("lang") === "en" ? "en" : "zh";
  try {
    await loadWords(wanted);
  } catch {
    wanted = "zh"; // The English words could not be loaded: the page stays in Chinese.
    await loadWords(wanted);
  }
  if (token !== renderToken) return;
  lang = wanted;
  applyLanguage(view, params);
  lastHash[view] = location.hash || `#${view}`;
  for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
  for (const link of $("nav").querySelectorAll("a[data-view]")) {
    const target = link.dataset.view;
    link.href = target === view ? location.hash || `#${view}`
      : lastHash[target] && sameLang(lastHash[target]) ? lastHash[target] : hashFor(target, {});
    if (target === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${t(TITLES[view])} · ${t("titleSuffix")}`;
  try {
    await RENDER[view](params, token);
  } catch (e) {
    if (token === renderToken) showError($(`view-${view}`).querySelector(".result"), e.message);
  }
}

function sameLang(hash) {
  return (new URLSearchParams(hash.split("?")[1] || "").get("lang") === "en") === (lang === "en");
}

function required(input, label, out) {
  if (input.value.trim()) return true;
  showError(out, t("required", t(label)), input);
  return false;
}

function wire() {
  $("skip").addEventListener("click", (e) => { e.preventDefault(); $("main").focus(); });
  // On the document, for the pickers of the paused intervals' rows made later too.
  document.addEventListener("change", (e) => {
    const el = e.target;
    if (el.classList.contains("picker")) {
      if (el.value) $(el.dataset.for).value = el.value;
    } else if (el.closest(".date")) syncPicker(el);
  });
  $("d-paused-add").addEventListener("click", () => {
    setPaused([...readPaused(), ["", ""]]);
    const rows = $("d-paused-list").querySelectorAll(".paused-row");
    rows[rows.length - 1].querySelector(".paused-date").focus();
  });
  $("d-rule").addEventListener("change", async () => {
    $("d-days").value = "";
    showRule(await selectedRule());
  });
  // The API finds rules by the words offices use (GET /v1/rules?q=); the picker keeps those.
  let searching = 0;
  $("d-rule-q").addEventListener("input", async () => {
    const mine = ++searching;
    const words = $("d-rule-q").value.trim();
    let sets;
    try {
      sets = words ? (await api("v1/rules", { q: words, brief: "true" })).sets : await pickerSets();
    } catch (e) {
      $("d-rule-q-status").textContent = e.message;
      return;
    }
    if (mine !== searching) return;
    const found = sets.reduce((n, set) => n + set.rules.length, 0);
    $("d-rule-q-status").textContent = words ? t("ruleSearchFound", found) : "";
    if (!found) return;
    fillRules($("d-rule"), sets);
    $("d-days").value = "";
    showRule(await selectedRule());
  });
  $("f-deadline").addEventListener("submit", async (e) => {
    e.preventDefault();
    focusResult = true;
    if (!required($("d-date"), "date", $("r-deadline"))) return;
    const rule = await selectedRule();
    const half = !$("d-paused-field").hidden && halfPaused();
    if (half) { showError($("r-deadline"), t("pausedHalf"), half); return; }
    go("deadline", readDeadlineForm(rule));
  });
  const workdays = () => ({
    calendar: $("w-calendar").value,
    day: normalDate($("k-day").value),
    start: normalDate($("a-start").value), days: $("a-days").value.trim(),
    from: normalDate($("c-from").value), to: normalDate($("c-to").value),
  });
  $("f-day").addEventListener("submit", (e) => {
    e.preventDefault();
    focusResult = true;
    if (required($("k-day"), "dayDate", $("r-day"))) go("workdays", workdays());
  });
  $("f-add").addEventListener("submit", (e) => {
    e.preventDefault();
    focusResult = true;
    const out = $("r-add");
    if (required($("a-start"), "start", out) && required($("a-days"), "addDays", out)) go("workdays", workdays());
  });
  $("f-count").addEventListener("submit", (e) => {
    e.preventDefault();
    focusResult = true;
    const out = $("r-count");
    if (required($("c-from"), "from", out) && required($("c-to"), "to", out)) go("workdays", workdays());
  });
  $("w-calendar").addEventListener("change", () => {
    const state = workdays();
    if (state.day || (state.start && state.days) || (state.from && state.to)) go("workdays", state);
  });
  $("f-calendar").addEventListener("submit", (e) => {
    e.preventDefault();
    go("calendar", { calendar: $("y-calendar").value, year: $("y-year").value.trim() });
  });
  $("y-calendar").addEventListener("change", () => go("calendar", { calendar: $("y-calendar").value, year: $("y-year").value.trim() }));
  window.addEventListener("hashchange", render);
}

// What the views' own modules (result.js, reference.js, workdays.js, register.js) use of this one.
export {
  $, addWords, announce, api, calendars, dayMarks, done, dueLabel, excludedSentence, fillCalendars, go, h, hashFor,
  hasWord, legend, monthTable, monthsBetween, noticeNames, parts, provisionalBox, provisionalWhy, put, renderToken,
  request, setValue,
  resultHeading, ruleSets, shiftDay, showAt, showDate, showDay, showError, span, specialDays, t, thisYear, today,
  zoneName, lang,
};

wire();
render();
