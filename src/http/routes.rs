//! Every route and the query parameters it takes, in one table. The parameter extractor refuses
//! any name a route's entry does not list (`_` excepted: spreadsheets and browsers add it to
//! defeat caches) and a request without one it requires, before the handler runs (in a debug
//! build, a handler that reads a name its entry does not list panics: a programming error);
//! registration in [`super::configure`] takes its paths and methods from here;
//! and a test holds openapi.yaml to the same table, so the three cannot drift apart.

use super::format::Format;
use crate::calendar::Roll;
use crate::deadline::{Holds, Input};
use strum::VariantNames;

/// What a query parameter holds, as the description must state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text (an id, a name).
    Text,
    /// A civil date, or `today`.
    Date,
    /// A date, a date-time with or without offset, `now` or `today`.
    Moment,
    /// A whole number.
    Integer,
    /// `true`/`false`, `1`/`0`.
    Flag,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// One query parameter of a route.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether the route refuses a request without it.
    pub required: bool,
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: false,
    }
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: true,
    }
}

/// What one method of a route takes in its query string and how it may answer.
#[derive(Clone, Copy, Debug)]
pub struct Query {
    /// The parameters of its own.
    pub params: &'static [Param],
    /// The formats it answers in, the default first; when any are listed, it takes `format`
    /// (and `bom` when CSV is among them); when none, it answers JSON alone.
    pub formats: &'static [Format],
    /// The fields a text answer may carry, the default first; when any, it takes `field`.
    pub fields: &'static [&'static str],
}

impl Query {
    /// A route that takes no parameters and answers in its one format.
    const PLAIN: Query = Query {
        params: &[],
        formats: &[],
        fields: &[],
    };

    /// Whether `name` is a parameter of this route.
    pub fn accepts(&self, name: &str) -> bool {
        name == "_" || self.names().any(|n| n == name)
    }

    /// Every parameter name it takes: its own, then `format`, `bom` and `field` where they
    /// apply, then `lang`, which every route takes (not `_`).
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.params
            .iter()
            .map(|p| p.name)
            .chain((!self.formats.is_empty()).then_some("format"))
            .chain(self.formats.contains(&Format::Csv).then_some("bom"))
            .chain((!self.fields.is_empty()).then_some("field"))
            .chain(std::iter::once("lang"))
    }
}

/// Whether, and how, a route's GET answer depends on the moment it is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Never: the same request on the same data gives the same answer.
    Never,
    /// Always on today's date (Beijing): the date is part of the cache key and the ETag, so
    /// that an answer made yesterday is neither served nor confirmed (304) today.
    Today,
    /// When a value names `today` or `now`, anywhere in it (`paused=today/2027-01-10`) or as
    /// the last path segment (`/v1/days/today`), or when the parameter given here is absent
    /// (the office is open *now*): such an answer is neither cached nor given an ETag.
    WhenAsked(Option<&'static str>),
    /// Always, and on what else the service keeps (a register's matters, whose states are
    /// judged as of the moment asked): neither cached nor given an ETag by the middleware; a
    /// matter carries its own (its version).
    Always,
}

