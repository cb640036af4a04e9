//! Query parameters, parsed by name so that every error names the parameter and its value, and
//! checked against the route's entry in [`super::routes`]: a name the route does not take is
//! refused, with the closest one it does take.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};
use chrono::NaiveDate;

use super::problem::ApiError;
use super::routes::{Endpoint, Query};
use crate::calendar::hours::DayHours;
use crate::deadline::BadValue;
use crate::text::Invalid;
use crate::time::{Clock, parse_day, quoted, shorten};

/// The query string as name/value pairs, with what its route takes. A name given twice is
/// refused when it is read.
pub struct Params {
    /// The names and values, decoded: one allocation for all of them.
    text: String,
    /// Where each pair lies in `text`, in the order given.
    spans: Vec<Span>,
    query: &'static Query,
}

/// A route with no parameters: what a request that reached no route is read against.
static NONE: Query = Query {
    params: &[],
    formats: &[],
    fields: &[],
};

impl FromRequest for Params {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    /// The query the middleware read ([`Params::hand_on`]), or the query read here, checked
    /// against the route.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req
            .app_data::<&'static Endpoint>()
            .and_then(|e| e.query(req.method()))
            .unwrap_or(&NONE);
        let read = req.extensions_mut().remove::<Params>();
        let params = read.unwrap_or_else(|| Params::parse(req.query_string()));
        ready(params.check(query, || {
            format!(
                "{} {}",
                req.method(),
                req.match_pattern().unwrap_or_default()
            )
        }))
    }
}

/// Whether a query string has nothing to decode: no `%` and no `+`.
fn is_plain(query: &str) -> bool {
    !query.bytes().any(|b| b == b'%' || b == b'+')
}

/// Where each pair of a plain query ([`is_plain`]) lies in it: its name's bytes, then its
/// value's (empty when it has no `=`). Empty pieces (`a=1&&b=2`) are no pairs.
fn plain_spans(query: &str) -> impl Iterator<Item = Span> {
    let mut start = 0;
    query.split('&').filter_map(move |piece| {
        let span = (!piece.is_empty()).then(|| {
            let end = start + piece.len();
            match piece.find('=') {
                Some(eq) => Span {
                    name: start..start + eq,
                    value: start + eq + 1..end,
                },
                None => Span {
                    name: start..end,
                    value: end..end,
                },
            }
        });
        start += piece.len() + 1;
        span
    })
}

/// Where a pair's name and value lie in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Span {
    name: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

impl Params {
    /// Parses a query string as `application/x-www-form-urlencoded`: `+` is a space, `%XX` a
    /// byte, and bytes that are not UTF-8 become U+FFFD (which no parameter takes, so such a
    /// value is refused by name when it is read). Parsing itself never fails; names are not
    /// checked (see [`Params::check`]). A plain query is kept as it is, with where its pairs
    /// lie; another, decoded, pair after pair: one string for all of them either way.
    pub fn parse(text: &str) -> Self {
        // What the plain reading gives too, without passing over nothing (every probe's query).
        if text.is_empty() {
            return Params {
                text: String::new(),
                spans: Vec::new(),
                query: &NONE,
            };
        }
        if is_plain(text) {
            return Params {
                text: text.to_owned(),
                spans: plain_spans(text).collect(),
                query: &NONE,
            };
        }
        let mut all = String::with_capacity(text.len());
        let spans = form_urlencoded::parse(text.as_bytes())
            .map(|(name, value)| {
                let start = all.len();
                all.push_str(&name);
                let name_end = all.len();
                all.push_str(&value);
                Span {
                    name: start..name_end,
                    value: name_end..all.len(),
                }
            })
            .collect();
        Params {
            text: all,
            spans,
            query: &NONE,
        }
    }

