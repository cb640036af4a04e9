//! The offline workbook (xlsx): a calendar's rest days for whole years as a named list, and a
//! deadline register whose formulas count the working rules' deadlines on that list with the
//! spreadsheet's own `WORKDAY.INTL` — in Excel, WPS and LibreOffice, with no network.
//!
//! `WORKDAY.INTL(start, n, "0000000", rest_days)`: the weekend mask `"0000000"` makes no day of
//! the week a fixed rest day, so every rest day comes from the list, which holds the weekend
//! days that no notice makes a working day and every day off. The function then skips exactly
//! the days the calendar does not work and counts makeup Saturdays, as
//! [`Calendar::add_working_days`] does.
//!
//! Nothing here knows about HTTP. The bytes depend on the data alone: the document's creation
//! time is a constant ([`super::STAMP`]), and the zip entries carry a fixed date, so identical
//! data give identical bytes and an HTTP cache can keep them.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};

use crate::calendar::{Calendar, DayKind, RestDays};
use crate::deadline::{Bound, Counting, Direction, Period, Rule, RuleBook, Unit};
use crate::text::{Lang, WorkbookFacts, WorkbookWords};

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
/// Whether each of them is published or estimated.
const YEAR_STATUS_NAME: &str = "rest_years_status";
/// The rules' labels, as the register's rule column takes them.
pub const RULES_NAME: &str = "rule_articles";
/// The defined name of the rules' "counted in working days" column (TRUE, or FALSE for days).
const RULE_WORKING_NAME: &str = "rule_working_days";
/// The defined name of the rules' period lengths.
const RULE_AMOUNT_NAME: &str = "rule_amounts";
/// The defined name of the days the rules' texts came into force.
const RULE_IN_FORCE_NAME: &str = "rule_in_force";

/// The register's rows that carry the formulas, after its header row.
pub const REGISTER_ROWS: u32 = 500;

/// The weekend mask with no fixed rest day: the list decides every one.
const NO_WEEKEND: &str = "\"0000000\"";

/// The register's columns.
const DOCUMENT: u16 = 0;
const RULE: u16 = 1;
const EVENT: u16 = 2;
const DUE: u16 = 3;
const STATUS: u16 = 4;

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
    /// The data version (`x-data-version`) the list comes from.
    pub data_version: &'a str,
    /// The route, with its query, that gives a fresh copy.
    pub path: &'a str,
    /// The language of its words.
    pub lang: Lang,
}

/// The offline workbook of `input`, as xlsx bytes: a register (文号, 规则, 起算日, 截止日,
/// 状态) whose due dates are `WORKDAY.INTL` formulas over the rest-day list, the list itself
/// (named [`LIST_NAME`]), and a notes sheet with the data version, the estimated years, the
/// rules' formulas and when to download it again.
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
///     path: "/v1/calendars/cn/workbook.xlsx?year=2026",
///     lang: Lang::Zh,
/// };
/// let bytes = workbook(&input).unwrap();
/// assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
/// assert_eq!(bytes, workbook(&input).unwrap(), "the same data give the same bytes");
/// ```
pub fn workbook(input: &WorkbookInput<'_>) -> Result<Vec<u8>, WorkbookError> {
    let says = input.lang.says();
    let words = says.workbook_words();
    let styles = Styles::new();
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
        YEAR_STATUS_NAME,
        &column_range(&notes_sheet, 'B', tables.years),
    )?;
    for (name, column) in [
        (RULES_NAME, 'A'),
        (RULE_WORKING_NAME, 'E'),
        (RULE_AMOUNT_NAME, 'F'),
        (RULE_IN_FORCE_NAME, 'G'),
    ] {
        book.define_name(name, &column_range(&notes_sheet, column, tables.rules))?;
    }
    Ok(book.save_to_buffer()?)
}

/// The formats the sheets use.
struct Styles {
    header: Format,
    date: Format,
    title: Format,
    paragraph: Format,
    code: Format,
}

