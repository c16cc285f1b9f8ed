//! The round cache never serves data that a later write changed: after each kind of write, what
//! it holds equals what a fresh read of the database gives.

use super::*;
use crate::app::config::Settings;
use crate::demo::seed::{DemoOptions, OPEN_ROUND, invitation_secret, seed};
use crate::domain::answers::AnswerValue;
use crate::domain::choice_bits::{ChoiceLayout, ChoiceMarks};
use crate::domain::organisation::OrganisationInput;
use crate::domain::peers::OrgAttributes;
use crate::service::respond::{self, Access};
use crate::store::{benchmarks, organisations, rounds};
use std::collections::{BTreeMap, HashMap};

const SEED: u64 = 1;
const ORGANISATIONS: usize = 40;

async fn demo() -> (tempfile::TempDir, Services, round::Model) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("cache.sqlite").display()
    );
    let state = crate::app::startup::services(&Settings::for_database(&url), String::new())
        .await
        .unwrap();
    let options = DemoOptions {
        seed: SEED,
        organisations: ORGANISATIONS,
    };
    seed(&state.db, &options, &|_| {}).await.unwrap();
    let round = rounds::find(&state.db, OPEN_ROUND).await.unwrap().unwrap();
    (dir, state, round)
}

/// Each submitted response as (response id, revision, organisation's attributes, scores,
/// choice marks), in response id order.
type Snapshot = Vec<(i32, i32, OrgAttributes, BTreeMap<String, f64>, ChoiceMarks)>;

/// What the cache holds for the round, marks loaded.
async fn held(state: &Services, round: &round::Model) -> Snapshot {
    let data = round_data(state, round).await.unwrap();
    let marks = data.marks(state).await.unwrap();
    let mut out: Snapshot = data
        .submitted
        .iter()
        .map(|s| {
            (
                s.response_id,
                s.revision,
                s.attributes.clone(),
                s.scores.clone(),
                marks.get(&s.response_id).cloned().unwrap_or_default(),
            )
        })
        .collect();
    out.sort_by_key(|row| row.0);
    out
}

/// What a fresh read of the database gives.
async fn fresh(state: &Services, round: &round::Model) -> Snapshot {
    let db = &state.db;
    let mut answers = benchmarks::submitted_answers_as(db, round.id, |a| a)
        .await
        .unwrap();
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await
        .unwrap();
    let layout = ChoiceLayout::new(&definition);
    let mut out: Snapshot = benchmarks::submitted(db, round.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            let given = answers.remove(&s.response_id).unwrap_or_default();
            let marks = layout.marks(&definition, &given);
            (s.response_id, s.revision, s.attributes, s.scores, marks)
        })
        .collect();
    out.sort_by_key(|row| row.0);
    out
}

async fn open(state: &Services, code: &str) -> respond::Context {
    match respond::open(state, &invitation_secret(SEED, OPEN_ROUND, code))
        .await
        .unwrap()
    {
        Access::Found(ctx) => *ctx,
        Access::NotFound => panic!("no link for {code}"),
    }
}

