//! A register's matters as the workbook's 台账 and back: `GET …/matters?format=csv|xlsx` writes
//! them under the workbook's register columns, with the same names (文号, 事由, 来文单位,
//! 承办人, 规则, 起算日, 延长/商定, 截止日, 办结日期, 状态), then the register's own (备注,
//! 日历, the period's other fields, 办结时间, 已确认截止日) and what the data in force make of
//! each (截止时间, 暂定, 剩余工作日, 已变动, 问题, 编号, 版本); `POST …/matters/import` reads
//! such a CSV back — headers in either language — checks every row, and keeps all of them in
//! one transaction or none.
//!
//! A clerk moves between the workbook and the register: 规则 holds the workbook's label of a
//! rule it counts (`第五十条`; a rule's id otherwise, and an id is read too), 延长/商定 holds
//! 延长 or an agreed date, 办结日期 a date. What these columns cannot say of a period (a
//! calendar's clock, paused time, an ad hoc unit and amount…) is in 其他期限参数, as the
//! period's JSON without the fields the columns hold, so that an exported 台账 imported into
//! another register gives the same matters. The computed columns are ignored on import.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use super::super::batch::{BodyKind, body_kind};
use super::super::params::Params;
use super::super::problem::ApiError;
use super::super::render::{self, Format, Guarded, Negotiated};
use super::super::{AppState, Snapshot};
use super::{context, opened};
use crate::deadline::{Context, DeadlineError, Input, Rule, RuleBook};
use crate::export::ledger::{Holds, Ledger, ledger};
use crate::export::workbook::{rule_labels, status_words};
use crate::register::{Matter, MatterError, Reading};
use crate::registers::{Kept, Unreadable, period_json};
use crate::text::{Body, Lang, Limit, Media, Refused, RowProblem, RowWhy};
use crate::time::{BEIJING, Clock, parse_day, quoted};

/// The most rows one import takes.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// The 台账's columns, in order: the workbook's ten, then the register's own twelve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Doc,
    Subject,
    Sender,
    Handler,
    Rule,
    Event,
    Adjustment,
    Due,
    Completed,
    Status,
    Notes,
    Calendar,
    Period,
    CompletedAt,
    Acknowledged,
    DueAt,
    Provisional,
    Left,
    Moved,
    Problem,
    Id,
    Version,
}

use Column as C;

/// Every column, in the 台账's order (the headers' and [`Row`]'s).
const COLUMNS: [Column; 22] = [
    C::Doc,
    C::Subject,
    C::Sender,
    C::Handler,
    C::Rule,
    C::Event,
    C::Adjustment,
    C::Due,
    C::Completed,
    C::Status,
    C::Notes,
    C::Calendar,
    C::Period,
    C::CompletedAt,
    C::Acknowledged,
    C::DueAt,
    C::Provisional,
    C::Left,
    C::Moved,
    C::Problem,
    C::Id,
    C::Version,
];

impl Column {
    /// Its header in `lang`: the workbook's name for the workbook's columns.
    fn header(self, lang: Lang) -> &'static str {
        headers(lang)[self as usize]
    }

    /// What its cells hold, for the workbook of values.
    fn holds(self) -> Holds {
        match self {
            C::Event | C::Due | C::Completed | C::Acknowledged => Holds::Date,
            C::Left | C::Version => Holds::Number,
            _ => Holds::Text,
        }
    }

    /// The column that holds a matter's text field (by its JSON name).
    fn of_field(field: &str) -> Column {
        match field {
            "subject" => C::Subject,
            "sender" => C::Sender,
            "handler" => C::Handler,
            "notes" => C::Notes,
            _ => C::Doc,
        }
    }

    /// The column a header names, in either language (English in any case).
    fn named(name: &str) -> Option<Column> {
        <Lang as strum::IntoEnumIterator>::iter().find_map(|lang| {
            headers(lang)
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .map(|i| COLUMNS[i])
        })
    }
}

