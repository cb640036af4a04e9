// The page for people: four views (期限计算, 工作日计算, 日历, 规则) over the public API, each
// view's state in the URL's fragment (`#deadline?rule=…&event=…`), so that a link shows what
// its sender saw. Every date shown comes from an API answer; this file only lays them out.

// The API says its own words (reasons, problem details, rule titles) in the language `lang=`
// asks for; the page asks in its own. One switch, so that the page can talk to an API that
// does not take it (there, an unknown parameter is a 400).
const API_TAKES_LANG = true;

const VIEWS = ["deadline", "workdays", "calendar", "rules"];
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

const $ = (id) => document.getElementById(id);
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

/** An answer that is not a success: its problem document's `detail`, as the API wrote it. */
class Problem extends Error {}

async function api(path, params) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" } });
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
    throw new Problem(detail);
  }
  return response.json();
}

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

function provisionalWhy(list, calendarId, from, to) {
  const calendar = list.find((c) => c.id === calendarId);
  const why = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    const entry = calendar?.years.find((y) => y.year === year);
    if (entry?.status === "provisional") why.push(t("provisionalYear", year, noticeNames(entry.awaiting || [])));
  }
  return why.length ? why : [t("provisionalSome")];
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
    h("p", { class: "form-note" }, [t(`cutoff_${rule.cutoff}`), h("span", { lang: "zh-CN" }, `（${rule.cutoff_basis}）`)]),
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
  let answer, special;
  try {
    answer = await api("v1/deadlines", { ...query, explain: "true", as_of: "today" });
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
    ? [...provisionalWhy(calendarList, answer.calendar, first, last), answer.certainty_note].filter(Boolean) : [];
  put(out, deadlineResult(answer, rule, calendar, special.days, why, query, calendarList));
  announce(`${dueLabel(answer)}：${showDay(answer.due_date)}${answer.provisional ? `（${t("provisional")}）` : ""}`);
  done(out);
}

/** The event's moment on the counting clock and, when it was typed on another clock, as typed:
 * `北京时间2026年10月9日01:30（即新疆时间2026年10月8日23:30）`. */