    /// These parameters, read for a route that takes `query`.
    ///
    /// # Errors
    /// [`ApiError::UnknownParameter`] for the first name `query` does not take, with the
    /// closest one it does; `route` names the route in the message. Then
    /// [`ApiError::MissingParameter`] for the first parameter `query` requires that is not given.
    pub fn check(
        mut self,
        query: &'static Query,
        route: impl FnOnce() -> String,
    ) -> Result<Self, ApiError> {
        self.query = query;
        if let Some((name, _)) = self.pairs().find(|(n, _)| !query.accepts(n)) {
            let known: Vec<&str> = query.names().collect();
            return Err(ApiError::UnknownParameter {
                name: shorten(name),
                suggestion: crate::time::closest(name, known.iter().copied()),
                known: known.join(", "),
                route: route(),
            });
        }
        // What the table says a route requires is refused here, before its handler runs, so
        // that no handler says it again.
        let given = |name: &str| self.pairs().any(|(n, _)| n == name);
        if let Some(missing) = query.params.iter().find(|p| p.required && !given(p.name)) {
            return Err(ApiError::MissingParameter { name: missing.name });
        }
        Ok(self)
    }

    /// Leaves these parameters, read by the middleware before routing, to the route's handler,
    /// which then need not read the query again. An empty query is not left: it costs nothing
    /// to read, and leaving it would cost the request its map of extensions.
    pub fn hand_on(self, req: &actix_web::dev::ServiceRequest) {
        if !self.spans.is_empty() {
            req.extensions_mut().insert(self);
        }
    }

    /// `look` at the query the middleware left ([`Params::hand_on`]), or at the query read
    /// here when it left none.
    pub fn look<R>(req: &HttpRequest, look: impl FnOnce(&Params) -> R) -> R {
        match req.extensions().get::<Params>() {
            Some(left) => look(left),
            None => look(&Params::parse(req.query_string())),
        }
    }

