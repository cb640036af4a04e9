//! A register's matters as a 台账 workbook of values: the workbook's register sheet with its
//! columns under the same names ([`super::workbook`]'s), then the register's own, each cell
//! the value the service computed — no formula, so that it shows in a viewer that calculates
//! nothing and needs no list of rest days. The caller gives the rows as text, as its CSV
//! export writes them; a column that holds dates or numbers has its cells written as such
//! where they read as one, so that a spreadsheet sorts and filters them.

use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, Workbook};

use super::workbook::{Styles, WorkbookError, excel_date, excel_stamp};
use crate::text::Lang;

/// What a column of the 台账 holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// Text.
    Text,
    /// A date (`2026-10-15`), where the cell reads as one; text otherwise.
    Date,
    /// A whole number, where the cell reads as one; text otherwise.
    Number,
}

/// A 台账 to write.
#[derive(Clone, Copy, Debug)]
pub struct Ledger<'a> {
    /// The register's name: the workbook's title.
    pub title: &'a str,
    /// The headers, in order.
    pub headers: &'a [&'a str],
    /// What each column holds, in the headers' order.
    pub holds: &'a [Holds],
    /// The rows, each a cell per header.
    pub rows: &'a [Vec<String>],
    /// The language of its sheet's name.
    pub lang: Lang,
}

/// The 台账 `ledger` as xlsx bytes: one sheet, named as the workbook's register sheet, the
/// header frozen and filtered, printed landscape on A4, one page wide.
///
/// # Errors
/// [`WorkbookError`] when the writer refuses something (a cell over Excel's 32,767
/// characters cannot come from a register, whose fields are capped).
///
/// # Example
/// ```
/// use qixian::export::ledger::{Holds, Ledger, ledger};
/// use qixian::text::Lang;
/// let rows = vec![vec!["克政办发〔2027〕1号".to_owned(), "2027-01-05".to_owned()]];
/// let bytes = ledger(&Ledger {
///     title: "州政府办公室",
///     headers: &["文号", "截止日"],
///     holds: &[Holds::Text, Holds::Date],
///     rows: &rows,
///     lang: Lang::Zh,
/// })
/// .unwrap();
/// assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
/// ```
pub fn ledger(ledger: &Ledger<'_>) -> Result<Vec<u8>, WorkbookError> {
    let words = ledger.lang.says().workbook_words();
    let styles = Styles::new(words);
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(ledger.title)
            .set_author("qixian")
            .set_creation_datetime(&excel_stamp()?),
    );
    let sheet = book.add_worksheet();
    sheet.set_name(words.register_sheet)?;
    let last_col = u16::try_from(ledger.headers.len().saturating_sub(1)).unwrap_or(u16::MAX);
    for (col, header) in (0u16..).zip(ledger.headers) {
        sheet.write_string_with_format(0, col, *header, &styles.header)?;
        let width = match ledger.holds.get(usize::from(col)) {
            Some(Holds::Date) => 11.0,
            Some(Holds::Number) => 8.0,
            _ => 16.0,
        };
        sheet.set_column_width(col, width)?;
    }
    for (row, cells) in (1u32..).zip(ledger.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            let holds = ledger.holds.get(usize::from(col)).copied();
            let date = (holds == Some(Holds::Date))
                .then(|| cell.parse::<NaiveDate>().ok())
                .flatten();
            let number = (holds == Some(Holds::Number))
                .then(|| cell.parse::<i32>().ok())
                .flatten();
            if cell.is_empty() {
                continue;
            } else if let Some(date) = date {
                sheet.write_datetime_with_format(row, col, excel_date(date)?, &styles.date)?;
            } else if let Some(number) = number {
                sheet.write_number(row, col, f64::from(number))?;
            } else {
                sheet.write_string(row, col, cell)?;
            }
        }
    }
    let last_row = u32::try_from(ledger.rows.len()).unwrap_or(u32::MAX);
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row.max(1), last_col)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_print_gridlines(true)
        .set_repeat_rows(0, 0)?;
    Ok(book.save_to_buffer()?)
}