/// What the cache layer does with a route's answers: the route's own facts, read by the
/// middleware rather than guessed from its path (a new route is treated as its entry says, and
/// an entry that says nothing gets nothing: no snapshot, no ETag, no cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Whether its answers are made from the data: the cache layer takes one snapshot of the
    /// data for the request and hands it to the handler, so that the answer and its
    /// `x-data-version` name the same version (a handler without one takes its own).
    pub snapshot: bool,
    /// Whether its GET answers are named by an ETag (and answer `If-None-Match` with `304`):
    /// the API's answers, not the probes and documents beside them.
    pub etag: bool,
    /// Whether its POST changes the data (a reload): `x-data-version` is then read after the
    /// answer, so that it names the version the change put in force, and no snapshot is taken.
    pub changes_data: bool,
    /// Whether its answers are kept in the response cache: the ones whose rendering costs
    /// more than a lookup (see BENCHMARKS.md: a deadline with its explanation, day lists,
    /// calendar exports). Single dates and counts are cheaper to recompute than to look up.
    pub cached: bool,
    /// Whether it depends on the clock.
    pub clock: Clock,
    /// Whether it shows the feed's, the operator's or the rules' status, which change without
    /// the data changing: only these depend on the status generation, so that an idle feed
    /// poll does not throw away every other cached answer and ETag.
    pub status: bool,
    /// Whether it names the address it was asked on (the workbook's notes do): the `Host` and
    /// a proxy's forwarding headers are then part of the cache key and the ETag.
    pub origin: bool,
    /// Whether it answers only with a register's key or token: browsers of other origins may
    /// call it only from `QIXIAN_REGISTER_CORS_ORIGINS` (not the public API's CORS), and its
    /// answers are `Cache-Control: private, no-store`.
    pub private: bool,
}

/// A route: its path, what each method takes, and its answers' policy. HEAD is answered
/// wherever GET is.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    /// The path pattern, as actix and openapi.yaml write it.
    pub path: &'static str,
    /// GET (and HEAD), when served.
    pub get: Option<Query>,
    /// POST, when served.
    pub post: Option<Query>,
    /// DELETE, when served (a register's keys and calendar token).
    pub delete: Option<Query>,
    /// What the cache layer does with its GET answers.
    pub policy: Policy,
}

/// No snapshot, no ETag, not cached, the same whenever asked, no status shown.
pub(super) const PLAIN: Policy = Policy {
    snapshot: false,
    etag: false,
    changes_data: false,
    cached: false,
    clock: Clock::Never,
    status: false,
    origin: false,
    private: false,
};

/// The API's answers: made from one snapshot of the data and named by an ETag.
const FROM_DATA: Policy = Policy {
    snapshot: true,
    etag: true,
    ..PLAIN
};

impl Endpoint {
    /// Its answers are made from a snapshot of the data.
    const fn snapshot(mut self) -> Self {
        self.policy.snapshot = true;
        self
    }

    /// Its POST changes the data.
    const fn changes_data(mut self) -> Self {
        self.policy.changes_data = true;
        self
    }

    /// Its answers are kept in the response cache.
    const fn cached(mut self) -> Self {
        self.policy.cached = true;
        self
    }

    /// Its answers depend on the clock so.
    const fn clock(mut self, clock: Clock) -> Self {
        self.policy.clock = clock;
        self
    }

    /// Its answers show the feed's, the operator's or the rules' status.
    const fn status(mut self) -> Self {
        self.policy.status = true;
        self
    }

    /// Its answers name the address they were asked on.
    const fn by_origin(mut self) -> Self {
        self.policy.origin = true;
        self
    }

    /// The methods it serves, for `Allow`.
    pub fn allow(&self) -> &'static str {
        match (
            self.get.is_some(),
            self.post.is_some(),
            self.delete.is_some(),
        ) {
            (true, true, false) => "GET, HEAD, POST",
            (true, false, false) => "GET, HEAD",
            (false, true, false) => "POST",
            (true, true, true) => "GET, HEAD, POST, DELETE",
            (true, false, true) => "GET, HEAD, DELETE",
            (false, true, true) => "POST, DELETE",
            (false, false, _) => "DELETE",
        }
    }

    /// What `method` takes here; HEAD is GET.
    pub fn query(&self, method: &actix_web::http::Method) -> Option<&Query> {
        match method.as_str() {
            "GET" | "HEAD" => self.get.as_ref(),
            "POST" => self.post.as_ref(),
            "DELETE" => self.delete.as_ref(),
            _ => None,
        }
    }
}

/// A route served by GET (and HEAD) alone, with no policy yet: the probes and documents.
const fn get(path: &'static str, query: Query) -> Endpoint {
    Endpoint {
        path,
        get: Some(query),
        post: None,
        delete: None,
        policy: PLAIN,
    }
}

