//! Content negotiation, and the bodies other than JSON: a bare value for spreadsheets'
//! `WEBSERVICE()` (`text`), CSV for `IMPORTDATA()` and spreadsheets (`csv`), iCalendar for
//! calendar programs (`ics`), and a workbook for Excel, WPS and LibreOffice (`xlsx`).
//!
//! A route offers a list of formats, its default first. The `format` query parameter wins
//! over `Accept` (a spreadsheet cannot set headers); a format the route does not offer is a
//! 406 problem, never a silent fallback to another format.

use std::fmt::Display;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::params::{Params, invalid};
use super::problem::ApiError;
use crate::export::ics;
use crate::text::{Invalid, Unoffered};

pub use super::format::{Format, XLSX};

/// How to answer: the format, and for a text answer the field it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// The format.
    pub format: Format,
    /// The field a text answer carries (`field=`, else the route's first).
    pub field: Option<&'static str>,
    /// Whether a CSV answer begins with a byte order mark (`bom=`).
    pub bom: bool,
}

/// How to answer `req`, among the formats its route offers (the default first): `format=` if
/// given, else the best match for `Accept`, else the default; with `field=` for a text answer.
///
/// # Errors
/// As [`negotiate_among`].
pub fn negotiate(req: &HttpRequest, params: &Params) -> Result<Negotiated, ApiError> {
    negotiate_among(req, params, params.query().formats)
}

/// As [`negotiate`], among `offered` (the default first) instead of the route's list.
///
/// # Errors
/// [`ApiError::NotAcceptable`] when `format=` names a format not offered, or when `Accept`
/// matches none; [`ApiError::InvalidParameter`] when `format`, `field` or `bom` is given twice,
/// `bom` is no flag, `field` names no field of the route, or `field` comes with another
/// format than text.
pub fn negotiate_among(
    req: &HttpRequest,
    params: &Params,
    offered: &[Format],
) -> Result<Negotiated, ApiError> {
    // Checked whatever the answer's format, like every other flag.
    let bom = offered.contains(&Format::Csv) && params.flag("bom")?;
    let fields = params.query().fields;
    // A route without fields does not take `field` (a caller's was refused by name).
    let given_field = if fields.is_empty() {
        None
    } else {
        params.get("field")?
    };
    let field = match given_field {
        None => None,
        Some(name) => Some(
            fields
                .iter()
                .copied()
                .find(|f| f.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    invalid(
                        "field",
                        Invalid::NoSuchField {
                            value: crate::time::quoted(name),
                            fields,
                        },
                    )
                })?,
        ),
    };
    // `field` alone asks for a text answer: a spreadsheet's URL needs nothing more.
    let format = match (field, params.get("format")?) {
        (Some(_), None) if offered.contains(&Format::Text) => Format::Text,
        _ => choose(req, params, offered)?,
    };
    if field.is_some() && format != Format::Text {
        return Err(invalid(
            "field",
            Invalid::FieldWithoutText {
                format: format.name(),
            },
        ));
    }
    Ok(Negotiated {
        format,
        field: field.or(fields.first().copied()),
        bom,
    })
}

fn choose(req: &HttpRequest, params: &Params, offered: &[Format]) -> Result<Format, ApiError> {
    let default = offered.first().copied().unwrap_or(Format::Json);
    let names = || {
        offered
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = params.get("format")? {
        return offered
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let known = <Format as strum::IntoEnumIterator>::iter()
                    .any(|f| f.name().eq_ignore_ascii_case(name));
                ApiError::NotAcceptable(Unoffered::Format {
                    name: crate::time::quoted(name),
                    known,
                    route: format!("{} {}", req.method(), req.path()),
                    offered: names(),
                })
            });
    }
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(default);
    };
    let ranges = parse_accept(accept);
    if ranges.is_empty() {
        return Ok(default);
    }
    best_match(&ranges, offered).ok_or_else(|| {
        ApiError::NotAcceptable(Unoffered::Accept {
            accept: crate::time::quoted(accept),
            route: format!("{} {}", req.method(), req.path()),
            media: offered
                .iter()
                .map(|f| f.media_type())
                .collect::<Vec<_>>()
                .join(", "),
            offered: names(),
        })
    })
}

/// One media range of `Accept`: type, subtype and weight.
#[derive(Debug, PartialEq)]
struct Range {
    kind: String,
    subtype: String,
    q: f32,
}