/// Whether `name` is the header of one of the workbook's hidden helper columns (in either
/// language), which an import ignores.
fn is_helper(name: &str) -> bool {
    <Lang as strum::IntoEnumIterator>::iter().any(|lang| {
        lang.says()
            .workbook_words()
            .helper_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    })
}

/// The headers in `lang`, in [`COLUMNS`]' order.
fn headers(lang: Lang) -> [&'static str; 22] {
    let says = lang.says();
    let mut all = [""; 22];
    for (slot, header) in all.iter_mut().zip(
        says.workbook_words()
            .register_headers
            .iter()
            .chain(says.ledger_headers().iter()),
    ) {
        *slot = header;
    }
    all
}

/// One matter as a row of the 台账, in [`COLUMNS`]' order; its texts guarded against
/// formulas.
#[derive(Default, Serialize)]
struct Row {
    doc_number: Guarded<String>,
    subject: Guarded<String>,
    sender: Guarded<String>,
    handler: Guarded<String>,
    rule: Guarded<String>,
    event: Guarded<String>,
    adjustment: Guarded<String>,
    due_date: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    status: Guarded<String>,
    notes: Guarded<String>,
    calendar: Guarded<String>,
    period: Guarded<String>,
    completed_at: Guarded<String>,
    acknowledged_due: Option<NaiveDate>,
    due_at: Option<String>,
    provisional: Option<bool>,
    working_days_left: Option<i64>,
    moved: Option<bool>,
    problem: Guarded<String>,
    id: Guarded<String>,
    version: Option<i64>,
}

/// The rules as the 台账's 规则 column names them: the workbook's labels of those it counts.
struct Rules<'r> {
    book: &'r RuleBook,
    labels: Vec<(&'r Rule, String)>,
}

impl<'r> Rules<'r> {
    fn new(book: &'r RuleBook) -> Self {
        Rules {
            book,
            labels: rule_labels(book),
        }
    }

    /// The id an import writes for `rule`: its own when that names it alone, else its full id.
    fn id_of(&self, rule: &Rule) -> String {
        match self.book.get(&rule.id) {
            Some(found) if std::ptr::eq(found, rule) => rule.id.clone(),
            _ => rule.full_id(),
        }
    }

    /// The period's `rule` that a 规则 cell says: a label's rule, else the cell as an id.
    fn read(&self, cell: &str) -> String {
        self.labels
            .iter()
            .find(|(_, label)| label == cell)
            .map_or_else(|| cell.to_owned(), |(rule, _)| self.id_of(rule))
    }

    /// The 规则 cell of a period's `rule`: the workbook's label when it reads back as the same
    /// text, else the text as it is.
    fn write(&self, rule: &str) -> String {
        self.book
            .get(rule)
            .filter(|found| self.id_of(found) == rule)
            .and_then(|found| {
                self.labels
                    .iter()
                    .find(|(r, _)| std::ptr::eq(*r, found))
                    .map(|(_, label)| label.clone())
            })
            .unwrap_or_else(|| rule.to_owned())
    }
}

/// A text cell as written.
fn text(value: impl Into<String>) -> Guarded<String> {
    Guarded(value.into())
}

