//! `/v1/rules`: the deadlines of the working rules, in the request's language.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{AppState, params::Params, problem::ApiError, render::json};
use crate::deadline::{Consequence, Rule, Unit};
use crate::text::{Lang, Missing};

/// A rule as the API shows it: its words in the request's language, the article's own words
/// as the instrument gives them.
#[derive(Serialize)]
struct RuleDto<'a> {
    id: &'a str,
    title: &'a str,
    article: &'a str,
    text: &'a str,
    event: &'a str,
    unit: Unit,
    amount: u32,
    period: String,
    adjustable: bool,
    on_lapse: Option<Consequence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_lapse_text: Option<String>,
}

impl<'a> RuleDto<'a> {
    fn new(rule: &'a Rule, lang: Lang) -> Self {
        let says = lang.says();
        RuleDto {
            id: &rule.id,
            title: lang.pick(&rule.title),
            article: &rule.article,
            text: &rule.text,
            event: lang.pick(&rule.event),
            unit: rule.unit,
            amount: rule.amount,
            period: says.period_length(&crate::deadline::Period::of(rule)),
            adjustable: rule.adjustable,
            on_lapse: rule.on_lapse,
            on_lapse_text: rule.on_lapse.map(|c| says.consequence(c)),
        }
    }
}

pub async fn list(state: web::Data<AppState>, _: Params, lang: Lang) -> HttpResponse {
    json(
        &state
            .rules
            .iter()
            .map(|r| RuleDto::new(r, lang))
            .collect::<Vec<_>>(),
    )
}

pub async fn one(
    state: web::Data<AppState>,
    id: web::Path<String>,
    _: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let rule = state
        .rules
        .find(&id)
        .map_err(|e| ApiError::NotFound(Missing::Rule(e)))?;
    Ok(json(&RuleDto::new(rule, lang)))
}
