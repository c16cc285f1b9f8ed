//! `/respond/{secret}`: the respondent's JSON route, for organisations that integrate. The same
//! checks as the pages apply (`crate::service::respond`): answers by question key, a revision check on every
//! write, and submission only when complete. The invitation link's secret is the credential.

use super::ApiTags;
use super::errors::{Answer, status::*};
use super::problem::{ApiError, ApiResult, FieldError, Problem, kind};
use crate::domain::answers::{AnswerValue, Answers, parse_answer, visible_questions};
use crate::service::Services;
use crate::service::respond::{self, Access, Context, Refusal};
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct RespondApi;

/// An organisation's response as the respondent sees it.
#[derive(Object)]
pub struct ResponseState {
    pub organisation: String,
    pub organisation_name: String,
    pub round: String,
    pub survey: String,
    pub closes_at: DateTime<Utc>,
    /// `not_started`, `in_progress` or `submitted`.
    pub status: String,
    /// Send this back with the next write; 0 before the first save.
    pub revision: i32,
    #[oai(nullable)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// Answers by question key: a string (single choice, yes_no as "yes"/"no", text), an array of
    /// strings (multi choice) or a number (scale, integer, decimal).
    pub answers: BTreeMap<String, serde_json::Value>,
    /// Keys of the questions shown under these answers, in order; hidden ones are not asked.
    pub visible_questions: Vec<String>,
    /// `lead` for the organisation's invitation link (which submits), `delegate` for a
    /// colleague's link, which sees and changes only its sections.
    pub hand: String,
    /// Keys of the sections this link may change.
    pub sections: Vec<String>,
    /// Who last saved each answer (`lead`, `delegate:<id>`), by question key, once the lead has
    /// handed sections to colleagues.
    pub answered_by: BTreeMap<String, String>,
}

#[derive(Object)]
pub struct SaveAnswers {
    /// The revision this client last read.
    pub revision: i32,
    /// Values to set by question key; `null` clears an answer. Keys not named keep their answer.
    #[oai(validator(max_properties = 500))]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// Also submit, in the same transaction, for clients that send a whole response at once.
    /// Nothing is saved unless the answers are then complete (422 lists the missing ones).
    #[oai(default)]
    pub submit: bool,
}

#[derive(Object)]
pub struct SubmitResponse {
    /// The revision this client last read.
    pub revision: i32,
}

#[OpenApi(tag = "ApiTags::Respond")]
impl RespondApi {
    /// Get a response
    ///
    /// Who may call: the holder of the organisation's invitation link (the secret in the path).
    /// 404 for an unknown or revoked link; 410 when the round is not open.
    #[oai(
        path = "/respond/:secret",
        method = "get",
        operation_id = "get_response"
    )]
    async fn get(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
    ) -> Answer<Json<ResponseState>, { NOT_FOUND | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        Ok(Json(describe(&ctx)))
    }

    /// Save answers
    ///
    /// Who may call: the holder of the invitation link. Validates each answer against its question
    /// (422 names each bad key as `answers.<key>`), clears answers to questions that become hidden,
    /// and saves only if `revision` is current (409 otherwise: read again, then retry). Changes to
    /// a submitted response must leave it complete; it is re-scored at once. With `submit: true`
    /// the response is also submitted, in the same transaction, or nothing is saved.
    #[oai(
        path = "/respond/:secret/answers",
        method = "put",
        operation_id = "save_answers"
    )]
    async fn save(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
        body: Json<SaveAnswers>,
    ) -> Answer<Json<ResponseState>, { BODY | FORBIDDEN | NOT_FOUND | CONFLICT | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        let mut errors = Vec::new();
        let mut changes: Vec<(String, Option<AnswerValue>)> = Vec::new();
        for (key, raw) in &body.0.answers {
            let Some(q) = ctx.definition.question(key) else {
                errors.push(FieldError::new(
                    format!("answers.{key}"),
                    "there is no such question in this survey",
                ));
                continue;
            };
            if raw.is_null() {
                changes.push((key.clone(), None));
                continue;
            }
            match parse_answer(q, raw) {
                Ok(value) => changes.push((key.clone(), Some(value))),
                Err(message) => errors.push(FieldError::new(format!("answers.{key}"), message)),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(
                "Some answers are not valid; nothing was saved.",
                errors,
            )
            .into());
        }
        let saved = if body.0.submit {
            respond::save_and_submit(&state, &ctx, body.0.revision, changes).await
        } else {
            respond::save(&state, &ctx, body.0.revision, changes).await
        };
        let (saved, answers) = saved.map_err(refusal)?;
        let mut fresh = ctx;
        fresh.replace_response(saved)?;
        fresh.answers = answers;
        Ok(Json(describe(&fresh)))
    }

    /// Submit a response
    ///
    /// Who may call: the holder of the invitation link. Submits the saved answers if every visible
    /// required question is answered (422 lists the missing ones) and `revision` is current (409).
    /// Submitting again after changes records an amendment; earlier answers stay in the audit trail.
    #[oai(
        path = "/respond/:secret/submit",
        method = "post",
        operation_id = "submit_response"
    )]
    async fn submit(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
        body: Json<SubmitResponse>,
    ) -> Answer<Json<ResponseState>, { BODY | FORBIDDEN | NOT_FOUND | CONFLICT | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        let submitted = respond::submit(&state, &ctx, body.0.revision)
            .await
            .map_err(refusal)?;
        let mut fresh = ctx;
        fresh.replace_response(submitted)?;
        Ok(Json(describe(&fresh)))
    }
}

