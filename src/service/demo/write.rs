//! Writing the demo: organisations and their contacts, both rounds with their invitations (and
//! the e-mails that sent them), responses, answers and scores, in one transaction and in
//! batches, so a failed run leaves nothing behind.

use super::{DemoOptions, Fiction, Participation, RoundSpec, SEEDED};
use crate::domain::definition::Definition;
use crate::domain::response::ResponseStatus;
use crate::domain::round::RoundStatus;
use crate::domain::scoring;
use crate::domain::secret::hash_secret;
use crate::service::{ServiceError, ServiceResult};
use crate::store::demo::{self, DemoRound, NewAnswer, NewInvitation, NewResponse, NewScore};
use crate::store::responses::OVERALL;
use crate::store::{Database, audit, organisations, surveys};
use chrono::{Duration, Utc};
use serde_json::json;
use std::collections::HashMap;

/// Organisations written per batch (and per step of the progress bar).
const BATCH: usize = 100;

/// Writes organisations, every round with its invitations, responses, answers and scores, and
/// the audit record, in one transaction.
pub(super) async fn write_demo(
    db: &Database,
    fiction: &dyn Fiction,
    definition: &Definition,
    version_id: i32,
    rounds: &[RoundSpec],
    options: &DemoOptions,
    report: &dyn Fn(usize, &str, usize, usize),
) -> ServiceResult<()> {
    let existing = demo::count_organisations(db).await?;
    if existing != 0 {
        return Err(ServiceError::conflict(format!(
            "the database already holds {existing} organisations, and the demo only seeds a database \
             without any, so that fictional data never mixes with real data; point DATABASE_URL at a \
             new file (e.g. sqlite://soundings-demo.sqlite?mode=rwc)"
        )));
    }
    let inputs = fiction
        .organisations(options)
        .map_err(ServiceError::internal)?;
    let n = inputs.len();
    let tx = db.begin_write().await?;

    report(2, "Organisations", 0, n);
    organisations::insert_many(&*tx, &inputs).await?;
    let codes: Vec<String> = inputs.iter().map(|o| o.code.clone()).collect();
    let by_code: HashMap<String, i32> = organisations::find_by_codes(&*tx, &codes)
        .await?
        .into_iter()
        .map(|o| (o.code, o.id))
        .collect();
    let ids = codes
        .iter()
        .map(|c| by_code.get(c).copied())
        .collect::<Option<Vec<i32>>>()
        .ok_or_else(|| ServiceError::internal("an inserted organisation is missing"))?;
    let now = Utc::now();
    let people = fiction.contacts(options).map_err(ServiceError::internal)?;
    let mailing = super::mail::add_contacts(&*tx, &ids, people, now).await?;
    report(2, "Organisations", n, n);

    let version = surveys::find_version_by_id(&*tx, version_id)
        .await?
        .ok_or_else(|| ServiceError::internal("the survey version disappeared"))?;
    for (offset, spec) in rounds.iter().enumerate() {
        let step = 3 + offset;
        let label = format!("Round {}", spec.code);
        report(step, &label, 0, n);
        let round_id = demo::insert_round(
            &*tx,
            DemoRound {
                survey_id: version.survey_id,
                survey_version_id: version_id,
                code: spec.code,
                name: spec.name,
                opens_at: spec.opens,
                closes_at: spec.closes,
                status: spec.status,
                created_at: spec.opens - Duration::days(14),
                updated_at: if spec.status == RoundStatus::Closed {
                    spec.closes
                } else {
                    spec.opens
                },
            },
        )
        .await?;
        let parts = fiction.participation(options, definition, spec, now);
        let members: Vec<Member<'_>> = parts
            .iter()
            .zip(ids.iter().zip(&codes))
            .map(|(part, (&organisation_id, code))| Member {
                organisation_id,
                code,
                part,
            })
            .collect();
        for (batch, chunk) in members.chunks(BATCH).enumerate() {
            write_batch(&*tx, definition, spec, round_id, chunk).await?;
            report(step, &label, (batch * BATCH + chunk.len()).min(n), n);
        }
        mailing
            .record_invitations(&*tx, round_id, &ids, &parts, spec.opens)
            .await?;
    }

    audit::record(
        &*tx,
        audit::Event {
            actor: "cli",
            action: SEEDED,
            subject_type: "demo",
            subject_id: None,
            details: json!({
                "seed": options.seed,
                "organisations": n,
                "rounds": rounds.iter().map(|r| r.code).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One organisation's part in a round, with its stored id.
struct Member<'a> {
    organisation_id: i32,
    code: &'a str,
    part: &'a Participation,
}

/// Invitations, responses, answers and scores of a batch of organisations, in a few INSERTs.
async fn write_batch(
    db: &impl sea_orm::ConnectionTrait,
    definition: &Definition,
    spec: &RoundSpec,
    round_id: i32,
    batch: &[Member<'_>],
) -> ServiceResult<()> {
    let invitations: Vec<NewInvitation> = batch
        .iter()
        .map(|m| NewInvitation {
            round_id,
            organisation_id: m.organisation_id,
            secret_hash: hash_secret(&m.part.invitation_secret),
            created_at: spec.opens,
        })
        .collect();
    demo::insert_invitations(db, &invitations).await?;

    let started: Vec<(&Member<'_>, &super::StartedResponse)> = batch
        .iter()
        .filter_map(|m| m.part.response.as_ref().map(|r| (m, r)))
        .collect();
    if started.is_empty() {
        return Ok(());
    }
    let rows: Vec<NewResponse> = started
        .iter()
        .map(|(m, r)| {
            // As if saved once per section begun, and once more on submitting.
            let sections = definition
                .sections
                .iter()
                .filter(|s| s.questions.iter().any(|q| r.answers.contains_key(&q.key)))
                .count();
            let submitted = r.submitted_at.is_some();
            NewResponse {
                round_id,
                organisation_id: m.organisation_id,
                status: if submitted {
                    ResponseStatus::Submitted
                } else {
                    ResponseStatus::InProgress
                },
                revision: i32::try_from(sections.max(1) + usize::from(submitted))
                    .unwrap_or(i32::MAX),
                started_at: r.started_at,
                updated_at: r.updated_at,
                submitted_at: r.submitted_at,
                submitted_by: submitted.then(|| format!("respondent:{}", m.code)),
            }
        })
        .collect();
    let response_ids: HashMap<i32, i32> = demo::insert_responses(db, &rows)
        .await?
        .into_iter()
        .collect();

    let mut answers = Vec::new();
    let mut cards = Vec::new();
    for (m, r) in &started {
        let response_id = *response_ids
            .get(&m.organisation_id)
            .ok_or_else(|| ServiceError::internal("an inserted response is missing"))?;
        answers.extend(r.answers.iter().map(|(key, value)| NewAnswer {
            response_id,
            question_key: key,
            value,
            updated_at: r.updated_at,
        }));
        if r.submitted_at.is_some() {
            cards.push((response_id, scoring::score(definition, &r.answers)));
        }
    }
    demo::insert_answers(db, &answers).await?;
    let level = |l: u32| i32::try_from(l).unwrap_or(i32::MAX);
    // The rows `responses::replace_scores` writes: one per dimension, and `overall`.
    let mut scores = Vec::new();
    for (response_id, card) in &cards {
        scores.extend(card.dimensions.iter().map(|d| NewScore {
            response_id: *response_id,
            round_id,
            dimension: &d.dimension,
            score: d.score,
            level: level(d.level),
        }));
        scores.push(NewScore {
            response_id: *response_id,
            round_id,
            dimension: OVERALL,
            score: card.overall,
            level: level(definition.level_number_for(card.overall)),
        });
    }
    demo::insert_scores(db, &scores).await?;
    Ok(())
}