/// The row of `kept`, read as `reading`.
fn row(kept: &Kept, reading: &Reading<'_>, rules: &Rules<'_>, lang: Lang) -> Row {
    let m = &kept.matter;
    let words = lang.says().workbook_words();
    let mut rest = Input {
        rule: None,
        event: None,
        calendar: None,
        ..m.period.clone()
    };
    let adjustment = if rest.extended == Some(true) {
        rest.extended = None;
        words.extend.to_owned()
    } else {
        rest.agreed_due.take().unwrap_or_default()
    };
    let rest = period_json(&rest);
    let due = reading.as_ref().ok();
    Row {
        doc_number: text(&m.doc_number),
        subject: text(&m.subject),
        sender: text(&m.sender),
        handler: text(&m.handler),
        rule: text(
            m.period
                .rule
                .as_deref()
                .map(|r| rules.write(r))
                .unwrap_or_default(),
        ),
        event: text(m.period.event.clone().unwrap_or_default()),
        adjustment: text(adjustment),
        due_date: due.map(|d| d.date),
        completed_on: m
            .completed_at
            .map(|at| at.with_timezone(&BEIJING).date_naive()),
        status: text(
            due.map(|d| status_words(words, d.state, d.provisional))
                .unwrap_or_default(),
        ),
        notes: text(&m.notes),
        calendar: text(m.period.calendar.clone().unwrap_or_default()),
        period: text(if rest.as_object().is_some_and(|o| o.is_empty()) {
            String::new()
        } else {
            rest.to_string()
        }),
        completed_at: text(m.completed_at.map(|at| at.to_rfc3339()).unwrap_or_default()),
        acknowledged_due: m.acknowledged_due,
        due_at: due.map(|d| d.at.to_rfc3339()),
        provisional: due.map(|d| d.provisional),
        working_days_left: due.map(|d| d.working_days_left),
        moved: due.map(|d| d.moved),
        problem: text(
            reading
                .as_ref()
                .err()
                .map(|e| lang.says().deadline_error(e))
                .unwrap_or_default(),
        ),
        id: text(&kept.id),
        version: Some(kept.version),
    }
}

/// The row of a stored matter that does not read back: its id and the problem.
fn unreadable_row(unreadable: &Unreadable, lang: Lang) -> Row {
    Row {
        problem: text(lang.says().unreadable_matter()),
        id: text(&unreadable.id),
        ..Row::default()
    }
}

/// The listed matters as the 台账: CSV, or the workbook of values (built off the workers).
///
/// # Errors
/// As [`render::csv_under`]; as the exports' gate, for the workbook.
pub(super) async fn export(
    state: &AppState,
    read: Vec<(&Kept, Reading<'_>)>,
    unreadable: Vec<&Unreadable>,
    negotiated: Negotiated,
    data: &Snapshot,
    register: &str,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let rules = Rules::new(data.set.rules());
    let rows = read
        .iter()
        .map(|(kept, reading)| row(kept, reading, &rules, lang))
        .chain(unreadable.iter().map(|u| unreadable_row(u, lang)));
    let headers = headers(lang);
    if negotiated.format == Format::Csv {
        return render::csv_under(headers, rows, negotiated.bom);
    }
    // The rows as their CSV cells, the formula guard taken off: a workbook's text cell is
    // never read as a formula.
    let cells: Vec<Vec<String>> = rows
        .map(|row| {
            render::record_of(&row, false)
                .iter()
                .map(|c| unguarded(c).to_owned())
                .collect()
        })
        .collect();
    let title = format!("{} {register}", lang.says().workbook_words().register_sheet);
    let bytes = state
        .exporting
        .run(move || {
            ledger(&Ledger {
                title: &title,
                headers: &headers,
                holds: &COLUMNS.map(Column::holds),
                rows: &cells,
                lang,
            })
        })
        .await?
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(render::xlsx(bytes, &format!("register-{register}.xlsx")))
}

/// A cell with the formula guard ([`Guarded`]) taken off: `'=1+1` is `=1+1`.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// `POST /v1/registers/{id}/matters/import`: a 台账 in CSV (`text/csv`, UTF-8, a byte order
/// mark allowed). Every row is checked first; when any cannot be kept, 422 lists each (its
/// row, its column, why) and nothing is imported; else every row is kept, in one transaction,
/// each with an `imported` history row, and the answer (201) gives their ids in order.
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    _: Params,
    body: web::Bytes,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (db, register, label) = opened(&state, &req).await?;
    if body_kind(&req)? != BodyKind::Csv {
        let given = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        return Err(ApiError::Unsupported(Media::ContentType(quoted(given))));
    }
    let context = context(&state, &data, false);
    let matters = read_ledger(&body, &context, data.set.version(), lang)?;
    let kept = db
        .insert_all(&register, matters, "imported", &label)
        .await?;
    let ids: Vec<&str> = kept.iter().map(|k| k.id.as_str()).collect();
    let mut res = render::json(&serde_json::json!({
        "imported": ids.len(),
        "ids": ids,
        "data_version": data.set.version(),
    }));
    *res.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(res)
}

