//! The English catalogue: what the service says, in English. It is also the `Display` of the
//! domain's errors, so the log says the same as an English answer.

use std::fmt;

use chrono::{NaiveDate, Weekday};

use super::{
    Body, Catalogue, Cross, DeadlineFacts, FixedEnding, Invalid, Limit, MatterFacts, Media, Reason,
    Refused, RowWhy, Slow, Standing, Strictly, Title, Unoffered, WorkbookWords,
};
use crate::calendar::backtest::Record;
use crate::calendar::hours::{IntervalError, MAX_INTERVALS};
use crate::calendar::{CalendarError, DayKind, FIRST_DAY, LAST_DAY, MAX_LISTED_DAYS};
use crate::deadline::{
    Article, BadValue, ChosenBy, Consequence, Cutoff, DeadlineError, Ending, Expected, HoursFrom,
    InputError, JsonKind, Period, Readings, RuleCutoff, Unit, UnknownUnit,
};
use crate::lang::Lang;
use crate::register::MatterError;
use crate::time::{DateError, MomentError, ZoneError, quote};

/// The English catalogue.
pub struct En;

/// What to send, said whenever a batch's body is not it.
const WHAT_TO_SEND: &str = "send Content-Type: application/json with {\"items\": [{…}, …]}, or Content-Type: text/csv with a header row naming request fields";

/// ` (did you mean x?)` or nothing.
fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default()
}

fn unit(unit: Unit, amount: u32) -> String {
    match (unit, amount) {
        (Unit::WorkingDays, 1) => "1 working day".to_owned(),
        (Unit::WorkingDays, n) => format!("{n} working days"),
        (Unit::CalendarDays, 1) => "1 day".to_owned(),
        (Unit::CalendarDays, n) => format!("{n} days"),
        (Unit::WorkingHours, 1) => "1 working hour".to_owned(),
        (Unit::WorkingHours, n) => format!("{n} working hours"),
        (Unit::Months, 1) => "1 month".to_owned(),
        (Unit::Months, n) => format!("{n} months"),
        (Unit::Years, 1) => "1 year".to_owned(),
        (Unit::Years, n) => format!("{n} years"),
        (Unit::Hours, 1) => "1 hour".to_owned(),
        (Unit::Hours, n) => format!("{n} hours"),
    }
}

fn holiday_in_english(name: &str) -> Option<&'static str> {
    Some(match name {
        "元旦" => "New Year's Day",
        "春节" => "Spring Festival",
        "清明节" => "Qingming Festival",
        "劳动节" => "Labour Day",
        "端午节" => "Dragon Boat Festival",
        "中秋节" => "Mid-Autumn Festival",
        "国庆节" => "National Day",
        "国庆节、中秋节" => "National Day and Mid-Autumn Festival",
        "肉孜节" => "Eid al-Fitr",
        "古尔邦节" => "Eid al-Adha",
        "抗战胜利纪念日" => "Victory Day",
        _ => return None,
    })
}