    /// The first value of `name`, as the query gives it; `None` when not given. For a look
    /// before routing, where a name given twice is not yet an error.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.pairs().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// What the route takes.
    pub fn query(&self) -> &'static Query {
        self.query
    }

    /// The value of `name`, if given once.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] when `name` is given more than once.
    ///
    /// # Panics
    /// In a debug build, when the route's table does not list `name` (a handler that reads a
    /// parameter its route does not take: a caller could never give it).
    pub fn get(&self, name: &'static str) -> Result<Option<&str>, ApiError> {
        debug_assert!(
            self.unchecked() || self.query.accepts(name),
            "{name} is read, but the route's table does not list it"
        );
        let mut values = self
            .spans
            .iter()
            .filter(|s| &self.text.as_bytes()[s.name.clone()] == name.as_bytes())
            .map(|s| &self.text[s.value.clone()]);
        let first = values.next();
        if values.next().is_some() {
            return Err(invalid(name, Invalid::GivenTwice));
        }
        Ok(first)
    }

    /// Every pair, in the order given (`_` included).
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.spans
            .iter()
            .map(|s| (&self.text[s.name.clone()], &self.text[s.value.clone()]))
    }

    /// The value of `name`, which must be given.
    ///
    /// # Errors
    /// [`ApiError::MissingParameter`], or as [`Params::get`].
    ///
    /// # Panics
    /// In a debug build, when the route's table does not mark `name` required: the table, not
    /// the handler, says what a route requires, and [`Params::check`] refuses its absence.
    pub fn required(&self, name: &'static str) -> Result<&str, ApiError> {
        debug_assert!(
            self.unchecked()
                || self
                    .query
                    .params
                    .iter()
                    .any(|p| p.name == name && p.required),
            "{name} is read as required, but the route's table does not require it"
        );
        self.get(name)?.ok_or(ApiError::MissingParameter { name })
    }

    /// Whether these are parameters read without a route ([`Params::parse`]), which any name
    /// may be read from.
    fn unchecked(&self) -> bool {
        std::ptr::eq(self.query, &NONE)
    }

    /// A required integer.
    ///
    /// # Errors
    /// As [`Params::required`] and [`Params::int`].
    pub fn required_int(&self, name: &'static str) -> Result<i64, ApiError> {
        integer(name, self.required(name)?)
    }

    /// A required moment, as [`Params::instant`] reads it.
    ///
    /// # Errors
    /// As [`Params::required`] and [`Params::instant`].
    pub fn required_instant(
        &self,
        name: &'static str,
        clock: &Clock,
    ) -> Result<chrono::DateTime<chrono_tz::Tz>, ApiError> {
        instant(name, self.required(name)?, clock)
    }

    /// A required date, in any form [`crate::time::parse_date`] reads, or `today` on `clock`.
    ///
    /// # Errors
    /// As [`Params::required`], or [`ApiError::InvalidParameter`] for a value that is no date.
    pub fn date(&self, name: &'static str, clock: &Clock) -> Result<NaiveDate, ApiError> {
        let value = self.required(name)?;
        parse_day(value, clock).map_err(|e| invalid(name, Invalid::Date(e)))
    }

    /// An optional moment (a date, a date-time with or without offset, `now`, `today`) read on
    /// `clock`, as an instant: a bare date is its 00:00.
    ///
    /// # Errors
    /// As [`Params::get`], or [`ApiError::InvalidParameter`] for a value that is no moment.
    pub fn instant(
        &self,
        name: &'static str,
        clock: &Clock,
    ) -> Result<Option<chrono::DateTime<chrono_tz::Tz>>, ApiError> {
        self.get(name)?
            .map(|value| instant(name, value, clock))
            .transpose()
    }

    /// Office hours for every working day (`office_hours=10:00-14:00,16:00-20:00`), if given.
    ///
    /// # Errors
    /// As [`Params::get`], or [`ApiError::InvalidParameter`] naming the bad interval.
    pub fn office_hours(&self) -> Result<Option<DayHours>, ApiError> {
        self.get("office_hours")?
            .map(|text| {
                DayHours::parse(text).map_err(|e| invalid("office_hours", Invalid::Hours(e)))
            })
            .transpose()
    }

    /// An optional integer.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] for a value that is no integer or too large.
    pub fn int(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        self.get(name)?.map(|v| integer(name, v)).transpose()
    }

    /// An optional `true`/`false` (also `1`/`0`, in any case), `false` when absent.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] for any other value.
    pub fn flag(&self, name: &'static str) -> Result<bool, ApiError> {
        Ok(self.opt_flag(name)?.unwrap_or(false))
    }

    /// The value of an optional flag, `None` when absent.
    ///
    /// # Errors
    /// As [`Params::flag`].
    pub fn opt_flag(&self, name: &'static str) -> Result<Option<bool>, ApiError> {
        self.get(name)?
            .map(|v| crate::deadline::flag_text(name, v).map_err(ApiError::from))
            .transpose()
    }

    /// One of `T`'s values by its name (as `T` reads names: the enums chosen this way read
    /// them in any case), `T`'s default when absent.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] naming the choices.
    pub fn choice<T>(&self, name: &'static str) -> Result<T, ApiError>
    where
        T: std::str::FromStr + strum::VariantNames + Default,
    {
        match self.get(name)? {
            None => Ok(T::default()),
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    name,
                    Invalid::NoneOf {
                        value: quoted(v),
                        choices: T::VARIANTS,
                    },
                )
            }),
        }
    }
}

/// The integer `value` of `name`.
fn integer(name: &str, value: &str) -> Result<i64, ApiError> {
    value.parse::<i64>().map_err(|e| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                BadValue::TooLarge(quoted(value))
            }
            _ => BadValue::NotAnInteger(quoted(value)),
        };
        invalid(name, Invalid::Value(why))
    })
}

/// The moment `value` of `name` read on `clock`, as an instant: a bare date is its 00:00.
fn instant(
    name: &str,
    value: &str,
    clock: &Clock,
) -> Result<chrono::DateTime<chrono_tz::Tz>, ApiError> {
    let moment = crate::time::Moment::parse_at(value, clock)
        .map_err(|e| invalid(name, Invalid::Moment(e)))?;
    Ok(moment.instant(clock.zone).unwrap_or_else(|| {
        let date = moment.local_date(clock.zone);
        crate::time::instant_of(date.and_time(chrono::NaiveTime::MIN), clock.zone)
    }))
}

/// An invalid-parameter error.
pub fn invalid(name: &str, why: Invalid) -> ApiError {
    ApiError::InvalidParameter {
        name: name.to_owned(),
        why,
    }
}

#[cfg(test)]
mod tests;