/// The matters of a 台账 in CSV, each checked on `context`.
///
/// # Errors
/// [`ApiError::InvalidBody`] for a body that is not UTF-8 CSV with a header;
/// [`ApiError::TooLarge`] past [`MAX_IMPORT_ROWS`]; [`Refused::Import`] listing every header
/// and row that cannot be kept.
fn read_ledger(
    body: &[u8],
    context: &Context<'_>,
    version: &str,
    lang: Lang,
) -> Result<Vec<Matter>, ApiError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    std::str::from_utf8(body).map_err(|_| ApiError::InvalidBody(Body::CsvNotUtf8))?;
    // Cells are kept as they are (a note may end in a space); the headers are trimmed.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(body);
    let header = reader
        .headers()
        .map_err(|_| ApiError::InvalidBody(Body::CsvHeader))?
        .clone();
    if header.iter().all(str::is_empty) {
        return Err(ApiError::InvalidBody(Body::CsvEmpty));
    }
    let mut problems = Vec::new();
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    for name in &header {
        let column = Column::named(name);
        let why = match column {
            // The workbook's hidden helper columns come along when a clerk saves its sheet.
            None if is_helper(name) => None,
            None => Some(RowWhy::UnknownColumn),
            Some(c) if columns.contains(&Some(c)) => Some(RowWhy::ColumnTwice),
            Some(_) => None,
        };
        if let Some(why) = why {
            problems.push(RowProblem {
                row: 1,
                column: name.to_owned(),
                why,
            });
        }
        columns.push(column);
    }
    if !problems.is_empty() {
        return Err(ApiError::Register(Refused::Import(problems)));
    }
    let rules = Rules::new(context.rules);
    let name_of = |column: Column| {
        columns
            .iter()
            .position(|c| *c == Some(column))
            .and_then(|i| header.get(i))
            .unwrap_or(column.header(lang))
            .to_owned()
    };
    let mut matters = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_IMPORT_ROWS {
            return Err(ApiError::TooLarge(Limit::Batch {
                count: n + 1,
                limit: MAX_IMPORT_ROWS,
            }));
        }
        let row = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(2);
        let record = match record {
            Ok(record) if record.len() <= columns.len() => record,
            _ => {
                problems.push(RowProblem {
                    row,
                    column: String::new(),
                    why: RowWhy::NotARow,
                });
                continue;
            }
        };
        // A row with nothing in it is one a spreadsheet leaves below its last: not a matter.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |column: Column| {
            columns
                .iter()
                .position(|c| *c == Some(column))
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        match matter_of(&cell, &rules, context, version) {
            Ok(matter) => matters.push(matter),
            Err((column, why)) => problems.push(RowProblem {
                row,
                column: name_of(column),
                why,
            }),
        }
    }
    if problems.is_empty() {
        Ok(matters)
    } else {
        Err(ApiError::Register(Refused::Import(problems)))
    }
}