/// A route of the API served by GET (and HEAD): its answers are made from the data and
/// named by an ETag.
const fn api_get(path: &'static str, query: Query) -> Endpoint {
    Endpoint {
        policy: FROM_DATA,
        ..get(path, query)
    }
}

/// The clock of the routes that read dates and moments: only when asked for `today` or `now`.
const ASKED: Clock = Clock::WhenAsked(None);

const CALENDAR: Param = opt("calendar", Kind::Text);
const STRICT: Param = opt("strict", Kind::Flag);
/// A kept version of the data to answer under (`410` when it is not kept).
const DATA_VERSION: Param = opt("data_version", Kind::Text);
const YEARS: [Param; 3] = [
    opt("year", Kind::Integer),
    opt("from_year", Kind::Integer),
    opt("to_year", Kind::Integer),
];

/// `GET /healthz`.
pub const HEALTHZ: Endpoint = get("/healthz", Query::PLAIN);
/// `GET /readyz`.
pub const READYZ: Endpoint = get("/readyz", Query::PLAIN).snapshot();
/// `GET /metrics`.
pub const METRICS: Endpoint = get("/metrics", Query::PLAIN).snapshot();
/// `GET /openapi.yaml`.
pub const OPENAPI: Endpoint = get("/openapi.yaml", Query::PLAIN);
/// `GET /v1/calendars`.
pub const CALENDARS: Endpoint = api_get("/v1/calendars", Query::PLAIN)
    .cached()
    .clock(Clock::Today)
    .status();
/// `GET /v1/calendars/{id}`.
pub const CALENDAR_ONE: Endpoint = api_get("/v1/calendars/{id}", Query::PLAIN)
    .clock(Clock::Today)
    .status();
