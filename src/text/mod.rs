//! What the service says to people, in Simplified Chinese and in English.
//!
//! The domain returns facts and codes (a [`crate::deadline::Step`] says *that* a day was a rest
//! day and did not count; a [`crate::calendar::CalendarError`] says *which* date was out of
//! range); this module turns them into words. [`Catalogue`] has one method per kind of text.
//! Which clauses a text has is decided once, in its default methods ([`Reason::of`],
//! [`Standing`], [`FixedEnding`], `year_outlook`, `workbook_notes`); [`zh`] and [`en`] are
//! phrasebooks that word the clauses — each implements every phrase, so a text that exists in
//! one language only does not compile. The English catalogue is also the domain errors'
//! `Display`, for the log.
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
    Article, BadValue, ChosenBy, Consequence, DeadlineError, Direction, Ending, HoursFrom,
    InputError, JsonKind, JsonProblem, Period, Readings, State, Status, Step, Unit, UnknownUnit,
    Why,
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
        Conflict,
        TooManyRequests,
        DatabaseUnavailable,
        VersionGone,
        FieldTooLong,
        InvalidRows,
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
    /// `limit` outside 1 to its most.
    Limit {
        /// The most it may be.
        max: usize,
    },
    /// `cursor` that is not one this list gave.
    Cursor,
    /// `limit` or `cursor` with an export (CSV, xlsx), which holds every matter.
    PagedExport,
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
    /// The database replicas share cannot record a change of the data (a reload, a
    /// withdrawal): the change is not made.
    Unrecorded,
    /// A body that is not a matter.
    NotAMatter(JsonProblem),
    /// A matter's field that is none of its own (named, quoted).
    NotAMattersField(String),
    /// A matter the register cannot keep.
    Matter(crate::register::MatterError),
    /// A body that is not `{"name": …}`, or a register's name that is empty or too long.
    Name,
    /// An action (`complete`, `reopen`, …) sent with a body: it takes none.
    ActionBody,
    /// An imported 台账 with rows that cannot be kept (every one found, in order): nothing
    /// was imported.
    Import(Vec<RowProblem>),
    /// A `token=` that is not the register's calendar token (revoked, replaced, a key, or no
    /// such register: one answer).
    NotTheCalendarToken,
    /// A key that only reads, offered for a write.
    ReadOnly,
    /// No key of that label in the register.
    NoSuchKey,
    /// A key of that label exists already (revoked or not).
    LabelTaken,
    /// The register's last writing key, which is not revoked.
    LastWritingKey,
    /// A body that is not `{"label": …, "read_only": …}`, or a label that is empty, too long,
    /// or holds a `/` or a control character.
    KeyBody,
    /// The key (or calendar token) made more requests than its rate allows.
    TooManyRequests {
        /// Seconds until the next one is taken.
        retry_after: u64,
    },
}

/// One row of an imported 台账 that cannot be kept: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: u64,
    /// The column, as the header names it (empty for the whole row).
    pub column: String,
    /// What is wrong.
    pub why: RowWhy,
}

/// What is wrong with a row (or the header) of an imported 台账.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowWhy {
    /// A header that is no column of the 台账 (in either language).
    UnknownColumn,
    /// A column given twice.
    ColumnTwice,
    /// Not a CSV row, or wider than the header.
    NotARow,
    /// 延长/商定 that is neither 延长 nor a date (the value, quoted).
    Adjustment(String),
    /// A date that is none (the value, quoted).
    NotADate(String),
    /// A moment that is no RFC 3339 date-time with its offset (the value, quoted).
    NotAnInstant(String),
    /// The other period fields, which are not a period's JSON.
    Period(JsonProblem),
    /// A matter the register cannot keep.
    Matter(crate::register::MatterError),
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

/// Where a deadline stands, as a status says it: its state, with the working days left, late
/// or overdue where they are said (none said when the last moment passed the same day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The period has not begun.
    NotStarted,
    /// Done within the period.
    CompletedOnTime,
    /// Done on the due day, after its last moment.
    CompletedAfterLastMoment,
    /// Done this many working days late.
    CompletedLate(u64),
    /// Pending, with this many working days left (the due day counted).
    Pending(u64),
    /// Due today.
    DueToday,
    /// Past the last moment, on the due day.
    PastLastMoment,
    /// Overdue by this many working days.
    Overdue(u64),
}

