// The deadline view's result: the summary, the month grid, the copy and calendar buttons, and
// what only paper shows (the 办文期限计算单's title, notices, date and 经办人 line). Loaded with
// the first result, so that the other views do not load it (the page's budget is 150 KB).

import {
  apiUrl, dayMarks, dueLabel, h, hashFor, hasWord, legend, monthTable, monthsBetween, parts,
  provisionalBox, resultHeading, showAt, showDate, showDay, span, t, today, zoneName,
} from "./app.js";

/** The event's moment on the counting clock and, when it was typed on another clock, as typed:
 * `北京时间2026年10月9日01:30（即新疆时间2026年10月8日23:30）`. */
function eventAtText(answer, typed) {
  const on = showAt(answer.timezone, answer.event_at);
  const zone = answer.event_read_as;
  if (zone === answer.timezone || !zone.includes("/") || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(typed)) return on;
  return `${on}${t("readAs", zoneName(zone), t("formatMoment", showDate(typed), typed.slice(11, 16)))}`;
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
        lines.push(hasWord(`noticeTitle_${layer.id}`) ? t(`noticeTitle_${layer.id}`, year) : t("noticeOther", layer.id));
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

export function deadlineResult(answer, rule, calendar, special, why, query, list) {
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
  // 加入台账: the register's form, this request its period (its status is the register's).
  const register = h("a", { class: "button", id: "add-register", href: hashFor("register",
    { ...query, add: 1, rule: answer.rule, calendar: answer.calendar, completed_at: null }) }, t("addToRegister"));

  return [
    sheetHead(),
    resultHeading(t("result")),
    summary,
    why.length ? provisionalBox(why) : null,
    h("div", { class: "actions" }, copyButton, linkButton, ics, register, copyStatus),
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

/** `text` on the clipboard; whether it is. */
export async function copyText(text) {
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