impl Styles {
    fn new() -> Self {
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(0x00DD_EBF7)
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            title: Format::new().set_bold().set_font_size(14),
            paragraph: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            code: Format::new().set_font_name("Consolas"),
        }
    }
}

/// [`super::STAMP`] as the document's creation time.
fn excel_stamp() -> Result<ExcelDateTime, XlsxError> {
    let date = super::STAMP.date();
    ExcelDateTime::from_ymd(year_u16(date), date.month() as u8, date.day() as u8)
}

fn year_u16(date: NaiveDate) -> u16 {
    u16::try_from(date.year()).unwrap_or(u16::MAX)
}

fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(year_u16(date), date.month() as u8, date.day() as u8)
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

/// The due date of `rule` from the event in `event`, as a formula expression: N working days
/// later, or the N-th day later rolled forward to a working day.
fn due_expression(rule: &Rule, event: &str) -> String {
    match rule.unit {
        Unit::WorkingDays => format!(
            "WORKDAY.INTL({event},{},{NO_WEEKEND},{LIST_NAME})",
            rule.amount
        ),
        // WORKDAY.INTL with 0 days gives back its start even on a rest day, so the roll is
        // "the first working day after the day before": day N itself when it is worked.
        Unit::CalendarDays => format!(
            "WORKDAY.INTL({event}+{}-1,1,{NO_WEEKEND},{LIST_NAME})",
            rule.amount
        ),
        // Never asked for: `countable` leaves such rules out of the workbook.
        Unit::Months | Unit::Years | Unit::Hours | Unit::WorkingHours => literal(""),
    }
}

/// The rules a spreadsheet can count on the list: forward, in working days or in days, as civil
/// law counts them. A period in working hours needs the office's hours, which a list of dates
/// does not hold; months, backward and minimum periods, the tax counting and paused time need
/// more than WORKDAY.INTL: the service counts those, and the workbook leaves them out.
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