/// The link's context, or the answer for a link that cannot be used (404, 410).
pub(super) async fn context(state: &Services, secret: &str) -> ApiResult<Context> {
    match respond::open(state, secret).await? {
        Access::Found(ctx) if ctx.accepting() => Ok(*ctx),
        Access::Found(ctx) => Err(ApiError::from_problem(Problem::new(
            kind::GONE,
            format!("Round {} is not accepting responses.", ctx.round.code),
        ))),
        Access::NotFound => Err(ApiError::not_found("This link is not valid.")),
    }
}

fn refusal(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::Invalid(problems) => ApiError::validation(
            "The response is not complete or not valid.",
            problems
                .into_iter()
                .map(|e| FieldError::new(format!("answers.{}", e.question), e.message))
                .collect(),
        ),
        Refusal::Stale { current_revision } => ApiError::conflict(format!(
            "The response has changed since you read it (it is now at revision {current_revision}); read it again and retry."
        )),
        Refusal::Forbidden(detail) => ApiError::forbidden(detail),
        Refusal::Closed => ApiError::from_problem(Problem::new(
            kind::GONE,
            "The round is not accepting responses.".to_owned(),
        )),
        Refusal::Failed(err) => err.into(),
    }
}

fn describe(ctx: &Context) -> ResponseState {
    let answers: &Answers = &ctx.answers;
    let sections: Vec<&crate::domain::definition::Section> = ctx
        .definition
        .sections
        .iter()
        .filter(|s| ctx.hand.holds(&s.key))
        .collect();
    let mine = |key: &str| {
        sections
            .iter()
            .any(|s| s.questions.iter().any(|q| q.key == key))
    };
    ResponseState {
        organisation: ctx.organisation.code.clone(),
        organisation_name: ctx.organisation.name.clone(),
        round: ctx.round.code.clone(),
        survey: ctx.definition.slug.clone(),
        closes_at: ctx.round.closes_at,
        status: ctx.progress.as_str().to_owned(),
        revision: ctx.revision(),
        submitted_at: ctx.response.as_ref().and_then(|r| r.submitted_at),
        answers: answers
            .iter()
            .filter(|(k, _)| mine(k))
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
            .collect(),
        visible_questions: visible_questions(&ctx.definition, answers)
            .iter()
            .filter(|q| mine(&q.key))
            .map(|q| q.key.clone())
            .collect(),
        hand: if ctx.hand.is_lead() {
            "lead"
        } else {
            "delegate"
        }
        .to_owned(),
        sections: sections.iter().map(|s| s.key.clone()).collect(),
        answered_by: ctx
            .hands
            .answered_by
            .iter()
            .filter(|(k, _)| mine(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}