/// `3 h 30 min`.
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `2022–2023`, `2023`.
fn years(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// A holiday's name as an English text shows it: `国庆节 (National Day)`.
fn holiday(name: &str) -> String {
    match holiday_in_english(name) {
        Some(english) => format!("{name} ({english})"),
        None => name.to_owned(),
    }
}

impl Catalogue for En {
    fn title(&self, title: Title) -> &'static str {
        match title {
            Title::MissingParameter => "A required parameter is missing",
            Title::InvalidParameter => "A parameter is not valid",
            Title::UnknownParameter => "A parameter is not known",
            Title::InvalidBody => "The request body is not valid",
            Title::UnknownCalendar => "Unknown calendar",
            Title::OutOfRange => "Date outside the supported range",
            Title::UnknownRule => "Unknown rule",
            Title::UnknownTimezone => "Unknown time zone",
            Title::InvalidEvent => "The event is not a date or an instant",
            Title::Provisional => "The answer is provisional",
            Title::NoOfficeHours => "The calendar gives no office hours",
            Title::UnitNotAllowed => "This rule's unit cannot be changed",
            Title::FormNotAllowed => "This rule's form cannot be changed",
            Title::NotAllowedByStatute => "The rule's statute does not allow this",
            Title::NotInForce => "The rule's text was not in force on the event's day",
            Title::NoExtension => "No extension is allowed",
            Title::DaysNotAllowed => "This rule's period cannot be changed",
            Title::AmountOutOfRange => "The period's length is out of range",
            Title::NotFound => "Not found",
            Title::TooLarge => "The request is too large",
            Title::UnsupportedMediaType => "Unsupported media type",
            Title::NotAcceptable => "The format asked for is not offered",
            Title::MethodNotAllowed => "Method not allowed",
            Title::QueryTooLong => "The query string is too long",
            Title::Timeout => "The request took too long",
            Title::BadRequest => "The request is not valid",
            Title::Unauthorized => "Unauthorized",
            Title::Forbidden => "Forbidden",
            Title::PreconditionFailed => "Changed by another",
            Title::Conflict => "Conflicts with the current state",
            Title::TooManyRequests => "Too many requests",
            Title::DatabaseUnavailable => "Database unavailable",
            Title::VersionGone => "Data version no longer kept",
            Title::FieldTooLong => "Field too long",
            Title::InvalidRows => "Rows that cannot be imported",
            Title::Internal => "Internal error",
        }
    }

    fn missing_parameter(&self, name: &str) -> String {
        format!("parameter {name} is required")
    }

    fn invalid_parameter(&self, name: &str, why: &Invalid) -> String {
        let why = match why {
            Invalid::GivenTwice => "is given more than once".to_owned(),
            Invalid::Value(value) => self.bad_value(value),
            Invalid::NoneOf { value, choices } => {
                format!("{value} is none of {}", choices.join(", "))
            }
            Invalid::NoSuchField { value, fields } => format!(
                "{value} is no field of this answer; the fields are {}",
                fields.join(", ")
            ),
            Invalid::FieldWithoutText { format } => format!(
                "chooses what a text answer carries; this answer is {format} (leave out format, or write format=text)"
            ),
            Invalid::FieldNotInAnswer { field, needs_as_of } => format!(
                "{field} is not part of this answer{}",
                if *needs_as_of {
                    "; state, working_days_left and consequence need as_of (as_of=today for today's)"
                } else {
                    ""
                }
            ),
            Invalid::YearOutside { year, first, last } => {
                format!("{year} is outside the supported years {first} to {last}")
            }
            Invalid::YearAndRange => "give year, or from_year and to_year, not both".to_owned(),
            Invalid::Origin { value } => {
                format!("{value} is not part of an http or https origin (scheme://host[:port])")
            }
            Invalid::YearsBackwards { from, to } => format!("{to} is before from_year {from}"),
            Invalid::TooManyYears { from, to, max } => format!(
                "{from} to {to} spans {} years; at most {max} are answered at once",
                to - from + 1
            ),
            Invalid::Date(e) => self.date_error(e),
            Invalid::Moment(e) => self.moment_error(e),
            Invalid::Hours(e) => self.interval_error(e),
            Invalid::Range(e) => self.calendar_error(e),
            Invalid::Limit { max } => format!("must be a whole number from 1 to {max}"),
            Invalid::Cursor => {
                "is no cursor this list gave (read again from the first page)".to_owned()
            }
            Invalid::PagedExport => "an export (CSV, xlsx) holds every matter and is not paged: \
                                     limit and cursor page the JSON list"
                .to_owned(),
            Invalid::Lang { value } => format!(
                "{value} is no language of this service; it speaks {}",
                super::listed(<Lang as strum::VariantNames>::VARIANTS, ", ", " and ")
            ),
        };
        format!("parameter {name}: {why}")
    }

    fn unknown_parameter(
        &self,
        name: &str,
        suggestion: Option<&str>,
        known: &str,
        route: &str,
    ) -> String {
        format!(
            "parameter {name} is not known to {route}{}; it takes: {}",
            suggestion
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default(),
            if known.is_empty() {
                "no parameters"
            } else {
                known
            }
        )
    }

    fn body(&self, body: &Body) -> String {
        let what = match body {
            Body::Cut => "the body was cut".to_owned(),
            Body::NotUtf8 => "the body is not UTF-8 JSON".to_owned(),
            Body::BareArray => format!(
                "the body is a bare JSON array; wrap it as {{\"items\": [...]}} ({WHAT_TO_SEND})"
            ),
            Body::NotABatch(p) => format!(
                "not the JSON expected ({{\"items\": [...]}}): {}",
                self.json_problem(p)
            ),
            Body::NotADeadline(p) => format!("not a deadline request: {}", self.json_problem(p)),
            Body::NotAStoredDeadline(p) => format!(
                "not a stored deadline to recheck ({{\"request\": {{…}}, \"due_date\": …, \"due_at\": …, \"data_version\": …}}): {}",
                self.json_problem(p)
            ),
            Body::CsvNotUtf8 => "the CSV body is not UTF-8 (save it as CSV UTF-8)".to_owned(),
            Body::CsvHeader => "the CSV header row is not valid".to_owned(),
            Body::CsvEmpty => {
                "the CSV body is empty; its first row must name the request fields".to_owned()
            }
            Body::CsvColumnTwice(name) => format!("CSV column {name} is named twice"),
            Body::CsvNoField => format!(
                "no CSV column names a deadline request field; the fields are {}",
                crate::deadline::Input::FIELDS.join(", ")
            ),
            Body::CsvRow(Some(line)) => format!("line {line} is not a CSV row"),
            Body::CsvRow(None) => "a line is not a CSV row".to_owned(),
            Body::CsvRowWidth { got, want } => {
                format!("the row has {got} fields but the header names {want} columns")
            }
        };
        format!("the request body is not valid: {what}")
    }

    fn limit(&self, limit: &Limit) -> String {
        match limit {
            Limit::Body { length, limit } => {
                format!("the body has {length} bytes; at most {limit} are taken")
            }
            Limit::Batch { count, limit } => {
                format!("the batch holds {count} items; at most {limit} are taken at once")
            }
            Limit::Explained { explained } => format!(
                "this batch has already explained {explained} days, the most one batch may; ask for this item's explanation in another request"
            ),
            Limit::Query { length, limit } => {
                format!("the query string has {length} bytes; at most {limit} are taken")
            }
            Limit::Versions { count, limit } => format!(
                "the recheck names {count} data versions other than the one in force; at most {limit} are taken in one recheck: send the deadlines of the other versions in another"
            ),
        }
    }

    fn media(&self, media: &Media) -> String {
        match media {
            Media::Encoding(given) => {
                format!("Content-Encoding {given} is not taken; send the body as it is")
            }
            Media::NoContentType => format!("the request has no Content-Type; {WHAT_TO_SEND}"),
            Media::ContentType(given) => {
                format!("Content-Type {given} is not taken; {WHAT_TO_SEND}")
            }
        }
    }

    fn unoffered(&self, what: &Unoffered) -> String {
        match what {
            Unoffered::Format {
                name,
                known,
                route,
                offered,
            } => {
                let how = if *known {
                    "is not offered by"
                } else {
                    "is unknown to"
                };
                format!("format {name} {how} {route}; offered: {offered}")
            }
            Unoffered::Accept {
                accept,
                route,
                media,
                offered,
            } => format!(
                "accept {accept} matches nothing {route} answers; it answers {media} (or ask with format={offered})"
            ),
        }
    }

    fn no_route(&self, route: &str) -> String {
        format!("no route for {route}")
    }

    fn route_near(&self, near: &str) -> String {
        format!("; did you mean {near}?")
    }

    fn routes_are(&self, routes: &str) -> String {
        format!("; the routes are {routes}")
    }

    fn no_feed_file(&self, year: i32) -> String {
        format!("no feed file for {year} is in force; there is nothing to withdraw")
    }

    fn slow(&self, slow: &Slow) -> String {
        match slow {
            Slow::Request { secs } => format!("the request took longer than {secs} s"),
            Slow::BodyStalled { secs } => format!(
                "the body stopped arriving for {secs} s; the batch's turn was given to another"
            ),
            Slow::Busy { work, retry_after } => {
                let what = match work {
                    super::Heavy::Compile => "other kept data versions are being compiled again",
                    super::Heavy::Export => "other exports are being built",
                };
                format!("{what}; try again in {retry_after} s")
            }
        }
    }

    fn method_not_allowed(&self, route: &str, allow: &str) -> String {
        let (method, path) = route.split_once(' ').unwrap_or((route, ""));
        format!("{method} is not allowed on {path}; allowed: {allow}")
    }

    fn strictly(&self, what: Strictly) -> String {
        let what = match what {
            Strictly::Day => "the day's year is unpublished",
            Strictly::Days | Strictly::Count => "the range includes unpublished years",
            Strictly::Add => "the count crosses unpublished years",
        };
        format!("the answer depends on provisional days ({what}) and strict=true was asked")
    }

    fn version_not_kept(&self, version: &str) -> String {
        format!("data version {version} is not kept (never in force here, or pruned)")
    }

    fn oldest_kept(&self, oldest: &str) -> String {
        format!("; the oldest kept is {oldest}")
    }

    fn version_unusable(&self, version: &str) -> String {
        format!("data version {version} is kept but cannot be compiled again; the cause is logged")
    }

    fn unauthorized(&self) -> String {
        "a valid admin token is required".to_owned()
    }

    fn row_problem(&self, why: &RowWhy) -> String {
        match why {
            RowWhy::UnknownColumn => format!(
                "no column of the register; its columns: {}",
                self.ledger_columns().join(", ")
            ),
            RowWhy::ColumnTwice => "the column is given twice".to_owned(),
            RowWhy::NotARow => "not a CSV row, or wider than the header".to_owned(),
            RowWhy::Adjustment(value) => format!("{value} is neither 延长 (extended) nor a date"),
            RowWhy::NotADate(value) => format!("{value} is not a date"),
            RowWhy::NotAnInstant(value) => format!(
                "{value} is not a date-time with its offset (such as 2026-10-15T10:00:00+08:00)"
            ),
            RowWhy::Period(problem) => format!(
                "not a JSON object of period fields: {}",
                self.json_problem(problem)
            ),
            RowWhy::Matter(e) => self.refused(&Refused::Matter(e.clone())),
        }
    }

    fn ledger_headers(&self) -> [&'static str; 12] {
        [
            "Notes",
            "Calendar",
            "Other period fields",
            "Completed at",
            "Acknowledged due",
            "Due at",
            "Provisional",
            "Working days left",
            "Moved",
            "Problem",
            "Id",
            "Version",
        ]
    }

    fn unreadable_matter(&self) -> String {
        "this matter's stored record does not read back (the log says why); ask the operator"
            .to_owned()
    }

    fn row_at(&self, row: u64, column: &str, why: &str) -> String {
        format!("row {row}, {column}: {why}")
    }

    fn rows_refused(&self, count: usize, shown: &[String], more: bool) -> String {
        let more = if more { "; …" } else { "" };
        format!(
            "{count} rows cannot be imported, so nothing was: {}{more} (errors lists each)",
            shown.join("; ")
        )
    }

    fn refused(&self, what: &Refused) -> String {
        match what {
            Refused::NoKey => {
                "the register's key is required (Authorization: Bearer <key>)".to_owned()
            }
            Refused::NotYours => "this key does not open this register".to_owned(),
            Refused::NoMatter => "the register has no such matter".to_owned(),
            Refused::Stale { current } => format!(
                "the matter was changed by another since the version given; it is now at version {current} (read it again)"
            ),
            Refused::Unavailable => {
                "the registers' database cannot be reached; try again later".to_owned()
            }
            Refused::Unrecorded => "the database the replicas share cannot be reached: the change was not made and the data in force are as they were; try again later".to_owned(),
            Refused::NotAMatter(p) => format!(
                "not a matter ({{\"doc_number\": …, \"subject\": …, \"period\": {{…}}}}): {}",
                self.json_problem(p)
            ),
            Refused::NotAMattersField(name) => format!(
                "field {name} is not a matter's; its fields are doc_number, subject, sender, handler, notes and period"
            ),
            Refused::Matter(MatterError::Period(e)) => {
                format!("the matter's period: {}", self.deadline_error(e))
            }
            Refused::Matter(MatterError::StatusInPeriod(field)) => format!(
                "the matter's period may not set {field}: the register judges its state (complete it instead)"
            ),
            Refused::Matter(MatterError::NoPeriod) => {
                "a matter needs its period (period: the fields of POST /v1/deadlines)".to_owned()
            }
            Refused::Matter(MatterError::Unnamed) => {
                "a matter needs a document number (doc_number) or a subject".to_owned()
            }
            Refused::Name => {
                "the body must be {\"name\": \"…\"}, a register's name of 1 to 200 characters"
                    .to_owned()
            }
            Refused::Matter(MatterError::TooLong { field, max }) => {
                format!("the matter's {field} is longer than {max} characters")
            }
            Refused::ActionBody => {
                "an action takes no body: send the POST with an empty body".to_owned()
            }
            Refused::Import(rows) => self.import_refused(rows),
            Refused::NotTheCalendarToken => "this token does not open this register's calendar (it may have been revoked or replaced; a register's key is not a calendar token)".to_owned(),
            Refused::ReadOnly => "this key only reads; it cannot change the register".to_owned(),
            Refused::NoSuchKey => "the register has no key with that label".to_owned(),
            Refused::LabelTaken => "the register has a key with that label already (revoked ones count); choose another label".to_owned(),
            Refused::LastWritingKey => "this is the register's last key that writes: without it nobody could change the register; add another writing key first".to_owned(),
            Refused::KeyBody => "the body must be {\"label\": \"…\", \"read_only\": true|false}, a label of 1 to 100 characters without \"/\" or control characters".to_owned(),
            Refused::TooManyRequests { retry_after } => format!(
                "this key made too many requests; try again in {retry_after} s"
            ),
        }
    }

    fn internal(&self) -> String {
        "the server could not answer; the cause is logged".to_owned()
    }

    fn cross_origin(&self, cross: Cross) -> String {
        match cross {
            Cross::OriginNotAllowed => {
                "Origin is not allowed to make this request (QIXIAN_CORS_ORIGINS lists the pages that may)"
            }
            Cross::MethodNotAllowed => "the method is not allowed across origins (GET and POST are)",
            Cross::HeadersNotAllowed => {
                "a request header is not allowed across origins (Content-Type is)"
            }
            Cross::BadPreflight => {
                "the preflight request lacks Origin or Access-Control-Request-Method, or has a bad one"
            }
        }
        .to_owned()
    }

    fn framework(&self, status: u16) -> String {
        match status {
            413 => "the request body is larger than this route takes",
            415 => "the request body is of a media type this route does not read",
            404 => "there is nothing here",
            405 => "the method is not allowed here",
            400..=499 => "the request could not be read",
            _ => "the server could not answer; the cause is logged",
        }
        .to_owned()
    }

    fn calendar_error(&self, error: &CalendarError) -> String {
        match error {
            CalendarError::OutOfRange { date } => {
                format!("date {date} is outside the supported range {FIRST_DAY} to {LAST_DAY}")
            }
            CalendarError::ResultOutOfRange { start, days } => format!(
                "{days} working days from {start} falls outside the supported range {FIRST_DAY} to {LAST_DAY}"
            ),
            CalendarError::HoursOutOfRange { start, minutes } => format!(
                "{minutes} minutes of office time from {start} fall outside the supported range {FIRST_DAY} to {LAST_DAY}"
            ),
            CalendarError::Backwards { from, to } => format!("{to} is before from {from}"),
            CalendarError::TooLong { from, to, days } => format!(
                "the range {from} to {to} spans {days} days; at most {MAX_LISTED_DAYS} are listed at once"
            ),
            CalendarError::NoOfficeHours { calendar } => format!(
                "calendar {calendar} gives no office hours, so office time cannot be counted on it; give them with office_hours (such as 10:00-14:00,16:00-20:00)"
            ),
            CalendarError::UnknownCalendar {
                id,
                known,
                suggestion,
            } => format!(
                "calendar {} is not known{}; known calendars: {known}",
                quote(id),
                did_you_mean(suggestion.as_deref())
            ),
        }
    }

    fn deadline_error(&self, error: &DeadlineError) -> String {
        match error {
            DeadlineError::UnknownRule {
                id,
                known,
                suggestion,
            } => format!(
                "rule {} is not known{}; known rules: {known}",
                quote(id),
                did_you_mean(suggestion.as_deref())
            ),
            DeadlineError::Zone { field, source } => {
                format!("{field}: {}", self.zone_error(source))
            }
            DeadlineError::Event(e) => format!("event {}", self.moment_error(e)),
            DeadlineError::AsOf(e) => format!("as_of {}", self.moment_error(e)),
            DeadlineError::Completed(e) => format!("completed_at {}", self.moment_error(e)),
            DeadlineError::Unit(e) => self.unknown_unit(e),
            DeadlineError::Missing(field) => format!("{field} is required"),
            DeadlineError::DaysAndAmount => "give days or amount, not both".to_owned(),
            DeadlineError::DaysNotAllowed { rule, amount, unit } => format!(
                "rule {rule} fixes its period at {amount} {}; only an adjustable rule takes days",
                unit.as_str()
            ),
            DeadlineError::UnitNotAllowed { rule, unit } => format!(
                "rule {rule} counts in {}; a unit of its own is only for an ad hoc period",
                unit.as_str()
            ),
            DeadlineError::AmountOutOfRange { amount, unit } => format!(
                "a period of {amount} {} is out of range: it must run from 1 to {}",
                unit.as_str(),
                unit.max_amount()
            ),
            DeadlineError::FormNotAllowed {
                rule: Some(rule),
                key,
            } => format!("rule {rule} sets its own {key}; it cannot be changed"),
            DeadlineError::FormNotAllowed { rule: None, .. } => {
                "a period in hours runs forward only".to_owned()
            }
            DeadlineError::NoExtension { rule: Some(rule) } => {
                format!("rule {rule} allows no extension")
            }
            DeadlineError::NoExtension { rule: None } => {
                "an ad hoc period has no extension; give a new due date as agreed_due".to_owned()
            }
            DeadlineError::UnknownForm {
                key,
                value,
                choices,
            } => format!("{key} {} is none of {}", quote(value), choices.join(", ")),
            DeadlineError::Paused(text) => format!(
                "paused {} is not an interval of dates <from>/<to> (2026-05-01/2026-05-10) with from not after to",
                quote(text)
            ),
            DeadlineError::TooManyPaused => format!(
                "paused gives more than {} intervals",
                crate::deadline::MAX_PAUSED
            ),
            DeadlineError::PausedNotAllowed => {
                "paused time applies to a forward period counted in days, not to a backward one or one in hours".to_owned()
            }
            DeadlineError::Agreed(text) => {
                format!("agreed_due {} is not a date after the event", quote(text))
            }
            DeadlineError::TooLong { field } => format!(
                "{field} is longer than {} characters",
                crate::deadline::MAX_ECHOED
            ),
            DeadlineError::MissingPeriod => {
                "a deadline needs either a rule, or a unit and an amount".to_owned()
            }
            DeadlineError::Provisional => {
                "the period crosses unpublished years and strict=true was asked".to_owned()
            }
            DeadlineError::Calendar(e) => self.calendar_error(e),
            DeadlineError::Hours(e) => format!("office_hours: {}", self.interval_error(e)),
            DeadlineError::UnknownCutoff(text) => format!(
                "cutoff {} is neither {}",
                quote(text),
                Cutoff::NAMES.join(" nor ")
            ),
            DeadlineError::NotInForce { rule, from } => format!(
                "rule {rule} rests on a text in force from {from}, and no earlier text set this period; the event is before it, and the rule applies from {from}"
            ),
            DeadlineError::NotAllowedByStatute {
                rule,
                field,
                allowed,
            } => format!(
                "the statute of rule {rule} has no {}, so {field} is refused; {}",
                form_word(field),
                match allowed.as_slice() {
                    [] => "its period is counted only as the text sets it".to_owned(),
                    some => format!(
                        "it allows: {}",
                        some.iter()
                            .map(|f| format!("{f} ({})", form_word(f)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            ),
        }
    }

    fn input_error(&self, error: &InputError) -> String {
        format!("{}: {}", error.field, self.bad_value(&error.problem))
    }

    fn bad_value(&self, value: &BadValue) -> String {
        match value {
            BadValue::TooLarge(v) => format!("{v} is too large"),
            BadValue::NotAnInteger(v) => format!("{v} is not an integer"),
            BadValue::NotAFlag(v) => format!("{v} is not true or false"),
        }
    }

    fn json_kind(&self, kind: &JsonKind) -> String {
        match kind {
            JsonKind::Syntax => "this is not JSON".to_owned(),
            JsonKind::Eof => "the JSON ends too early".to_owned(),
            JsonKind::NotAnObject => "a JSON object {…} is expected".to_owned(),
            JsonKind::UnknownField { name, suggestion } => format!(
                "field {name} is not known{}; the fields are {}",
                did_you_mean(*suggestion),
                crate::deadline::Input::FIELDS.join(", ")
            ),
            JsonKind::WrongType {
                field,
                expected,
                found,
            } => {
                let expected = match expected {
                    Expected::Text => "a string",
                    Expected::WholeNumber => "a whole number",
                    Expected::Flag => "true or false",
                    Expected::TextOrList => "a string or a list of strings",
                };
                format!("field {field} must be {expected}, not {found}")
            }
            JsonKind::NoItems => "a JSON object {\"items\": [...]} is expected".to_owned(),
        }
    }

    fn json_at(&self, what: String, line: usize, column: usize) -> String {
        format!("{what} (line {line}, column {column})")
    }

    fn unknown_unit(&self, error: &UnknownUnit) -> String {
        format!(
            "unit {} is none of {}",
            quote(&error.0),
            super::listed(<Unit as strum::VariantNames>::VARIANTS, ", ", " and ")
        )
    }

    fn zone_error(&self, error: &ZoneError) -> String {
        format!(
            "time zone {} is not an IANA time zone name such as Asia/Shanghai or Asia/Urumqi{}",
            quote(&error.name),
            error
                .suggestion
                .as_deref()
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default()
        )
    }

    fn date_error(&self, error: &DateError) -> String {
        match error {
            DateError::Shape(text) => format!(
                "{} is not a date of the form YYYY-MM-DD (2026/6/15 and 2026-6-15 are read too)",
                quote(text)
            ),
            DateError::NotADate(text) => format!("{text} is not a calendar date"),
        }
    }

    fn moment_error(&self, error: &MomentError) -> String {
        match error {
            MomentError::Date(e) => self.date_error(e),
            MomentError::Time { value, time } => {
                format!("{}: {} is not a time of day", quote(value), quote(time))
            }
            MomentError::AmbiguousHour { value, time, hour } => format!(
                "{}: {} could be morning or evening; write 上午{hour}点 or 下午{hour}点, or the 24-hour {}点",
                quote(value),
                quote(time),
                hour + 12
            ),
            MomentError::PlusAsSpace(text) => format!(
                "{}: the offset's + was read as a space; in a query string write it %2B (2026-10-09T01:30:00%2B08:00)",
                quote(text)
            ),
            MomentError::Shape(text) => format!(
                "{} is not a date (2026-09-30), a local date-time (2026-09-30T18:00:00) or a date-time with an offset (2026-09-30T18:00:00+08:00)",
                quote(text)
            ),
        }
    }

    fn interval_error(&self, error: &IntervalError) -> String {
        match error {
            IntervalError::Empty => {
                "no hours given; write them as 10:00-14:00,16:00-20:00".to_owned()
            }
            IntervalError::Shape(text) => format!(
                "{} is not an interval HH:MM-HH:MM such as 10:00-14:00",
                quote(text)
            ),
            IntervalError::Time(text) => {
                format!("{} holds a time that is no time of day", quote(text))
            }
            IntervalError::Backwards(text) => {
                format!("{} closes when or before it opens", quote(text))
            }
            IntervalError::Overlap { first, second } => format!(
                "{} begins before {} closes; intervals must be in order and not overlap",
                quote(second),
                quote(first)
            ),
            IntervalError::TooMany(n) => {
                format!("{n} intervals; a day has at most {MAX_INTERVALS}")
            }
        }
    }

    fn weekday(&self, day: Weekday) -> &'static str {
        match day {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
            Weekday::Sat => "Sat",
            Weekday::Sun => "Sun",
        }
    }

    fn day_kind(&self, kind: DayKind, name: Option<&str>) -> String {
        match (kind, name) {
            (DayKind::Holiday, Some(name)) => format!("holiday, {}", holiday(name)),
            (DayKind::Holiday, None) => "holiday".to_owned(),
            (DayKind::MakeupWorkday, Some(name)) => {
                format!("makeup working day of {}", holiday(name))
            }
            (DayKind::MakeupWorkday, None) => "makeup working day".to_owned(),
            (DayKind::Weekend, _) => "weekend".to_owned(),
            (DayKind::Workday, _) => "working day".to_owned(),
        }
    }

    fn estimated_mark(&self) -> &'static str {
        " (estimated)"
    }

    fn reason(&self, reason: &Reason<'_>, day: &str) -> String {
        let cited = |basis: &Option<String>| {
            basis
                .as_ref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default()
        };
        match reason {
            Reason::EventDayBack => {
                format!("the day of the event counted back from, not counted; {day}")
            }
            Reason::EventDay { law } => format!(
                "the day the period starts, not counted: it runs from the next day ({}); {day}",
                cite(*law, true)
            ),
            Reason::Counted {
                n,
                working_days,
                backward,
                ..
            } => match (working_days, backward) {
                (true, false) => format!("working day {n} of the period; {day}"),
                (true, true) => format!("working day {n} before the event; {day}"),
                (false, false) => format!("day {n} of the period; {day}"),
                (false, true) => format!("day {n} before the event; {day}"),
            },
            Reason::Extension {
                n,
                working_days: true,
                basis,
            } => format!("working day {n} of the extension{}; {day}", cited(basis)),
            Reason::Extension { n, basis, .. } => {
                format!("day {n} of the extension{}; {day}", cited(basis))
            }
            Reason::CorrespondingDay { n } => format!(
                "day {n}: the corresponding day of the month the period ends in is its last day (Civil Code art. 202); {day}"
            ),
            Reason::MonthEnd { n } => format!(
                "day {n}: the month the period ends in has no corresponding day, so its last day is the period's (Civil Code art. 202); {day}"
            ),
            Reason::Paused { suspension, basis } => format!(
                "{day}; {} not counted in the period{}",
                if *suspension {
                    "suspension (中止)"
                } else {
                    "time"
                },
                cited(basis)
            ),
            Reason::TaxProlonged { n: Some(n) } => format!(
                "day {n} of the period; {day}; one of three or more consecutive rest days inside the period, which prolong it by their number (Tax Collection Administration Law Implementing Rules art. 109)"
            ),
            Reason::TaxProlonged { n: None } => format!(
                "{day}; one of three or more consecutive rest days inside the period, which prolong it by their number (Tax Collection Administration Law Implementing Rules art. 109)"
            ),
            Reason::TaxProlongedDay { n } => format!(
                "working day {n} after the period's own last day, which the rest days inside it prolong it by (Tax Collection Administration Law Implementing Rules art. 109); {day}"
            ),
            Reason::RolledBack { onto: true } => format!(
                "{day}; the period's last day fell on a rest day and moves earlier, to this day: acting later would miss the period"
            ),
            Reason::RolledBack { onto: false } => {
                format!("{day}; a rest day: the last day moves earlier, to the working day before")
            }
            Reason::NextStep { basis } => format!(
                "{day}; the period has run in full{}: the next step may happen from this day",
                cited(basis)
            ),
            Reason::Agreed {
                rule: Some((statute, article, words)),
            } => {
                format!("{day}; within the due date agreed as {statute}{article} allows ({words})")
            }
            Reason::Agreed { rule: None } => {
                format!("{day}; within the due date the request agreed (agreed_due)")
            }
            Reason::HoursElapsed { minutes } => format!("{day}; {} counted", duration(*minutes)),
            Reason::NotWorking => format!("{day}; not a working day, not counted"),
            Reason::OfficeTime { minutes } => {
                format!("{day}; {} of office time counted", duration(*minutes))
            }
            Reason::NoOfficeTime => format!("{day}; no office time, not counted"),
            Reason::Rolled { onto: true, law } => format!(
                "{day}; the period's last day fell on a rest day and moves to the day after the rest days, this day ({})",
                cite(*law, false)
            ),
            Reason::Rolled { onto: false, law } => format!(
                "{day}; the period's last day fell on a rest day and moves to the day after the rest days ({})",
                cite(*law, false)
            ),
        }
    }

    fn period_length(&self, period: &Period<'_>) -> String {
        unit(period.unit, period.amount)
    }

    fn standing(&self, standing: Standing, on: NaiveDate) -> String {
        let days = |n: u64| {
            if n == 1 {
                "1 working day".to_owned()
            } else {
                format!("{n} working days")
            }
        };
        match standing {
            Standing::NotStarted => format!("as of {on}, the period has not begun"),
            Standing::CompletedOnTime => format!("done on {on}, in time"),
            Standing::CompletedAfterLastMoment => {
                format!("done on {on}, after the deadline's last moment")
            }
            Standing::CompletedLate(n) => format!("done on {on}, late by {}", days(n)),
            Standing::Pending(n) => format!("as of {on}, {} left", days(n)),
            Standing::DueToday => format!("due today ({on})"),
            Standing::PastLastMoment => format!("as of {on}, past the deadline's last moment"),
            Standing::Overdue(n) => format!("as of {on}, overdue by {}", days(n)),
        }
    }

    fn lapse(
        &self,
        consequence: Consequence,
        _own: Option<(&str, &str)>,
        basis: Option<&str>,
    ) -> String {
        // The rule's own words are Chinese: the consequence is said in English, with its basis.
        let basis = basis.map(|b| format!(" ({b})")).unwrap_or_default();
        format!("; {}{basis}", self.consequence(consequence))
    }

    fn consequence(&self, consequence: Consequence) -> String {
        match consequence {
            Consequence::DeemedNoObjection => {
                "no reply within the period is deemed to be no objection".to_owned()
            }
            Consequence::DeemedAccepted => {
                "no notice or refusal within the period means the application is deemed accepted"
                    .to_owned()
            }
            Consequence::DeemedConsent => {
                "no opinion within the period is deemed consent to disclosure".to_owned()
            }
            Consequence::DeemedNoEvidence => {
                "no answer, evidence and basis within the period means the act is deemed to have no evidence or basis".to_owned()
            }
        }
    }

    fn provisional_note(&self) -> String {
        "provisional: the period crosses a year whose holiday notice this service does not hold yet; its days off are estimated from the statutory holidays and the notices' habits, and the date may move once the notice is in".to_owned()
    }

    fn certainty_settled(&self) -> &'static str {
        "every estimated day the answer depends on is a statutory holiday or an arrangement the notices have never changed: the due date is very unlikely to move when the notice comes"
    }

    fn certainty_unsure(&self, days: &[NaiveDate], _alternatives: &[&str]) -> String {
        let days: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
        format!(
            "the answer depends on estimated days the projection is least sure of ({}): the due date may move when the notice comes",
            days.join(", ")
        )
    }

    fn posted_in_time(&self, via: &str, _basis: &str) -> String {
        format!(
            "; a document posted before the period expires is in time (Civil Procedure Law art. 85, through {via})"
        )
    }

    fn hours_of(&self, f: &HoursFrom<'_>) -> String {
        format!(
            "{} ({})'s {} hours ({}, given for {}{})",
            f.name,
            f.layer,
            f.season,
            f.source,
            years(f.years),
            if f.carried_over {
                "; carried over, no notice gives hours for this year"
            } else {
                ""
            }
        )
    }

    fn hours_given(&self) -> &'static str {
        "the hours given (office_hours, read on Beijing time)"
    }

    fn closes_when(&self, by: ChosenBy, basis: &str, posted: &str) -> String {
        match by {
            ChosenBy::Rule(RuleCutoff::OfficeTarget) => format!(
                "the office's own duty: the law ends the period at 24:00 (Civil Code art. 203(2)), and this answer takes the close of business as the office's target ({basis}){posted}"
            ),
            ChosenBy::Rule(_) => format!("the period ends when business stops ({basis})"),
            ChosenBy::Request => "the period ends when business stops, as asked (cutoff=close_of_business; Civil Code art. 203(2))".to_owned(),
            ChosenBy::AdHoc => "where there are business hours, the period ends when business stops (Civil Code art. 203(2)); an ad hoc period does so unless cutoff=midnight".to_owned(),
        }
    }

    fn close_of_business(&self, hours: &str, whose: &str, why: &str) -> String {
        format!("the office keeps {hours} (Beijing time) on the due day, {whose}; {why}")
    }

    fn midnight_by_rule(&self, basis: &str, posted: &str) -> String {
        format!("the last day ends at 24:00 ({basis}){posted}")
    }

    fn fixed_ending(&self, ending: FixedEnding) -> &'static str {
        match ending {
            FixedEnding::MidnightAsked => {
                "the last day ends at 24:00, as asked (cutoff=midnight; Civil Code art. 203(2))"
            }
            FixedEnding::MidnightNoHours => {
                "the calendar gives no office hours: the last day ends at 24:00 (Civil Code art. 203(2))"
            }
            FixedEnding::MidnightDayWithoutHours => {
                "the due day is a rest day without office hours: it ends at 24:00 (Civil Code art. 203(2))"
            }
            FixedEnding::OfficeTimeRun => {
                "counting in office hours is the caller's own convention (no statute counts periods in working hours): office time runs from the event's instant, and the period ends when it has run"
            }
            FixedEnding::HoursRun => {
                "a period in hours runs from the stated time (Civil Code art. 201(2)) and ends when its hours have run"
            }
        }
    }

    fn readings_note(&self, r: &Readings) -> String {
        format!(
            "no text says where an extension starts: from the day after the original period's last day as rolled, it ends on {}; counting the period and its extension together from the event, on {}. The answer takes the earlier, {}, the safe date for an office's own duty",
            r.from_rolled_last_day, r.from_event, r.from_event
        )
    }

    fn last_moment(&self, ending: &Ending<'_>, time: &str) -> String {
        match ending {
            Ending::CloseOfBusiness {
                by: ChosenBy::Rule(RuleCutoff::OfficeTarget),
                ..
            } => format!(
                "; the office's target is the close of business at {time}; the law ends the period at 24:00"
            ),
            Ending::CloseOfBusiness { .. } => {
                format!("; the period ends when business stops, at {time} (Civil Code art. 203(2))")
            }
            Ending::Midnight { .. } | Ending::MidnightNoHours | Ending::MidnightDayWithoutHours => {
                "; the period ends at 24:00".to_owned()
            }
            Ending::OfficeTimeRun => format!("; the office time runs out at {time}"),
            Ending::HoursRun => format!("; the period runs out at {time}"),
        }
    }

    fn awaited_notice(&self, year: i32, layer: &str, operator_file: &str, feed: bool) -> String {
        format!(
            "This system does not hold the {year} holiday notice ({layer}) and nothing configured will bring it: until it does, that year's days off are estimated and answers that depend on it are provisional. If you have seen the notice, ask the operator of this service to add it: an operator file ({operator_file} under QIXIAN_HOLIDAYS_DIR){}, or a release that includes it",
            if feed {
                ", a holiday feed (QIXIAN_FEED_URL)"
            } else {
                ""
            }
        )
    }

    fn outlook_lacking(&self, national: bool, regional: bool) -> &'static str {
        match (national, regional) {
            (true, true) => "the State Council's and the region's holiday notices",
            (true, false) => "the State Council's holiday notice",
            _ => "the region's notice of 肉孜节 and 古尔邦节",
        }
    }

    fn outlook_national_score(&self, (first, last): (i32, i32), record: &Record) -> String {
        format!(
            "Backtest {first}–{last}: {:.2} wrong working-day statuses a year ({} of {} years exact, in-sample)",
            record.mean(),
            record.exact,
            record.scored
        )
    }

    fn outlook_nothing_to_score(&self) -> &'static str {
        "No year with a notice in this system to check it against"
    }

    fn outlook_regional_score(&self, (festivals, wrong): (usize, usize)) -> String {
        format!(
            "肉孜节, 古尔邦节 by the Umm al-Qura calendar: {wrong} days wrong in {festivals} known festival-years"
        )
    }

    fn outlook_line(
        &self,
        year: i32,
        lacking: &str,
        uncertain: &[&str],
        scores: &[String],
    ) -> String {
        let uncertain = match uncertain {
            [] => ", each festival as in past notices".to_owned(),
            [one] => format!("; makeup days of {} uncertain", holiday(one)),
            [some @ .., last] => {
                let some: Vec<String> = some.iter().map(|n| holiday(n)).collect();
                format!(
                    "; makeup days of {} and {} uncertain",
                    some.join(", "),
                    holiday(last)
                )
            }
        };
        let scores = if scores.is_empty() {
            String::new()
        } else {
            format!(" {}.", scores.join("; "))
        };
        format!(
            "{year}: this system lacks {lacking}; days off are estimated from the law and past notices{uncertain}.{scores}"
        )
    }

    fn holiday_feed_name(&self, calendar_name: &str) -> String {
        format!("{calendar_name}: days off and makeup working days")
    }

    fn holiday_event_named(&self, name: &str, category: &str) -> String {
        format!("{}: {category}", holiday(name))
    }

    fn holiday_event_category(&self, kind: DayKind) -> &'static str {
        match kind {
            DayKind::MakeupWorkday => "makeup working day",
            _ => "day off",
        }
    }

    fn holiday_event_of(&self, (name, id): (&str, &str), summary: &str) -> String {
        format!("{name} ({id}): {summary}")
    }

    fn holiday_event_estimated(&self) -> &'static str {
        "Estimated: the year's notice is not yet published; the notice decides"
    }

    fn holiday_event_source(&self, source: &str) -> String {
        format!("Source: {source}")
    }

    fn other_reading_note(
        &self,
        (event, due): (NaiveDate, NaiveDate),
        (written, other_due): (NaiveDate, NaiveDate),
        zone: &str,
    ) -> String {
        format!(
            "the time entered falls on {event} on the counting clock ({zone}): the period is counted from {event} and due on {due}; counted from the date entered, {written}, it would be due on {other_due}"
        )
    }

    fn deadline_due(&self, title: &str, doc_no: Option<&str>) -> String {
        match doc_no {
            Some(doc) => format!("Due: {doc}, {title}"),
            None => format!("Due: {title}"),
        }
    }

    fn ad_hoc_title(&self, period: &Period<'_>) -> String {
        format!("a period of {}", self.period_length(period))
    }

    fn deadline_event_description(&self, facts: &DeadlineFacts<'_>) -> String {
        let mut text = String::new();
        if let Some(doc) = facts.doc_no {
            text.push_str(&format!("Document: {doc}\n"));
        }
        if let Some((article, words, source)) = facts.citation {
            text.push_str(&format!(
                "{}\nBasis: {source}, {article}\n{words}\n",
                facts.title
            ));
        }
        text.push_str(&format!(
            "From: {} (that day not counted)\nPeriod: {}\nDue: {} {} ({}), i.e. {}\nCalendar: {} ({})",
            facts.event_date,
            self.period_length(facts.period),
            facts.due_date,
            facts.due_time,
            facts.zone,
            facts.due_at,
            facts.calendar.0,
            facts.calendar.1,
        ));
        if facts.provisional {
            text.push_str("\nProvisional: the period crosses a year whose notice is not yet published; the notice decides");
        }
        text
    }

    fn deadline_reminder(&self, due: NaiveDate, title: &str, doc_no: Option<&str>) -> String {
        match doc_no {
            Some(doc) => format!("Due {due}: {doc}, {title}"),
            None => format!("Due {due}: {title}"),
        }
    }

    fn deadline_category(&self) -> &'static str {
        "deadline"
    }

    fn register_feed_name(&self, register: &str) -> String {
        format!("{register}: register of matters")
    }

    fn register_event_description(&self, facts: &MatterFacts<'_>) -> String {
        let mut lines = Vec::new();
        for (label, value) in [
            ("Document", facts.doc_number),
            ("Subject", facts.subject),
            ("From", facts.sender),
            ("Handled by", facts.handler),
        ] {
            if !value.is_empty() {
                lines.push(format!("{label}: {value}"));
            }
        }
        lines.push(format!(
            "Due: {} {} Beijing time",
            facts.due_day, facts.due_time
        ));
        if facts.provisional {
            lines.push("Provisional: the period crosses a year whose holiday notice this service does not hold yet; the official notice decides".to_owned());
        }
        if let Some(from) = facts.moved_from {
            lines.push(format!(
                "Moved: the due date acknowledged was {from}; on the holiday arrangements and rules in force it is now another, not yet acknowledged"
            ));
        }
        lines.join("\n")
    }

    fn workbook_words(&self) -> &'static WorkbookWords {
        &WORKBOOK
    }

    fn workbook_title(&self, (name, id): (&str, &str)) -> String {
        format!("Register of documents and deadlines: {name} ({id})")
    }

    fn notes_fixed(&self) -> [&'static str; 3] {
        [
            "This workbook is a register of documents and their deadlines: on the Deadlines sheet, give each document a row with its number, subject, sender and handler, choose its rule from the list and type the event date (the day the period runs from, not counted itself); the due date and the status follow. Once it is done, type the completion date: the status then says done on time or done late. It needs no network.",
            "Rows overdue and not done are red; rows due within 3 working days (today included) and not done are amber. Statuses and colours are judged on the computer's date. Printing stops at the last row with anything typed in it, the header on every page (Excel follows the workbook's print area); if blank rows print (LibreOffice prints all 500), first filter the Rule column to leave out (Blanks).",
            "The workbook does not deduct time the law does not count (suspension, hearings, inspection, testing, expert review), and does not count periods in hours, months or years, or periods counted back (N days before a meeting). For those, use this system's page.",
        ]
    }

    fn notes_extended(&self, rules: &[String]) -> String {
        format!(
            "where the period is extended with approval, type \"extended\": the due date is counted with the longest extension the law allows ({})",
            rules.join("; ")
        )
    }

    fn notes_agreed(&self, rules: &[String]) -> String {
        format!(
            "where a reply date was agreed with the host department ({}), type that date: it is the due date",
            rules.join(", ")
        )
    }

    fn notes_adjustable(&self, clauses: &[String]) -> String {
        if clauses.is_empty() {
            "Extended/agreed: none of this workbook's rules can be extended or agreed; leave it empty.".to_owned()
        } else {
            format!(
                "Extended/agreed: {}; for the other rules leave it empty.",
                clauses.join("; ")
            )
        }
    }

    fn notes_every_notice_held(&self) -> &'static str {
        "This system holds the holiday notices of every year of the list."
    }

    fn notes_estimated(&self, unrecorded: &str, note: &str) -> String {
        format!(
            "{unrecorded}. Their holidays are estimated, and a status whose due date depends on them says (provisional). {note}."
        )
    }

    fn notes_download(&self, to: i32, page: Option<&str>, address: &str) -> String {
        let page = match page {
            Some(page) => {
                format!("from the Calendar view of this system's page ({page}), or directly from ")
            }
            None => "from ".to_owned(),
        };
        format!(
            "The rest-day list is a snapshot taken when the workbook was downloaded and never updates itself. Download it again when the State Council, the region or the prefecture publishes or changes a holiday arrangement, when event dates near the end of {to}, or when a status says the list does not cover it: {page}{address}. Then copy the rows in use into the new workbook."
        )
    }

    fn notes_counting(&self, from: i32, to: Option<i32>) -> String {
        let span = match to {
            Some(to) => format!("{from} to {to}"),
            None => from.to_string(),
        };
        format!(
            "Due dates are counted on the list on the Rest days sheet, which holds every day of {span} offices do not work: Saturdays and Sundays that are not makeup working days, and every day off. Makeup working days are not in it and count as working days. Within N working days skips every day of the list; within N days moves a last day that is a rest day to the next working day (Civil Code, article 203). The event's own day does not count (article 201). When the event or the due date falls outside the list's years, the due date is left empty."
        )
    }

    fn workbook_due_note(&self) -> String {
        "Counted on the list on the Rest days sheet, offline: within N working days skips the list's days; within N days moves a last day on a rest day to the next working day. See the notes sheet.".to_owned()
    }

    fn unrecorded_notices(&self, years: &[i32]) -> String {
        let years: Vec<String> = years.iter().map(i32::to_string).collect();
        format!(
            "This system does not yet hold the holiday notice of {}; if you have seen the notice, tell this system's administrator so that it is added",
            years.join(", ")
        )
    }

    fn day_changed(&self, date: NaiveDate, was: &str, is: &str) -> String {
        format!("{date} was a {was} and is now a {is}")
    }

    fn moved_by_unknown(&self, version: Option<&str>) -> String {
        match version {
            Some(version) => format!(
                "the data version {version} its due date was acknowledged on is no longer kept: the days that moved it cannot be named"
            ),
            None => "the data version its due date was acknowledged on was not recorded: the days that moved it cannot be named".to_owned(),
        }
    }
}

