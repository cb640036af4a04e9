//! The offline workbook (xlsx): a register of documents and their deadlines (台账) whose
//! formulas count on a calendar's rest days for whole years with the spreadsheet's own
//! `WORKDAY.INTL` — in Excel, WPS and LibreOffice, with no network.
//!
//! `WORKDAY.INTL(start, n, "0000000", rest_days)`: the weekend mask `"0000000"` makes no day of
//! the week a fixed rest day, so every rest day comes from the list, which holds the weekend
//! days that no notice makes a working day and every day off. The function then skips exactly
//! the days the calendar does not work and counts makeup Saturdays, as
//! [`Calendar::add_working_days`] does.
//!
//! A row's count is split over hidden helper columns — the rule's row in the rules table, the
//! period's length, its own due date, what is wrong with the row, the status's number, whether
//! it is provisional — so that no formula is longer than a clerk can check (about 300
//! characters), and the status's words are a table on the notes sheet, not literals in every
//! row. Every formula cell is written with its value: the register's rows are empty, so their
//! value is the empty string; the notes' examples carry what the domain counts for them, so an
//! application that shows saved values before it recalculates (Excel's and WPS's protected
//! view) shows the dates.
//!
//! Nothing here knows about HTTP. The bytes depend on the data and the addresses given alone:
//! the document's creation time is a constant ([`super::STAMP`]), and the zip entries carry a
//! fixed date, so identical data give identical bytes and an HTTP cache can keep them.

use chrono::{Datelike, Days, NaiveDate};
use rust_xlsxwriter::{
    ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, DataValidationRule,
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Note, Workbook,
    Worksheet, XlsxError,
};

use crate::calendar::{Calendar, DayKind, RestDays};
use crate::deadline::{
    Bound, Counting, Deadline, Direction, Form, Period, Request, Rule, RuleBook, State, Unit,
    compute,
};
use crate::text::{Lang, WorkbookFacts, WorkbookWords};
use crate::time::Moment;

mod print;

/// The defined name of the rest-day list: the holidays argument of `WORKDAY.INTL` and
/// `NETWORKDAYS.INTL`. A code, the same in both languages, so that a formula copied from the
/// documentation works in any copy of the workbook.
pub const LIST_NAME: &str = "rest_days";
/// The first day the list covers (a cell of the notes sheet).
pub const FROM_NAME: &str = "rest_days_from";
/// The last day the list covers.
pub const TO_NAME: &str = "rest_days_to";
/// The years of the notes' table of years.
const YEARS_NAME: &str = "rest_years";
/// Whether a due date that depends on each of them is provisional (1) or not (0).
const YEAR_PROVISIONAL_NAME: &str = "rest_years_provisional";
/// The rules' labels, as the register's rule column takes them.
pub const RULES_NAME: &str = "rule_articles";
/// The rules' "counted in working days" column (1, or 0 for days).
const RULE_WORKING_NAME: &str = "rule_working_days";
/// The rules' period lengths.
const RULE_AMOUNT_NAME: &str = "rule_amounts";
/// The days the rules' texts came into force.
const RULE_IN_FORCE_NAME: &str = "rule_in_force";
/// The rules' extensions in their own unit (0: none the workbook counts).
const RULE_EXTENSION_NAME: &str = "rule_extensions";
/// Whether a rule's due date may be agreed (1) or not (0).
const RULE_AGREED_NAME: &str = "rule_agreed";
/// The status's words, in the order of [`Code`].
const STATUS_WORDS_NAME: &str = "status_words";

/// The register's rows that carry the formulas, after its header row.
pub const REGISTER_ROWS: u32 = 500;

/// The weekend mask with no fixed rest day: the list decides every one.
const NO_WEEKEND: &str = "\"0000000\"";

/// The register's columns (the notes' examples have the same).
const DOCUMENT: u16 = 0;
const SUBJECT: u16 = 1;
const RULE: u16 = 4;
const EVENT: u16 = 5;
const ADJUSTMENT: u16 = 6;
const DUE: u16 = 7;
const DONE: u16 = 8;
const STATUS: u16 = 9;
/// The hidden helper columns, in the order of [`WorkbookWords::helper_headers`].
const AT: u16 = 10;
const DAYS: u16 = 11;
const OWN_DUE: u16 = 12;
const PROBLEM: u16 = 13;
const STATE: u16 = 14;
const OWN_PROVISIONAL: u16 = 15;
const PROVISIONAL: u16 = 16;

/// What the status column says, by number (the helper column [`STATE`] holds it, the notes'
/// table [`STATUS_WORDS_NAME`] words it): 1 to 6 what is wrong with a row, in the order of
/// [`Code::PROBLEMS`] ([`PROBLEM`] holds it, or 0 for a row that counts); 7 to 12 the
/// deadline's state, in the order of [`Code::STATES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Code {
    Problem(Problem),
    State(State),
}

/// What can be wrong with a register row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    ChooseRule,
    NotADate,
    NotInForce,
    OutsideList,
    BadAdjustment,
    CompletedNotADate,
}

impl Code {
    const PROBLEMS: [Problem; 6] = [
        Problem::ChooseRule,
        Problem::NotADate,
        Problem::NotInForce,
        Problem::OutsideList,
        Problem::BadAdjustment,
        Problem::CompletedNotADate,
    ];
    const STATES: [State; 6] = [
        State::NotStarted,
        State::Pending,
        State::DueToday,
        State::Overdue,
        State::CompletedOnTime,
        State::CompletedLate,
    ];

    /// Every code, in the order of their numbers: the rows of the notes' table of words.
    fn all() -> impl Iterator<Item = Code> {
        (Self::PROBLEMS.into_iter().map(Code::Problem)).chain(Self::STATES.map(Code::State))
    }

    fn word(self, words: &WorkbookWords) -> &'static str {
        match self {
            Code::Problem(problem) => match problem {
                Problem::ChooseRule => words.choose_rule,
                Problem::NotADate => words.not_a_date,
                Problem::NotInForce => words.not_in_force,
                Problem::OutsideList => words.outside_list,
                Problem::BadAdjustment => words.bad_adjustment,
                Problem::CompletedNotADate => words.completed_not_a_date,
            },
            Code::State(state) => match state {
                State::NotStarted => words.not_started,
                State::Pending => words.pending,
                State::DueToday => words.due_today,
                State::Overdue => words.overdue,
                State::CompletedOnTime => words.completed_on_time,
                State::CompletedLate => words.completed_late,
            },
        }
    }

    /// Its number, from 1.
    fn number(self) -> usize {
        Code::all().position(|c| c == self).map_or(0, |i| i + 1)
    }
}

