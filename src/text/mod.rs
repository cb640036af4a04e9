//! What the service says to people, in Simplified Chinese and in English.
//!
//! The domain returns facts and codes (a [`crate::deadline::Step`] says *that* a day was a rest
//! day and did not count; a [`crate::calendar::CalendarError`] says *which* date was out of
//! range); this module turns them into words. [`Catalogue`] has one method per kind of text,
//! and [`zh`] and [`en`] each implement all of it — a text that exists in one language only
//! does not compile. The English catalogue is also the domain errors' `Display`, for the log.
//!
//! The vocabulary below names what can be said about a request beyond the domain's own errors
//! (a parameter given twice, a body over its limit); the HTTP layer picks the words' arguments,
//! never the words.

pub mod en;
pub mod zh;

use chrono::{NaiveDate, Weekday};

use crate::calendar::backtest::Record;
use crate::calendar::hours::IntervalError;
use crate::calendar::{CalendarError, DayKind, Estimate};
use crate::deadline::{
    BadValue, Consequence, DeadlineError, Ending, InputError, JsonProblem, Period, Readings,
    Status, Step, UnknownUnit,
};
use crate::store::{AwaitedNotice, HistoryError};
use crate::time::{DateError, MomentError, ZoneError};

// `Lang` and `Texts` are plain data that the domain's files also hold (a rule's title, a
// calendar's note); they live in the leaf `crate::lang`, and only the words are said here.
pub use crate::lang::{Lang, Texts};

impl Lang {
    /// This language's catalogue.
    pub fn says(self) -> &'static dyn Catalogue {
        match self {
            Lang::Zh => &zh::Zh,
            Lang::En => &en::En,
        }
    }
}

// A sentence about the store's facts is said here, so that the store writes none.
impl AwaitedNotice {
    /// What it means, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        lang.says().awaited_notice(
            self.year,
            &self.layer,
            &self.operator_file,
            self.layer == crate::store::FEED_CALENDAR,
        )
    }
}

impl std::fmt::Display for AwaitedNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

vocabulary! {
    "kebab-case";
    /// A kind of problem: its stable code (the end of the problem's `type`: its name in kebab
    /// case, `unknown-calendar`, derived) and its title (each catalogue's `title`). Its status is
    /// the HTTP layer's one table (`http::problem`); openapi.yaml's `ProblemCode` lists the same
    /// codes, and a test holds it to [`Title::iter`](strum::IntoEnumIterator::iter).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[allow(missing_docs)] // each is its code, which says it
    pub enum Title {
        MissingParameter,
        InvalidParameter,
        UnknownParameter,
        InvalidBody,
        UnknownCalendar,
        OutOfRange,
        UnknownRule,
        UnknownTimezone,
        InvalidEvent,
        Provisional,
        NoOfficeHours,
        UnitNotAllowed,
        FormNotAllowed,
        NotAllowedByStatute,
        NotInForce,
        NoExtension,
        DaysNotAllowed,
        AmountOutOfRange,
        NotFound,
        TooLarge,
        UnsupportedMediaType,
        NotAcceptable,
        MethodNotAllowed,
        QueryTooLong,
        Timeout,
        BadRequest,
        Unauthorized,
        Forbidden,
        PreconditionFailed,
        DatabaseUnavailable,
        VersionGone,
        Internal,
    }
}

