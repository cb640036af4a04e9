//! `/v1/rules`: the rule sets in force and their time limits, in the request's language.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{AppState, Snapshot, params::Params, problem::ApiError, render::json};
use chrono::NaiveDate;

use crate::deadline::{
    Bound, Consequence, Counting, Direction, Earlier, Extension, PeriodLaw, Rule, RuleBook,
    RuleCutoff, RuleOrigin, RuleSet, TextSource, Unit,
};
use crate::store::RulesStatus;
use crate::text::{Lang, Missing};

/// A rule as the API shows it: its words in the request's language, the article's own words
/// as the instrument gives them.
#[derive(Serialize)]
struct RuleDto<'a> {
    /// `<set>/<rule>`.
    id: String,
    set: &'a str,
    title: &'a str,
    statute: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    article: &'a str,
    text: &'a str,
    event: &'a str,
    unit: Unit,
    amount: u32,
    period: String,
    direction: Direction,
    bound: Bound,
    counting: Counting,
    adjustable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension: Option<&'a Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    working_days_basis: Option<&'a str>,
    on_lapse: Option<Consequence>,
    /// What lapsing means, in the request's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    on_lapse_text: Option<String>,
    #[serde(flatten)]
    law: RuleLaw<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreed_due: Option<&'a str>,
    #[serde(serialize_with = "super::render::iso_date")]
    in_force: NaiveDate,
    /// Earlier texts: whole for one rule; in a list, without their words and source (ask the
    /// rule itself), so that a list of every rule stays light.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    earlier: Vec<EarlierDto<'a>>,
    keywords: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a TextSource>,
}

/// An earlier text, whole or (in a list) without its words and source.
#[derive(Serialize)]
#[serde(untagged)]
enum EarlierDto<'a> {
    Whole(&'a Earlier),
    Listed {
        statute: &'a str,
        version: &'a str,
        #[serde(serialize_with = "super::render::iso_date")]
        in_force: NaiveDate,
        article: &'a str,
        unit: Unit,
        amount: u32,
    },
}

/// A rule as a picker lists it (`brief=true`): enough to name it.
#[derive(Serialize)]
struct BriefRuleDto<'a> {
    id: String,
    set: &'a str,
    article: &'a str,
    title: &'a str,
}

/// A rule in a list: whole, or brief.
#[derive(Serialize)]
#[serde(untagged)]
enum ListedRule<'a> {
    Whole(Box<RuleDto<'a>>),
    Brief(BriefRuleDto<'a>),
}

impl<'a> RuleDto<'a> {
    fn new(book: &RuleBook, rule: &'a Rule, lang: Lang, whole: bool) -> Self {
        let says = lang.says();
        RuleDto {
            id: rule.full_id(),
            set: &rule.set,
            title: lang.pick(&rule.title),
            statute: book.instrument(rule),
            version: rule.version.as_deref(),
            article: &rule.article,
            text: &rule.text,
            event: lang.pick(&rule.event),
            unit: rule.unit,
            amount: rule.amount,
            period: says.period_length(&crate::deadline::Period::of(rule)),
            direction: rule.direction,
            bound: rule.bound,
            counting: rule.counting,
            adjustable: rule.adjustable,
            extension: rule.extension.as_ref(),
            working_days_basis: rule.working_days_basis.as_deref(),
            on_lapse: rule.on_lapse,
            on_lapse_text: rule.on_lapse.map(|c| says.consequence(c)),
            law: RuleLaw::of(rule),
            agreed_due: rule.agreed_due.as_deref(),
            in_force: rule.in_force,
            earlier: rule
                .earlier
                .iter()
                .map(|e| match whole {
                    true => EarlierDto::Whole(e),
                    false => EarlierDto::Listed {
                        statute: &e.statute,
                        version: &e.version,
                        in_force: e.in_force,
                        article: &e.article,
                        unit: e.unit,
                        amount: e.amount,
                    },
                })
                .collect(),
            keywords: &rule.keywords,
            source: rule.source.as_ref(),
        }
    }
}

/// A rule's law beside its period, as a rule and a deadline's citation both show it: when its
/// last day ends and why, the law that counts it, the forms its statute allows, the time it
/// excludes, and what lapsing means in the statute's words.
#[derive(Serialize)]
pub(super) struct RuleLaw<'a> {
    cutoff: RuleCutoff,
    cutoff_basis: &'a str,
    period_law: PeriodLaw,
    #[serde(skip_serializing_if = "Option::is_none")]
    period_law_basis: Option<&'a str>,
    forms_allowed: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    excluded_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    excluded_time_basis: Option<&'a str>,
    /// The statute's own words for what lapsing means.
    #[serde(skip_serializing_if = "Option::is_none")]
    on_lapse_words: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_lapse_basis: Option<&'a str>,
}