/// What a day of a period's reason says, decided once from the step and the period; each
/// phrasebook words it ([`Catalogue::reason`]). `n` is the day's ordinal, `law` the article
/// that decides the step, `basis` the rule's own citation (its basis for the step, or its
/// statute and article), none for an ad hoc period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason<'a> {
    /// The day counted back from.
    EventDayBack,
    /// The event's day, not counted: the period starts the next day.
    EventDay {
        /// The article that says so.
        law: Article<'a>,
    },
    /// A day of the period, counted.
    Counted {
        /// Its ordinal.
        n: u32,
        /// Whether the period counts working days.
        working_days: bool,
        /// Whether it is counted back from the event.
        backward: bool,
        /// Whether it is an ordinary working day (its kind need not be said again).
        ordinary: bool,
    },
    /// A day of the extension.
    Extension {
        /// Its ordinal.
        n: u32,
        /// Whether the extension counts working days.
        working_days: bool,
        /// The rule's citation.
        basis: Option<String>,
    },
    /// The corresponding day of the month the period ends in.
    CorrespondingDay {
        /// Its ordinal.
        n: u32,
    },
    /// The month's last day, where it has no corresponding day.
    MonthEnd {
        /// Its ordinal.
        n: u32,
    },
    /// Time not counted.
    Paused {
        /// Whether the rule's excluded time is a suspension (中止).
        suspension: bool,
        /// The rule's citation.
        basis: Option<String>,
    },
    /// A day of three or more consecutive rest days inside a tax-counted period; its ordinal
    /// when it is counted.
    TaxProlonged {
        /// Its ordinal.
        n: Option<u32>,
    },
    /// A working day the long rest prolongs the period by.
    TaxProlongedDay {
        /// Its ordinal.
        n: u32,
    },
    /// A backward period's last day moved earlier: to this working day (`onto`), or over
    /// this rest day.
    RolledBack {
        /// Whether this is the working day it moved to.
        onto: bool,
    },
    /// The earliest day of the next step.
    NextStep {
        /// The rule's citation.
        basis: Option<String>,
    },
    /// A day within the agreed due date: the rule's statute, article and words that allow
    /// it, or none when the request agreed it.
    Agreed {
        /// The rule's citation.
        rule: Option<(&'a str, &'a str, &'a str)>,
    },
    /// A day of a period in hours, with its minutes.
    HoursElapsed {
        /// Minutes counted.
        minutes: u32,
    },
    /// A rest day of a working-day period.
    NotWorking,
    /// A day with office time counted.
    OfficeTime {
        /// Minutes counted.
        minutes: u32,
    },
    /// A day without office time.
    NoOfficeTime,
    /// The last day moved over the rest days: to this working day (`onto`), or over this day.
    Rolled {
        /// Whether this is the working day it moved to.
        onto: bool,
        /// The article that moves it.
        law: Article<'a>,
    },
}

impl<'a> Reason<'a> {
    /// What `step` of `period` says.
    pub fn of(step: &Step, period: &Period<'a>) -> Self {
        let n = step.ordinal.unwrap_or(0);
        let working = matches!(step.kind, DayKind::Workday | DayKind::MakeupWorkday);
        // The rule's own citation, for the steps it sets (an extension, time not counted…).
        let basis = |basis: Option<&str>| {
            let rule = period.rule?;
            Some(match basis {
                Some(basis) => basis.to_owned(),
                None => format!(
                    "{}{}",
                    short_statute(rule),
                    period.article().map_or(rule.article.as_str(), |a| a.0)
                ),
            })
        };
        match step.why {
            Why::EventDay if period.direction == Direction::Backward => Reason::EventDayBack,
            Why::EventDay => Reason::EventDay {
                law: period.start_article(),
            },
            Why::Counted => Reason::Counted {
                n,
                working_days: period.unit == Unit::WorkingDays,
                backward: period.direction == Direction::Backward,
                ordinary: step.kind == DayKind::Workday,
            },
            Why::Extension => Reason::Extension {
                n,
                working_days: period.extension_unit() == Unit::WorkingDays,
                basis: basis(None),
            },
            Why::CorrespondingDay => Reason::CorrespondingDay { n },
            Why::MonthEnd => Reason::MonthEnd { n },
            Why::Paused => Reason::Paused {
                suspension: period
                    .rule
                    .and_then(|r| r.excluded_time.as_deref())
                    .is_some_and(|words| words.contains("中止")),
                basis: basis(period.rule.and_then(|r| r.excluded_time_basis.as_deref())),
            },
            Why::TaxProlonged => Reason::TaxProlonged { n: step.ordinal },
            Why::TaxProlongedDay => Reason::TaxProlongedDay { n },
            Why::RolledBack => Reason::RolledBack { onto: working },
            Why::NextStep => Reason::NextStep { basis: basis(None) },
            Why::Agreed => Reason::Agreed {
                rule: period.rule.map(|rule| {
                    (
                        short_statute(rule),
                        rule.article.as_str(),
                        rule.agreed_due.as_deref().unwrap_or_default(),
                    )
                }),
            },
            Why::HoursElapsed => Reason::HoursElapsed {
                minutes: step.minutes.unwrap_or(0),
            },
            Why::NotWorking => Reason::NotWorking,
            Why::OfficeTime => Reason::OfficeTime {
                minutes: step.minutes.unwrap_or(0),
            },
            Why::NoOfficeTime => Reason::NoOfficeTime,
            Why::Rolled => Reason::Rolled {
                onto: working,
                law: period.roll_article(),
            },
        }
    }
}

