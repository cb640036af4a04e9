/*
 * qixian's custom functions for Excel (Office.js): QIXIAN.DEADLINE, QIXIAN.WORKDAY,
 * QIXIAN.NETWORKDAYS, QIXIAN.ISWORKDAY and QIXIAN.PROVISIONAL.
 *
 * Plain JavaScript with no build step. functions.json is this file's metadata, written by
 * hand to match the JSDoc below (scripts/e2e/office_addin_check.py holds them to each other).
 * The service serves these files under /addin/ and answers the API on the same origin, so the
 * API's address is the origin the add-in was loaded from; a page may set
 * globalThis.QIXIAN_API_BASE first to name another (the test harness does).
 *
 * Dates go to the API as YYYY-MM-DD and come back as Excel serial numbers (days since
 * 1899-12-30, the 1900 date system of Excel on Windows and of WPS), so a cell formatted as a
 * date shows them as dates. A workbook in the 1904 date system would read them 1,462 days late.
 * A question the service cannot answer throws CustomFunctions.Error with the problem
 * document's `detail`, shown by Excel when the #VALUE! cell is selected.
 */
/* global CustomFunctions */
(function () {
  "use strict";

  const DAY_MS = 86400000;
  // Excel's day 0. (Excel's serials below 61 count a 29 February 1900 that never was; the
  // service answers only for 2000-2100, where the two agree.)
  const EPOCH_MS = Date.UTC(1899, 11, 30);
  const TIMEOUT_MS = 10000;

  // The script's own address, read while it runs (a page's document knows it, a worker does not).
  const scriptUrl =
    typeof document !== "undefined" && document.currentScript ? document.currentScript.src : null;

  function apiBase() {
    if (typeof globalThis.QIXIAN_API_BASE === "string" && globalThis.QIXIAN_API_BASE) {
      return globalThis.QIXIAN_API_BASE.replace(/\/+$/, "");
    }
    if (scriptUrl) {
      return new URL(scriptUrl).origin;
    }
    return globalThis.location ? globalThis.location.origin : "";
  }

  function fail(message, code) {
    throw new CustomFunctions.Error(code || CustomFunctions.ErrorCode.invalidValue, message);
  }

  // A one-cell range arrives as [[value]] when a parameter is declared as a matrix; scalars as is.
  function single(value, name) {
    if (Array.isArray(value)) {
      if (value.length === 1 && Array.isArray(value[0]) && value[0].length === 1) {
        return value[0][0];
      }
      fail(`参数 ${name} 须是一个单元格或一个值 (argument ${name} must be one cell, not a range)`);
    }
    return value;
  }

  function missing(value) {
    return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
  }

  function pad(n, width) {
    return String(n).padStart(width || 2, "0");
  }

  function isoDate(ms) {
    const d = new Date(ms);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  }

  /**
   * A cell value as a date the API reads: a serial number (a date cell; with `withTime` its
   * fraction of a day is the time, sent as a local date-time the service reads on Beijing
   * time), or a text passed on as typed (2026-09-30, 2026/9/30, today; the service names
   * what it cannot read). An empty cell arrives as 0 or "" and is refused by name.
   */
  function dateParam(value, name, withTime) {
    value = single(value, name);
    if (missing(value) || value === 0) {
      fail(`缺少参数 ${name}，或单元格是空的 (argument ${name} is missing or empty)`);
    }
    if (typeof value === "boolean") {
      fail(`参数 ${name} 须是日期，不是 TRUE/FALSE (argument ${name} must be a date)`);
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) {
        fail(`参数 ${name} 不是日期 (argument ${name} is not a date)`);
      }
      const days = Math.floor(value);
      const seconds = Math.round((value - days) * 86400);
      const dayMs = EPOCH_MS + days * DAY_MS;
      if (!withTime || seconds === 0 || seconds === 86400) {
        return isoDate(dayMs + (seconds === 86400 ? DAY_MS : 0));
      }
      const t = new Date(dayMs + seconds * 1000);
      return `${isoDate(dayMs)}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
    }
    return String(value).trim();
  }

  function textParam(value, name, optional) {
    value = single(value, name);
    if (missing(value)) {
      if (optional) {
        return null;
      }
      fail(`缺少参数 ${name} (argument ${name} is missing)`);
    }
    return String(value).trim();
  }

  // A fraction goes to the service as it is, to be refused by name: a deadline register
  // should not count 7.5 days as 7 without saying so.
  function daysParam(value, name) {
    value = single(value, name);
    if (missing(value)) {
      fail(`缺少参数 ${name} (argument ${name} is missing)`);
    }
    return String(value).trim();
  }

  function serial(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) {
      fail(`服务的回答不是日期 (the service did not answer a date): ${text}`);
    }
    return (Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - EPOCH_MS) / DAY_MS;
  }

  function flag(text) {
    if (text === "1" || text === "0") {
      return Number(text);
    }
    fail(`服务的回答不是 1 或 0 (the service did not answer 1 or 0): ${text}`);
  }

  /** The bare value of a `format=text` answer, or CustomFunctions.Error with the problem's detail. */
  async function askText(path, params) {
    const query = new URLSearchParams();
    for (const [key, value] of params) {
      if (value !== null && value !== undefined) {
        query.append(key, value);
      }
    }
    query.append("format", "text");
    const base = apiBase();
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), TIMEOUT_MS) : null;
    let response;
    try {
      response = await fetch(`${base}${path}?${query}`, {
        headers: { Accept: "text/plain" },
        signal: controller ? controller.signal : undefined,
      });
    } catch (error) {
      fail(
        `无法连接 qixian 服务 ${base} (cannot reach the service): ${error && error.message ? error.message : error}`,
        CustomFunctions.ErrorCode.notAvailable
      );
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
    }
    const body = await response.text();
    if (response.ok) {
      return body.trim();
    }
    let detail = null;
    try {
      detail = JSON.parse(body).detail;
    } catch (ignored) {
      // not a problem document: the status says what happened
    }
    fail(detail || `HTTP ${response.status} ${response.statusText}`);
  }

  function deadlineParams(rule, event, calendar, field) {
    return [
      ["rule", textParam(rule, "rule")],
      ["event", dateParam(event, "event", true)],
      ["calendar", textParam(calendar, "calendar", true)],
      ["field", field],
    ];
  }

  /**
   * 按工作规则计算办理期限的截止日期（日期序列号，单元格设为日期格式即显示日期）。The due date of a deadline of the working rules, as a date serial.
   * @customfunction DEADLINE
   * @param {string} rule 规则：meeting-issuance、approved-filing 或 countersign-reply。The rule's id.
   * @param {any} event 起算日（日期或文字，可带时间；当日不计入）。When the period starts; its day is not counted.
   * @param {string} [calendar] 日历：cn、cn-xj 或 cn-xj-kizilsu（默认）。The calendar; default cn-xj-kizilsu.
   * @returns {number} 截止日期。The due date.
   */
  async function deadline(rule, event, calendar) {
    return serial(await askText("/v1/deadlines", deadlineParams(rule, event, calendar, "due_date")));
  }

  /**
   * 从开始日期起第若干个工作日的日期（负数向前；调休上班日计入）。The date a number of working days after the start (WORKDAY).
   * @customfunction WORKDAY
   * @param {any} start 开始日期（当日不计入）。The day counting starts from; not counted itself.
   * @param {number} days 工作日数，整数。How many working days; negative moves back.
   * @param {string} [calendar] 日历：cn、cn-xj 或 cn-xj-kizilsu（默认）。The calendar; default cn-xj-kizilsu.
   * @returns {number} 日期。The date.
   */
  async function workday(start, days, calendar) {
    const params = [
      ["start", dateParam(start, "start")],
      ["days", daysParam(days, "days")],
      ["calendar", textParam(calendar, "calendar", true)],
    ];
    return serial(await askText("/v1/workdays/add", params));
  }

  /**
   * 两个日期之间（含首尾）的工作日数。The working days from one date to another, both counted (NETWORKDAYS).
   * @customfunction NETWORKDAYS
   * @param {any} from 开始日期。The first day.
   * @param {any} to 结束日期。The last day.
   * @param {string} [calendar] 日历：cn、cn-xj 或 cn-xj-kizilsu（默认）。The calendar; default cn-xj-kizilsu.
   * @returns {number} 工作日数。The number of working days.
   */
  async function networkdays(from, to, calendar) {
    const params = [
      ["from", dateParam(from, "from")],
      ["to", dateParam(to, "to")],
      ["calendar", textParam(calendar, "calendar", true)],
    ];
    const text = await askText("/v1/workdays/count", params);
    if (!/^-?\d+$/.test(text)) {
      fail(`服务的回答不是整数 (the service did not answer a number): ${text}`);
    }
    return Number(text);
  }

  /**
   * 是工作日（含调休上班日）得 1，周末或节假日得 0。1 for a working day (makeup days included), 0 for a rest day.
   * @customfunction ISWORKDAY
   * @param {any} date 日期。The day.
   * @param {string} [calendar] 日历：cn、cn-xj 或 cn-xj-kizilsu（默认）。The calendar; default cn-xj-kizilsu.
   * @returns {number} 1 或 0。1 or 0.
   */
  async function isworkday(date, calendar) {
    const day = encodeURIComponent(dateParam(date, "date"));
    return flag(await askText(`/v1/days/${day}`, [["calendar", textParam(calendar, "calendar", true)]]));
  }

  /**
   * 同样参数的 QIXIAN.DEADLINE 结果是暂定的（取决于本系统尚未收录放假安排通知的年份）得 1，否则得 0。1 if that deadline is provisional, else 0.
   * @customfunction PROVISIONAL
   * @param {string} rule 规则，同 QIXIAN.DEADLINE。The rule, as for DEADLINE.
   * @param {any} event 起算日，同 QIXIAN.DEADLINE。When the period starts, as for DEADLINE.
   * @param {string} [calendar] 日历：cn、cn-xj 或 cn-xj-kizilsu（默认）。The calendar; default cn-xj-kizilsu.
   * @returns {number} 1 或 0。1 or 0.
   */
  async function provisional(rule, event, calendar) {
    return flag(await askText("/v1/deadlines", deadlineParams(rule, event, calendar, "provisional")));
  }

  CustomFunctions.associate("DEADLINE", deadline);
  CustomFunctions.associate("WORKDAY", workday);
  CustomFunctions.associate("NETWORKDAYS", networkdays);
  CustomFunctions.associate("ISWORKDAY", isworkday);
  CustomFunctions.associate("PROVISIONAL", provisional);
})();