impl Title {
    /// The stable, machine-readable code (`unknown-calendar`).
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Why a parameter's value is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// The parameter is given more than once.
    GivenTwice,
    /// A number or flag that is not one.
    Value(BadValue),
    /// Not one of the parameter's words.
    NoneOf {
        /// The value, quoted.
        value: String,
        /// The words it takes.
        choices: &'static [&'static str],
    },
    /// `field=` names no field of the answer.
    NoSuchField {
        /// The value, quoted.
        value: String,
        /// The answer's fields.
        fields: &'static [&'static str],
    },
    /// `field=` with another format than text.
    FieldWithoutText {
        /// The format asked for.
        format: &'static str,
    },
    /// `field=` names a field this answer does not hold.
    FieldNotInAnswer {
        /// The field.
        field: String,
        /// Whether the field is a status field that needs `as_of`.
        needs_as_of: bool,
    },
    /// A year outside the supported years.
    YearOutside {
        /// The year.
        year: i64,
        /// The first supported year.
        first: i32,
        /// The last.
        last: i32,
    },
    /// `year` together with `from_year`/`to_year`.
    YearAndRange,
    /// An origin (a scheme, a host) that is not an http or https origin.
    Origin {
        /// The value, quoted.
        value: String,
    },
    /// `to_year` before `from_year`.
    YearsBackwards {
        /// `from_year`.
        from: i32,
        /// `to_year`.
        to: i32,
    },
    /// More years than one answer covers.
    TooManyYears {
        /// `from_year`.
        from: i32,
        /// `to_year`.
        to: i32,
        /// The most.
        max: i64,
    },
    /// A date that is none.
    Date(DateError),
    /// A date or date-time that is none.
    Moment(MomentError),
    /// Office hours that are not a working day's.
    Hours(IntervalError),
    /// A date range the calendar refuses.
    Range(CalendarError),
    /// `lang=` names a language the service does not speak.
    Lang {
        /// The value, quoted.
        value: String,
    },
}

/// What is wrong with a request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The connection ended inside the body.
    Cut,
    /// A JSON body that is not UTF-8.
    NotUtf8,
    /// A batch sent as a bare JSON array.
    BareArray,
    /// A batch body that is not `{"items": [...]}`.
    NotABatch(JsonProblem),
    /// A deadline request that is not one.
    NotADeadline(JsonProblem),
    /// A stored deadline to recheck that is not one.
    NotAStoredDeadline(JsonProblem),
    /// A CSV body that is not UTF-8.
    CsvNotUtf8,
    /// A CSV header row that cannot be read.
    CsvHeader,
    /// A CSV body without a header row.
    CsvEmpty,
    /// A CSV column named twice.
    CsvColumnTwice(String),
    /// No CSV column is a request field.
    CsvNoField,
    /// A CSV row that cannot be read (1-based line).
    CsvRow(Option<u64>),
    /// A CSV row with more or fewer fields than the header.
    CsvRowWidth {
        /// Fields in the row.
        got: usize,
        /// Columns in the header.
        want: usize,
    },
}

/// A limit a request went over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The body's bytes.
    Body {
        /// Its length.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A batch's items.
    Batch {
        /// Its items (at least; counting stops past the limit).
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The days one batch may explain.
    Explained {
        /// Days explained so far.
        explained: usize,
    },
    /// The distinct kept data versions one recheck names.
    Versions {
        /// How many it names.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The query string's bytes.
    Query {
        /// Its length.
        length: usize,
        /// The limit.
        limit: usize,
    },
}

/// A body the route does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Media {
    /// A `Content-Encoding` other than identity.
    Encoding(String),
    /// No `Content-Type`.
    NoContentType,
    /// A `Content-Type` the route does not read.
    ContentType(String),
}

/// A format the route does not answer in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unoffered {
    /// `format=` names a format the route does not offer.
    Format {
        /// The value, quoted.
        name: String,
        /// Whether any route offers it.
        known: bool,
        /// The method and path.
        route: String,
        /// The formats offered, comma-separated.
        offered: String,
    },
    /// `Accept` matches nothing the route answers.
    Accept {
        /// The header, quoted.
        accept: String,
        /// The method and path.
        route: String,
        /// The media types offered, comma-separated.
        media: String,
        /// The formats offered, comma-separated.
        offered: String,
    },
}