/// How a deadline's last moment was set, where it is said the same for every period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedEnding {
    /// At 24:00, as the request asked (`cutoff=midnight`).
    MidnightAsked,
    /// At 24:00: the calendar gives no office hours.
    MidnightNoHours,
    /// At 24:00: the due day is a rest day without office hours.
    MidnightDayWithoutHours,
    /// When the office time has run.
    OfficeTimeRun,
    /// When the hours have run.
    HoursRun,
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
    /// Something named that does not exist: a route, with the closest one and the list where
    /// they are given, or what the domain says of a calendar or a rule.
    fn missing(&self, what: &Missing) -> String {
        match what {
            Missing::Route {
                route,
                near,
                routes,
            } => {
                let mut text = self.no_route(route);
                if let Some(near) = near {
                    text.push_str(&self.route_near(near));
                }
                if let Some(routes) = routes {
                    text.push_str(&self.routes_are(routes));
                }
                text
            }
            Missing::Calendar(e) => self.calendar_error(e),
            Missing::Rule(e) => self.deadline_error(e),
            Missing::FeedFile { year } => self.no_feed_file(*year),
        }
    }
    /// No route serves `route` (a method and a path).
    fn no_route(&self, route: &str) -> String;
    /// The closest route, after [`Catalogue::no_route`], from its separator on.
    fn route_near(&self, near: &str) -> String;
    /// The routes, after it, from its separator on.
    fn routes_are(&self, routes: &str) -> String;
    /// No feed file for `year` is in force to withdraw.
    fn no_feed_file(&self, year: i32) -> String;
    /// A request that took too long.
    fn slow(&self, slow: &Slow) -> String;
    /// A method the route does not serve.
    fn method_not_allowed(&self, route: &str, allow: &str) -> String;
    /// `strict=true` and a provisional answer.
    fn strictly(&self, what: Strictly) -> String;
    /// No valid admin token.
    fn unauthorized(&self) -> String;
    /// What is wrong with a row of an imported 台账.
    fn row_problem(&self, why: &RowWhy) -> String;
    /// The 台账's columns after the workbook's ten (an export's and an import's): 备注, 日历,
    /// the period's other fields, 办结时间, 已确认截止日, then the computed ones: 截止时间,
    /// 暂定, 剩余工作日, 已变动, 问题, 编号, 版本.
    fn ledger_headers(&self) -> [&'static str; 12];
    /// A stored matter that does not read back (the operator's log says why).
    fn unreadable_matter(&self) -> String;
    /// One row's problem as a refusal's detail names it: where, and `why`.
    fn row_at(&self, row: u64, column: &str, why: &str) -> String;
    /// An import refused for `count` rows, the first of them `shown`, `more` when others
    /// follow (the problem's `errors` lists each).
    fn rows_refused(&self, count: usize, shown: &[String], more: bool) -> String;
    /// An import refused for `rows`: how many, and the first three.
    fn import_refused(&self, rows: &[RowProblem]) -> String {
        let shown: Vec<String> = rows
            .iter()
            .take(3)
            .map(|r| self.row_at(r.row, &r.column, &self.row_problem(&r.why)))
            .collect();
        self.rows_refused(rows.len(), &shown, rows.len() > shown.len())
    }
    /// Every column of the 台账: the workbook's, then the register's own.
    fn ledger_columns(&self) -> Vec<&'static str> {
        self.workbook_words()
            .register_headers
            .iter()
            .chain(self.ledger_headers().iter())
            .copied()
            .collect()
    }
    /// What a register's route refused.
    fn refused(&self, what: &Refused) -> String;
    /// A data version that is not kept (with the oldest that is, where one is), or cannot be
    /// compiled again.
    fn history_error(&self, error: &HistoryError) -> String {
        match error {
            HistoryError::NotKept { version, oldest } => {
                let mut text = self.version_not_kept(&crate::time::quoted(version));
                if let Some(oldest) = oldest {
                    text.push_str(&self.oldest_kept(oldest));
                }
                text
            }
            // The reason names stored inputs and OS errors: it is logged, not shown.
            HistoryError::Unusable { version, .. } => self.version_unusable(version),
        }
    }
    /// A data version (quoted) is not kept.
    fn version_not_kept(&self, version: &str) -> String;
    /// The oldest kept, after [`Catalogue::version_not_kept`], from its separator on.
    fn oldest_kept(&self, oldest: &str) -> String;
    /// A kept data version cannot be compiled again.
    fn version_unusable(&self, version: &str) -> String;
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
    /// A JSON body that is not what was expected, with where, when it is known.
    fn json_problem(&self, problem: &JsonProblem) -> String {
        let what = self.json_kind(&problem.kind);
        if problem.line == 0 {
            what
        } else {
            self.json_at(what, problem.line, problem.column)
        }
    }
    /// What is wrong with a JSON body.
    fn json_kind(&self, kind: &JsonKind) -> String;
    /// What is wrong, at a line and column.
    fn json_at(&self, what: String, line: usize, column: usize) -> String;
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
    /// What kind of day a day is, with its holiday's name (`节假日（国庆节）`), marked when
    /// estimated.
    fn day(&self, day: DayFacts<'_>) -> String {
        let mut text = self.day_kind(day.kind, day.name);
        if day.estimated {
            text.push_str(self.estimated_mark());
        }
        text
    }
    /// What kind of day a day is, with its holiday's name.
    fn day_kind(&self, kind: DayKind, name: Option<&str>) -> String;
    /// The mark of an estimated day, after its words (`（预估）`).
    fn estimated_mark(&self) -> &'static str;
    /// Why a day of a period counted or not: which clauses it has is decided here, once
    /// ([`Reason::of`]); each phrasebook words them ([`Catalogue::reason`]).
    fn step_reason(&self, step: &Step, period: &Period<'_>) -> String {
        let day = self.day(DayFacts {
            kind: step.kind,
            name: step.name.as_deref(),
            estimated: false,
        });
        self.reason(&Reason::of(step, period), &day)
    }
    /// A step's reason, with `day`, what kind of day it is (`调休上班日（国庆节）`).
    fn reason(&self, reason: &Reason<'_>, day: &str) -> String;
    /// A period's length (`7个工作日`, `30 days`).
    fn period_length(&self, period: &Period<'_>) -> String;
    /// A deadline's status as of a day, in a sentence, with what lapsing means under the
    /// period's rule. Which clauses it has is decided here, once; each phrasebook words them.
    fn status(&self, status: &Status, period: &Period<'_>) -> String {
        let mut text = self.state_words(status.state, status.working_days_left, status.as_of_date);
        if let Some(consequence) = status.consequence {
            let rule = period.rule;
            text.push_str(&self.lapse(
                consequence,
                rule.and_then(|r| r.on_lapse_text.as_deref().zip(r.on_lapse_basis.as_deref())),
                rule.and_then(|r| r.on_lapse_basis.as_deref()),
            ));
        }
        text
    }
    /// A state with the working days left (negative once overdue) as of `on`, in the words of a
    /// status without what lapsing means: how a register's matter says where it stands.
    fn state_words(&self, state: State, working_days_left: i64, on: NaiveDate) -> String {
        let n = working_days_left.unsigned_abs();
        let standing = match state {
            State::NotStarted => Standing::NotStarted,
            State::CompletedOnTime => Standing::CompletedOnTime,
            State::CompletedLate if n == 0 => Standing::CompletedAfterLastMoment,
            State::CompletedLate => Standing::CompletedLate(n),
            State::Pending => Standing::Pending(n),
            State::DueToday => Standing::DueToday,
            State::Overdue if n == 0 => Standing::PastLastMoment,
            State::Overdue => Standing::Overdue(n),
        };
        self.standing(standing, on)
    }
    /// Where a deadline stands on `on`.
    fn standing(&self, standing: Standing, on: NaiveDate) -> String;
    /// What lapsing means, after a status, from its separator on: the consequence, the rule's
    /// own words for it with their basis when it gives both (`own`), and the basis alone.
    fn lapse(
        &self,
        consequence: Consequence,
        own: Option<(&str, &str)>,
        basis: Option<&str>,
    ) -> String;
    /// What a consequence means.
    fn consequence(&self, consequence: Consequence) -> String;
    /// Why an answer is provisional.
    fn provisional_note(&self) -> String;
    /// For a provisional answer, how likely its date is to move: the low-confidence estimated
    /// days it depends on, with the runner-up arrangements, or none.
    fn certainty_note(&self, uncertain: &[(NaiveDate, Option<&str>)]) -> String {
        if uncertain.is_empty() {
            return self.certainty_settled().to_owned();
        }
        let days: Vec<NaiveDate> = uncertain.iter().map(|(d, _)| *d).collect();
        let mut alternatives: Vec<&str> = uncertain.iter().filter_map(|(_, a)| *a).collect();
        alternatives.dedup();
        self.certainty_unsure(&days, &alternatives)
    }
    /// Every estimated day the answer depends on is one the notices have never moved.
    fn certainty_settled(&self) -> &'static str;
    /// The answer depends on these low-confidence `days`; `alternatives` are the runner-up
    /// arrangements, each once.
    fn certainty_unsure(&self, days: &[NaiveDate], alternatives: &[&str]) -> String;
    /// How a deadline's last moment was set, and on what basis (the period's rule's cutoff
    /// and the law that counts its periods).
    fn ending(&self, ending: &Ending<'_>, period: &Period<'_>) -> String {
        let basis = period
            .rule
            .map(|r| r.cutoff_basis.as_str())
            .unwrap_or_default();
        let posted = match period.start_article() {
            Article::CivilProcedure { via } => self.posted_in_time(via, basis),
            _ => String::new(),
        };
        let fixed = match ending {
            Ending::CloseOfBusiness { hours, from, by } => {
                let whose = match from {
                    Some(from) => self.hours_of(from),
                    None => self.hours_given().to_owned(),
                };
                let why = self.closes_when(*by, basis, &posted);
                return self.close_of_business(&hours.text(), &whose, &why);
            }
            Ending::Midnight {
                by: ChosenBy::Rule(_),
            } => return self.midnight_by_rule(basis, &posted),
            Ending::Midnight { .. } => FixedEnding::MidnightAsked,
            Ending::MidnightNoHours => FixedEnding::MidnightNoHours,
            Ending::MidnightDayWithoutHours => FixedEnding::MidnightDayWithoutHours,
            Ending::OfficeTimeRun => FixedEnding::OfficeTimeRun,
            Ending::HoursRun => FixedEnding::HoursRun,
        };
        self.fixed_ending(fixed).to_owned()
    }
    /// That a document posted before the period expires is in time (民事诉讼法 第八十五条,
    /// through `via`), after a clause from its separator on; nothing where the rule's `basis`
    /// says it already.
    fn posted_in_time(&self, via: &str, basis: &str) -> String;
    /// Whose office hours close the due day: a calendar's (`from`).
    fn hours_of(&self, from: &HoursFrom<'_>) -> String;
    /// … the request's (`office_hours`).
    fn hours_given(&self) -> &'static str;
    /// Why the period ends at the close of business: chosen `by` the rule (with its `basis`
    /// and the `posted` clause), the request, or an ad hoc period's default.
    fn closes_when(&self, by: ChosenBy, basis: &str, posted: &str) -> String;
    /// The period ends at the close of business: the office's `hours` that day, whose they
    /// are, and why.
    fn close_of_business(&self, hours: &str, whose: &str, why: &str) -> String;
    /// The last day ends at 24:00, as the rule says (its `basis`, the `posted` clause).
    fn midnight_by_rule(&self, basis: &str, posted: &str) -> String;
    /// A last moment set without the rule's words.
    fn fixed_ending(&self, ending: FixedEnding) -> &'static str;
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
    /// A day off's or makeup day's event title: its category, with its holiday's name, marked
    /// when estimated.
    fn holiday_event_summary(&self, day: DayFacts<'_>) -> String {
        let what = self.holiday_event_category(day.kind);
        let mut text = match day.name {
            Some(name) => self.holiday_event_named(name, what),
            None => what.to_owned(),
        };
        if day.estimated {
            text.push_str(self.estimated_mark());
        }
        text
    }
    /// A day off's or makeup day's event title with its holiday's name.
    fn holiday_event_named(&self, name: &str, category: &str) -> String;
    /// Its category (`放假`, `调休上班`).
    fn holiday_event_category(&self, kind: DayKind) -> &'static str;
    /// Its description: the calendar and the day, then a line on an estimate and one naming
    /// the source, where there are.
    fn holiday_event_description(
        &self,
        calendar: (&str, &str),
        day: DayFacts<'_>,
        source: Option<&str>,
    ) -> String {
        let summary = self.holiday_event_summary(DayFacts {
            estimated: false,
            ..day
        });
        let mut text = self.holiday_event_of(calendar, &summary);
        if day.estimated {
            text.push('\n');
            text.push_str(self.holiday_event_estimated());
        }
        if let Some(source) = source {
            text.push('\n');
            text.push_str(&self.holiday_event_source(source));
        }
        text
    }
    /// A day's event in a calendar: its name and id, and the event's title.
    fn holiday_event_of(&self, calendar: (&str, &str), summary: &str) -> String;
    /// The line on an estimated day.
    fn holiday_event_estimated(&self) -> &'static str;
    /// The line naming the day's source.
    fn holiday_event_source(&self, source: &str) -> String;
    /// Why an event time written on another clock is counted from another date than it shows,
    /// and the due date its date as written would give: `counted` and `written` are each an
    /// event date with its due date, `zone` the counting clock.
    fn other_reading_note(
        &self,
        counted: (NaiveDate, NaiveDate),
        written: (NaiveDate, NaiveDate),
        zone: &str,
    ) -> String;
    /// A deadline's event title, marked as the workbook marks a provisional status.
    fn deadline_event_summary(
        &self,
        title: &str,
        doc_no: Option<&str>,
        provisional: bool,
    ) -> String {
        let mut text = self.deadline_due(title, doc_no);
        if provisional {
            text.push_str(self.workbook_words().provisional);
        }
        text
    }
    /// A deadline's title as its event says it is due, with its document's number.
    fn deadline_due(&self, title: &str, doc_no: Option<&str>) -> String;
    /// The deadline's title when no rule gives one.
    fn ad_hoc_title(&self, period: &Period<'_>) -> String;
    /// A deadline's event description.
    fn deadline_event_description(&self, facts: &DeadlineFacts<'_>) -> String;
    /// The reminder's text.
    fn deadline_reminder(&self, due: NaiveDate, title: &str, doc_no: Option<&str>) -> String;
    /// The category of a deadline's event.
    fn deadline_category(&self) -> &'static str;
    /// The name of a register's calendar feed.
    fn register_feed_name(&self, register: &str) -> String;
    /// A register's matter's event description: its fields, its due instant on Beijing time,
    /// and whether it is provisional or moved.
    fn register_event_description(&self, facts: &MatterFacts<'_>) -> String;

    // -- the offline workbook (xlsx) -------------------------------------------------------

    /// Its fixed words: sheet names, headers, what its formulas show, its prompts.
    fn workbook_words(&self) -> &'static WorkbookWords;
    /// Its title: the calendar's name and id.
    fn workbook_title(&self, calendar: (&str, &str)) -> String;
    /// The paragraphs of its notes sheet: what it holds, its data version, when to download it
    /// again, and how its formulas count. Which clauses they have is decided here, once; each
    /// phrasebook words them.
    fn workbook_notes(&self, facts: &WorkbookFacts<'_>) -> Vec<String> {
        let (from, to) = facts.years;
        let (extended, agreed) = facts.adjustable;
        let mut adjust = Vec::new();
        if !extended.is_empty() {
            adjust.push(self.notes_extended(extended));
        }
        if !agreed.is_empty() {
            adjust.push(self.notes_agreed(agreed));
        }
        let estimated = match facts.estimated_years {
            [] => self.notes_every_notice_held().to_owned(),
            years => {
                self.notes_estimated(&self.unrecorded_notices(years), &self.provisional_note())
            }
        };
        let [intro, colours, not_deducted] = self.notes_fixed();
        vec![
            self.workbook_title(facts.calendar),
            intro.to_owned(),
            self.notes_adjustable(&adjust),
            colours.to_owned(),
            not_deducted.to_owned(),
            estimated,
            self.notes_download(to, facts.page, facts.address),
            self.notes_counting(from, (from != to).then_some(to)),
        ]
    }
    /// The notes' paragraphs that are the same for every workbook: what it is, its colours,
    /// what it does not deduct.
    fn notes_fixed(&self) -> [&'static str; 3];
    /// The 延长/商定 column's clause for the rules it extends, each with its extension.
    fn notes_extended(&self, rules: &[String]) -> String;
    /// … for the rules whose due date may be agreed.
    fn notes_agreed(&self, rules: &[String]) -> String;
    /// The 延长/商定 column's paragraph, with its clauses (none: no rule takes it).
    fn notes_adjustable(&self, clauses: &[String]) -> String;
    /// Every year of the list has its notice.
    fn notes_every_notice_held(&self) -> &'static str;
    /// Some have not: what the system lacks (`unrecorded`), and what that means (`note`).
    fn notes_estimated(&self, unrecorded: &str, note: &str) -> String;
    /// When and where to download it again: `to` is the list's last year, `page` the page's
    /// calendar view when the service serves the page, `address` a fresh copy's.
    fn notes_download(&self, to: i32, page: Option<&str>, address: &str) -> String;
    /// How its formulas count, over the list's years (`from`, and `to` when it is another).
    fn notes_counting(&self, from: i32, to: Option<i32>) -> String;
    /// The note on the due date's header: how it is counted, in short.
    fn workbook_due_note(&self) -> String;
    /// What the system does not hold for `years`: 「本系统尚未收录2027年放假安排通知」, and whom
    /// to ask. The one wording of it: the workbook says it, and the page and the API may.
    fn unrecorded_notices(&self, years: &[i32]) -> String;

    // -- registers ---------------------------------------------------------------------------

    /// A changed day that moved a matter, what it was and what it is (each as
    /// [`Catalogue::day`] words it): 「2027年7月14日由工作日改为节假日（州庆）」.
    fn day_changed(&self, date: NaiveDate, was: &str, is: &str) -> String;
    /// Why the days that moved a matter cannot be named: the data version its due date was
    /// acknowledged on is no longer kept (`Some`), or was never recorded (`None`).
    fn moved_by_unknown(&self, version: Option<&str>) -> String;
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

/// What a register's calendar event says about its matter.
#[derive(Clone, Copy, Debug)]
pub struct MatterFacts<'a> {
    /// 文号 (may be empty).
    pub doc_number: &'a str,
    /// 事由 (may be empty).
    pub subject: &'a str,
    /// 来文单位 (may be empty).
    pub sender: &'a str,
    /// 承办人 (may be empty).
    pub handler: &'a str,
    /// The due date.
    pub due_date: NaiveDate,
    /// The due instant's time of day on Beijing time, `24:00` for the end of the due date.
    pub due_time: &'a str,
    /// The day that time is on, when it is not the due date (a period counted on another
    /// clock).
    pub due_day: NaiveDate,
    /// Whether it depends on a year whose notice is not in (暂定).
    pub provisional: bool,
    /// The acknowledged due date, when the computed one differs from it (已变动).
    pub moved_from: Option<NaiveDate>,
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

/// Names or words in a list, each after `sep` but the last, which comes after `last`:
/// `a、b或 c`, `a, b and c`. The lists a refusal gives are a vocabulary's names, derived.
fn listed<S: AsRef<str>>(words: &[S], sep: &str, last: &str) -> String {
    match words {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [some @ .., end] => {
            let some: Vec<&str> = some.iter().map(AsRef::as_ref).collect();
            format!("{}{last}{}", some.join(sep), end.as_ref())
        }
    }
}

/// A rule's statute as an answer cites it before an article: `行政许可法` for
/// 中华人民共和国行政许可法, nothing for a rule of the working rules, which cite the article alone.
fn short_statute(rule: &crate::deadline::Rule) -> &str {
    rule.statute
        .as_deref()
        .map(|s| s.strip_prefix("中华人民共和国").unwrap_or(s))
        .unwrap_or_default()
}