/// The media ranges of an `Accept` value; malformed entries are skipped.
fn parse_accept(value: &str) -> Vec<Range> {
    value
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let (kind, subtype) = parts.next()?.trim().split_once('/')?;
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, v)| v.trim().parse::<f32>().ok())?;
            Some(Range {
                kind: kind.trim().to_ascii_lowercase(),
                subtype: subtype.trim().to_ascii_lowercase(),
                q,
            })
        })
        .collect()
}

/// The offered format with the highest weight; an exact media type beats a wildcard (the most
/// specific range decides a type's weight, RFC 9110 §12.5.1), and the route's order breaks ties.
fn best_match(ranges: &[Range], offered: &[Format]) -> Option<Format> {
    let weight = |format: Format| {
        let (kind, subtype) = format.media_type().split_once('/')?;
        ranges
            .iter()
            .filter_map(|r| {
                let specificity = match (r.kind.as_str(), r.subtype.as_str()) {
                    (k, s) if k == kind && s == subtype => 2,
                    (k, "*") if k == kind => 1,
                    ("*", "*") => 0,
                    _ => return None,
                };
                Some((specificity, r.q))
            })
            .max_by_key(|(specificity, _)| *specificity)
            .filter(|(_, q)| *q > 0.0)
    };
    let mut best: Option<(Format, f32, u8)> = None;
    for &format in offered {
        if let Some((specificity, q)) = weight(format)
            && best.is_none_or(|(_, bq, bs)| q > bq || (q == bq && specificity > bs))
        {
            best = Some((format, q, specificity));
        }
    }
    best.map(|(format, _, _)| format)
}

/// Every negotiated answer depends on `Accept`: caches must keep one copy per value.
pub(crate) fn negotiated(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    res
}

/// Serialises a date as `YYYY-MM-DD`, as chrono does, without going through `Display`: half
/// the cost of serialising a small answer such as `/v1/workdays/add`'s was its two dates.
/// Years outside 0–9999 (which chrono writes with a sign) are left to chrono.
///
/// # Errors
/// Those of the serializer.
pub fn iso_date<S: serde::Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    let Ok(year @ 0..=9999) = u32::try_from(date.year()) else {
        return date.serialize(serializer);
    };
    let mut text = *b"0000-00-00";
    for (digits, mut value) in [(0..4, year), (5..7, date.month()), (8..10, date.day())] {
        for slot in text[digits].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    serializer.serialize_str(std::str::from_utf8(&text).expect("ASCII digits and dashes"))
}