/// Something a request named that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// A path no route serves.
    Route {
        /// The method and path.
        route: String,
        /// The closest route, for a path under `/v1/`.
        near: Option<&'static str>,
        /// The routes, for a path under `/v1/`.
        routes: Option<String>,
    },
    /// A calendar in a path.
    Calendar(CalendarError),
    /// A rule in a path.
    Rule(DeadlineError),
    /// A year whose feed file is not in force.
    FeedFile {
        /// The year.
        year: i32,
    },
}

/// What a register's route refused (`/v1/registers/…`, `POST /v1/admin/registers`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No `Authorization: Bearer` key.
    NoKey,
    /// A key that does not open this register, or no such register: the two are one answer.
    NotYours,
    /// No such matter in the register.
    NoMatter,
    /// The matter changed since the version given in `If-Match`.
    Stale {
        /// Its version now.
        current: i64,
    },
    /// The registers' database cannot be reached.
    Unavailable,
    /// A body that is not a matter.
    NotAMatter(JsonProblem),
    /// A matter's field that is none of its own (named, quoted).
    NotAMattersField(String),
    /// A matter the register cannot keep.
    Matter(crate::register::MatterError),
    /// A body that is not `{"name": …}`, or a register's name that is empty or too long.
    Name,
}

/// A request that took too long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slow {
    /// The whole request.
    Request {
        /// The limit in seconds.
        secs: f64,
    },
    /// A batch body that stopped arriving.
    BodyStalled {
        /// Seconds without progress.
        secs: u64,
    },
    /// Heavy work waited for its turn longer than it may (answered with `Retry-After`).
    Busy {
        /// The work waited for.
        work: Heavy,
        /// Seconds to wait before asking again.
        retry_after: u64,
    },
}

/// Work done off the request threads, a few at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heavy {
    /// Compiling a kept data version again (`data_version=`, `since=`, a recheck).
    Compile,
    /// Building an export (the workbook).
    Export,
}

/// Why CORS refused a cross-origin request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum Cross {
    /// The page's origin is not among those allowed.
    OriginNotAllowed,
    /// The method is not allowed across origins.
    MethodNotAllowed,
    /// A request header is not allowed across origins.
    HeadersNotAllowed,
    /// A preflight without the headers it must have.
    BadPreflight,
}

/// What `strict=true` refused because it depends on an unpublished year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum Strictly {
    /// One day's kind.
    Day,
    /// A list of days.
    Days,
    /// A count of working days.
    Count,
    /// Working days added.
    Add,
}

/// One text in every form the service writes a day of the week or of a period in.
#[derive(Clone, Copy, Debug)]
pub struct DayFacts<'a> {
    /// Its kind.
    pub kind: DayKind,
    /// Its holiday's name, when a notice names one.
    pub name: Option<&'a str>,
    /// Whether it is estimated for an unpublished year.
    pub estimated: bool,
}

/// The texts of one language: every method is one kind of text, each text written as a
/// Chinese official document (or an English one) would put it.
pub trait Catalogue: Sync {
    // -- problems --------------------------------------------------------------------------

    /// A problem kind's title.
    fn title(&self, title: Title) -> &'static str;
    /// A required parameter is missing.
    fn missing_parameter(&self, name: &str) -> String;
    /// A parameter's value is refused.
    fn invalid_parameter(&self, name: &str, why: &Invalid) -> String;
    /// A parameter the route does not take.
    fn unknown_parameter(
        &self,
        name: &str,
        suggestion: Option<&str>,
        known: &str,
        route: &str,
    ) -> String;
    /// A body the route cannot read.
    fn body(&self, body: &Body) -> String;
    /// A limit gone over.
    fn limit(&self, limit: &Limit) -> String;
    /// A body of a kind the route does not read.
    fn media(&self, media: &Media) -> String;
    /// A format the route does not answer in.
    fn unoffered(&self, what: &Unoffered) -> String;
    /// Something named that does not exist.
    fn missing(&self, what: &Missing) -> String;
    /// A request that took too long.
    fn slow(&self, slow: &Slow) -> String;
    /// A method the route does not serve.
    fn method_not_allowed(&self, route: &str, allow: &str) -> String;
    /// `strict=true` and a provisional answer.
    fn strictly(&self, what: Strictly) -> String;
    /// No valid admin token.
    fn unauthorized(&self) -> String;
    /// What a register's route refused.
    fn refused(&self, what: &Refused) -> String;
    /// A data version that is not kept, or cannot be compiled again.
    fn history_error(&self, error: &HistoryError) -> String;
    /// A server error, whose cause is logged.
    fn internal(&self) -> String;
    /// A cross-origin request refused.
    fn cross_origin(&self, cross: Cross) -> String;
    /// An error the framework answered (a body it could not read), by status.
    fn framework(&self, status: u16) -> String;

