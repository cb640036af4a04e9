// The 工作日计算 view: whether a day is worked, N working days after a date, the working days
// between two dates. Loaded when the view is first shown, so that the others do not load it
// (each view's budget is 150 KB); its forms are wired in app.js.

import {
  $, announce, api, calendars, done, fillCalendars, h, provisionalBox, provisionalWhy, put, renderToken,
  resultHeading, setValue, showDate, showDay, showError, t,
} from "./app.js";

export async function renderWorkdays(params, token) {
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