function eventAtText(answer, typed) {
  const on = showAt(answer.timezone, answer.event_at);
  const zone = answer.event_read_as;
  if (zone === answer.timezone || !zone.includes("/") || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(typed)) return on;
  return `${on}${t("readAs", zoneName(zone), t("formatMoment", showDate(typed), typed.slice(11, 16)))}`;
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

/** The status as the API words it, in the page's language (one wording everywhere). */
function statusText(status) {
  return status ? status.text : null;
}

const showRange = (p) => p.from === p.to ? showDate(p.from) : t("formatRange", parts(p.from), parts(p.to));

/** The period as the answer ran it: its length, its direction and bound, in words. */
function periodText(answer) {
  const length = t("periodValue", answer.amount, answer.unit);
  return answer.direction === "backward" ? t("periodBackward", length)
    : answer.bound === "at_least" ? t("periodAtLeast", length) : length;
}

/** An article with the instrument's name: `《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条`. */
const cite = (citation) => t("cite", citation.statute, citation.article);

/** The holiday notices a count relied on, layer by layer for each year it touches: a notice
 * held, one not yet held (the days estimated), or a layer's own note where it issues none. */
function noticesRelied(list, calendar, first, last) {
  const chain = [];
  for (let c = calendar; c; c = list.find((p) => p.id === c.parent)) chain.unshift(c);
  const lines = [];
  for (let year = Number(first.slice(0, 4)); year <= Number(last.slice(0, 4)); year++) {
    const entry = calendar?.years.find((y) => y.year === year);
    for (const layer of chain) {
      if (layer.notice?.kind !== "yearly") {
        if (year === Number(first.slice(0, 4))) lines.push(`${t(`layer_${layer.id}`)}${t("colon")}${layer.note ?? ""}`);
      } else if (entry?.status === "provisional" && (entry.awaiting ?? []).includes(layer.id)) {
        lines.push(t("noticeEstimated", year, t(`layer_${layer.id}`)));
      } else {
        lines.push(TEXT[lang]?.[`noticeTitle_${layer.id}`] ? t(`noticeTitle_${layer.id}`, year) : t("noticeOther", layer.id));
      }
    }
  }
  return lines;
}

/** What only paper shows: the sheet's title above, and below it the notices relied on, the
 * day it was printed and an empty line for the clerk who handled it. */
function sheetHead() {
  return h("p", { class: "print-only sheet-title" }, t("printTitle"));
}
function sheetFoot(list, calendar, answer) {
  return h("div", { class: "print-only sheet-foot" },
    h("p", {}, `${t("noticesLabel")}${t("colon")}`, noticesRelied(list, calendar, ...span(answer)).join(t("sentenceEnd"))),
    h("p", {}, `${t("printedOn")}${t("colon")}${showDate(today())}`),
    h("p", { class: "sign" }, `${t("handler")}${t("colon")}`, h("span", { class: "blank-line" })));
}

function deadlineResult(answer, rule, calendar, special, why, query, list) {
  const zones = Object.entries(answer.due_at_by_zone);
  const original = answer.original_due_date;
  const status = answer.status;
  const backward = answer.direction === "backward";
  const rows = [
    ["due_date", dueLabel(answer), [h("strong", { class: "due-date", "data-value": answer.due_date }, showDay(answer.due_date)),
      backward ? h("span", { class: "note" }, t("latestDayNote")) : null]],
    original ? ["original_due_date", t("originalDue"), [h("span", { "data-value": original }, showDay(original)),
      h("span", { class: "note" }, t("originalDueNote"))]] : null,
    answer.agreed ? ["agreed", t("agreedResult"), [showDay(answer.agreed.due_date),
      answer.agreed.by ? h("span", { class: "note" }, t("agreedWith", answer.agreed.by)) : null]] : null,
    answer.agreed ? ["period_due_date", t("periodDue"),
      h("span", { "data-value": answer.agreed.period_due_date }, showDay(answer.agreed.period_due_date))] : null,
    answer.next_step ? ["next_step", t("nextStep"), [h("span", { "data-value": answer.next_step }, showDay(answer.next_step)),
      h("span", { class: "note" }, t("nextStepNote"))]] : null,
    ["due_at", t("lastMoment"), zones.map(([zone, at]) =>
      h("span", { class: "moment", "data-zone": zone, "data-value": at }, showAt(zone, at)))],
    answer.legal_end_at ? ["legal_end_at", t("legalEnd"), [h("span", { "data-value": answer.legal_end_at },
      showAt(answer.timezone, answer.legal_end_at)), h("span", { class: "note" }, t("legalEndNote"))]] : null,
    answer.extension_readings ? ["extension_readings", t("readingsLabel"),
      h("span", { class: "note" }, answer.extension_readings.note)] : null,
    ["event_date", backward ? t("eventOf") : t("eventDay"), t("eventDayValue", showDate(answer.event_date))],
    answer.event_at ? ["event_at", t("eventAt"), eventAtText(answer, query.event)] : null,
    // 23:30 新疆时间 is the next day in Beijing: which date was counted, and the other's due date.
    answer.other_reading ? ["other_reading", t("otherReading"), h("strong", { class: "note-strong",
      "data-value": answer.other_reading.due_date }, answer.other_reading.note)] : null,
    ["period", t("period"), periodText(answer)],
    answer.extension ? ["extension", t("extensionLabel"), [t("extensionValue", t("periodValue", answer.extension.amount,
      answer.extension.unit)), h("span", { lang: "zh-CN" }, answer.extension.basis)]] : null,
    answer.paused?.length ? ["paused", t("pausedLabel"), answer.paused.map((p) =>
      h("span", { class: "range", "data-from": p.from, "data-to": p.to }, showRange(p)))] : null,
    answer.counting === "tax" ? ["counting", t("countingLabel"), t("counting_tax")] : null,
    ["calendar", t("calendarLabel"), calendar?.name ?? answer.calendar],
    answer.id ? ["id", t("docIdLabel"), answer.id] : null,
    status ? ["status", t("status", showDate(status.as_of_date)),
      h("span", { class: `state ${status.state}` }, statusText(status))] : null,
    ["basis", t("basis"), h("span", { lang: "zh-CN" }, `${cite(answer.citation)}：${answer.citation.text}`)],
  ].filter(Boolean);
  const summary = h("dl", { class: "summary" }, rows.map(([field, term, value]) =>
    h("div", { "data-field": field }, h("dt", {}, term), h("dd", {}, value))));

  const explained = new Map(answer.explanation.map((d) => [d.date, d]));
  const specials = new Map(special.map((d) => [d.date, d]));
  const paused = (iso) => (answer.paused || []).some((p) => p.from <= iso && iso <= p.to);
  const cell = (iso) => {
    const { classes, contents } = dayMarks(specials.get(iso));
    const step = explained.get(iso);
    if (!step) classes.push("outside");
    else if (iso === answer.event_date) { classes.push("event"); contents.push(h("span", { class: "tag" }, t("eventTag"))); }
    if (step && paused(iso)) { classes.push("paused"); contents.push(h("span", { class: "tag" }, t("pausedTag"))); }
    if (step?.counted) {
      classes.push("counted");
      // The extension's days go on from the period's own (第21日 after 第20日), not from 第1日
      // again; in another unit than the period's they are the extension's own (延长第1日).
      const extension = original && iso > original;
      const ordinal = backward ? t("ordinalBack", step.ordinal)
        : !extension ? t("ordinal", step.ordinal)
          : answer.extension?.unit === answer.unit ? t("ordinal", answer.amount + step.ordinal)
            : t("extensionOrdinal", step.ordinal);
      contents.push(h("span", { class: "ord" }, ordinal));
    }
    if (iso === original && iso !== answer.due_date) {
      classes.push("original-due"); contents.push(h("span", { class: "tag" }, t("originalDueTag")));
    }
    if (iso === answer.agreed?.period_due_date && iso !== answer.due_date) {
      classes.push("period-due"); contents.push(h("span", { class: "tag" }, t("periodDueTag")));
    }
    if (iso === answer.due_date) { classes.push("due"); contents.push(h("span", { class: "tag" }, backward ? t("latestTag") : t("due"))); }
    if (iso === answer.next_step) { classes.push("next"); contents.push(h("span", { class: "tag" }, t("nextTag"))); }
    return { classes, contents };
  };
  const months = monthsBetween(...span(answer)).map(([y, m]) => monthTable(y, m, cell));

  const copyStatus = h("p", { class: "copy-status", role: "status" });
  const copyButton = h("button", { type: "button" }, t("copy"));
  copyButton.addEventListener("click", async () => {
    copyStatus.textContent = (await copyText(deadlineText(answer, rule, calendar, why))) ? t("copied") : t("copyFailed");
  });
  const linkButton = h("button", { type: "button" }, t("copyLink"));
  linkButton.addEventListener("click", async () => {
    copyStatus.textContent = (await copyText(location.href)) ? t("copied") : t("copyFailed");
  });
  const ics = h("a", { class: "button", id: "ics", download: t("icsName", answer.due_date),
    href: apiUrl("v1/deadlines", { ...query, format: "ics" }) }, t("ics"));

  return [
    sheetHead(),
    resultHeading(t("result")),
    summary,
    why.length ? provisionalBox(why) : null,
    h("div", { class: "actions" }, copyButton, linkButton, ics, copyStatus),
    h("h2", {}, t("monthView")),
    legend([["rest", t("rest"), t("legendRest")], ["work", t("work"), t("legendWork")],
      ["counted", backward ? t("ordinalBack", "N") : t("ordinal", "N"), t("legendOrdinal")],
      ["event", t("eventTag"), backward ? t("legendEventBack") : t("legendEvent")],
      answer.paused?.length ? ["paused", t("pausedTag"), t("legendPaused")] : null,
      answer.agreed ? ["period-due", t("periodDueTag"), t("legendPeriodDue")] : null,
      original ? ["original-due", t("originalDueTag"), t("legendOriginalDue")] : null,
      ["due", backward ? t("latestTag") : t("due"), backward ? t("legendLatest") : t("legendDue")],
      answer.next_step ? ["next", t("nextTag"), t("legendNext")] : null,
      special.some((d) => d.estimated) ? ["estimated", t("estimatedShort"), t("legendEstimated")] : null]),
    h("div", { class: "months" }, months),
    sheetFoot(list, calendar, answer),
    h("details", { class: "steps" }, h("summary", {}, t("explanation")),
      h("ol", {}, answer.explanation.map((d) =>
        h("li", {}, `${showDay(d.date)}${t("colon")}${d.reason}`)))),
  ];
}

function deadlineText(answer, rule, calendar, why) {
  const lines = [
    t("copyTitle"),
    `${t("rule")}：${cite(answer.citation)} ${rule?.title ?? answer.rule}`,
    answer.id ? `${t("docIdLabel")}：${answer.id}` : null,
    `${answer.direction === "backward" ? t("eventOf") : t("eventDay")}：${t("eventDayValue", showDate(answer.event_date))}`,
    answer.other_reading ? `${t("otherReading")}：${answer.other_reading.note}` : null,
    `${t("period")}：${periodText(answer)}`,
    answer.extension ? `${t("extensionLabel")}：${t("extensionValue", t("periodValue", answer.extension.amount,
      answer.extension.unit))}${answer.extension.basis}` : null,
    answer.paused?.length ? `${t("pausedLabel")}：${answer.paused.map(showRange).join("；")}` : null,
    `${t("calendarLabel")}：${calendar?.name ?? answer.calendar}`,
    `${dueLabel(answer)}：${showDay(answer.due_date)}${answer.direction === "backward" ? t("latestDayNote") : ""}`,
    answer.original_due_date ? `${t("originalDue")}：${showDay(answer.original_due_date)}${t("originalDueNote")}` : null,
    answer.agreed ? `${t("agreedResult")}：${showDay(answer.agreed.due_date)}${
      answer.agreed.by ? t("agreedWith", answer.agreed.by) : ""}` : null,
    answer.agreed ? `${t("periodDue")}：${showDay(answer.agreed.period_due_date)}` : null,
    answer.next_step ? `${t("nextStep")}：${showDay(answer.next_step)}` : null,
    `${t("lastMoment")}：${Object.entries(answer.due_at_by_zone).map(([zone, at]) => showAt(zone, at)).join("；")}`,
    answer.status ? `${t("status", showDate(answer.status.as_of_date))}：${statusText(answer.status)}` : null,
    why.length ? `${t("provisional")}：${why.join(" ")}` : null,
    `${t("basis")}：${cite(answer.citation)}`,
    `${t("link")}：${location.href}`,
  ];
  return lines.filter(Boolean).join("\n");
}

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission): the old way below may still work.
  }
  // Intranet pages over plain HTTP have no clipboard API.
  const active = document.activeElement;
  const area = h("textarea", { class: "offscreen", readonly: true, "aria-hidden": "true" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch { ok = false; }
  area.remove();
  active?.focus();
  return ok;
}

// ---- 工作日计算

async function renderWorkdays(params, token) {
  const list = await calendars();
  if (token !== renderToken) return;
  fillCalendars($("w-calendar"), list, params.get("calendar"));
  for (const [id, name] of [["k-day", "day"], ["a-start", "start"], ["a-days", "days"], ["c-from", "from"],
    ["c-to", "to"]]) {
    setValue($(id), params.get(name));
  }
  const calendar = $("w-calendar").value;
  const jobs = [];
  const day = $("r-day");
  if (params.get("day")) {
    jobs.push(workdaysJob(day, token, list, `v1/days/${encodeURIComponent(params.get("day"))}`, { calendar },
      (a) => [a.date, a.date, dayText(a)]));
  } else day.replaceChildren();
  const add = $("r-add");
  const count = $("r-count");
  if (params.get("start") && params.get("days")) {
    jobs.push(workdaysJob(add, token, list, "v1/workdays/add",
      { start: params.get("start"), days: params.get("days"), calendar },
      (a) => [a.start, a.date, Number(a.days) === 0
        ? t("addResultZero", showDate(a.start), showDay(a.date))
        : t("addResult", showDate(a.start), a.days, showDay(a.date))]));
  } else add.replaceChildren();
  const [from, to] = [params.get("from"), params.get("to")];
  if (from && to && /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from > to) {
    // NETWORKDAYS would count backwards (a negative number); a clerk has swapped the dates.
    showError(count, t("reversedDates"), $("c-to"));
  } else if (from && to) {
    jobs.push(workdaysJob(count, token, list, "v1/workdays/count",
      { from: params.get("from"), to: params.get("to"), calendar },
      (a) => [a.from, a.to, t("countResult", showDate(a.from), showDate(a.to), a.working_days)]));
  } else count.replaceChildren();
  await Promise.all(jobs);
}

/** Whether a day is worked, and why: `2026年10月10日（星期六）上班：调休上班日（国庆节），依全国的放假安排。` */
function dayText(day) {
  const why = t(`why_${day.kind}`, day.name);
  return t("dayResult", showDay(day.date), day.working, `${why}${day.estimated ? t("estimatedTag") : ""}`,
    day.layer && day.kind !== "workday" && day.kind !== "weekend" ? t(`layer_${day.layer}`) : null);
}

async function workdaysJob(out, token, list, path, query, describe) {
  put(out, h("p", { class: "loading" }, t("loading")));
  let answer;
  try {
    answer = await api(path, query);
  } catch (e) {
    if (token === renderToken) showError(out, e.message);
    return;
  }
  if (token !== renderToken) return;
  const [from, to, sentence] = describe(answer);
  const why = answer.provisional ? provisionalWhy(list, answer.calendar, from < to ? from : to, from < to ? to : from) : [];
  put(out, resultHeading(t("result")), h("p", { class: "answer" }, sentence),
    why.length ? provisionalBox(why) : null);
  announce(sentence);
  done(out);
}

// ---- 日历

async function renderCalendar(params, token) {
  const list = await calendars();
  if (token !== renderToken) return;
  fillCalendars($("y-calendar"), list, params.get("calendar"));
  const year = Number(params.get("year")) || thisYear();
  $("y-year").value = year;
  const id = params.get("calendar") || $("y-calendar").value;
  for (const [link, y] of [["y-prev", year - 1], ["y-next", year + 1]]) {
    $(link).href = hashFor("calendar", { calendar: id, year: y });
  }
  const out = $("r-calendar");
  put(out, h("p", { class: "loading" }, t("loading")));
  let answer;
  try {
    answer = await specialDays(id, year, year);
  } catch (e) {
    if (token === renderToken) showError(out, e.message);
    return;
  }
  if (token !== renderToken) return;
  const calendar = list.find((c) => c.id === answer.calendar);
  const byDate = new Map(answer.days.map((d) => [d.date, d]));
  const months = [];
  for (let m = 1; m <= 12; m++) months.push(monthTable(year, m, (iso) => dayMarks(byDate.get(iso))));
  put(out,
    resultHeading(`${calendar?.name ?? id} ${t("yearStatus", year)}`),
    yearStatus(calendar, year, list),
    workbookLink(id, year),
    legend([["rest", t("rest"), t("legendRest")], ["work", t("work"), t("legendWork")],
      ["estimated", t("estimatedShort"), t("legendEstimated")]]),
    h("div", { class: "months year" }, months),
    h("h2", {}, t("dayList")),
    dayList(answer.days));
  announce(`${calendar?.name ?? id} ${t("yearStatus", year)}`);
  done(out);
}

/** The offline workbook (休息日名单与期限登记表) of this year and the next, for Excel and WPS. */
function workbookLink(id, year) {
  return h("p", { class: "workbook" },
    h("a", { href: apiUrl(`v1/calendars/${encodeURIComponent(id)}/workbook.xlsx`, { from_year: year, to_year: year + 1 }),
      download: "" }, t("workbookLink", year, year + 1)),
    " ", h("span", { class: "hint" }, t("workbookHint")));
}

function yearStatus(calendar, year, list) {
  const entry = calendar?.years.find((y) => y.year === year);
  if (!entry) return null;
  const sources = (entry.sources || []).map((s) => h("li", {},
    `${t(`layer_${s.layer}`)}${t("colon")}`, s.papers.map((paper, i) => [i ? t("sentenceEnd") : "",
      /^https?:\/\//.test(paper) ? h("a", { href: paper, rel: "noreferrer" }, paper) : paper])));
  // A layer that issues no yearly notice (克州) says what it has, as the API does.
  for (let c = calendar; c; c = list.find((p) => p.id === c.parent)) {
    if (c.notice?.kind !== "yearly" && c.note) sources.push(h("li", {}, `${t(`layer_${c.id}`)}${t("colon")}${c.note}`));
  }
  return h("div", { class: entry.status === "published" ? "year-status" : "year-status provisional" },
    h("p", {}, entry.status === "published" ? t("published")
      : [h("strong", { class: "tag" }, t("provisional")), " ", t("yearProvisional", noticeNames(entry.awaiting || []))]),
    sources.length ? h("ul", { class: "sources", "aria-label": t("sources") }, sources) : null);
}

/** The year's days off and makeup days, a run of days of one name and kind in one row. */
function dayList(days) {
  if (!days.length) return h("p", {}, t("noDays"));
  const runs = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    const same = last && last.kind === day.kind && last.name === day.name && last.layer === day.layer
      && last.estimated === day.estimated && last.confidence === day.confidence && shiftDay(last.to, 1) === day.date;
    if (same) last.to = day.date;
    else runs.push({ ...day, from: day.date, to: day.date });
  }
  const head = ["colDate", "colKind", "colName", "colLayer", "colConfidence", "colSource"];
  return h("table", { class: "days" },
    h("thead", {}, h("tr", {}, head.map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, runs.map((r) => h("tr", { class: r.estimated ? "estimated" : null },
      h("th", { scope: "row" }, r.from === r.to ? showDate(r.from) : t("formatRange", parts(r.from), parts(r.to))),
      h("td", {}, t(`kind_${r.kind}`), r.estimated ? t("estimatedTag") : ""),
      h("td", { lang: "zh-CN" }, r.name ?? ""),
      h("td", {}, r.layer ? t(`layer_${r.layer}`) : ""),
      h("td", {}, r.confidence ? t(`confidence_${r.confidence}`) : ""),
      h("td", { class: "source" }, r.source ?? "")))));
}

// ---- 规则

/** A rule's facts, as rows of the summary list: each only when the rule has it. */
function ruleFacts(rule) {
  return [
    [t("ruleLength"), rule.period],
    // One row says how the period is counted: its unit, then its direction and bound.
    [t("ruleUnit"), [t(`unit_${rule.unit}`), t(`direction_${rule.direction}`), t(`bound_${rule.bound}`)].join("")],
    rule.working_days_basis ? [t("ruleWorkingDays"), h("span", { lang: "zh-CN" }, rule.working_days_basis)] : null,
    rule.counting === "tax" ? [t("countingLabel"), t("counting_tax")] : null,
    [t("ruleEvent"), rule.event],
    rule.extension ? [t("ruleExtension"), [t("extensionMay", t("periodValue", rule.extension.amount,
      rule.extension.unit)), h("span", { lang: "zh-CN" }, rule.extension.basis)]] : null,
    rule.excluded_time ? [t("ruleExcluded"), [h("span", { lang: "zh-CN" }, excludedSentence(rule.excluded_time)),
      rule.excluded_time_basis ? h("span", { lang: "zh-CN" }, `（${rule.excluded_time_basis}）`) : null]] : null,
    [t("ruleAdjustable"), rule.adjustable ? t("adjustableYes") : t("adjustableNo")],
    rule.on_lapse ? [t("ruleLapse"), [t(rule.on_lapse), rule.on_lapse_words
      ? h("span", { lang: "zh-CN" }, `「${rule.on_lapse_words}」（${rule.on_lapse_basis}）`) : null]] : null,
    [t("ruleCutoff"), [t(`cutoff_${rule.cutoff}`), h("span", { lang: "zh-CN" }, `（${rule.cutoff_basis}）`)]],
    [t("ruleInForce"), [showDate(rule.in_force), ...(rule.earlier ?? []).map((e) =>
      h("span", { class: "note", lang: "zh-CN" }, t("earlierText", showDate(e.in_force), e.statute, e.article)))]],
    [t("ruleForms"), rule.forms_allowed.length ? rule.forms_allowed.map((f) => t(`form_${f}`)).join(t("listJoin"))
      : t("formsNone")],
    rule.keywords?.length ? [t("ruleKeywords"), h("span", { lang: "zh-CN" }, rule.keywords.join("、"))] : null,
  ].filter(Boolean);
}

async function renderRules(params, token) {
  const sets = await ruleSets();
  if (token !== renderToken) return;
  put($("r-rules"), sets.map((set) => h("section", { class: "rule-set", "aria-labelledby": `set-${set.id}` },
    h("h2", { id: `set-${set.id}` }, set.title),
    set.source && set.source !== set.title ? h("p", { class: "hint", lang: "zh-CN" }, set.source) : null,
    set.rules.map((rule) => h("article", { class: "rule", id: `rule-${rule.id.replace("/", "-")}` },
      h("h3", { id: `title-${rule.id.replace("/", "-")}` }, `${rule.article} ${rule.title}`),
      // The set's own instrument is named once, under the set's title; a rule of another
      // instrument names its own.
      rule.statute === set.source ? null : h("p", { class: "statute", lang: "zh-CN" }, `${rule.statute} ${rule.article}`),
      h("blockquote", { class: "article" }, h("p", { class: "text", lang: "zh-CN" }, rule.text)),
      h("dl", { class: "summary" }, ruleFacts(rule).map(([term, value]) =>
        h("div", {}, h("dt", {}, term), h("dd", {}, value)))),
      h("p", {}, h("a", { href: hashFor("deadline", { rule: rule.id }),
        "aria-describedby": `title-${rule.id.replace("/", "-")}` }, t("useRule"))))))));
}

// ---- the views

const RENDER = { deadline: renderDeadline, workdays: renderWorkdays, calendar: renderCalendar, rules: renderRules };
const TITLES = { deadline: "navDeadline", workdays: "navWorkdays", calendar: "navCalendar", rules: "navRules" };

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

wire();
render();