static WORKBOOK: WorkbookWords = WorkbookWords {
    register_sheet: "Deadlines",
    rest_sheet: "Rest days",
    notes_sheet: "Notes",
    register_headers: [
        "Document",
        "Subject",
        "Sender",
        "Handler",
        "Rule",
        "Event date",
        "Extended/agreed",
        "Due date",
        "Completed",
        "Status",
    ],
    helper_headers: [
        "(helper) rule's row",
        "(helper) length",
        "(helper) own due date",
        "(helper) problem",
        "(helper) status number",
        "(helper) own provisional",
        "(helper) provisional",
    ],
    rest_headers: ["Date", "Kind", "Name", "Estimated"],
    weekend: "weekend",
    day_off: "day off",
    estimated: "estimated",
    extend: "extended",
    overdue: "overdue",
    due_today: "due today",
    pending: "pending",
    not_started: "not started",
    completed_on_time: "done on time",
    completed_late: "done late",
    provisional: " (provisional)",
    choose_rule: "choose a rule from the list",
    not_a_date: "the event date is not a date",
    not_in_force: "the event is before the rule's current text came into force: use the page",
    outside_list: "outside the list's years: download a newer workbook",
    bad_adjustment: "extended/agreed does not apply to this rule",
    completed_not_a_date: "the completion date is not a date",
    example: "Example ",
    examples_heading: "Examples (type rows like these on the Deadlines sheet; the due date and the status follow)",
    statuses_heading: "What the Status column may say",
    rule_prompt: (
        "Rule",
        "Choose the article the deadline comes from; the notes sheet gives each one's period.",
    ),
    event_prompt: (
        "Event date",
        "The day the period runs from (not counted itself), such as the day a document was received or a meeting ended.",
    ),
    event_outside: (
        "Outside the list's years",
        "The event date is not in a year the rest-day list covers, so no due date can be counted. Download a workbook that covers its year.",
    ),
    adjustment_prompt: (
        "Extended/agreed",
        "Type \"extended\" where the period is extended with approval, or the reply date agreed with the host department; else leave it empty.",
    ),
    completed_prompt: (
        "Completed",
        "Once done, type the day it was done: the status then says done on time or done late.",
    ),
    years_headers: ["Year", "Holiday notice", "Due dates provisional"],
    published: "held",
    estimated_year: "not held, estimated",
    yes_no_format: "\"yes\";\"yes\";\"no\"",
    rules_headers: [
        "Article",
        "Rule",
        "Period",
        "In working days",
        "Length",
        "In force from",
        "Extension",
        "Agreed date",
    ],
    covers: ("List from", "List to"),
    data_version: "Data version",
};