/// Serialises an instant as RFC 3339 (`2026-10-15T19:30:00+08:00`), as chrono's `to_rfc3339`
/// writes it, into a buffer on the stack: a batch item's `due_at` went through chrono's
/// formatter into a new `String`, a tenth of the item's cost. A fraction of a second, a year
/// outside 0–9999 or an offset with seconds is left to chrono.
///
/// # Errors
/// Those of the serializer.
pub fn rfc3339<S: serde::Serializer, Z: chrono::TimeZone>(
    at: &chrono::DateTime<Z>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use chrono::{Offset, Timelike};
    let local = at.naive_local();
    let offset = at.offset().fix().local_minus_utc();
    let year = u32::try_from(local.year()).ok().filter(|&y| y <= 9999);
    let (Some(year), 0, 0) = (year, local.nanosecond(), offset % 60) else {
        return serializer.serialize_str(&at.to_rfc3339());
    };
    let mut text = *b"0000-00-00T00:00:00+00:00";
    if offset < 0 {
        text[19] = b'-';
    }
    let minutes = offset.unsigned_abs() / 60;
    for (digits, mut value) in [
        (0..4, year),
        (5..7, local.month()),
        (8..10, local.day()),
        (11..13, local.hour()),
        (14..16, local.minute()),
        (17..19, local.second()),
        (20..22, minutes / 60),
        (23..25, minutes % 60),
    ] {
        for slot in text[digits].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    serializer.serialize_str(std::str::from_utf8(&text).expect("ASCII digits and signs"))
}

/// As [`rfc3339`], for an optional instant (skipped when absent).
///
/// # Errors
/// Those of the serializer.
pub fn rfc3339_opt<S: serde::Serializer, Z: chrono::TimeZone>(
    at: &Option<chrono::DateTime<Z>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// As [`iso_date`], for an optional date (skipped when absent).
pub fn iso_date_opt<S: serde::Serializer>(
    date: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => iso_date(date, serializer),
        None => serializer.serialize_none(),
    }
}

/// A JSON answer.
pub fn json<T: Serialize>(body: &T) -> HttpResponse {
    // Most answers are a few hundred bytes: one allocation instead of a doubling series.
    let mut bytes = Vec::with_capacity(256);
    match serde_json::to_writer(&mut bytes, body) {
        Ok(()) => negotiated(
            HttpResponse::Ok()
                .insert_header((
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ))
                .body(bytes),
        ),
        // Our answers are plain structs and strings; this cannot happen, but if it did it
        // would be ours, not the caller's.
        Err(e) => ApiError::Internal(Box::new(e)).error_response(),
    }
}

/// A bare value and nothing else — no quotes, no trailing newline — so that a spreadsheet
/// cell holding `=WEBSERVICE(…)` gets exactly `2026-10-15` and `DATEVALUE` can read it.
pub fn text_answer(value: impl Display) -> HttpResponse {
    negotiated(
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(value.to_string()),
    )
}

/// `answer` in the negotiated format: JSON, or the chosen field alone as text (see
/// [`text_field`], whose `hint` says what a missing field needs).
///
/// # Errors
/// As [`text_field`].
pub fn answer<T: Serialize>(
    how: Negotiated,
    answer: &T,
    need_as_of: &[&str],
) -> Result<HttpResponse, ApiError> {
    match (how.format, how.field) {
        (Format::Text, Some(field)) => text_field(answer, field, need_as_of),
        _ => Ok(json(answer)),
    }
}

/// One field of an answer as a bare text value, for a spreadsheet cell: a string as it is, a
/// number in digits, a boolean as `1` or `0` (what `IF()` and `SUM()` take), `null` as
/// nothing. The field is looked for at the top of the answer, then one level down (a
/// deadline's `status.state`).
///
/// # Errors
/// [`ApiError::InvalidParameter`] naming `field` when the answer does not hold it, saying so
/// when it is one of `need_as_of`, the fields an answer holds only with `as_of`.
pub fn text_field<T: Serialize>(
    answer: &T,
    field: &str,
    need_as_of: &[&str],
) -> Result<HttpResponse, ApiError> {
    let value = serde_json::to_value(answer).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let found = value.get(field).or_else(|| {
        value
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
            .find_map(|v| v.as_object().and_then(|o| o.get(field)))
    });
    let text = match found {
        None => {
            return Err(invalid(
                "field",
                Invalid::FieldNotInAnswer {
                    field: field.to_owned(),
                    needs_as_of: need_as_of.contains(&field),
                },
            ));
        }
        Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::Bool(b)) => u8::from(*b).to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    Ok(text_answer(text))
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// RFC 4180 CSV: a header row — the fields of the row type `R` — then one row per item, CRLF
/// line ends, fields quoted only when they hold a comma, a quote or a line break (see
/// [`CsvRows`]).
///
/// No byte order mark unless `bom`: Google Sheets' `IMPORTDATA`, LibreOffice, Python's `csv`
/// and shell tools read UTF-8 as it is (the `charset=utf-8` says so) and would keep a BOM as
/// part of the first column's name. Only Excel opening a downloaded `.csv` file needs one to
/// read UTF-8 (else it assumes the ANSI code page and garbles 国庆节), so `bom=true` asks for it.
pub fn csv<R: Serialize + Default>(
    rows: impl IntoIterator<Item = R>,
    bom: bool,
) -> Result<HttpResponse, ApiError> {
    csv_under(columns::<R>(), rows, bom)
}

/// As [`csv()`], under `header` rather than the row type's field names: a header in the
/// answer's language (a register's 台账, whose columns are the workbook's).
///
/// # Errors
/// As [`csv()`].
pub fn csv_under<R: Serialize>(
    header: impl IntoIterator<Item = impl AsRef<str>>,
    rows: impl IntoIterator<Item = R>,
    bom: bool,
) -> Result<HttpResponse, ApiError> {
    let mut writer = CsvRows::new(header, bom);
    let mut body = Vec::new();
    for row in rows {
        writer
            .write(&row, &mut body)
            .map_err(|e| ApiError::Internal(Box::new(e)))?;
    }
    writer.flush(&mut body);
    Ok(negotiated(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(body),
    ))
}

/// The columns of the CSV row type `R`: its fields' names (serde's, renames included), read
/// from the header `csv` writes before a row.
pub fn columns<R: Serialize + Default>() -> Vec<String> {
    record_of(&R::default(), true)
}

/// The cells `csv` writes for `row` ([`Guarded`] texts guarded), or with `header` its
/// header's: a flat row read back as text.
pub fn record_of<R: Serialize>(row: &R, header: bool) -> Vec<String> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(header)
        .from_writer(Vec::new());
    let written = writer
        .serialize(row)
        .ok()
        .and_then(|()| writer.into_inner().ok())
        .unwrap_or_default();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(written.as_slice())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|cells| cells.iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A text cell of a CSV row. A cell that a spreadsheet would read as a formula — text
/// beginning with `=`, `+`, `-`, `@`, a tab or a carriage return, that is not a plain number —
/// is written with a `'` before it, so that a name or a value that came from data or from a
/// caller can never run in Excel or WPS (OWASP's advice on CSV injection). Numbers such as
/// `-2` are left as they are. Every text field of a row struct is a `Guarded`; names of the
/// API's own vocabularies (`holiday`, `working_days`), numbers, flags and dates cannot be
/// formulas and are written as they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Guarded<S>(pub S);

impl<S: AsRef<str>> Serialize for Guarded<S> {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let field = self.0.as_ref();
        let number = field
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && field.parse::<f64>().is_ok();
        if field.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
            serializer.collect_str(&format_args!("'{field}"))
        } else {
            serializer.serialize_str(field)
        }
    }
}