    // -- the domain's errors ---------------------------------------------------------------

    /// A calendar question without an answer.
    fn calendar_error(&self, error: &CalendarError) -> String;
    /// A deadline that cannot be computed.
    fn deadline_error(&self, error: &DeadlineError) -> String;
    /// A field of a deadline request that is not of its kind.
    fn input_error(&self, error: &InputError) -> String;
    /// A number or flag that is not one.
    fn bad_value(&self, value: &BadValue) -> String;
    /// A JSON body that is not what was expected.
    fn json_problem(&self, problem: &JsonProblem) -> String;
    /// A unit that is none.
    fn unknown_unit(&self, error: &UnknownUnit) -> String;
    /// A time zone that is none.
    fn zone_error(&self, error: &ZoneError) -> String;
    /// A date that is none.
    fn date_error(&self, error: &DateError) -> String;
    /// A date or date-time that is none.
    fn moment_error(&self, error: &MomentError) -> String;
    /// Office hours (`office_hours=`) that are not a working day's.
    fn interval_error(&self, error: &IntervalError) -> String;

    // -- days and deadlines ----------------------------------------------------------------

    /// A day of the week (`周三`, `Wed`).
    fn weekday(&self, day: Weekday) -> &'static str;
    /// What kind of day a day is, with its holiday's name (`节假日（国庆节）`).
    fn day(&self, day: DayFacts<'_>) -> String;
    /// Why a day of a period counted or not.
    fn step_reason(&self, step: &Step, period: &Period<'_>) -> String;
    /// A period's length (`7个工作日`, `30 days`).
    fn period_length(&self, period: &Period<'_>) -> String;
    /// A deadline's status as of a day, in a sentence, with what lapsing means under the
    /// period's rule.
    fn status(&self, status: &Status, period: &Period<'_>) -> String;
    /// What a consequence means.
    fn consequence(&self, consequence: Consequence) -> String;
    /// Why an answer is provisional.
    fn provisional_note(&self) -> String;
    /// For a provisional answer, how likely its date is to move: the low-confidence estimated
    /// days it depends on, with the runner-up arrangements, or none.
    fn certainty_note(&self, uncertain: &[(NaiveDate, Option<&str>)]) -> String;
    /// How a deadline's last moment was set, and on what basis (the period's rule's cutoff
    /// and the law that counts its periods).
    fn ending(&self, ending: &Ending<'_>, period: &Period<'_>) -> String;
    /// Why an extended calendar-day period's answer is the earlier of its two readings.
    fn readings_note(&self, readings: &Readings) -> String;
    /// What the last day of the explanation adds to its reason, from its separator on: when
    /// the period ends that day (`time` is its wall-clock time, `19:30`).
    fn last_moment(&self, ending: &Ending<'_>, time: &str) -> String;
    /// A notice the data lack for `year` that nothing configured will bring; `feed` says
    /// whether a holiday feed could bring it.
    fn awaited_notice(&self, year: i32, layer: &str, operator_file: &str, feed: bool) -> String;
    /// One line on an unpublished `year`: that the system lacks its notice, what is estimated
    /// and how uncertain, and what the same projection scored on the published years. Which
    /// clauses it has is decided here, once; each phrasebook words them.
    fn year_outlook(&self, year: i32, estimate: &Estimate<'_>, record: &Record) -> String {
        let mut scores = Vec::new();
        if estimate.national {
            scores.push(match record.years {
                Some(years) => self.outlook_national_score(years, record),
                None => self.outlook_nothing_to_score().to_owned(),
            });
        }
        if estimate.regional && record.xinjiang.0 > 0 {
            scores.push(self.outlook_regional_score(record.xinjiang));
        }
        self.outlook_line(
            year,
            self.outlook_lacking(estimate.national, estimate.regional),
            &estimate.uncertain,
            &scores,
        )
    }
    /// The notices the system lacks: the national one, the region's, or both.
    fn outlook_lacking(&self, national: bool, regional: bool) -> &'static str;
    /// The national backtest's figures over `years` (first, last).
    fn outlook_national_score(&self, years: (i32, i32), record: &Record) -> String;
    /// No published year to score the projection on.
    fn outlook_nothing_to_score(&self) -> &'static str;
    /// Xinjiang's festival backtest: (festival-years, days wrong).
    fn outlook_regional_score(&self, festivals: (usize, usize)) -> String;
    /// The line: the year, what is lacking, the uncertain festivals (none: every arrangement
    /// has a precedent) and the scores.
    fn outlook_line(
        &self,
        year: i32,
        lacking: &str,
        uncertain: &[&str],
        scores: &[String],
    ) -> String;

    // -- calendar feeds (iCalendar) --------------------------------------------------------

    /// The name of a calendar's feed of days off.
    fn holiday_feed_name(&self, calendar_name: &str) -> String;
    /// A day off's or makeup day's event title.
    fn holiday_event_summary(&self, day: DayFacts<'_>) -> String;
    /// Its category (`放假`, `调休上班`).
    fn holiday_event_category(&self, kind: DayKind) -> &'static str;
    /// Its description.
    fn holiday_event_description(
        &self,
        calendar: (&str, &str),
        day: DayFacts<'_>,
        source: Option<&str>,
    ) -> String;
    /// Why an event time written on another clock is counted from another date than it shows,
    /// and the due date its date as written would give: `counted` and `written` are each an
    /// event date with its due date, `zone` the counting clock.
    fn other_reading_note(
        &self,
        counted: (NaiveDate, NaiveDate),
        written: (NaiveDate, NaiveDate),
        zone: &str,
    ) -> String;
    /// A deadline's event title.
    fn deadline_event_summary(
        &self,
        title: &str,
        doc_no: Option<&str>,
        provisional: bool,
    ) -> String;
    /// The deadline's title when no rule gives one.
    fn ad_hoc_title(&self, period: &Period<'_>) -> String;
    /// A deadline's event description.
    fn deadline_event_description(&self, facts: &DeadlineFacts<'_>) -> String;
    /// The reminder's text.
    fn deadline_reminder(&self, due: NaiveDate, title: &str, doc_no: Option<&str>) -> String;
    /// The category of a deadline's event.
    fn deadline_category(&self) -> &'static str;

    // -- the offline workbook (xlsx) -------------------------------------------------------

    /// Its fixed words: sheet names, headers, what its formulas show, its prompts.
    fn workbook_words(&self) -> &'static WorkbookWords;
    /// Its title: the calendar's name and id.
    fn workbook_title(&self, calendar: (&str, &str)) -> String;
    /// The paragraphs of its notes sheet: what it holds, its data version, when to download it
    /// again, and how its formulas count.
    fn workbook_notes(&self, facts: &WorkbookFacts<'_>) -> Vec<String>;
    /// The note on the due date's header: how it is counted, in short.
    fn workbook_due_note(&self) -> String;
    /// What the system does not hold for `years`: 「本系统尚未收录2027年放假安排通知」, and whom
    /// to ask. The one wording of it: the workbook says it, and the page and the API may.
    fn unrecorded_notices(&self, years: &[i32]) -> String;
}

/// The fixed words of the offline workbook (`/v1/calendars/{id}/workbook.xlsx`). The defined
/// names its formulas use (`rest_days`) are codes, the same in both languages.
#[derive(Clone, Copy, Debug)]
pub struct WorkbookWords {
    /// The register's sheet (`期限登记`).
    pub register_sheet: &'static str,
    /// The rest-day list's sheet (`休息日`).
    pub rest_sheet: &'static str,
    /// The notes sheet (`说明`).
    pub notes_sheet: &'static str,
    /// The register's headers: 文号, 事由, 来文单位, 承办人, 规则, 起算日, 延长/商定, 截止日,
    /// 办结日期, 状态.
    pub register_headers: [&'static str; 10],
    /// The headers of the register's hidden helper columns, which hold the steps of the count
    /// (the rule's row, its length, the period's own due date, what is wrong, the status's
    /// number, whether the period's own and the final due date are provisional).
    pub helper_headers: [&'static str; 7],
    /// The list's headers: the date, its kind, its holiday's name, whether it is estimated.
    pub rest_headers: [&'static str; 4],
    /// A weekend day's kind in the list.
    pub weekend: &'static str,
    /// A day off's kind in the list.
    pub day_off: &'static str,
    /// The mark of an estimated day.
    pub estimated: &'static str,
    /// What the 延长/商定 column takes to extend a period by its statute's extension (`延长`).
    pub extend: &'static str,
    /// The status of a deadline past its due date.
    pub overdue: &'static str,
    /// … on its due date.
    pub due_today: &'static str,
    /// … before its due date.
    pub pending: &'static str,
    /// … before its event: the period has not begun.
    pub not_started: &'static str,
    /// … done on or before its due date.
    pub completed_on_time: &'static str,
    /// … done after its due date.
    pub completed_late: &'static str,
    /// Added to a status whose due date depends on an estimated year.
    pub provisional: &'static str,
    /// The status of a row whose rule is none of the list's.
    pub choose_rule: &'static str,
    /// The status of a row whose event is not a date.
    pub not_a_date: &'static str,
    /// The status of a row whose event is before the rule's text came into force.
    pub not_in_force: &'static str,
    /// The status of a row the list's years do not cover.
    pub outside_list: &'static str,
    /// The status of a row whose 延长/商定 the rule does not allow (or that is neither the
    /// word nor a date after the event).
    pub bad_adjustment: &'static str,
    /// The status of a row whose completion date is not a date.
    pub completed_not_a_date: &'static str,
    /// The document number of an example row on the notes sheet.
    pub example: &'static str,
    /// The notes' heading of the examples.
    pub examples_heading: &'static str,
    /// The notes' heading of the statuses.
    pub statuses_heading: &'static str,
    /// The rule column's prompt: title and message.
    pub rule_prompt: (&'static str, &'static str),
    /// The event column's prompt: title and message.
    pub event_prompt: (&'static str, &'static str),
    /// What an event outside the list's years is told: title and message.
    pub event_outside: (&'static str, &'static str),
    /// The 延长/商定 column's prompt: title and message.
    pub adjustment_prompt: (&'static str, &'static str),
    /// The completion column's prompt: title and message.
    pub completed_prompt: (&'static str, &'static str),
    /// The notes' table of years: year, its notice, whether dates depending on it are
    /// provisional.
    pub years_headers: [&'static str; 3],
    /// A year whose notice is published.
    pub published: &'static str,
    /// A year whose days off are estimated.
    pub estimated_year: &'static str,
    /// The number format that shows 1 as yes and 0 as no (`"是";"是";"否"`).
    pub yes_no_format: &'static str,
    /// The notes' table of rules: article, rule, period, counted in working days, length,
    /// the day its text came into force, the extension in the same unit (0: none), whether a
    /// due date may be agreed.
    pub rules_headers: [&'static str; 8],
    /// The labels of the first and last day the list covers.
    pub covers: (&'static str, &'static str),
    /// The label of the data version.
    pub data_version: &'static str,
}

impl WorkbookWords {
    /// Every word, in the order of the fields, for the catalogue's tests.
    pub fn all(&self) -> Vec<&'static str> {
        let mut all = vec![self.register_sheet, self.rest_sheet, self.notes_sheet];
        all.extend(self.register_headers);
        all.extend(self.helper_headers);
        all.extend(self.rest_headers);
        all.extend([
            self.weekend,
            self.day_off,
            self.estimated,
            self.extend,
            self.overdue,
            self.due_today,
            self.pending,
            self.not_started,
            self.completed_on_time,
            self.completed_late,
            self.provisional,
            self.choose_rule,
            self.not_a_date,
            self.not_in_force,
            self.outside_list,
            self.bad_adjustment,
            self.completed_not_a_date,
            self.example,
            self.examples_heading,
            self.statuses_heading,
            self.rule_prompt.0,
            self.rule_prompt.1,
            self.event_prompt.0,
            self.event_prompt.1,
            self.event_outside.0,
            self.event_outside.1,
            self.adjustment_prompt.0,
            self.adjustment_prompt.1,
            self.completed_prompt.0,
            self.completed_prompt.1,
        ]);
        all.extend(self.years_headers);
        all.extend([self.published, self.estimated_year]);
        all.extend(self.rules_headers);
        all.extend([self.covers.0, self.covers.1, self.data_version]);
        all
    }
}

/// What the workbook's notes say about it.
#[derive(Clone, Copy, Debug)]
pub struct WorkbookFacts<'a> {
    /// The calendar's name and id.
    pub calendar: (&'a str, &'a str),
    /// The first and last year the list covers.
    pub years: (i32, i32),
    /// The years whose days off are estimated.
    pub estimated_years: &'a [i32],
    /// Where to download it again: the full address of the page's calendar view, when the
    /// service serves the page.
    pub page: Option<&'a str>,
    /// The full address of a fresh copy of this workbook.
    pub address: &'a str,
    /// The rules whose period the 延长/商定 column extends, each with its extension in words
    /// (`政府信息公开条例第三十三条第二款、第三款：延长20个工作日`), and those whose due date may be agreed.
    pub adjustable: (&'a [String], &'a [String]),
}

/// What a deadline's calendar event says about it.
#[derive(Clone, Copy, Debug)]
pub struct DeadlineFacts<'a> {
    /// The title.
    pub title: &'a str,
    /// The document's number (文号), as the request's `id` gave it.
    pub doc_no: Option<&'a str>,
    /// The rule's article and words, with the name of the instrument they are from.
    pub citation: Option<(&'a str, &'a str, &'a str)>,
    /// Day 0.
    pub event_date: NaiveDate,
    /// The period.
    pub period: &'a Period<'a>,
    /// The last day.
    pub due_date: NaiveDate,
    /// The counting clock.
    pub zone: &'a str,
    /// The last moment's wall-clock time on it (`19:30`; `24:00` for midnight).
    pub due_time: &'a str,
    /// The end, RFC 3339.
    pub due_at: &'a str,
    /// The calendar's name and id.
    pub calendar: (&'a str, &'a str),
    /// Whether it depends on an unpublished year.
    pub provisional: bool,
}

#[cfg(test)]
mod tax_tests;
#[cfg(test)]
mod tests;

/// A rule's statute as an answer cites it before an article: `行政许可法` for
/// 中华人民共和国行政许可法, nothing for a rule of the working rules, which cite the article alone.
fn short_statute(rule: &crate::deadline::Rule) -> &str {
    rule.statute
        .as_deref()
        .map(|s| s.strip_prefix("中华人民共和国").unwrap_or(s))
        .unwrap_or_default()
}
