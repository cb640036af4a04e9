//! `POST /v1/admin/reload`: re-read the operator's files and poll the feed now.

use actix_web::{FromRequest, HttpRequest, HttpResponse, http::header, web};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{AppState, params::Params, problem::ApiError, render::json};
use crate::store::{FeedStatus, OperatorStatus, RulesStatus, StoreError};
use crate::text::{Invalid, Missing};
use chrono::Datelike;

/// The admin token. Kept as its digest beside the secret, so that a comparison takes the same
/// time whatever the length or content of what is offered; `Debug` never prints it.
pub struct Token {
    _secret: SecretString,
    digest: [u8; 32],
}

impl Token {
    /// The token `secret`.
    pub fn new(secret: SecretString) -> Self {
        let digest = Sha256::digest(secret.expose_secret().as_bytes()).into();
        Token {
            _secret: secret,
            digest,
        }
    }

    /// Whether `offered` is the token, in time independent of where they differ and of how
    /// long either is.
    pub fn matches(&self, offered: &[u8]) -> bool {
        let offered: [u8; 32] = Sha256::digest(offered).into();
        bool::from(offered.ct_eq(&self.digest))
    }
}

#[derive(Serialize)]
struct ReloadDto {
    data_version: String,
    operator: OperatorStatus,
    /// A reload re-reads the rule files too: what it made of them.
    rules: RulesStatus,
    feed: FeedStatus,
}

/// `POST /v1/admin/withdraw`'s answer: the reload's fields, and when the other replicas
/// sharing the state directory follow — at their next feed poll or reload (`next_poll`), or
/// never without a state directory (`none`: nothing is shared).
#[derive(Serialize)]
struct WithdrawalDto {
    #[serde(flatten)]
    reload: ReloadDto,
    other_replicas: &'static str,
}

/// The bearer credential a request offers (`Authorization: Bearer …`), trimmed; none when the
/// header is absent, not text or empty. The admin token and a register's key are read so.
pub(super) fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|given| !given.is_empty())
}

fn authorised(req: &HttpRequest, token: &Token) -> bool {
    bearer(req).is_some_and(|given| token.matches(given.as_bytes()))
}

/// Refuses a request without the admin token.
pub(super) fn check_token(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    let token = state.admin_token.as_ref().ok_or(ApiError::Unauthorized)?;
    if !authorised(req, token) {
        return Err(ApiError::Unauthorized);
    }
    Ok(())
}

pub async fn reload(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    check_token(&state, &req)?;
    let store = state.store.clone();
    let operator = web::block(move || store.reload())
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
        .map_err(unrecorded)?;
    if let Some(feed) = &state.feed {
        feed.poll_once().await;
    }
    let data_version = state.snapshot().version().to_owned();
    state.metrics.set_data_version(&data_version);
    Ok(json(&ReloadDto {
        data_version,
        operator,
        rules: state.store.rules_status(),
        feed: state.store.feed_status(),
    }))
}

/// A change the shared database could not record (nothing changed): 503
/// `database-unavailable`, as for the registers, in words of its own.
fn unrecorded(error: StoreError) -> ApiError {
    match error {
        StoreError::Database(e) => {
            tracing::error!(cause = %crate::base::error_chain(&e), "a change of the data not recorded");
            ApiError::Register(crate::text::Refused::Unrecorded)
        }
        e => ApiError::Internal(Box::new(e)),
    }
}

/// `POST /v1/admin/withdraw?year=`: takes the feed file of that year out of the data and the
/// state directory, for good (the feed's same bytes are refused from then on).
pub async fn withdraw(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    check_token(&state, &req)?;
    // Read after the token: a caller without one learns nothing of what the route takes.
    let q = WithdrawQuery::read(&Params::extract(&req).await?)?;
    let store = state.store.clone();
    web::block(move || store.withdraw_feed_file(q.year))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
        .map_err(|e| match e {
            StoreError::NoFeedFile(year) => ApiError::NotFound(Missing::FeedFile { year }),
            e => unrecorded(e),
        })?;
    let data_version = state.snapshot().version().to_owned();
    state.metrics.set_data_version(&data_version);
    Ok(json(&WithdrawalDto {
        reload: ReloadDto {
            data_version,
            operator: state.store.operator_status(),
            rules: state.store.rules_status(),
            feed: state.store.feed_status(),
        },
        other_replicas: if state.store.history_is_durable() {
            "next_poll"
        } else {
            "none"
        },
    }))
}

/// The query of `/v1/admin/withdraw` ([`super::routes::ADMIN_WITHDRAW`]).
struct WithdrawQuery {
    /// The year whose feed file is withdrawn.
    year: i32,
}

impl WithdrawQuery {
    fn read(params: &Params) -> Result<Self, ApiError> {
        let year = params.required_int("year")?;
        let year = i32::try_from(year).map_err(|_| ApiError::InvalidParameter {
            name: "year".to_owned(),
            why: Invalid::YearOutside {
                year,
                first: crate::calendar::FIRST_DAY.year(),
                last: crate::calendar::LAST_DAY.year(),
            },
        })?;
        Ok(WithdrawQuery { year })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change the shared database cannot record is the database's 503, as for the
    /// registers; a year without a feed file stays the caller's 404.
    #[test]
    fn a_change_not_recorded_is_503_database_unavailable() {
        use actix_web::ResponseError;
        let down = StoreError::Database(crate::registers::RegistersError::Database(
            sqlx::Error::PoolTimedOut,
        ));
        let answer = unrecorded(down);
        assert_eq!(answer.status_code().as_u16(), 503);
        assert!(
            matches!(answer, ApiError::Register(crate::text::Refused::Unrecorded)),
            "{answer:?}"
        );
    }

    #[test]
    fn only_the_token_itself_matches() {
        let token = Token::new(SecretString::from("s3cret-token"));
        assert!(token.matches(b"s3cret-token"));
        for other in [&b""[..], b"s3cret-toke", b"s3cret-token ", b"S3cret-token"] {
            assert!(
                !token.matches(other),
                "{:?} is refused",
                String::from_utf8_lossy(other)
            );
        }
    }
}