async fn amend(state: &Services, code: &str) {
    let ctx = open(state, code).await;
    let (key, points) = ctx.definition.free_scale_question().unwrap();
    let key = key.to_owned();
    let now = match ctx.answers.get(&key) {
        Some(AnswerValue::Integer(n)) => *n,
        _ => 1,
    };
    let changed = now % i64::from(points) + 1;
    assert!(
        respond::save(
            state,
            &ctx,
            ctx.revision(),
            vec![(key, Some(AnswerValue::Integer(changed)))],
        )
        .await
        .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amendment_is_read_again_and_nothing_else_goes_stale() {
    let (_dir, state, round) = demo().await;
    let before = held(&state, &round).await;
    assert_eq!(before, fresh(&state, &round).await);

    let code = round_data(&state, &round).await.unwrap().submitted[0]
        .code
        .clone();
    amend(&state, &code).await;

    let after = held(&state, &round).await;
    assert_ne!(before, after, "the amendment must show");
    assert_eq!(after, fresh(&state, &round).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_submission_joins_the_cached_round() {
    let (_dir, state, round) = demo().await;
    let before = held(&state, &round).await;
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await
        .unwrap();
    let orgs = crate::demo::organisations(SEED, ORGANISATIONS);
    // Find an organisation that has not submitted yet.
    let mut pending = None;
    for (o, d) in orgs
        .iter()
        .zip(crate::demo::responses(SEED, &definition, &orgs, 1))
    {
        let ctx = open(&state, &o.code).await;
        if !ctx.is_submitted() {
            pending = Some((ctx, d));
            break;
        }
    }
    let (ctx, complete) = pending.expect("the demo leaves some organisations unsubmitted");
    let changes = complete
        .answers
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
    let Ok((saved, _)) = respond::save(&state, &ctx, ctx.revision(), changes).await else {
        panic!("the save was refused");
    };
    let ctx = open(&state, &ctx.organisation.code).await;
    assert!(respond::submit(&state, &ctx, saved.revision).await.is_ok());

    let after = held(&state, &round).await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after, fresh(&state, &round).await);
}

/// Moves the `index`-th submitted organisation to another kind through the store, as the API does.
async fn change_kind(state: &Services, round: &round::Model, index: usize) {
    let data = round_data(state, round).await.unwrap();
    let org = organisations::find_by_id(&state.db, data.submitted[index].organisation_id)
        .await
        .unwrap()
        .unwrap();
    let kind = if org.kind == "acute" {
        "ambulance"
    } else {
        "acute"
    };
    let input = OrganisationInput {
        code: org.code.clone(),
        name: org.name.clone(),
        kind: kind.to_owned(),
        region: org.region.clone(),
        country: org.country.clone(),
        size_band: org.size_band.clone(),
        language: org.language.clone(),
    };
    organisations::update(&state.db, org, &input).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisations_new_attributes_are_seen() {
    let (_dir, state, round) = demo().await;
    let before = held(&state, &round).await;
    change_kind(&state, &round, 0).await;

    let after = held(&state, &round).await;
    assert_ne!(before, after);
    assert_eq!(after, fresh(&state, &round).await);
}

/// Two edits can commit in the other order than their clocks read: here one committed edit
/// carries a time far ahead, so a later edit's time is not the newest. It must still be seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_seen_even_when_another_edit_carries_a_later_time() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (_dir, state, round) = demo().await;
    let ahead = chrono::Utc::now() + chrono::Duration::days(1);
    let data = round_data(&state, &round).await.unwrap();
    entity::organisation::Entity::update_many()
        .col_expr(entity::organisation::Column::UpdatedAt, Expr::value(ahead))
        .filter(entity::organisation::Column::Id.eq(data.submitted[1].organisation_id))
        .exec(&state.db)
        .await
        .unwrap();
    let before = held(&state, &round).await;
    change_kind(&state, &round, 0).await;

    let after = held(&state, &round).await;
    assert_ne!(before, after, "the cache missed the edit");
    assert_eq!(after, fresh(&state, &round).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_read_for_one_peer_group_follow_an_amendment() {
    let (_dir, state, round) = demo().await;
    let data = round_data(&state, &round).await.unwrap();
    let id = data.submitted[0].organisation_id;
    let code = data.submitted[0].code.clone();
    // What a benchmark of the first organisation's group reads (its own answers among them).
    let index = data.index_of(id).unwrap();
    data.marks_of(&state, &[index, 1, 2]).await.unwrap();
    assert!(
        data.marks.get().is_none(),
        "only some responses' marks were read"
    );
    amend(&state, &code).await;

    let data = round_data(&state, &round).await.unwrap();
    let members: Vec<usize> = (0..data.submitted.len()).collect();
    let held = data.marks_of(&state, &members).await.unwrap();
    for (s, marks) in data.submitted.iter().zip(held) {
        let (_, stored) =
            crate::store::answers::find_with_answers(&state.db, round.id, s.organisation_id)
                .await
                .unwrap();
        assert_eq!(
            marks,
            data.layout.marks(&data.definition, &stored),
            "{}",
            s.code
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scores_read_as_one_json_object_a_response_keep_every_bit() {
    use entity::score;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (_dir, state, round) = demo().await;
    let stored = score::Entity::find()
        .filter(score::Column::RoundId.eq(round.id))
        .all(&state.db)
        .await
        .unwrap();
    let read = benchmarks::submitted(&state.db, round.id).await.unwrap();
    let by_response: HashMap<i32, &BTreeMap<String, f64>> =
        read.iter().map(|s| (s.response_id, &s.scores)).collect();
    let mut inexact = 0;
    for row in &stored {
        if row.score.fract() != 0.0 && format!("{}", row.score).len() > 16 {
            inexact += 1;
        }
        let got = by_response[&row.response_id][&row.dimension];
        assert_eq!(got.to_bits(), row.score.to_bits(), "{row:?}");
    }
    assert!(
        inexact > 10,
        "the demo's scores include values that need 17 digits ({inexact} do)"
    );
}
