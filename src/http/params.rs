//! Query parameters, parsed by name so that every error names the parameter and its value.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use chrono::NaiveDate;

use super::problem::ApiError;
use crate::deadline::{parse_date, shorten};

/// The query string as name/value pairs. A name given twice is refused when it is read.
pub struct Params(Vec<(String, String)>);

impl FromRequest for Params {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Params::parse(req.query_string())))
    }
}

impl Params {
    /// Parses a query string as `application/x-www-form-urlencoded`: `+` is a space, `%XX` a
    /// byte, and bytes that are not UTF-8 become U+FFFD (which no parameter takes, so such a
    /// value is refused by name when it is read). Parsing itself never fails.
    pub fn parse(query: &str) -> Self {
        Params(
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The value of `name`, if given once.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] when `name` is given more than once.
    pub fn get(&self, name: &'static str) -> Result<Option<&str>, ApiError> {
        let mut values = self
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(invalid(name, "is given more than once"));
        }
        Ok(first)
    }

    /// The value of `name`, which must be given.
    ///
    /// # Errors
    /// [`ApiError::MissingParameter`], or as [`Params::get`].
    pub fn required(&self, name: &'static str) -> Result<&str, ApiError> {
        self.get(name)?.ok_or(ApiError::MissingParameter { name })
    }

    /// A required `YYYY-MM-DD` date.
    ///
    /// # Errors
    /// As [`Params::required`], or [`ApiError::InvalidParameter`] for a value that is no date.
    pub fn date(&self, name: &'static str) -> Result<NaiveDate, ApiError> {
        date_value(name, self.required(name)?)
    }

    /// An optional integer.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] for a value that is no integer or too large.
    pub fn int(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        self.get(name)?
            .map(|v| {
                v.parse::<i64>().map_err(|e| {
                    let why = match e.kind() {
                        std::num::IntErrorKind::PosOverflow
                        | std::num::IntErrorKind::NegOverflow => "is too large",
                        _ => "is not an integer",
                    };
                    invalid(name, &format!("{:?} {why}", shorten(v)))
                })
            })
            .transpose()
    }

    /// An optional `true`/`false` (also `1`/`0`), `false` when absent.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] for any other value.
    pub fn flag(&self, name: &'static str) -> Result<bool, ApiError> {
        match self.get(name)? {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1" | "") => Ok(true),
            Some(other) => Err(invalid(
                name,
                &format!("{:?} is not true or false", shorten(other)),
            )),
        }
    }

    /// The value of an optional flag, `None` when absent.
    ///
    /// # Errors
    /// As [`Params::flag`].
    pub fn opt_flag(&self, name: &'static str) -> Result<Option<bool>, ApiError> {
        if self.get(name)?.is_none() {
            return Ok(None);
        }
        self.flag(name).map(Some)
    }
}

/// Parses `value` as the date parameter `name`.
///
/// # Errors
/// [`ApiError::InvalidParameter`] naming the parameter and what is wrong.
pub fn date_value(name: &'static str, value: &str) -> Result<NaiveDate, ApiError> {
    parse_date(value).map_err(|reason| invalid(name, &reason))
}