/// `GET /v1/calendars/{id}/days`.
pub const CALENDAR_DAYS: Endpoint = api_get(
    "/v1/calendars/{id}/days",
    Query {
        params: &YEARS,
        formats: &[Format::Json, Format::Csv],
        fields: &[],
    },
)
.cached();
/// `GET /v1/calendars/{id}/holidays.ics`.
pub const CALENDAR_ICS: Endpoint = api_get(
    "/v1/calendars/{id}/holidays.ics",
    Query {
        params: &YEARS,
        formats: &[Format::Ics],
        fields: &[],
    },
)
.cached();
/// `GET /v1/calendars/{id}/rest-days`.
pub const CALENDAR_REST_DAYS: Endpoint = api_get(
    "/v1/calendars/{id}/rest-days",
    Query {
        params: &YEARS,
        formats: &[Format::Json, Format::Csv, Format::Text],
        fields: &[],
    },
)
.cached();
/// `GET /v1/calendars/{id}/workbook.xlsx`.
pub const CALENDAR_WORKBOOK: Endpoint = api_get(
    "/v1/calendars/{id}/workbook.xlsx",
    Query {
        params: &YEARS,
        formats: &[Format::Xlsx],
        fields: &[],
    },
)
.cached()
// Without years, this year and the next.
.clock(Clock::Today)
.by_origin();
/// `GET /v1/days`.
pub const DAYS: Endpoint = api_get(
    "/v1/days",
    Query {
        params: &[
            req("from", Kind::Date),
            req("to", Kind::Date),
            CALENDAR,
            STRICT,
            DATA_VERSION,
        ],
        formats: &[Format::Json, Format::Csv],
        fields: &[],
    },
)
.cached()
.clock(ASKED);
/// The fields a day's text answer may carry.
pub const DAY_FIELDS: &[&str] = &[
    "working",
    "kind",
    "name",
    "provisional",
    "estimated",
    "layer",
    "confidence",
    "source",
];
/// `GET /v1/days/{date}`.
pub const DAY: Endpoint = api_get(
    "/v1/days/{date}",
    Query {
        params: &[CALENDAR, STRICT, DATA_VERSION],
        formats: &[Format::Json, Format::Text],
        fields: DAY_FIELDS,
    },
)
.clock(ASKED);
/// `GET /v1/workdays/add`.
pub const WORKDAYS_ADD: Endpoint = api_get(
    "/v1/workdays/add",
    Query {
        params: &[
            req("start", Kind::Date),
            req("days", Kind::Integer),
            CALENDAR,
            STRICT,
            opt("roll", Kind::Choice(Roll::VARIANTS)),
            DATA_VERSION,
        ],
        formats: &[Format::Json, Format::Text],
        fields: &["date", "provisional"],
    },
)
.clock(ASKED);
/// `GET /v1/workdays/count`.
pub const WORKDAYS_COUNT: Endpoint = api_get(
    "/v1/workdays/count",
    Query {
        params: &[
            req("from", Kind::Date),
            req("to", Kind::Date),
            CALENDAR,
            STRICT,
            DATA_VERSION,
        ],
        formats: &[Format::Json, Format::Text],
        fields: &["working_days", "provisional"],
    },
)
.clock(ASKED);
const OFFICE_HOURS: Param = opt("office_hours", Kind::Text);
/// `GET /v1/hours/add`.
pub const HOURS_ADD: Endpoint = api_get(
    "/v1/hours/add",
    Query {
        params: &[
            req("start", Kind::Moment),
            req("hours", Kind::Integer),
            opt("minutes", Kind::Integer),
            CALENDAR,
            OFFICE_HOURS,
            STRICT,
        ],
        formats: &[Format::Json, Format::Text],
        fields: &["end", "provisional"],
    },
)
.clock(ASKED);
/// `GET /v1/hours/count`.
pub const HOURS_COUNT: Endpoint = api_get(
    "/v1/hours/count",
    Query {
        params: &[
            req("from", Kind::Moment),
            req("to", Kind::Moment),
            CALENDAR,
            OFFICE_HOURS,
            STRICT,
        ],
        formats: &[Format::Json, Format::Text],
        fields: &["minutes", "hours", "provisional"],
    },
)
.clock(ASKED);
/// `GET /v1/office`.
pub const OFFICE: Endpoint = api_get(
    "/v1/office",
    Query {
        params: &[opt("at", Kind::Moment), CALENDAR, OFFICE_HOURS],
        formats: &[Format::Json, Format::Text],
        fields: &["open", "next_opening", "closes_at", "opens_at"],
    },
)
// Whether the office is open, without `at`, is whether it is open now.
.clock(Clock::WhenAsked(Some("at")));
/// `GET /v1/rules`.
pub const RULES: Endpoint = api_get(
    "/v1/rules",
    Query {
        params: &[opt("q", Kind::Text), opt("brief", Kind::Flag)],
        formats: &[],
        fields: &[],
    },
)
.status();
/// `GET /v1/rules/{id}`.
pub const RULE_ONE: Endpoint = api_get("/v1/rules/{id}", Query::PLAIN).status();
/// `GET /v1/rules/{set}/{rule}`.
pub const RULE_IN_SET: Endpoint = api_get("/v1/rules/{set}/{rule}", Query::PLAIN).status();

/// The fields a deadline's text answer may carry.
pub const DEADLINE_FIELDS: &[&str] = &[
    "due_date",
    "due_at",
    "provisional",
    "state",
    "working_days_left",
    "consequence",
    "event_date",
    "amount",
    "unit",
    "cutoff",
];
const DEADLINE_FORMATS: &[Format] = &[Format::Json, Format::Text, Format::Ics];

