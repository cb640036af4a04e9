//! The register's print area: the rows a clerk has filled, with the header on every page, not
//! the [`REGISTER_ROWS`] rows that carry formulas. A fixed area cannot do it: the whole register
//! prints about eleven A4 pages of empty grid when nothing is typed, and any smaller one would
//! leave out the rows typed below it, which a printout must never do.
//!
//! So the area is a formula, which is how Excel keeps a print area that follows the data: the
//! sheet's `_xlnm.Print_Area` name (a built-in `definedName` of ECMA-376 part 1, whose value is
//! a formula like any name's) holds `OFFSET` from A1, as many rows as the number of the last
//! row with anything typed in a column a clerk types in — not `COUNTA` of the first column,
//! which would cut a row typed without its 文号, or below an emptied one. rust_xlsxwriter writes
//! `_xlnm.Print_Area` only as a fixed range (and refuses the name in `define_name`), so the
//! workbook is written with the fixed range and [`with_print_area`] puts the formula in its
//! place in `xl/workbook.xml`, copying every other part as it is.
//!
//! LibreOffice Calc (7.4) keeps the formula, and saves it back, but prints by fixed ranges only:
//! with a formula there it has no print range and prints its used area, every formula row (as
//! before), never fewer rows than are filled. Its e2e check (scripts/e2e/sheets_check.py)
//! evaluates the formula in Calc and counts the pages of the area it gives.

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::XlsxError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::{ADJUSTMENT, DOCUMENT, DONE, REGISTER_ROWS, STATUS, letter};

/// The rows below the header that the print area looks for typed cells in: twenty times those
/// with formulas, for the rows a clerk copies down (a bound keeps the formula cheap to evaluate
/// each time a page is laid out; whole columns would be a million rows).
const SEARCHED_ROWS: u32 = 20 * REGISTER_ROWS;

/// The part of an xlsx file that holds the defined names.
const WORKBOOK_PART: &str = "xl/workbook.xml";

/// The register's print area, `sheet` being its name as a formula writes it: from A1, the ten
/// columns, down to the last row with anything typed in 文号 … 延长/商定 (A–G) or 办结日期 (I)
/// — the header alone when none is. 截止日 and 状态 are formulas in every row, so they are not
/// looked at; `ISBLANK` rather than `<>""` so that an error value typed in a cell cannot make
/// the whole area an error.
pub(super) fn filled_rows(sheet: &str) -> String {
    let last = SEARCHED_ROWS + 1;
    let last_typed = |first: u16, end: u16| {
        let range = format!("{sheet}!${}$2:${}${last}", letter(first), letter(end));
        format!("SUMPRODUCT(MAX((1-ISBLANK({range}))*ROW({range})))")
    };
    format!(
        "OFFSET({sheet}!$A$1,0,0,MAX(1,{},{}),{})",
        last_typed(DOCUMENT, ADJUSTMENT),
        last_typed(DONE, DONE),
        STATUS + 1
    )
}

/// `xlsx` (as rust_xlsxwriter writes it) with the first sheet's print area defined as `area`, a
/// formula; the other parts are copied unchanged, so identical input gives identical bytes.
///
/// # Errors
/// [`XlsxError`] when `xlsx` is not a zip archive, or has no print area on its first sheet.
pub(super) fn with_print_area(xlsx: Vec<u8>, area: &str) -> Result<Vec<u8>, XlsxError> {
    let mut archive = ZipArchive::new(Cursor::new(xlsx))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let part = archive.by_index_raw(index)?;
        if part.name()? != WORKBOOK_PART {
            out.raw_copy_file(part)?;
            continue;
        }
        drop(part);
        let mut xml = String::new();
        archive.by_index(index)?.read_to_string(&mut xml)?;
        // The options rust_xlsxwriter writes its parts with: a fixed date, no one's umask.
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .unix_permissions(0o600)
            .last_modified_time(DateTime::default());
        out.start_file(WORKBOOK_PART, options)?;
        out.write_all(replace_print_area(&xml, area)?.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}

/// `xml` (a workbook part) with the value of the first sheet's `_xlnm.Print_Area` replaced.
fn replace_print_area(xml: &str, area: &str) -> Result<String, XlsxError> {
    const OPEN: &str = "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">";
    let start = xml.find(OPEN).map(|at| at + OPEN.len());
    let end = start.and_then(|start| Some(start + xml[start..].find("</definedName>")?));
    let (Some(start), Some(end)) = (start, end) else {
        return Err(XlsxError::ParameterError(format!(
            "{WORKBOOK_PART} has no print area for the register"
        )));
    };
    let area = area
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Ok(format!("{}{area}{}", &xml[..start], &xml[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_area_runs_from_the_header_to_the_last_row_typed_in_a_to_g_or_i() {
        // Written out by hand: A1, as many rows as the last typed row's number, ten columns.
        assert_eq!(
            filled_rows("'Deadlines'"),
            "OFFSET('Deadlines'!$A$1,0,0,MAX(1,\
             SUMPRODUCT(MAX((1-ISBLANK('Deadlines'!$A$2:$G$10001))*ROW('Deadlines'!$A$2:$G$10001))),\
             SUMPRODUCT(MAX((1-ISBLANK('Deadlines'!$I$2:$I$10001))*ROW('Deadlines'!$I$2:$I$10001)))),10)"
        );
    }

    #[test]
    fn only_the_first_sheets_print_area_is_replaced_and_escaped() {
        let xml = "<definedNames><definedName name=\"_xlnm.Print_Area\" localSheetId=\"1\">B!$A$1</definedName>\
                   <definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">A!$A$1:$J$501</definedName>\
                   <definedName name=\"x\">A!$B$1</definedName></definedNames>";
        assert_eq!(
            replace_print_area(xml, "OFFSET('R&D'!$A$1,0,0,2,10)").expect("a print area"),
            "<definedNames><definedName name=\"_xlnm.Print_Area\" localSheetId=\"1\">B!$A$1</definedName>\
             <definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">OFFSET('R&amp;D'!$A$1,0,0,2,10)</definedName>\
             <definedName name=\"x\">A!$B$1</definedName></definedNames>"
        );
    }

    #[test]
    fn a_workbook_without_a_print_area_is_an_error_not_a_silent_copy() {
        let xml = "<definedNames><definedName name=\"x\">A!$B$1</definedName></definedNames>";
        assert!(
            replace_print_area(xml, "A!$A$1").is_err(),
            "no print area to replace"
        );
    }
}