pub fn invalid(name: &str, reason: &str) -> ApiError {
    ApiError::InvalidParameter {
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_parameter_and_value() {
        let p = Params::parse("days=abc&start=2026-02-30&n=99999999999999999999&x=1&x=2");
        assert_eq!(
            p.int("days").unwrap_err().to_string(),
            r#"parameter days: "abc" is not an integer"#
        );
        assert_eq!(
            p.date("start").unwrap_err().to_string(),
            "parameter start: 2026-02-30 is not a calendar date"
        );
        assert!(p.int("n").unwrap_err().to_string().contains("too large"));
        assert!(
            p.get("x")
                .unwrap_err()
                .to_string()
                .contains("more than once")
        );
        assert_eq!(
            p.date("from").unwrap_err().to_string(),
            "parameter from is required"
        );
    }
}

#[cfg(test)]
mod hostile {
    //! Hostile query strings: whatever the caller sends (bad percent-encoding, huge numbers,
    //! repeated names, control characters, kilobytes of value), parsing and every getter answer
    //! with a value or an error that names the parameter, never a panic.

    use super::*;
    use proptest::prelude::*;

    /// Every name a route reads, one that none reads, and the empty name.
    const NAMES: [&str; 18] = [
        "calendar", "from", "to", "start", "days", "amount", "unit", "rule", "event", "timezone",
        "as_of", "explain", "strict", "format", "bom", "year", "nonsense", "",
    ];

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned),
            // The same names, percent-encoded or '+'-spaced in part.
            1 => prop::sample::select(NAMES.to_vec()).prop_map(|n| n.replacen('a', "%61", 1)),
            1 => prop::sample::select(NAMES.to_vec()).prop_map(|n| format!("{n}+")),
            1 => "[a-z_%+=;.\\[\\]]{0,8}",
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<i128>().prop_map(|n| n.to_string()),
            "[0-9]{19,60}",
            "[+-]?[0-9]{1,4}(\\.[0-9]{0,3})?(e[0-9]{1,3})?",
            prop::sample::select(vec![
                "true",
                "false",
                "1",
                "0",
                "",
                "TRUE",
                "yes",
                "%00",
                "2026-02-29",
                "2024-02-29",
                "2026-13-01"
            ])
            .prop_map(str::to_owned),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            // Broken percent-encoding: a lone %, one hex digit, non-hex digits, lone UTF-8 halves.
            prop::sample::select(vec![
                "%",
                "%4",
                "%G1",
                "%zz",
                "%%",
                "%C3",
                "%FF%FE",
                "%E4%B8",
                "%ED%A0%80",
                "100%"
            ])
            .prop_map(str::to_owned),
            any::<String>(),
            ".{0,4}".prop_map(|s| s.repeat(500)),
        ]
    }

    /// A query string as a careless or hostile caller writes it: no encoding applied.
    fn raw_query() -> impl Strategy<Value = String> {
        let pair = prop_oneof![
            4 => (name(), value()).prop_map(|(n, v)| format!("{n}={v}")),
            1 => name(),
            1 => value().prop_map(|v| format!("={v}")),
            1 => Just(String::new()),
            1 => (name(), value(), value()).prop_map(|(n, a, b)| format!("{n}={a}={b}")),
        ];
        (
            prop::collection::vec(pair, 0..16),
            prop::sample::select(vec!["&", "&&", ";", "&amp;"]),
        )
            .prop_map(|(pairs, sep)| pairs.join(sep))
    }

    /// Every getter, for every name: none may panic, and each error names the parameter.
    fn read_everything(params: &Params) -> Result<(), TestCaseError> {
        for name in NAMES {
            let got = params.get(name);
            let results = [
                params.required(name).err(),
                params.date(name).err(),
                params.int(name).err(),
                params.flag(name).err(),
                params.opt_flag(name).err(),
                params.get(name).err(),
            ];
            for err in results.into_iter().flatten() {
                let message = err.to_string();
                prop_assert!(
                    message.contains(&format!("parameter {name}")),
                    "the error names parameter {:?}: {:?}",
                    name,
                    message
                );
            }
            match got {
                Err(err) => {
                    prop_assert!(
                        err.to_string().contains("more than once"),
                        "a refused name is one given twice: {}",
                        err
                    );
                    prop_assert!(params.int(name).is_err(), "int({:?}) refuses it too", name);
                    prop_assert!(
                        params.flag(name).is_err(),
                        "flag({:?}) refuses it too",
                        name
                    );
                    prop_assert!(
                        params.date(name).is_err(),
                        "date({:?}) refuses it too",
                        name
                    );
                }
                Ok(None) => {
                    prop_assert!(
                        matches!(
                            params.required(name),
                            Err(ApiError::MissingParameter { .. })
                        ),
                        "an absent {:?} is missing when required",
                        name
                    );
                    prop_assert_eq!(params.int(name).ok(), Some(None), "an absent int is None");
                    prop_assert_eq!(
                        params.flag(name).ok(),
                        Some(false),
                        "an absent flag is false"
                    );
                    prop_assert_eq!(
                        params.opt_flag(name).ok(),
                        Some(None),
                        "an absent opt_flag is None"
                    );
                }
                Ok(Some(v)) => {
                    prop_assert_eq!(
                        params.int(name).ok(),
                        v.parse::<i64>().ok().map(Some),
                        "int({:?}) is {:?} read as an i64, or an error",
                        name,
                        v
                    );
                    prop_assert_eq!(
                        params.date(name).ok(),
                        parse_date(v).ok(),
                        "date({:?}) is parse_date({:?})",
                        name,
                        v
                    );
                    let flag = match v {
                        "true" | "1" | "" => Some(true),
                        "false" | "0" => Some(false),
                        _ => None,
                    };
                    prop_assert_eq!(params.flag(name).ok(), flag, "flag({:?}) of {:?}", name, v);
                    prop_assert_eq!(
                        params.opt_flag(name).ok(),
                        flag.map(Some),
                        "opt_flag({:?}) of {:?}",
                        name,
                        v
                    );
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn any_raw_query_string_is_parsed_and_read_never_a_panic(query in prop_oneof![
            4 => raw_query(),
            1 => any::<String>(),
            1 => prop::collection::vec(any::<char>(), 0..256).prop_map(String::from_iter),
        ]) {
            read_everything(&Params::parse(&query))?;
        }

        #[test]
        fn an_encoded_query_gives_back_each_value_given_once_and_refuses_repeats(
            pairs in prop::collection::vec(
                (prop::sample::select(NAMES.to_vec()), value()), 0..12,
            ),
        ) {
            let query = serde_urlencoded::to_string(&pairs).expect("pairs of strings encode");
            let params = Params::parse(&query);
            for name in NAMES {
                let given: Vec<&str> = pairs.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect();
                match given.as_slice() {
                    [] => prop_assert_eq!(params.get(name).ok(), Some(None), "{:?} absent", name),
                    [only] => prop_assert_eq!(params.get(name).ok(), Some(Some(*only)), "{:?} given once", name),
                    _ => prop_assert!(params.get(name).is_err(), "{:?} given {} times is refused", name, given.len()),
                }
            }
            read_everything(&params)?;
        }

        #[test]
        fn int_reads_every_i64_and_calls_larger_numbers_too_large(n in any::<i128>()) {
            let params = Params::parse(&format!("days={n}"));
            match i64::try_from(n) {
                Ok(small) => prop_assert_eq!(params.int("days").ok(), Some(Some(small)), "{} fits an i64", n),
                Err(_) => {
                    let err = params.int("days").expect_err("too large for an i64").to_string();
                    prop_assert!(
                        err.contains("too large") && err.contains(&n.to_string()),
                        "the refusal of {} says it is too large and names it: {}", n, err
                    );
                }
            }
        }
    }
}