impl<'a> RuleLaw<'a> {
    pub(super) fn of(rule: &'a Rule) -> Self {
        RuleLaw {
            cutoff: rule.cutoff,
            cutoff_basis: &rule.cutoff_basis,
            period_law: rule.period_law,
            period_law_basis: rule.period_law_basis.as_deref(),
            forms_allowed: rule.forms_allowed(),
            excluded_time: rule.excluded_time.as_deref(),
            excluded_time_basis: rule.excluded_time_basis.as_deref(),
            on_lapse_words: rule.on_lapse_text.as_deref(),
            on_lapse_basis: rule.on_lapse_basis.as_deref(),
        }
    }
}

/// A rule set as the API shows it.
#[derive(Serialize)]
struct SetDto<'a> {
    id: &'a str,
    title: &'a str,
    source: &'a str,
    origin: &'a RuleOrigin,
    rules: Vec<ListedRule<'a>>,
}

#[derive(Serialize)]
struct RulesDto<'a> {
    sets: Vec<SetDto<'a>>,
    /// The operator's rule files in force and refused.
    status: RulesStatus,
}

/// A set with the rules `query` names ([`Rule::matches`]; every rule without a query), each
/// whole or `brief`.
fn set_dto<'a>(
    book: &RuleBook,
    set: &'a RuleSet,
    query: &str,
    brief: bool,
    lang: Lang,
) -> SetDto<'a> {
    SetDto {
        id: &set.id,
        title: lang.pick(&set.title),
        source: &set.source,
        origin: &set.origin,
        rules: set
            .rules
            .iter()
            .filter(|r| r.matches(query))
            .map(|r| match brief {
                true => ListedRule::Brief(BriefRuleDto {
                    id: r.full_id(),
                    set: &r.set,
                    article: &r.article,
                    title: lang.pick(&r.title),
                }),
                false => ListedRule::Whole(Box::new(RuleDto::new(book, r, lang, false))),
            })
            .collect(),
    }
}

/// `GET /v1/rules`, with `q=` the words an office searches by (`会议纪要`): the sets, each with
/// the rules found (a set with none is left out when there is a query).
pub async fn list(
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let book = data.set.rules();
    let q = ListQuery::read(&params)?;
    Ok(json(&RulesDto {
        sets: book
            .sets()
            .iter()
            .map(|s| set_dto(book, s, q.q, q.brief, lang))
            .filter(|s| q.q.is_empty() || !s.rules.is_empty())
            .collect(),
        status: state.store.rules_status(),
    }))
}

/// The query of `/v1/rules` ([`super::routes::RULES`]).
struct ListQuery<'a> {
    /// The words searched for; empty for every rule.
    q: &'a str,
    /// Whether each rule is listed brief (enough to name it) rather than whole.
    brief: bool,
}

impl<'a> ListQuery<'a> {
    fn read(params: &'a Params) -> Result<Self, ApiError> {
        Ok(ListQuery {
            q: params.get("q")?.unwrap_or_default(),
            brief: params.flag("brief")?,
        })
    }
}

fn one_rule(data: &Snapshot, id: &str, lang: Lang) -> Result<HttpResponse, ApiError> {
    let book = data.set.rules();
    let rule = book
        .find(id)
        .map_err(|e| ApiError::NotFound(Missing::Rule(e)))?;
    Ok(json(&RuleDto::new(book, rule, lang, true)))
}

/// `GET /v1/rules/{id}`: a rule by its own id alone, where one set has it.
pub async fn one(
    data: Snapshot,
    id: web::Path<String>,
    _: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    one_rule(&data, &id, lang)
}

/// `GET /v1/rules/{set}/{rule}`.
pub async fn in_set(
    data: Snapshot,
    path: web::Path<(String, String)>,
    _: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (set, rule) = path.into_inner();
    one_rule(&data, &format!("{set}/{rule}"), lang)
}