/// The query parameters of `GET /v1/deadlines`: the fields of a deadline request, and
/// `data_version`.
const DEADLINE_PARAMS: [Param; Input::SCHEMA.len() + 1] = {
    let mut params = [DATA_VERSION; Input::SCHEMA.len() + 1];
    let mut i = 0;
    while i < Input::SCHEMA.len() {
        let (name, holds) = Input::SCHEMA[i];
        params[i] = Param {
            name,
            kind: match holds {
                Holds::Text | Holds::Intervals => Kind::Text,
                Holds::Moment => Kind::Moment,
                Holds::Date => Kind::Date,
                Holds::WholeNumber => Kind::Integer,
                Holds::Flag => Kind::Flag,
                Holds::Choice(names) => Kind::Choice(names),
            },
            // Every deadline runs from an event; the rest has defaults or alternatives.
            required: matches!(name.as_bytes(), b"event"),
        };
        i += 1;
    }
    params
};

/// `GET`/`POST /v1/deadlines`.
pub const DEADLINES: Endpoint = Endpoint {
    path: "/v1/deadlines",
    get: Some(Query {
        params: &DEADLINE_PARAMS,
        formats: DEADLINE_FORMATS,
        fields: DEADLINE_FIELDS,
    }),
    post: Some(Query {
        params: &[DATA_VERSION],
        formats: DEADLINE_FORMATS,
        fields: DEADLINE_FIELDS,
    }),
    delete: None,
    policy: FROM_DATA,
}
.cached()
.clock(ASKED);
/// `POST /v1/deadlines/batch`.
pub const BATCH: Endpoint = Endpoint {
    path: "/v1/deadlines/batch",
    get: None,
    post: Some(Query {
        params: &[],
        formats: &[Format::Json, Format::Csv],
        fields: &[],
    }),
    delete: None,
    policy: PLAIN,
}
.snapshot();
/// `POST /v1/deadlines/recheck`.
pub const RECHECK: Endpoint = Endpoint {
    path: "/v1/deadlines/recheck",
    get: None,
    post: Some(Query {
        params: &[],
        formats: &[Format::Json, Format::Csv],
        fields: &[],
    }),
    delete: None,
    policy: PLAIN,
}
.snapshot();
/// `GET /v1/changes`.
pub const CHANGES: Endpoint = api_get(
    "/v1/changes",
    Query {
        params: &[req("since", Kind::Text), CALENDAR],
        formats: &[Format::Json, Format::Csv],
        fields: &[],
    },
);
/// `POST /v1/admin/reload` (only with an admin token).
pub const ADMIN_RELOAD: Endpoint = Endpoint {
    path: "/v1/admin/reload",
    get: None,
    post: Some(Query::PLAIN),
    delete: None,
    policy: PLAIN,
}
.changes_data();

/// `POST /v1/admin/withdraw?year=` (only with an admin token).
pub const ADMIN_WITHDRAW: Endpoint = Endpoint {
    path: "/v1/admin/withdraw",
    get: None,
    post: Some(Query {
        params: &[req("year", Kind::Integer)],
        formats: &[],
        fields: &[],
    }),
    delete: None,
    policy: PLAIN,
}
.changes_data();