/// The number of `state`.
fn state_number(state: State) -> usize {
    Code::State(state).number()
}

/// The number of `problem`.
fn problem_number(problem: Problem) -> usize {
    Code::Problem(problem).number()
}

/// Why a workbook cannot be written: never for the embedded rules and calendars (a test
/// builds every calendar's), but the writer's checks stay errors rather than panics.
#[derive(Debug, thiserror::Error)]
#[error("the workbook cannot be written")]
pub struct WorkbookError(#[from] XlsxError);

/// What a workbook is made of.
#[derive(Clone, Copy, Debug)]
pub struct WorkbookInput<'a> {
    /// The calendar.
    pub calendar: &'a Calendar,
    /// Its rest days over the workbook's years.
    pub rest: &'a RestDays<'a>,
    /// The rules whose deadlines the register counts.
    pub rules: &'a RuleBook,
    /// The data version the list comes from.
    pub data_version: &'a str,
    /// The full address of a fresh copy (`https://qixian.example/v1/calendars/…`).
    pub address: &'a str,
    /// The full address of the page's calendar view, where the service serves the page.
    pub page: Option<&'a str>,
    /// The language of its words.
    pub lang: Lang,
}

/// The offline workbook of `input`, as xlsx bytes: a register (文号, 事由, 来文单位, 承办人,
/// 规则, 起算日, 延长/商定, 截止日, 办结日期, 状态) whose due dates are `WORKDAY.INTL` formulas
/// over the rest-day list, the list itself (named [`LIST_NAME`]), and a notes sheet in a
/// clerk's words with examples, the statuses, the years and the rules.
///
/// # Errors
/// [`WorkbookError`] when the writer refuses something (a rule list too long for a dropdown).
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::deadline::RuleBook;
/// use qixian::export::workbook::{WorkbookInput, workbook};
/// use qixian::text::Lang;
/// let (set, rules) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let calendar = set.get("cn").unwrap();
/// let rest = calendar.rest_days(2026..=2026).unwrap();
/// let input = WorkbookInput {
///     calendar,
///     rest: &rest,
///     rules: &rules,
///     data_version: set.version(),
///     address: "http://127.0.0.1:8080/v1/calendars/cn/workbook.xlsx?year=2026",
///     page: Some("http://127.0.0.1:8080/#calendar?calendar=cn&year=2026"),
///     lang: Lang::Zh,
/// };
/// let bytes = workbook(&input).unwrap();
/// assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
/// assert_eq!(bytes, workbook(&input).unwrap(), "the same data give the same bytes");
/// ```
pub fn workbook(input: &WorkbookInput<'_>) -> Result<Vec<u8>, WorkbookError> {
    let says = input.lang.says();
    let words = says.workbook_words();
    let styles = Styles::new(words);
    let mut book = Workbook::new();
    let spec = input.calendar.spec();
    book.set_properties(
        &DocProperties::new()
            .set_title(says.workbook_title((&spec.name, &spec.id)))
            .set_author("qixian")
            .set_creation_datetime(&excel_stamp()?)
            .set_custom_property("qixian-calendar", spec.id.as_str())
            .set_custom_property("qixian-data-version", input.data_version),
    );

    let register = book.add_worksheet();
    register.set_name(words.register_sheet)?;
    write_register(register, input, words, &styles)?;

    let list = book.add_worksheet();
    list.set_name(words.rest_sheet)?;
    let last_row = write_list(list, input.rest, words, &styles)?;

    let notes = book.add_worksheet();
    notes.set_name(words.notes_sheet)?;
    let tables = write_notes(notes, input, &styles)?;

    let rest_sheet = quoted_sheet(words.rest_sheet);
    let notes_sheet = quoted_sheet(words.notes_sheet);
    // An empty list (a calendar without weekends and days off) still names a cell.
    book.define_name(
        LIST_NAME,
        &format!("={rest_sheet}!$A$2:$A${}", last_row.max(1) + 1),
    )?;
    book.define_name(FROM_NAME, &format!("={notes_sheet}!$B${}", tables.from + 1))?;
    book.define_name(TO_NAME, &format!("={notes_sheet}!$B${}", tables.to + 1))?;
    book.define_name(YEARS_NAME, &column_range(&notes_sheet, 'A', tables.years))?;
    book.define_name(
        YEAR_PROVISIONAL_NAME,
        &column_range(&notes_sheet, 'C', tables.years),
    )?;
    book.define_name(
        STATUS_WORDS_NAME,
        &column_range(&notes_sheet, 'A', tables.statuses),
    )?;
    for (name, column) in [
        (RULES_NAME, 'A'),
        (RULE_WORKING_NAME, 'D'),
        (RULE_AMOUNT_NAME, 'E'),
        (RULE_IN_FORCE_NAME, 'F'),
        (RULE_EXTENSION_NAME, 'G'),
        (RULE_AGREED_NAME, 'H'),
    ] {
        book.define_name(name, &column_range(&notes_sheet, column, tables.rules))?;
    }
    let area = print::filled_rows(&quoted_sheet(words.register_sheet));
    Ok(print::with_print_area(book.save_to_buffer()?, &area)?)
}

/// The formats the sheets use (the register's export too, [`super::ledger`]).
pub(super) struct Styles {
    pub(super) header: Format,
    pub(super) date: Format,
    title: Format,
    heading: Format,
    paragraph: Format,
    wrap: Format,
    yes_no: Format,
    overdue: Format,
    soon: Format,
}

impl Styles {
    pub(super) fn new(words: &WorkbookWords) -> Self {
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0x00DD_EBF7)
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            title: Format::new().set_bold().set_font_size(14),
            heading: Format::new().set_bold(),
            paragraph: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            yes_no: Format::new().set_num_format(words.yes_no_format),
            // Excel's own "light red fill with dark red text" and "yellow fill with dark yellow
            // text".
            overdue: Format::new()
                .set_background_color(0x00FF_C7CE)
                .set_font_color(0x009C_0006),
            soon: Format::new()
                .set_background_color(0x00FF_EB9C)
                .set_font_color(0x009C_5700),
        }
    }
}

/// [`super::STAMP`] as the document's creation time.
pub(super) fn excel_stamp() -> Result<ExcelDateTime, XlsxError> {
    excel_date(super::STAMP.date())
}

pub(super) fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(date.year()).unwrap_or(u16::MAX);
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8)
}

