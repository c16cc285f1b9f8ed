//! The write measurements (item 1): submissions through the API, in one request and in two,
//! and the same writes straight through the database driver, the baseline they are held to.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{answer, response};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use soundings::store::Database;

use crate::client::{self, Run, expect_ok};
use crate::scenarios::CLIENTS;
use crate::setup::Pending;

/// Item 1, as a client that has the whole response: each pending organisation saves its
/// complete answers and submits them in one request (`PUT .../answers` with `submit: true`).
pub async fn submissions_in_one_request(
    http: &reqwest::Client,
    base: &str,
    pending: &[Pending],
) -> anyhow::Result<Run> {
    let jobs = bodies(pending, true)?;
    let (http, base) = (http.clone(), base.to_owned());
    Ok(client::run(jobs.len(), CLIENTS, move |i| {
        let (http, base, jobs) = (http.clone(), base.clone(), jobs.clone());
        async move {
            let (secret, body) = &jobs[i];
            let done = expect_ok(
                http.put(format!("{base}/api/v1/respond/{secret}/answers"))
                    .header("content-type", "application/json")
                    .body(body.clone()),
            )
            .await?;
            match serde_json::from_slice::<Value>(done.as_ref()).map_err(|e| e.to_string())?["status"]
                .as_str()
            {
                Some("submitted") => Ok(()),
                other => Err(format!("the response was left {other:?}")),
            }
        }
    })
    .await)
}

/// Each pending organisation's link and request body: its complete answers at its revision.
fn bodies(pending: &[Pending], submit: bool) -> anyhow::Result<Arc<Vec<(String, String)>>> {
    Ok(Arc::new(
        pending
            .iter()
            .map(|p| {
                let body =
                    json!({ "revision": p.revision, "answers": &p.answers, "submit": submit });
                Ok((p.secret.clone(), serde_json::to_string(&body)?))
            })
            .collect::<anyhow::Result<_>>()?,
    ))
}

/// Item 1, as the pages do it: each pending organisation saves its complete answers (one PUT)
/// and then submits (one POST). Returns the whole-response run and the save and submit latencies.
pub async fn submissions(
    http: &reqwest::Client,
    base: &str,
    pending: &[Pending],
) -> anyhow::Result<(Run, Vec<Duration>, Vec<Duration>)> {
    let jobs = bodies(pending, false)?;
    let parts = Arc::new(Mutex::new((Vec::new(), Vec::new())));
    let (http, base, recorded) = (http.clone(), base.to_owned(), parts.clone());
    let run = client::run(jobs.len(), CLIENTS, move |i| {
        let (http, base, jobs, recorded) =
            (http.clone(), base.clone(), jobs.clone(), recorded.clone());
        async move {
            let (secret, body) = &jobs[i];
            let at = Instant::now();
            let saved = expect_ok(
                http.put(format!("{base}/api/v1/respond/{secret}/answers"))
                    .header("content-type", "application/json")
                    .body(body.clone()),
            )
            .await?;
            let save = at.elapsed();
            let revision = revision_of(saved.as_ref())?;
            let at = Instant::now();
            expect_ok(
                http.post(format!("{base}/api/v1/respond/{secret}/submit"))
                    .json(&json!({ "revision": revision })),
            )
            .await?;
            let submit = at.elapsed();
            if let Ok(mut r) = recorded.lock() {
                r.0.push(save);
                r.1.push(submit);
            }
            Ok(())
        }
    })
    .await;
    let (mut saves, mut submits) = std::mem::take(&mut *parts.lock().map_err(|_| poisoned())?);
    saves.sort();
    submits.sort();
    Ok((run, saves, submits))
}

fn revision_of(body: &[u8]) -> Result<i64, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    value["revision"]
        .as_i64()
        .ok_or_else(|| "a response without a revision".to_owned())
}

fn poisoned() -> anyhow::Error {
    anyhow::anyhow!("a client task panicked")
}

/// One response for the raw baseline: its id and its answers as (question key, JSON value).
type RawJob = (i32, Vec<(String, String)>);

/// Item 1's baseline: the same answers written straight to the database with the same driver
/// and pool settings, one transaction per response (insert the answers, mark the response
/// submitted), at the same concurrency.
pub async fn raw_writes(
    db: &Database,
    pending: &[Pending],
    response_ids: &[i32],
) -> anyhow::Result<Run> {
    let jobs: Arc<Vec<RawJob>> = Arc::new(
        pending
            .iter()
            .zip(response_ids)
            .map(|(p, id)| {
                let answers = p
                    .answers
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), serde_json::to_string(v)?)))
                    .collect::<anyhow::Result<_>>()?;
                Ok((*id, answers))
            })
            .collect::<anyhow::Result<_>>()?,
    );
    let conn = db.clone();
    Ok(client::run(jobs.len(), CLIENTS, move |i| {
        let (conn, jobs) = (conn.clone(), jobs.clone());
        async move {
            let (id, answers) = &jobs[i];
            write_one(&conn, *id, answers)
                .await
                .map_err(|e| e.to_string())
        }
    })
    .await)
}

async fn write_one(
    conn: &Database,
    response_id: i32,
    answers: &[(String, String)],
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let tx = conn
        .begin()
        .await
        .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    answer::Entity::insert_many(answers.iter().map(|(key, value)| answer::ActiveModel {
        response_id: Set(response_id),
        question_key: Set(key.clone()),
        value: Set(value.clone()),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(&tx)
    .await?;
    let updated = response::Entity::update_many()
        .col_expr(
            response::Column::Revision,
            Expr::col(response::Column::Revision).add(1),
        )
        .col_expr(response::Column::Status, Expr::value("submitted"))
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .col_expr(response::Column::SubmittedAt, Expr::value(now))
        .col_expr(response::Column::SubmittedBy, Expr::value("bench"))
        .filter(response::Column::Id.eq(response_id))
        .filter(response::Column::Revision.eq(1))
        .exec(&tx)
        .await?;
    if updated.rows_affected != 1 {
        return Err(sea_orm::DbErr::Custom("the baseline response moved".into()));
    }
    tx.commit().await
}