/// The rule the register's cell `rule_cell` names, as the notes' rules table lists it:
/// `(row in the table, counted in working days, amount)` as formula expressions. A lookup, not
/// one IF per rule, so that the formula stays short however many rules a set has.
fn looked_up(rule_cell: &str) -> (String, String, String) {
    let at = format!("MATCH({rule_cell},{RULES_NAME},0)");
    let working = format!("INDEX({RULE_WORKING_NAME},{at})");
    let amount = format!("INDEX({RULE_AMOUNT_NAME},{at})");
    (at, working, amount)
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

/// The due-date formula of register row `row` (1-based): empty until a rule and an event are
/// given, empty for an event before the rule's text came into force (the service counts it
/// under the text then in force, or refuses it), and empty when the list does not cover every
/// day the count walks over (outside the list, WORKDAY.INTL would take every day for a working
/// day).
pub fn due_formula(row: u32) -> String {
    let (rule, event) = (format!("$B{row}"), format!("$C{row}"));
    let (at, working, amount) = looked_up(&rule);
    // WORKDAY.INTL with 0 days gives back its start even on a rest day, so a calendar-day
    // period's roll is "the first working day after the day before": day N itself when worked.
    let due = format!(
        "IF({working},WORKDAY.INTL({event},{amount},{NO_WEEKEND},{LIST_NAME}),\
         WORKDAY.INTL({event}+{amount}-1,1,{NO_WEEKEND},{LIST_NAME}))"
    );
    format!(
        "=IF(OR({rule}=\"\",{event}=\"\",ISNA({at}),NOT(ISNUMBER({event}))),\"\",\
         IF(OR({event}<{FROM_NAME},{event}>{TO_NAME},{event}<INDEX({RULE_IN_FORCE_NAME},{at})),\"\",\
         IF({due}>{TO_NAME},\"\",{due})))"
    )
}

/// The status formula of register row `row`: why there is no due date, or whether the
/// deadline is ahead, today or past (on the machine's date), marked provisional when a day it
/// depends on is in an estimated year (from the day after the event for a working-day period,
/// from the nominal last day for a calendar-day one).
pub fn status_formula(words: &WorkbookWords, row: u32) -> String {
    let (rule, event, due) = (format!("$B{row}"), format!("$C{row}"), format!("$D{row}"));
    let (at, working, amount) = looked_up(&rule);
    let from = format!("IF({working},{event}+1,{event}+{amount})");
    let estimated = literal(words.estimated_year);
    format!(
        "=IF(OR({rule}=\"\",{event}=\"\"),\"\",IF(ISNA({at}),{choose},\
         IF(NOT(ISNUMBER({event})),{not_a_date},IF({event}<INDEX({RULE_IN_FORCE_NAME},{at}),{not_in_force},\
         IF({due}=\"\",{outside},\
         IF(TODAY()<{event},{not_started},IF(TODAY()>{due},{overdue},IF(TODAY()={due},{today},{pending})))\
         &IF(COUNTIFS({YEARS_NAME},YEAR({from}),{YEAR_STATUS_NAME},{estimated})\
         +COUNTIFS({YEARS_NAME},YEAR({due}),{YEAR_STATUS_NAME},{estimated})>0,{provisional},\"\"))))))",
        choose = literal(words.choose_rule),
        not_a_date = literal(words.not_a_date),
        not_in_force = literal(words.not_in_force),
        outside = literal(words.outside_list),
        overdue = literal(words.overdue),
        today = literal(words.due_today),
        pending = literal(words.pending),
        not_started = literal(words.not_started),
        provisional = literal(words.provisional),
    )
}

/// The register: a header, one example row per rule (its event on 30 September of the first
/// year), and the formulas in [`REGISTER_ROWS`] rows, with a dropdown of the rules and the
/// event dates held to the list's years.
fn write_register(
    sheet: &mut Worksheet,
    input: &WorkbookInput<'_>,
    words: &WorkbookWords,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    for (col, header) in (0u16..).zip(words.register_headers) {
        sheet.write_string_with_format(0, col, header, &styles.header)?;
    }
    sheet.insert_note(
        0,
        DUE,
        &Note::new(input.lang.says().workbook_due_note(LIST_NAME))
            .set_author("qixian")
            .add_author_prefix(false)
            .set_width(420)
            .set_height(120),
    )?;
    sheet.set_freeze_panes(1, 0)?;
    for (col, width) in [
        (DOCUMENT, 24.0),
        (RULE, 36.0),
        (EVENT, 12.0),
        (DUE, 12.0),
        (STATUS, 30.0),
    ] {
        sheet.set_column_width(col, width)?;
    }
    // No saved results: an application that shows saved values until it recalculates (LibreOffice
    // keeps a file's values by default) computes a formula whose saved value is empty, so
    // every value shown is the application's own count.
    sheet.set_formula_result_default("");
    let rules = countable(input.rules);
    let example_event = NaiveDate::from_ymd_opt(*input.rest.years.start(), 9, 30);
    for row in 1..=REGISTER_ROWS {
        let excel_row = row + 1;
        let example = usize::try_from(row - 1)
            .ok()
            .and_then(|i| rules.get(i))
            .zip(example_event);
        if let Some((rule, event)) = example {
            sheet.write_string(row, DOCUMENT, words.example)?;
            sheet.write_string(row, RULE, rule_label_of(&rules, rule))?;
            sheet.write_datetime_with_format(row, EVENT, excel_date(event)?, &styles.date)?;
        } else {
            sheet.write_blank(row, EVENT, &styles.date)?;
        }
        sheet.write_formula_with_format(row, DUE, due_formula(excel_row).as_str(), &styles.date)?;
        sheet.write_formula(row, STATUS, status_formula(words, excel_row).as_str())?;
    }
    // A reference to the notes' rules table, not a list of strings: Excel holds a list of
    // strings to 255 characters, which a few rules with statutes' names exceed.
    let rule_choice = DataValidation::new()
        .allow_list_formula(Formula::new(format!("={RULES_NAME}")))
        .set_input_title(words.rule_prompt.0)?
        .set_input_message(words.rule_prompt.1)?
        .set_error_title(words.rule_prompt.0)?
        .set_error_message(words.choose_rule)?;
    sheet.add_data_validation(1, RULE, REGISTER_ROWS, RULE, &rule_choice)?;
    let event_in_list = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            excel_date(input.rest.first_day())?,
            excel_date(input.rest.last_day())?,
        ))
        .set_input_title(words.event_prompt.0)?
        .set_input_message(words.event_prompt.1)?
        .set_error_title(words.event_outside.0)?
        .set_error_message(words.event_outside.1)?
        .set_error_style(DataValidationErrorStyle::Warning);
    sheet.add_data_validation(1, EVENT, REGISTER_ROWS, EVENT, &event_in_list)?;
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