/// CSV written row by row, with [`csv::Writer::serialize`]: into one body, or into the pieces
/// of a streamed answer. A row is a flat struct (or a tuple of them, and a list of
/// [`Guarded`]s last); its text fields are [`Guarded`]s.
pub struct CsvRows {
    /// How each row is written: RFC 4180, CRLF, quoted only where needed.
    builder: csv::WriterBuilder,
    /// What comes before the first row: the byte order mark, if asked for, and the header.
    pending: Vec<u8>,
}

impl CsvRows {
    /// Begins with the byte order mark, if asked for, and the header row.
    pub fn new(header: impl IntoIterator<Item = impl AsRef<str>>, bom: bool) -> Self {
        let mut builder = csv::WriterBuilder::new();
        builder
            .has_headers(false)
            .terminator(csv::Terminator::CRLF)
            // A row is written straight into the answer: a small buffer suffices.
            .buffer_capacity(1024);
        let mut rows = CsvRows {
            builder,
            pending: if bom { BOM.to_vec() } else { Vec::new() },
        };
        let header: Vec<Guarded<_>> = header.into_iter().map(Guarded).collect();
        let mut pending = std::mem::take(&mut rows.pending);
        // A list of strings cannot fail to be written into a Vec.
        let _ = rows.record(&header, &mut pending);
        rows.pending = pending;
        rows
    }

    /// Appends what is not yet written (the header, the first time) and one row to `out`.
    ///
    /// # Errors
    /// When `row` is not a flat record (a map, a nested list): a mistake of the row's type.
    pub fn write<R: Serialize>(&mut self, row: &R, out: &mut Vec<u8>) -> csv::Result<()> {
        self.flush(out);
        self.record(row, out)
    }

    /// Appends what is not yet written to `out`: the header of an answer without rows.
    pub fn flush(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.pending);
    }

    /// Appends one record to `out`.
    fn record<R: Serialize>(&self, row: &R, out: &mut Vec<u8>) -> csv::Result<()> {
        let mut writer = self.builder.from_writer(out);
        writer.serialize(row)?;
        writer.flush()?;
        Ok(())
    }
}

/// A list of values as text, one a line, each line ended by a line feed (so that `wc -l` and
/// a spreadsheet's import count them right): `2026-01-03\n2026-01-04\n…`.
pub fn lines<T: Display>(values: impl IntoIterator<Item = T>) -> HttpResponse {
    use std::fmt::Write as _;
    let mut body = String::new();
    for value in values {
        // Writing to a String cannot fail.
        let _ = writeln!(body, "{value}");
    }
    negotiated(
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(body),
    )
}

/// A workbook to download, saved as `filename` (ASCII letters, digits, `-` and `.`).
pub fn xlsx(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    negotiated(
        HttpResponse::Ok()
            .content_type(XLSX)
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ))
            .body(bytes),
    )
}