/// The domain's errors say themselves in English (in the log, and in `to_string`).
macro_rules! english_display {
    ($($error:ty => $method:ident),* $(,)?) => {$(
        impl fmt::Display for $error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&En.$method(self))
            }
        }
    )*};
}

english_display! {
    CalendarError => calendar_error,
    DeadlineError => deadline_error,
    InputError => input_error,
    UnknownUnit => unknown_unit,
    ZoneError => zone_error,
    DateError => date_error,
    MomentError => moment_error,
    IntervalError => interval_error,
}

/// What a request field that changes a rule's period is.
fn form_word(field: &str) -> &'static str {
    match field {
        "days" => "adjustable period",
        "extended" => "extension",
        "paused" => "time excluded from the period",
        _ => "agreed due date",
    }
}

/// An article that decides a step of a period, as a citation (`Civil Code art. 201`).
fn cite(article: Article<'_>, start: bool) -> String {
    match article {
        Article::CivilCode if start => "Civil Code art. 201".to_owned(),
        Article::CivilCode => "Civil Code art. 203".to_owned(),
        Article::CivilProcedure { via } => format!("Civil Procedure Law art. 85, through {via}"),
        Article::TaxRules => {
            "Tax Collection Administration Law Implementing Rules art. 109".to_owned()
        }
    }
}