/// Where the notes sheet put what the names point at (zero-based rows).
struct NoteTables {
    from: u32,
    to: u32,
    years: (u32, u32),
    rules: (u32, u32),
}

/// The notes: the title, the list's first and last day and the data version, the paragraphs
/// (what it is, when to refresh, how the formulas count), the years with their status, and
/// the rules with their formulas.
fn write_notes(
    sheet: &mut Worksheet,
    input: &WorkbookInput<'_>,
    styles: &Styles,
) -> Result<NoteTables, WorkbookError> {
    let says = input.lang.says();
    let words = says.workbook_words();
    let spec = input.calendar.spec();
    let (from_year, to_year) = (*input.rest.years.start(), *input.rest.years.end());
    let paragraphs = says.workbook_notes(&WorkbookFacts {
        calendar: (&spec.name, &spec.id),
        years: (from_year, to_year),
        estimated_years: &input.rest.estimated_years,
        data_version: input.data_version,
        path: input.path,
        list_name: LIST_NAME,
    });
    for (col, width) in [(0, 16.0), (1, 48.0), (2, 14.0), (3, 56.0)] {
        sheet.set_column_width(col, width)?;
    }
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
    sheet.write_string_with_format(row + 2, 1, input.data_version, &styles.code)?;
    row += 4;
    for paragraph in paragraphs {
        sheet.merge_range(row, 0, row, 3, &paragraph, &styles.paragraph)?;
        sheet.set_row_height(row, paragraph_height(&paragraph))?;
        row += 1;
    }
    row += 1;
    for (col, header) in (0u16..).zip(words.years_headers) {
        sheet.write_string_with_format(row, col, header, &styles.header)?;
    }
    let years_first = row + 1;
    for year in input.rest.years.clone() {
        row += 1;
        sheet.write_number(row, 0, year)?;
        let status = if input.rest.estimated_years.contains(&year) {
            words.estimated_year
        } else {
            words.published
        };
        sheet.write_string(row, 1, status)?;
    }
    let years = (years_first, row);
    row += 2;
    for (col, header) in (0u16..).zip(words.rules_headers) {
        sheet.write_string_with_format(row, col, header, &styles.header)?;
    }
    let rules_first = row + 1;
    let rules = countable(input.rules);
    let event = words.register_headers[2];
    for rule in &rules {
        row += 1;
        sheet.write_string(row, 0, rule_label_of(&rules, rule))?;
        sheet.write_string(row, 1, input.lang.pick(&rule.title))?;
        sheet.write_string(row, 2, says.period_length(&Period::of(rule)))?;
        sheet.write_string_with_format(
            row,
            3,
            format!("={}", due_expression(rule, event)),
            &styles.code,
        )?;
        sheet.write_boolean(row, 4, rule.unit == Unit::WorkingDays)?;
        sheet.write_number(row, 5, rule.amount)?;
        sheet.write_datetime_with_format(row, 6, excel_date(rule.in_force)?, &styles.date)?;
    }
    Ok(NoteTables {
        from: tables_from,
        to: tables_from + 1,
        years,
        rules: (rules_first, row.max(rules_first)),
    })
}