/// `POST /v1/admin/registers` (only with an admin token): a new register and its key.
pub const ADMIN_REGISTERS: Endpoint = Endpoint {
    path: "/v1/admin/registers",
    get: None,
    post: Some(Query::PLAIN),
    delete: None,
    policy: PLAIN,
};
/// The routes of a register: each needs the register's key; none is cached or given an ETag
/// by the middleware (a matter carries its own), but each reads the data in force (a matter's
/// due date is computed on read).
const REGISTER: Policy = Policy {
    clock: Clock::Always,
    snapshot: true,
    private: true,
    ..PLAIN
};
/// `GET /v1/registers/{id}/matters` (the list), `POST` (a new matter).
pub const REGISTER_MATTERS: Endpoint = Endpoint {
    path: "/v1/registers/{id}/matters",
    get: Some(Query {
        params: &[
            opt("state", Kind::Choice(crate::register::Show::VARIANTS)),
            opt("due_before", Kind::Date),
            opt("q", Kind::Text),
            opt("limit", Kind::Integer),
            opt("cursor", Kind::Text),
        ],
        formats: &[Format::Json, Format::Csv, Format::Xlsx],
        fields: &[],
    }),
    post: Some(Query::PLAIN),
    delete: None,
    policy: REGISTER,
};
/// `POST /v1/registers/{id}/matters/import`: a 台账 in CSV, every row kept or none. Before
/// [`REGISTER_MATTER`], whose `{matter}` would match `import`.
pub const REGISTER_MATTERS_IMPORT: Endpoint = Endpoint {
    path: "/v1/registers/{id}/matters/import",
    get: None,
    post: Some(Query::PLAIN),
    delete: None,
    policy: REGISTER,
};
/// `GET /v1/registers/{id}/matters/{matter}`, `POST` (its new fields, `If-Match`).
pub const REGISTER_MATTER: Endpoint = Endpoint {
    path: "/v1/registers/{id}/matters/{matter}",
    get: Some(Query::PLAIN),
    post: Some(Query::PLAIN),
    delete: None,
    policy: REGISTER,
};
/// `POST /v1/registers/{id}/matters/{matter}/{action}`: complete, reopen, acknowledge,
/// delete.
pub const REGISTER_MATTER_ACTION: Endpoint = Endpoint {
    path: "/v1/registers/{id}/matters/{matter}/{action}",
    get: None,
    post: Some(Query::PLAIN),
    delete: None,
    policy: REGISTER,
};
/// `GET /v1/registers/{id}/history`: every change, the latest first.
pub const REGISTER_HISTORY: Endpoint = Endpoint {
    path: "/v1/registers/{id}/history",
    get: Some(Query {
        params: &[opt("limit", Kind::Integer), opt("cursor", Kind::Text)],
        formats: &[],
        fields: &[],
    }),
    post: None,
    delete: None,
    policy: REGISTER,
};

/// `GET /v1/registers/{id}/keys` (its keys, never the keys themselves), `POST` (a new key,
/// shown once).
pub const REGISTER_KEYS: Endpoint = Endpoint {
    path: "/v1/registers/{id}/keys",
    get: Some(Query::PLAIN),
    post: Some(Query::PLAIN),
    delete: None,
    policy: REGISTER,
};
/// `DELETE /v1/registers/{id}/keys/{label}`: the key revoked.
pub const REGISTER_KEY: Endpoint = Endpoint {
    path: "/v1/registers/{id}/keys/{label}",
    get: None,
    post: None,
    delete: Some(Query::PLAIN),
    policy: REGISTER,
};
/// `POST /v1/registers/{id}/calendar-token` (a new calendar token, replacing the old),
/// `DELETE` (revoked).
pub const REGISTER_CALENDAR_TOKEN: Endpoint = Endpoint {
    path: "/v1/registers/{id}/calendar-token",
    get: None,
    post: Some(Query::PLAIN),
    delete: Some(Query::PLAIN),
    policy: REGISTER,
};
/// `GET /v1/registers/{id}/calendar.ics?token=`: the open matters as a calendar feed, opened
/// by the calendar token alone (a subscribing calendar sends no header).
pub const REGISTER_CALENDAR: Endpoint = Endpoint {
    path: "/v1/registers/{id}/calendar.ics",
    get: Some(Query {
        params: &[req("token", Kind::Text)],
        formats: &[],
        fields: &[],
    }),
    post: None,
    delete: None,
    policy: REGISTER,
};

/// The route whose path pattern `path` matches (`{id}` matches any one segment), for the
/// middleware, which runs before actix has matched a resource.
pub fn endpoint_of(path: &str) -> Option<&'static Endpoint> {
    ALL.iter()
        .copied()
        .find(|endpoint| matches(endpoint.path.as_bytes(), path.as_bytes()))
}