/// The matter a row's cells say, checked; or the first column that is wrong, and why.
fn matter_of<'c>(
    cell: &impl Fn(Column) -> &'c str,
    rules: &Rules<'_>,
    context: &Context<'_>,
    version: &str,
) -> Result<Matter, (Column, RowWhy)> {
    let clock = Clock::new(BEIJING, Utc::now());
    let date = |column: Column| -> Result<Option<NaiveDate>, (Column, RowWhy)> {
        let value = cell(column).trim();
        (!value.is_empty())
            .then(|| {
                parse_day(value, &clock).map_err(|_| (column, RowWhy::NotADate(quoted(value))))
            })
            .transpose()
    };
    let extra = cell(C::Period).trim();
    let mut period = if extra.is_empty() {
        Input::default()
    } else {
        Input::from_json(extra.as_bytes()).map_err(|p| (C::Period, RowWhy::Period(p)))?
    };
    let given = |column: Column| Some(cell(column).trim()).filter(|v| !v.is_empty());
    if let Some(rule) = given(C::Rule) {
        period.rule = Some(rules.read(rule));
    }
    if let Some(event) = given(C::Event) {
        period.event = Some(event.to_owned());
    }
    if let Some(calendar) = given(C::Calendar) {
        period.calendar = Some(calendar.to_owned());
    }
    if let Some(adjustment) = given(C::Adjustment) {
        let extended = <Lang as strum::IntoEnumIterator>::iter()
            .any(|l| adjustment.eq_ignore_ascii_case(l.says().workbook_words().extend));
        if extended {
            period.extended = Some(true);
        } else if parse_day(adjustment, &clock).is_ok() {
            period.agreed_due = Some(adjustment.to_owned());
        } else {
            return Err((C::Adjustment, RowWhy::Adjustment(quoted(adjustment))));
        }
    }
    let completed_at = match given(C::CompletedAt) {
        Some(at) => Some(
            DateTime::<FixedOffset>::parse_from_rfc3339(at)
                .map_err(|_| (C::CompletedAt, RowWhy::NotAnInstant(quoted(at))))?,
        ),
        // A date alone is noon of that day on Beijing time: done on the due date is in time,
        // done the day after late, as the workbook compares the dates.
        None => date(C::Completed)?.and_then(|day| {
            BEIJING
                .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(12, 0, 0)?))
                .single()
                .map(|at| at.fixed_offset())
        }),
    };
    let acknowledged = date(C::Acknowledged)?;
    let mut matter = Matter {
        doc_number: unguarded(cell(C::Doc)).to_owned(),
        subject: unguarded(cell(C::Subject)).to_owned(),
        sender: unguarded(cell(C::Sender)).to_owned(),
        handler: unguarded(cell(C::Handler)).to_owned(),
        notes: unguarded(cell(C::Notes)).to_owned(),
        period,
        completed_at,
        acknowledged_due: None,
        acknowledged_version: None,
    };
    let due = matter
        .check(context)
        .map_err(|e| (column_of(&e), RowWhy::Matter(e)))?;
    // A date the file says was acknowledged was so on data it does not name: the days that
    // moved such a matter cannot be named. One counted now is acknowledged on the data in force.
    matter.acknowledged_due = Some(acknowledged.unwrap_or(due.date));
    matter.acknowledged_version = acknowledged.is_none().then(|| version.to_owned());
    Ok(matter)
}

/// The column a matter's refusal is about.
fn column_of(error: &MatterError) -> Column {
    use DeadlineError as D;
    match error {
        MatterError::TooLong { field, .. } => Column::of_field(field),
        MatterError::Unnamed => C::Doc,
        MatterError::StatusInPeriod(_) | MatterError::NoPeriod => C::Period,
        MatterError::Period(e) => match e {
            D::UnknownRule { .. } | D::MissingPeriod => C::Rule,
            D::Event(_) | D::Missing("event") | D::NotInForce { .. } => C::Event,
            D::Completed(_) => C::Completed,
            D::NoExtension { .. } | D::Agreed(_) | D::TooLong { field: "agreed_by" } => {
                C::Adjustment
            }
            D::Calendar(crate::calendar::CalendarError::UnknownCalendar { .. }) => C::Calendar,
            D::Calendar(_) => C::Event,
            _ => C::Period,
        },
    }
}