/// A row height that shows a wrapped paragraph whole across the four merged columns (about
/// 130 narrow characters a line; a Chinese character is two).
fn paragraph_height(text: &str) -> f64 {
    let width: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let lines = width.div_ceil(120).max(1);
    15.0 * lines as f64 + 3.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarSet;

    fn bytes(id: &str, years: std::ops::RangeInclusive<i32>, lang: Lang) -> Vec<u8> {
        let (set, rules) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
        let calendar = set.get(id).unwrap();
        let rest = calendar.rest_days(years).unwrap();
        workbook(&WorkbookInput {
            calendar,
            rest: &rest,
            rules: &rules,
            data_version: set.version(),
            path: "/v1/calendars/x/workbook.xlsx?year=2026",
            lang,
        })
        .unwrap()
    }

    #[test]
    fn every_calendar_writes_a_workbook_in_both_languages() {
        let set = CalendarSet::embedded().unwrap();
        for id in set.ids() {
            for lang in Lang::ALL {
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
    fn a_working_day_rule_is_workday_intl_and_a_calendar_day_rule_steps_back_one_day() {
        let rules = RuleBook::embedded();
        let countersign = rules.get("countersign-reply").unwrap();
        let filing = rules.get("approved-filing").unwrap();
        assert_eq!(
            due_expression(countersign, "$C2"),
            "WORKDAY.INTL($C2,7,\"0000000\",rest_days)"
        );
        assert_eq!(
            due_expression(filing, "$C2"),
            "WORKDAY.INTL($C2+30-1,1,\"0000000\",rest_days)"
        );
    }

    #[test]
    fn the_due_formula_looks_the_rule_up_and_checks_the_list_and_the_text_in_force_cover_it() {
        let formula = due_formula(7);
        assert!(formula.starts_with("=IF(OR($B7=\"\",$C7=\"\",ISNA(MATCH($B7,rule_articles,0))"));
        assert!(
            formula.contains(
                "IF(INDEX(rule_working_days,MATCH($B7,rule_articles,0)),\
                 WORKDAY.INTL($C7,INDEX(rule_amounts,MATCH($B7,rule_articles,0)),\"0000000\",rest_days),\
                 WORKDAY.INTL($C7+INDEX(rule_amounts,MATCH($B7,rule_articles,0))-1,1,\"0000000\",rest_days))"
            ),
            "{formula}"
        );
        assert!(formula.contains(
            "IF(OR($C7<rest_days_from,$C7>rest_days_to,$C7<INDEX(rule_in_force,MATCH($B7,rule_articles,0))),\"\""
        ));
        assert_eq!(
            formula.matches('(').count(),
            formula.matches(')').count(),
            "balanced: {formula}"
        );
        // However many rules there are, the formula stays far under Excel's 8,192 characters.
        assert!(formula.len() < 1_000, "{}", formula.len());
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

    #[test]
    fn the_status_formula_says_its_words_in_the_workbooks_language() {
        let en = status_formula(Lang::En.says().workbook_words(), 2);
        assert!(
            en.contains("\"overdue\"") && en.contains("\" (provisional)\""),
            "{en}"
        );
        let zh = status_formula(Lang::Zh.says().workbook_words(), 2);
        assert!(zh.contains("\"已逾期\"") && zh.contains("\"预估\""), "{zh}");
        assert!(
            zh.contains("IF(INDEX(rule_working_days,MATCH($B2,rule_articles,0)),$C2+1,$C2+INDEX(rule_amounts,"),
            "a calendar-day rule depends on its nominal last day on: {zh}"
        );
        assert!(zh.contains("\"起算日早于现行条文施行日期"), "{zh}");
        assert_eq!(zh.matches('(').count(), zh.matches(')').count(), "{zh}");
    }
}