/// An iCalendar answer.
pub fn ics(feed: &ics::IcsFeed) -> HttpResponse {
    negotiated(
        HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .body(feed.to_ics()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rfc3339_writes_what_chrono_writes(
            seconds in -80_000_000_000i64..300_000_000_000,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
            zone in prop::sample::select(vec![
                "Asia/Shanghai", "Asia/Urumqi", "UTC", "Asia/Kolkata", "America/Santiago",
                "America/St_Johns", "Africa/Monrovia", "Europe/Amsterdam", "Pacific/Chatham",
            ]),
        ) {
            let zone: chrono_tz::Tz = zone.parse().expect("a zone");
            let utc = chrono::DateTime::from_timestamp(seconds, nanos).expect("within chrono's range");
            let at = utc.with_timezone(&zone);
            #[derive(Serialize)]
            struct Fast(#[serde(serialize_with = "rfc3339")] chrono::DateTime<chrono_tz::Tz>);
            prop_assert_eq!(
                serde_json::to_string(&Fast(at)).unwrap(),
                serde_json::to_string(&at.to_rfc3339()).unwrap()
            );
        }

        fn iso_date_writes_what_chrono_writes(days in -1_000_000i32..4_000_000) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).expect("within chrono's range");
            #[derive(Serialize)]
            struct Fast(#[serde(serialize_with = "iso_date")] NaiveDate);
            prop_assert_eq!(
                serde_json::to_string(&Fast(date)).unwrap(),
                serde_json::to_string(&date).unwrap()
            );
        }
    }

    fn pick(accept: &str, offered: &[Format]) -> Option<Format> {
        best_match(&parse_accept(accept), offered)
    }

    #[test]
    fn an_exact_media_type_beats_a_wildcard_of_the_same_weight() {
        assert_eq!(
            pick("text/plain, */*", &[Format::Json, Format::Text]),
            Some(Format::Text),
            "expected text/plain to win over */*"
        );
    }

    #[test]
    fn a_wildcard_alone_picks_the_default() {
        assert_eq!(
            pick("*/*", &[Format::Json, Format::Text]),
            Some(Format::Json),
            "expected the route's default for */*"
        );
    }

    #[test]
    fn weights_decide_and_zero_means_not_acceptable() {
        assert_eq!(
            pick(
                "application/json;q=0.5, text/csv",
                &[Format::Json, Format::Csv]
            ),
            Some(Format::Csv),
            "expected the heavier text/csv"
        );
        assert_eq!(
            pick("text/csv;q=0, */*;q=0.1", &[Format::Csv]),
            None,
            "expected q=0 to refuse text/csv even under */*"
        );
    }

    #[test]
    fn a_media_type_the_route_does_not_offer_matches_nothing() {
        assert_eq!(
            pick("text/html", &[Format::Json, Format::Text]),
            None,
            "expected no match for text/html"
        );
        assert_eq!(
            pick("text/*", &[Format::Json, Format::Text]),
            Some(Format::Text),
            "expected text/* to match text/plain"
        );
    }

    #[test]
    fn malformed_accept_entries_are_skipped() {
        assert_eq!(
            parse_accept("nonsense, text/csv;q=abc, text/plain;q=0.5"),
            vec![Range {
                kind: "text".to_owned(),
                subtype: "plain".to_owned(),
                q: 0.5
            }],
            "expected only the well-formed entry"
        );
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    fn record(fields: &[&str]) -> String {
        let mut out = Vec::new();
        let mut rows = CsvRows::new(fields, false);
        rows.flush(&mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(record(&["a", "国庆节", ""]), "a,国庆节,\r\n");
        assert_eq!(
            record(&["a,b", "say \"hi\"", "x\ny"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\r\n"
        );
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not() {
        assert_eq!(
            record(&["=HYPERLINK(\"http://x\")"]),
            "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"
        );
        assert_eq!(
            record(&["+86 138", "@SUM(A1)", "-", "\tx"]),
            "'+86 138,'@SUM(A1),'-,'\tx\r\n"
        );
        assert_eq!(
            record(&["-2", "+3", "-1.5"]),
            "-2,+3,-1.5\r\n",
            "numbers stay numbers"
        );
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row<'a> {
        date: NaiveDate,
        name: Option<Guarded<&'a str>>,
        working: bool,
        #[serde(rename = "left")]
        working_days_left: i64,
    }

    #[test]
    fn a_row_is_its_fields_in_order_under_their_names() {
        assert_eq!(columns::<Row<'_>>(), ["date", "name", "working", "left"]);
        let mut rows = CsvRows::new(columns::<Row<'_>>(), true);
        let mut out = Vec::new();
        let day = NaiveDate::from_ymd_opt(2026, 10, 1).expect("a date");
        for name in [Some(Guarded("=国庆节")), None] {
            let row = Row {
                date: day,
                name,
                working: false,
                working_days_left: -2,
            };
            rows.write(&(row, vec![Guarded("+x"), Guarded("y,z")]), &mut out)
                .expect("a flat row");
        }
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "\u{feff}date,name,working,left\r\n\
             2026-10-01,'=国庆节,false,-2,'+x,\"y,z\"\r\n\
             2026-10-01,,false,-2,'+x,\"y,z\"\r\n",
            "the header, then each row with the caller's columns after it, formulas neutralised"
        );
    }
}
