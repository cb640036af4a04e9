//! Query parameters, parsed by name so that every error names the parameter and its value.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use chrono::NaiveDate;

use super::problem::ApiError;
use crate::deadline::parse_date;

/// The query string as name/value pairs. A name given twice is refused when it is read.
pub struct Params(Vec<(String, String)>);

impl FromRequest for Params {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Params::parse(req.query_string()))
    }
}

impl Params {
    /// Parses a query string.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] when it is not `application/x-www-form-urlencoded`.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|e| ApiError::InvalidParameter {
                name: "query string".to_owned(),
                reason: e.to_string(),
            })
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
                    invalid(name, &format!("{v:?} {why}"))
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
            Some(other) => Err(invalid(name, &format!("{other:?} is not true or false"))),
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
        let p = Params::parse("days=abc&start=2026-02-30&n=99999999999999999999&x=1&x=2").unwrap();
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