/// A date as the spreadsheets' serial number (days since 1899-12-30), as a formula's saved
/// value writes it.
fn serial(date: NaiveDate) -> String {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
    (date - epoch).num_days().to_string()
}

/// A sheet's name as a formula writes it: in quotes, a quote doubled.
fn quoted_sheet(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// A text as a formula writes it: in double quotes, a double quote doubled.
fn literal(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `='sheet'!$A$first:$A$last` for zero-based `rows` (a one-cell range when empty).
fn column_range(sheet: &str, column: char, rows: (u32, u32)) -> String {
    let (first, last) = rows;
    format!(
        "={sheet}!${column}${}:${column}${}",
        first + 1,
        last.max(first) + 1
    )
}

/// The rules a spreadsheet can count on the list: forward, in working days or in days, as civil
/// law counts them. A period in working hours needs the office's hours, which a list of dates
/// does not hold; months, backward and minimum periods, the tax counting and paused time need
/// more than WORKDAY.INTL: the service counts those, and the workbook leaves them out (its notes
/// say so).
fn countable(rules: &RuleBook) -> Vec<&Rule> {
    rules
        .iter()
        .filter(|r| {
            matches!(r.unit, Unit::WorkingDays | Unit::CalendarDays)
                && r.direction == Direction::Forward
                && r.bound == Bound::Within
                && r.counting == Counting::Civil
        })
        .collect()
}

/// The extension the register counts for `rule` when its 延长/商定 says 延长: the statute's, when
/// it is in the period's own unit (the count then runs N+X units from the event, which is the
/// service's answer: for working days the same day, for calendar days the earlier of its two
/// readings); 0 for none.
fn extension_counted(rule: &Rule) -> u32 {
    rule.extension
        .as_ref()
        .filter(|e| e.unit == rule.unit)
        .map_or(0, |e| e.amount)
}

/// The label a rule has in the register's rule column: its article (`第五十条`) for the working
/// rules, the statute and the article for a statute's (`政府信息公开条例第三十三条第二款、第三款`),
/// and its id besides when another rule has the same label.
fn rule_label_of(rules: &[&Rule], rule: &Rule) -> String {
    let label = |r: &Rule| match &r.statute {
        Some(statute) => format!(
            "{}{}",
            statute.strip_prefix("中华人民共和国").unwrap_or(statute),
            r.article
        ),
        None => r.article.clone(),
    };
    let own = label(rule);
    if rules.iter().filter(|r| label(r) == own).count() > 1 {
        format!("{own} {}", rule.full_id())
    } else {
        own
    }
}

/// Each rule the workbook counts, with the label its register's rule column gives it (the
/// dropdown's words): a register's export writes a rule so, and its import reads it back.
pub fn rule_labels(rules: &RuleBook) -> Vec<(&Rule, String)> {
    let countable = countable(rules);
    countable
        .iter()
        .map(|rule| (*rule, rule_label_of(&countable, rule)))
        .collect()
}

/// What the register's status column says of a deadline in `state`, 暂定 marked.
pub fn status_words(words: &WorkbookWords, state: State, provisional: bool) -> String {
    let mut status = Code::State(state).word(words).to_owned();
    if provisional {
        status.push_str(words.provisional);
    }
    status
}

/// The letter of one of the register's columns (A to Q).
fn letter(column: u16) -> char {
    char::from(b'A' + u8::try_from(column).unwrap_or(25))
}

/// The cell of `column` in spreadsheet row `row` (1-based), its column fixed: `$E7`.
fn cell(column: u16, row: u32) -> String {
    format!("${}{row}", letter(column))
}

/// The formulas of register row `row` (1-based), by column: the due date, the status and the
/// helper columns. Each stays short; [`Code`] says what the numbers of [`PROBLEM`] and
/// [`STATE`] mean.
fn row_formulas(words: &WorkbookWords, row: u32) -> [(u16, String); 9] {
    let c = |column| cell(column, row);
    let (rule, event, adjustment, done) = (c(RULE), c(EVENT), c(ADJUSTMENT), c(DONE));
    let (at, days, own, problem) = (c(AT), c(DAYS), c(OWN_DUE), c(PROBLEM));
    let (state, own_provisional, provisional, due) =
        (c(STATE), c(OWN_PROVISIONAL), c(PROVISIONAL), c(DUE));
    let extend = literal(words.extend);
    let years = |date: &str| format!("SUMIF({YEARS_NAME},YEAR({date}),{YEAR_PROVISIONAL_NAME})");
    // The numbers of the status's words, in the order of Code::PROBLEMS and Code::STATES.
    let [
        choose,
        not_a_date,
        not_in_force,
        outside,
        bad,
        done_not_a_date,
    ] = Code::PROBLEMS.map(problem_number);
    let [not_started, pending, today, overdue, on_time, late] = Code::STATES.map(state_number);
    [
        // The rule's row in the rules table; 0 for a label none of them has.
        (
            AT,
            format!(
                "=IF(OR({rule}=\"\",{event}=\"\"),\"\",IFERROR(MATCH({rule},{RULES_NAME},0),0))"
            ),
        ),
        // The period's length with its extension; empty when 延长/商定 does not apply.
        (
            DAYS,
            format!(
                "=IF(N({at})=0,\"\",IF(OR({adjustment}=\"\",AND({adjustment}={extend},\
                 INDEX({RULE_EXTENSION_NAME},{at})>0),AND(ISNUMBER({adjustment}),\
                 INDEX({RULE_AGREED_NAME},{at})=1)),INDEX({RULE_AMOUNT_NAME},{at})\
                 +IF({adjustment}={extend},INDEX({RULE_EXTENSION_NAME},{at}),0),\"\"))"
            ),
        ),
        // The period's own due date, counted on the list; empty outside the list. WORKDAY.INTL
        // with 0 days gives back its start even on a rest day, so a calendar-day period's roll
        // is "the first working day after the day before": day N itself when worked.
        (
            OWN_DUE,
            format!(
                "=IF(OR(NOT(ISNUMBER({days})),NOT(ISNUMBER({event}))),\"\",\
                 IF(OR({event}<{FROM_NAME},{event}>{TO_NAME}),\"\",\
                 IF(INDEX({RULE_WORKING_NAME},{at}),WORKDAY.INTL({event},{days},{NO_WEEKEND},{LIST_NAME}),\
                 WORKDAY.INTL({event}+{days}-1,1,{NO_WEEKEND},{LIST_NAME}))))"
            ),
        ),
        // What is wrong with the row (a code of 1 to 6), 0 for nothing, empty for no row.
        (
            PROBLEM,
            format!(
                "=IF({at}=\"\",\"\",IF({at}=0,{choose},IF(NOT(ISNUMBER({event})),{not_a_date},\
                 IF({event}<INDEX({RULE_IN_FORCE_NAME},{at}),{not_in_force},\
                 IF(AND({done}<>\"\",NOT(ISNUMBER({done}))),{done_not_a_date},\
                 IF(OR({days}=\"\",AND(ISNUMBER({adjustment}),{adjustment}<={event})),{bad},\
                 IF(OR({own}=\"\",{own}>{TO_NAME}),{outside},0)))))))"
            ),
        ),
        // The due date: the agreed one, else the period's own.
        (
            DUE,
            format!("=IF({problem}=0,IF(ISNUMBER({adjustment}),{adjustment},{own}),\"\")"),
        ),
        // The status's number: what is wrong, or 办结, or the state on the machine's date.
        (
            STATE,
            format!(
                "=IF({problem}=\"\",\"\",IF({problem}>0,{problem},IF(ISNUMBER({done}),\
                 IF({done}<={due},{on_time},{late}),IF(TODAY()<{event},{not_started},\
                 IF(TODAY()>{due},{overdue},IF(TODAY()={due},{today},{pending}))))))"
            ),
        ),
        // Whether the period's own due date depends on a provisional year: from the day after
        // the event for a working-day period, from the nominal last day for a calendar-day one.
        (
            OWN_PROVISIONAL,
            format!(
                "=IF({problem}<>0,\"\",{}+{}>0)",
                years(&format!(
                    "IF(INDEX({RULE_WORKING_NAME},{at}),{event}+1,{event}+INDEX({RULE_AMOUNT_NAME},{at}))"
                )),
                years(&own),
            ),
        ),
        // With an agreed date: provisional when the own one is and the agreed is not earlier,
        // or when a day between them is.
        (
            PROVISIONAL,
            format!(
                "=IF({own_provisional}=\"\",\"\",IF(ISNUMBER({adjustment}),\
                 AND({own_provisional},{adjustment}>={own})+{}+{}>0,{own_provisional}))",
                years(&format!("MIN({own},{adjustment})")),
                years(&adjustment),
            ),
        ),
        (
            STATUS,
            format!(
                "=IF({state}=\"\",\"\",INDEX({STATUS_WORDS_NAME},{state})&IF({provisional}=TRUE,{},\"\"))",
                literal(words.provisional)
            ),
        ),
    ]
}

/// The register's headers and column widths, and the helper columns hidden; for the register
/// and for the notes' examples.
fn write_headers(
    sheet: &mut Worksheet,
    row: u32,
    words: &WorkbookWords,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    for (col, header) in (0u16..).zip(words.register_headers) {
        sheet.write_string_with_format(row, col, header, &styles.header)?;
    }
    for (col, header) in (AT..).zip(words.helper_headers) {
        sheet.write_string_with_format(row, col, header, &styles.header)?;
        sheet.set_column_hidden(col)?;
    }
    Ok(())
}

/// The widths of the register's ten columns, in order (the notes' examples have them too).
fn set_widths(sheet: &mut Worksheet, widths: [f64; 10]) -> Result<(), WorkbookError> {
    let columns = [
        DOCUMENT, SUBJECT, 2, 3, RULE, EVENT, ADJUSTMENT, DUE, DONE, STATUS,
    ];
    for (col, width) in columns.into_iter().zip(widths) {
        sheet.set_column_width(col, width)?;
    }
    Ok(())
}

/// The register: a header, and the formulas in [`REGISTER_ROWS`] empty rows (no examples to
/// delete first: the notes show them), with dropdowns and checks on what is typed, overdue
/// rows red and those due within three working days amber, a filter, the header frozen, and
/// printed landscape on A4, one page wide, the header on every page: the rows filled, not the
/// 500 (the print area written here is replaced by a formula, [`print`]).
fn write_register(
    sheet: &mut Worksheet,
    input: &WorkbookInput<'_>,
    words: &WorkbookWords,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    write_headers(sheet, 0, words, styles)?;
    sheet.insert_note(
        0,
        DUE,
        &Note::new(input.lang.says().workbook_due_note())
            .set_author("qixian")
            .add_author_prefix(false)
            .set_width(360)
            .set_height(80),
    )?;
    set_widths(
        sheet,
        [18.0, 24.0, 14.0, 8.0, 26.0, 11.0, 11.0, 11.0, 11.0, 20.0],
    )?;
    sheet.set_row_height(0, 30)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, REGISTER_ROWS, STATUS)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_print_gridlines(true)
        .set_repeat_rows(0, 0)?
        .set_print_area(0, 0, REGISTER_ROWS, STATUS)?;
    // Every formula's saved value is the empty string: the rows are empty.
    sheet.set_formula_result_default("");
    for row in 1..=REGISTER_ROWS {
        for col in [EVENT, DONE] {
            sheet.write_blank(row, col, &styles.date)?;
        }
        sheet.write_blank(row, RULE, &styles.wrap)?;
        for (col, formula) in row_formulas(words, row + 1) {
            if matches!(col, DUE | OWN_DUE) {
                sheet.write_formula_with_format(row, col, formula.as_str(), &styles.date)?;
            } else {
                sheet.write_formula(row, col, formula.as_str())?;
            }
        }
    }
    let rows = |rule: String| -> Result<ConditionalFormatFormula, XlsxError> {
        Ok(ConditionalFormatFormula::new().set_rule(rule.as_str()))
    };
    sheet.add_conditional_format(
        1,
        0,
        REGISTER_ROWS,
        STATUS,
        &rows(format!(
            "={}={}",
            cell(STATE, 2),
            state_number(State::Overdue)
        ))?
        .set_format(&styles.overdue),
    )?;
    sheet.add_conditional_format(
        1,
        0,
        REGISTER_ROWS,
        STATUS,
        &rows(format!(
            "=AND(OR({state}={pending},{state}={today}),{due}<=WORKDAY.INTL(TODAY(),3,{NO_WEEKEND},{LIST_NAME}))",
            state = cell(STATE, 2),
            due = cell(DUE, 2),
            pending = state_number(State::Pending),
            today = state_number(State::DueToday),
        ))?
        .set_format(&styles.soon),
    )?;
    add_validations(sheet, input, words)?;
    Ok(())
}

/// The dropdown of rules and the checks on the dates and on 延长/商定 (a warning, not a
/// refusal: the status says what is wrong).
fn add_validations(
    sheet: &mut Worksheet,
    input: &WorkbookInput<'_>,
    words: &WorkbookWords,
) -> Result<(), WorkbookError> {
    // A reference to the notes' rules table, not a list of strings: Excel holds a list of
    // strings to 255 characters, which a few rules with statutes' names exceed.
    let rule_choice =
        DataValidation::new().allow_list_formula(Formula::new(format!("={RULES_NAME}")));
    let event_in_list = DataValidation::new().allow_date(DataValidationRule::Between(
        excel_date(input.rest.first_day())?,
        excel_date(input.rest.last_day())?,
    ));
    let adjustment = cell(ADJUSTMENT, 2);
    let adjusted = DataValidation::new()
        .allow_custom(Formula::new(format!(
            "=OR({adjustment}=\"\",{adjustment}={},ISNUMBER({adjustment}))",
            literal(words.extend)
        )))
        .ignore_blank(true);
    let done = DataValidation::new().allow_date(DataValidationRule::GreaterThanOrEqualTo(
        excel_date(crate::calendar::FIRST_DAY)?,
    ));
    // (column, check, its prompt, its error message, whether the error only warns)
    let checks = [
        (
            RULE,
            rule_choice,
            words.rule_prompt,
            (words.rule_prompt.0, words.choose_rule),
            false,
        ),
        (
            EVENT,
            event_in_list,
            words.event_prompt,
            words.event_outside,
            true,
        ),
        (
            ADJUSTMENT,
            adjusted,
            words.adjustment_prompt,
            words.adjustment_prompt,
            true,
        ),
        (
            DONE,
            done,
            words.completed_prompt,
            (words.completed_prompt.0, words.completed_not_a_date),
            true,
        ),
    ];
    for (col, check, prompt, error, warns) in checks {
        let mut check = check
            .set_input_title(prompt.0)?
            .set_input_message(prompt.1)?
            .set_error_title(error.0)?
            .set_error_message(error.1)?;
        if warns {
            check = check.set_error_style(DataValidationErrorStyle::Warning);
        }
        sheet.add_data_validation(1, col, REGISTER_ROWS, col, &check)?;
    }
    Ok(())
}

/// The list: one row per rest day (date, kind, holiday name, estimated mark). Returns the
/// number of days written.
fn write_list(
    sheet: &mut Worksheet,
    rest: &RestDays<'_>,
    words: &WorkbookWords,
    styles: &Styles,
) -> Result<u32, WorkbookError> {
    for (col, header) in (0u16..).zip(words.rest_headers) {
        sheet.write_string_with_format(0, col, header, &styles.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (col, width) in [(0, 12.0), (1, 10.0), (2, 16.0), (3, 10.0)] {
        sheet.set_column_width(col, width)?;
    }
    let mut rows = 0;
    for (row, day) in (1u32..).zip(&rest.days) {
        sheet.write_datetime_with_format(row, 0, excel_date(day.date)?, &styles.date)?;
        let kind = match day.kind {
            DayKind::Weekend => words.weekend,
            _ => words.day_off,
        };
        sheet.write_string(row, 1, kind)?;
        if let Some(name) = day.name {
            sheet.write_string(row, 2, name)?;
        }
        if day.estimated {
            sheet.write_string(row, 3, words.estimated)?;
        }
        rows = row;
    }
    Ok(rows)
}

/// What a register row holds in 延长/商定.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Adjustment {
    None,
    Extended,
    Agreed(NaiveDate),
}

/// An example row of the notes: what is typed, and what the domain counts for it — the
/// saved values of its formulas.
struct Example<'r> {
    rule: &'r Rule,
    /// The rule's row in the rules table, from 1.
    at: usize,
    event: NaiveDate,
    adjustment: Adjustment,
    done: NaiveDate,
    /// The period's own count (extended when asked), without an agreed date.
    own: Deadline<'r>,
    /// The count with the agreed date and the completion.
    full: Deadline<'r>,
}

/// Counts `rule` from `event` on `calendar` as the service does.
fn count<'r>(
    input: &WorkbookInput<'r>,
    rule: &'r Rule,
    event: NaiveDate,
    adjustment: Adjustment,
    done: Option<NaiveDate>,
) -> Option<Deadline<'r>> {
    let form = Form {
        extended: adjustment == Adjustment::Extended,
        ..Form::default()
    };
    let period = Period::of_rule(rule, None, None, form).ok()?;
    let request = Request {
        completed: done.map(|d| (d, None)),
        agreed: match adjustment {
            Adjustment::Agreed(date) => Some((date, None)),
            _ => None,
        },
        ..Request::new(period, Moment::Date(event), input.calendar.spec().timezone)
    };
    compute(input.calendar, &request).ok()
}