/// Whether `path` matches `pattern`, byte by byte: a `{name}` of the pattern takes one
/// non-empty segment of the path. Most patterns differ from a path within their first few
/// bytes, so a request's route is found without splitting either.
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    let (mut p, mut g) = (0, 0);
    while p < pattern.len() {
        if pattern[p] == b'{' {
            let segment = path[g..].iter().take_while(|&&b| b != b'/').count();
            if segment == 0 {
                return false;
            }
            g += segment;
            p += pattern[p..].iter().take_while(|&&b| b != b'}').count() + 1;
        } else if path.get(g) == Some(&pattern[p]) {
            p += 1;
            g += 1;
        } else {
            return false;
        }
    }
    g == path.len()
}

/// `GET /v1/holidays/next`: without `from`, from today.
pub const HOLIDAYS_NEXT: Endpoint = api_get(
    "/v1/holidays/next",
    Query {
        params: &[CALENDAR, opt("from", Kind::Date), DATA_VERSION],
        formats: &[],
        fields: &[],
    },
)
.clock(Clock::WhenAsked(Some("from")));

/// Every route, in the order a reader looks for them.
pub const ALL: [&Endpoint; 37] = [
    &HEALTHZ,
    &READYZ,
    &METRICS,
    &OPENAPI,
    &CALENDARS,
    &CALENDAR_ONE,
    &CALENDAR_DAYS,
    &CALENDAR_ICS,
    &CALENDAR_REST_DAYS,
    &CALENDAR_WORKBOOK,
    &DAYS,
    &DAY,
    &HOLIDAYS_NEXT,
    &WORKDAYS_ADD,
    &WORKDAYS_COUNT,
    &HOURS_ADD,
    &HOURS_COUNT,
    &OFFICE,
    &RULES,
    &RULE_ONE,
    &RULE_IN_SET,
    &DEADLINES,
    &BATCH,
    &RECHECK,
    &CHANGES,
    &ADMIN_RELOAD,
    &ADMIN_WITHDRAW,
    &ADMIN_REGISTERS,
    &REGISTER_MATTERS,
    &REGISTER_MATTERS_IMPORT,
    &REGISTER_MATTER,
    &REGISTER_MATTER_ACTION,
    &REGISTER_HISTORY,
    &REGISTER_KEYS,
    &REGISTER_KEY,
    &REGISTER_CALENDAR_TOKEN,
    &REGISTER_CALENDAR,
];

#[cfg(test)]
mod tests {
    use super::{ALL, Endpoint, endpoint_of};

    /// The route found by splitting both at `/`, as the table was read before: the oracle.
    fn by_segments(path: &str) -> Option<&'static Endpoint> {
        ALL.iter().copied().find(|endpoint| {
            let (mut pattern, mut given) = (endpoint.path.split('/'), path.split('/'));
            loop {
                match (pattern.next(), given.next()) {
                    (None, None) => return true,
                    (Some(p), Some(g)) if p == g || (p.starts_with('{') && !g.is_empty()) => {}
                    _ => return false,
                }
            }
        })
    }

    #[test]
    fn a_path_finds_the_route_splitting_it_would() {
        let mut paths = vec![
            "/",
            "",
            "/v1",
            "/v1/",
            "/healthz/",
            "/v1/registers//matters",
            "/v1/registers/abc/",
            "/v1/registers/abc/matters/x/y",
            "/v1/calendars/cn-national/days.csv",
            "/v1/workdays/addx",
            "/v1/workdays/ad",
        ];
        let filled: Vec<String> = ALL
            .iter()
            .flat_map(|e| {
                [
                    e.path.replace("{id}", "x").replace(['{', '}'], ""),
                    format!("{}/", e.path),
                    e.path.replacen('{', "{{", 1),
                    e.path[..e.path.len() - 1].to_owned(),
                ]
            })
            .collect();
        paths.extend(filled.iter().map(String::as_str));
        for path in paths {
            assert_eq!(
                endpoint_of(path).map(|e| e.path),
                by_segments(path).map(|e| e.path),
                "{path}"
            );
        }
        for endpoint in ALL {
            let asked = endpoint
                .path
                .split('/')
                .map(|s| if s.starts_with('{') { "a-b" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            assert!(endpoint_of(&asked).is_some(), "{asked}");
        }
    }
}
