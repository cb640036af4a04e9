// The reference views: 日历 (a year's days off and makeup days, with the offline workbook) and
// 规则 (every rule of every set). Loaded when one of them is first shown, so that the deadline
// view does not load them (the page's budget is 150 KB).

import {
  $, announce, apiUrl, calendars, dayMarks, done, excludedSentence, fillCalendars, h, hashFor, legend,
  monthTable, noticeNames, parts, put, renderToken, resultHeading, ruleSets, shiftDay, showDate,
  showError, specialDays, t, thisYear,
} from "./app.js";

// ---- 日历

export async function renderCalendar(params, token) {
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

export async function renderRules(params, token) {
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