/// The notes' examples, from 30 September of the first year: a rule that may agree its due
/// date (第五十条) done on its due date; the same with a date agreed a week later and done
/// after its own due date, in time; a rule with an extension, extended and done a day late.
/// An example the list cannot count (its days past the list) is left out.
fn examples<'r>(input: &WorkbookInput<'r>, rules: &[&'r Rule]) -> Vec<Example<'r>> {
    let Some(event) = NaiveDate::from_ymd_opt(*input.rest.years.start(), 9, 30) else {
        return Vec::new();
    };
    let last = input.rest.last_day();
    let agreeable = rules
        .iter()
        .position(|r| r.agreed_due.is_some())
        .or((!rules.is_empty()).then_some(0));
    let extendable = rules.iter().position(|r| extension_counted(r) > 0);
    let example = |at: usize, adjustment: Adjustment, done: &dyn Fn(NaiveDate) -> NaiveDate| {
        let rule = rules[at];
        let plain = if adjustment == Adjustment::Extended {
            Adjustment::Extended
        } else {
            Adjustment::None
        };
        let own = count(input, rule, event, plain, None)?;
        let adjustment = match adjustment {
            Adjustment::Agreed(_) => {
                Adjustment::Agreed(own.due_date.checked_add_days(Days::new(7))?)
            }
            other => other,
        };
        let done = done(own.due_date);
        let full = count(input, rule, event, adjustment, Some(done))?;
        (full.due_date.max(done) <= last && own.due_date <= last).then_some(Example {
            rule,
            at: at + 1,
            event,
            adjustment,
            done,
            own,
            full,
        })
    };
    let later =
        |days: u64| move |due: NaiveDate| due.checked_add_days(Days::new(days)).unwrap_or(due);
    let mut all = Vec::new();
    if let Some(at) = agreeable {
        all.extend(example(at, Adjustment::None, &|due| due));
        if rules[at].agreed_due.is_some() {
            all.extend(example(at, Adjustment::Agreed(event), &later(3)));
        }
    }
    if let Some(at) = extendable {
        all.extend(example(at, Adjustment::Extended, &later(1)));
    }
    all
}

/// Writes `example` in spreadsheet row `row` (0-based) of the notes: what a clerk types, and
/// the formulas with the values the domain counted.
fn write_example(
    sheet: &mut Worksheet,
    row: u32,
    number: usize,
    example: &Example<'_>,
    labels: (&str, &str),
    input: &WorkbookInput<'_>,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    let words = input.lang.says().workbook_words();
    let (label, title) = labels;
    sheet.write_string(row, DOCUMENT, format!("{}{number}", words.example))?;
    sheet.write_string(row, SUBJECT, title)?;
    sheet.write_string_with_format(row, RULE, label, &styles.wrap)?;
    sheet.write_datetime_with_format(row, EVENT, excel_date(example.event)?, &styles.date)?;
    match example.adjustment {
        Adjustment::None => {}
        Adjustment::Extended => {
            sheet.write_string(row, ADJUSTMENT, words.extend)?;
        }
        Adjustment::Agreed(date) => {
            sheet.write_datetime_with_format(row, ADJUSTMENT, excel_date(date)?, &styles.date)?;
        }
    }
    sheet.write_datetime_with_format(row, DONE, excel_date(example.done)?, &styles.date)?;
    let state = example
        .full
        .status
        .as_ref()
        .map_or(State::Pending, |s| s.state);
    let code = Code::State(state);
    let boolean = |b: bool| if b { "TRUE" } else { "FALSE" }.to_owned();
    let days = example.rule.amount
        + if example.adjustment == Adjustment::Extended {
            extension_counted(example.rule)
        } else {
            0
        };
    let status = status_words(words, state, example.full.provisional);
    for (col, formula) in row_formulas(words, row + 1) {
        let value = match col {
            AT => example.at.to_string(),
            DAYS => days.to_string(),
            OWN_DUE => serial(example.own.due_date),
            PROBLEM => "0".to_owned(),
            DUE => serial(example.full.due_date),
            STATE => code.number().to_string(),
            OWN_PROVISIONAL => boolean(example.own.provisional),
            PROVISIONAL => boolean(example.full.provisional),
            _ => status.clone(),
        };
        let formula = Formula::new(formula).set_result(value);
        if matches!(col, DUE | OWN_DUE) {
            sheet.write_formula_with_format(row, col, formula, &styles.date)?;
        } else {
            sheet.write_formula(row, col, formula)?;
        }
    }
    Ok(())
}

/// Where the notes sheet put what the names point at (zero-based rows).
struct NoteTables {
    from: u32,
    to: u32,
    statuses: (u32, u32),
    years: (u32, u32),
    rules: (u32, u32),
}

/// The notes: the title, the list's first and last day and the data version, the paragraphs
/// (what the register is for, how to fill it in, what it does not count, what 暂定 means, when
/// and where to download it again, how it counts), the examples, the statuses, the years and
/// the rules.
fn write_notes(
    sheet: &mut Worksheet,
    input: &WorkbookInput<'_>,
    styles: &Styles,
) -> Result<NoteTables, WorkbookError> {
    let says = input.lang.says();
    let words = says.workbook_words();
    let rules = countable(input.rules);
    let label = |rule: &Rule| rule_label_of(&rules, rule);
    let paragraphs = notes_paragraphs(input, &rules);
    lay_out_notes(sheet)?;
    let mut row = 0u32;
    let mut paragraphs = paragraphs.into_iter();
    if let Some(title) = paragraphs.next() {
        sheet.write_string_with_format(row, 0, title, &styles.title)?;
    }
    row += 2;
    let tables_from = row;
    sheet.write_string(row, 0, words.covers.0)?;
    sheet.write_datetime_with_format(row, 1, excel_date(input.rest.first_day())?, &styles.date)?;
    sheet.write_string(row + 1, 0, words.covers.1)?;
    sheet.write_datetime_with_format(
        row + 1,
        1,
        excel_date(input.rest.last_day())?,
        &styles.date,
    )?;
    sheet.write_string(row + 2, 0, words.data_version)?;
    sheet.write_string(row + 2, 1, input.data_version)?;
    row += 4;
    for paragraph in paragraphs {
        sheet.merge_range(row, 0, row, STATUS, &paragraph, &styles.paragraph)?;
        sheet.set_row_height(row, paragraph_height(&paragraph))?;
        row += 1;
    }
    let examples = examples(input, &rules);
    if !examples.is_empty() {
        row += 1;
        sheet.write_string_with_format(row, 0, words.examples_heading, &styles.heading)?;
        row += 1;
        write_headers(sheet, row, words, styles)?;
        for (number, example) in (1..).zip(&examples) {
            row += 1;
            let labels = (
                label(example.rule),
                input.lang.pick(&example.rule.title).to_owned(),
            );
            write_example(
                sheet,
                row,
                number,
                example,
                (&labels.0, &labels.1),
                input,
                styles,
            )?;
        }
    }
    row += 2;
    let statuses = write_statuses(sheet, row, words, styles)?;
    row = statuses.1;
    row += 2;
    let years = write_years(sheet, row, input, styles)?;
    row = years.1;
    row += 2;
    let (rules_first, row) = write_rule_table(sheet, row, input, &rules, styles)?;
    Ok(NoteTables {
        from: tables_from,
        to: tables_from + 1,
        statuses,
        years,
        rules: (rules_first, row.max(rules_first)),
    })
}

/// The notes' paragraphs, in the request's language: the title first.
fn notes_paragraphs(input: &WorkbookInput<'_>, rules: &[&Rule]) -> Vec<String> {
    let says = input.lang.says();
    let spec = input.calendar.spec();
    let label = |rule: &Rule| rule_label_of(rules, rule);
    let extended: Vec<String> = rules
        .iter()
        .filter(|r| extension_counted(r) > 0)
        .map(|r| {
            format!(
                "{}（{}）",
                label(r),
                says.period_length(&Period::ad_hoc(r.unit, extension_counted(r)))
            )
        })
        .collect();
    let agreed: Vec<String> = rules
        .iter()
        .filter(|r| r.agreed_due.is_some())
        .map(|r| label(r))
        .collect();
    says.workbook_notes(&WorkbookFacts {
        calendar: (&spec.name, &spec.id),
        years: (*input.rest.years.start(), *input.rest.years.end()),
        estimated_years: &input.rest.estimated_years,
        page: input.page,
        address: input.address,
        adjustable: (&extended, &agreed),
    })
}

/// The notes sheet's columns and page: printed as the register is.
fn lay_out_notes(sheet: &mut Worksheet) -> Result<(), WorkbookError> {
    set_widths(
        sheet,
        [22.0, 30.0, 14.0, 12.0, 28.0, 11.0, 11.0, 11.0, 11.0, 20.0],
    )?;
    sheet.set_formula_result_default("");
    // Printed as the register is: landscape A4, one page wide (the examples have its columns).
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The table of statuses' words under a heading at `row`; the rows of the words.
fn write_statuses(
    sheet: &mut Worksheet,
    mut row: u32,
    words: &WorkbookWords,
    styles: &Styles,
) -> Result<(u32, u32), WorkbookError> {
    sheet.write_string_with_format(row, 0, words.statuses_heading, &styles.heading)?;
    let statuses_first = row + 1;
    for code in Code::all() {
        row += 1;
        sheet.write_string(row, 0, code.word(words))?;
    }
    Ok((statuses_first, row))
}

/// The table of the years the list covers, each published or estimated, headed at `row`; the
/// rows of the years.
fn write_years(
    sheet: &mut Worksheet,
    mut row: u32,
    input: &WorkbookInput<'_>,
    styles: &Styles,
) -> Result<(u32, u32), WorkbookError> {
    let words = input.lang.says().workbook_words();
    for (col, header) in (0u16..).zip(words.years_headers) {
        sheet.write_string_with_format(row, col, header, &styles.header)?;
    }
    let years_first = row + 1;
    for year in input.rest.years.clone() {
        row += 1;
        let estimated = input.rest.estimated_years.contains(&year);
        sheet.write_number(row, 0, year)?;
        let status = if estimated {
            words.estimated_year
        } else {
            words.published
        };
        sheet.write_string(row, 1, status)?;
        sheet.write_number_with_format(row, 2, u8::from(estimated), &styles.yes_no)?;
    }
    Ok((years_first, row))
}

/// The table of the rules the register counts, headed at `row`; its first row and its last
/// (the header's when there are none).
fn write_rule_table(
    sheet: &mut Worksheet,
    mut row: u32,
    input: &WorkbookInput<'_>,
    rules: &[&Rule],
    styles: &Styles,
) -> Result<(u32, u32), WorkbookError> {
    let says = input.lang.says();
    let words = says.workbook_words();
    let label = |rule: &Rule| rule_label_of(rules, rule);
    for (col, header) in (0u16..).zip(words.rules_headers) {
        sheet.write_string_with_format(row, col, header, &styles.header)?;
    }
    let rules_first = row + 1;
    for rule in rules {
        row += 1;
        sheet.write_string_with_format(row, 0, label(rule), &styles.wrap)?;
        sheet.write_string_with_format(row, 1, input.lang.pick(&rule.title), &styles.wrap)?;
        sheet.write_string(row, 2, says.period_length(&Period::of(rule)))?;
        sheet.write_number_with_format(
            row,
            3,
            u8::from(rule.unit == Unit::WorkingDays),
            &styles.yes_no,
        )?;
        sheet.write_number(row, 4, rule.amount)?;
        sheet.write_datetime_with_format(row, 5, excel_date(rule.in_force)?, &styles.date)?;
        sheet.write_number(row, 6, extension_counted(rule))?;
        sheet.write_number_with_format(
            row,
            7,
            u8::from(rule.agreed_due.is_some()),
            &styles.yes_no,
        )?;
    }
    Ok((rules_first, row))
}

/// A row height that shows a wrapped paragraph whole across the ten merged columns (about
/// 170 narrow characters a line; a Chinese character is two).
fn paragraph_height(text: &str) -> f64 {
    let width: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let lines = width.div_ceil(160).max(1);
    15.0 * lines as f64 + 3.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarSet;
    use strum::IntoEnumIterator;

    fn bytes(id: &str, years: std::ops::RangeInclusive<i32>, lang: Lang) -> Vec<u8> {
        let (set, rules) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
        let calendar = set.get(id).unwrap();
        let rest = calendar.rest_days(years).unwrap();
        workbook(&WorkbookInput {
            calendar,
            rest: &rest,
            rules: &rules,
            data_version: set.version(),
            address: "http://127.0.0.1:8080/v1/calendars/x/workbook.xlsx?year=2026",
            page: Some("http://127.0.0.1:8080/#calendar?calendar=x&year=2026"),
            lang,
        })
        .unwrap()
    }

    #[test]
    fn every_calendar_writes_a_workbook_in_both_languages() {
        let set = CalendarSet::embedded().unwrap();
        for id in set.ids() {
            for lang in Lang::iter() {
                assert!(bytes(id, 2017..=2026, lang).starts_with(b"PK"), "{id}");
            }
        }
    }

    #[test]
    fn the_same_data_give_the_same_bytes_and_another_language_others() {
        let zh = bytes("cn-xj-kizilsu", 2026..=2027, Lang::Zh);
        assert_eq!(zh, bytes("cn-xj-kizilsu", 2026..=2027, Lang::Zh));
        assert_ne!(zh, bytes("cn-xj-kizilsu", 2026..=2027, Lang::En));
    }

    #[test]
    fn no_formula_is_longer_than_a_clerk_can_check_and_each_is_balanced() {
        for lang in Lang::iter() {
            for (col, formula) in row_formulas(lang.says().workbook_words(), 501) {
                assert!(
                    formula.len() <= 300,
                    "column {col}: {} characters: {formula}",
                    formula.len()
                );
                assert_eq!(
                    formula.matches('(').count(),
                    formula.matches(')').count(),
                    "balanced: {formula}"
                );
                assert!(formula.starts_with('='), "{formula}");
            }
        }
    }

    #[test]
    fn the_own_due_date_is_workday_intl_n_working_days_or_the_day_after_day_n_minus_one() {
        let formulas = row_formulas(Lang::Zh.says().workbook_words(), 7);
        let own = &formulas.iter().find(|(c, _)| *c == OWN_DUE).unwrap().1;
        assert!(
            own.contains(
                "IF(INDEX(rule_working_days,$K7),WORKDAY.INTL($F7,$L7,\"0000000\",rest_days),\
                 WORKDAY.INTL($F7+$L7-1,1,\"0000000\",rest_days))"
            ),
            "{own}"
        );
        assert!(
            own.contains("IF(OR($F7<rest_days_from,$F7>rest_days_to),\"\""),
            "{own}"
        );
        let days = &formulas.iter().find(|(c, _)| *c == DAYS).unwrap().1;
        assert!(
            days.contains("INDEX(rule_amounts,$K7)+IF($G7=\"延长\",INDEX(rule_extensions,$K7),0)"),
            "the extension is added when 延长/商定 says 延长: {days}"
        );
        let due = &formulas.iter().find(|(c, _)| *c == DUE).unwrap().1;
        assert_eq!(
            due, "=IF($N7=0,IF(ISNUMBER($G7),$G7,$M7),\"\")",
            "an agreed date replaces it"
        );
        let status = &formulas.iter().find(|(c, _)| *c == STATUS).unwrap().1;
        assert_eq!(
            status,
            "=IF($O7=\"\",\"\",INDEX(status_words,$O7)&IF($Q7=TRUE,\"（暂定）\",\"\"))"
        );
    }

    #[test]
    fn a_completion_date_decides_the_status_before_the_machines_date() {
        let formulas = row_formulas(Lang::Zh.says().workbook_words(), 2);
        let state = &formulas.iter().find(|(c, _)| *c == STATE).unwrap().1;
        assert!(
            state.contains("IF(ISNUMBER($I2),IF($I2<=$H2,11,12),IF(TODAY()<$F2,7,IF(TODAY()>$H2,10,IF(TODAY()=$H2,9,8))))"),
            "{state}"
        );
        assert_eq!(
            (
                Code::State(State::CompletedOnTime).word(Lang::Zh.says().workbook_words()),
                Code::State(State::CompletedLate).word(Lang::Zh.says().workbook_words()),
                Code::all().map(Code::number).collect::<Vec<_>>(),
            ),
            ("按期办结", "逾期办结", (1..=12).collect::<Vec<usize>>()),
            "the table of words is in the order of the numbers"
        );
    }

    #[test]
    fn the_examples_are_counted_by_the_domain() {
        // By hand from holidays/cn/2026.json: 10/1–10/7 off, Sat 10/10 worked. 第五十条's 7
        // working days from 9/30: 10/8, 10/9, 10/10, 10/12–10/15. 政府信息公开条例's 20 and its
        // extension's 20: 10/8, 10/9, 10/10, 10/12–16 (8), 10/19–23 (13), 10/26–30 (18),
        // 11/2–6 (23), 11/9–13 (28), 11/16–20 (33), 11/23–27 (38), 11/30 (39), 12/1 (40).
        let (set, rules) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
        let calendar = set.get("cn-xj-kizilsu").unwrap();
        let rest = calendar.rest_days(2026..=2027).unwrap();
        let input = WorkbookInput {
            calendar,
            rest: &rest,
            rules: &rules,
            data_version: set.version(),
            address: "http://127.0.0.1/v1/calendars/cn-xj-kizilsu/workbook.xlsx",
            page: None,
            lang: Lang::Zh,
        };
        let countable = countable(&rules);
        let d = |text: &str| text.parse::<NaiveDate>().unwrap();
        let shown: Vec<_> = examples(&input, &countable)
            .iter()
            .map(|e| {
                (
                    e.rule.full_id(),
                    e.adjustment,
                    e.own.due_date,
                    e.full.due_date,
                    e.done,
                    e.full.status.as_ref().map(|s| s.state),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "kizilsu/countersign-reply".to_owned(),
                    Adjustment::None,
                    d("2026-10-15"),
                    d("2026-10-15"),
                    d("2026-10-15"),
                    Some(State::CompletedOnTime)
                ),
                (
                    "kizilsu/countersign-reply".to_owned(),
                    Adjustment::Agreed(d("2026-10-22")),
                    d("2026-10-15"),
                    d("2026-10-22"),
                    d("2026-10-18"),
                    Some(State::CompletedOnTime)
                ),
                (
                    "national/gov-info-reply".to_owned(),
                    Adjustment::Extended,
                    d("2026-12-01"),
                    d("2026-12-01"),
                    d("2026-12-02"),
                    Some(State::CompletedLate)
                ),
            ]
        );
    }

    #[test]
    fn a_rule_a_list_of_dates_cannot_count_is_left_out() {
        let rule = |id: &str, article: &str, form: &str| {
            format!(
                "[[rule]]\nid = \"{id}\"\ntitle = {{ zh = \"急件\", en = \"Urgent\" }}\n\
                 article = \"{article}\"\ntext = \"……\"\nevent = {{ zh = \"收文\", en = \"receipt\" }}\n\
                 in_force = \"2024-01-01\"\ncutoff = \"office_target\"\ncutoff_basis = \"办公室自身办理\"\n{form}\n"
            )
        };
        let text = format!(
            "title = {{ zh = \"办公室\", en = \"office\" }}\nsource = \"测试\"\n{}{}{}{}",
            rule(
                "hours",
                "第五十一条",
                "unit = \"working_hours\"\namount = 4"
            ),
            rule("months", "第五十二条", "unit = \"months\"\namount = 1"),
            rule(
                "backward",
                "第五十三条",
                "unit = \"working_days\"\namount = 5\ndirection = \"backward\""
            ),
            rule("plain", "第五十四条", "unit = \"working_days\"\namount = 3"),
        );
        let office = crate::deadline::RuleSet::parse(
            "office",
            "office.toml",
            &text,
            crate::deadline::RuleOrigin::Embedded,
        )
        .expect("a rule file");
        let mut sets = RuleBook::embedded().sets().to_vec();
        sets.push(office);
        let rules = RuleBook::new(sets);
        let ids: Vec<String> = countable(&rules).iter().map(|r| r.full_id()).collect();
        for left_out in ["office/hours", "office/months", "office/backward"] {
            assert!(
                !ids.iter().any(|id| id == left_out),
                "{left_out} in {ids:?}"
            );
        }
        assert!(ids.iter().any(|id| id == "office/plain"), "{ids:?}");
        // Of the national rules, those in hours (行政强制法 第十九条), in months (代表法), backward
        // (the hearing notice) or minimum (the comment period) are left out.
        for id in [
            "national/coercion-urgent-report",
            "national/npc-deputy-suggestion-reply",
            "national/admin-penalty-hearing-notice",
            "national/major-decision-public-comment",
        ] {
            assert!(!ids.iter().any(|i| i == id), "{id} in {ids:?}");
        }
        // The embedded rules a list counts, and the office's one.
        assert_eq!(
            ids.len(),
            countable(&RuleBook::embedded()).len() + 1,
            "{ids:?}"
        );
    }
}
