//! `soundings demo`: the seeding on a fresh database, and the keys and links it prints, on the
//! real app.

use crate::helpers::{Backend, TestDatabase, spawn_app_on};
use entity::{organisation, response, score};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use soundings::app::config::DatabaseSettings;
use soundings::demo::seed::{CLOSED_ROUND, DemoOptions, DemoSummary, OPEN_ROUND, seed};
use soundings::domain::role::Role;
use soundings::domain::secret::hash_secret;
use soundings::store::{Database, api_keys, invitations, organisations, rounds};
use std::collections::HashMap;

const SMALL: usize = 40;

pub(crate) async fn connect(database: &TestDatabase) -> Database {
    Database::connect(&DatabaseSettings::new(database.url.clone()))
        .await
        .expect("connect")
}

async fn seed_small(db: &Database) -> DemoSummary {
    let options = DemoOptions {
        seed: 1,
        organisations: SMALL,
    };
    seed(db, &options, &|_| {}).await.expect("seeding works")
}

/// How many responses of a round are in each state.
async fn statuses(db: &Database, round: &str) -> HashMap<String, u64> {
    let round = rounds::find(db, round).await.unwrap().unwrap();
    let mut counts = HashMap::new();
    for r in response::Entity::find()
        .filter(response::Column::RoundId.eq(round.id))
        .all(db)
        .await
        .unwrap()
    {
        *counts.entry(r.status).or_default() += 1;
    }
    counts
}

/// Overall scores of a round's responses, by response id.
async fn overall_scores(db: &Database, round: &str) -> HashMap<i32, f64> {
    let round = rounds::find(db, round).await.unwrap().unwrap();
    score::Entity::find()
        .filter(score::Column::RoundId.eq(round.id))
        .filter(score::Column::Dimension.eq("overall"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.response_id, s.score))
        .collect()
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.iter().sum::<f64>() / values.len() as f64
}

/// Text as an auto-escaping minijinja template writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

async fn seeding_makes_a_closed_round_everyone_answered_and_an_open_one_partly_answered(
    backend: Backend,
) {
    let database = TestDatabase::new(backend).await;
    let db = connect(&database).await;
    let summary = seed_small(&db).await;

    assert!(summary.seeded);
    let organisations = organisation::Entity::find().count(&db).await.unwrap();
    assert_eq!(organisations, SMALL as u64);
    assert_eq!(summary.organisations, SMALL as u64);

    let closed = rounds::find(&db, CLOSED_ROUND).await.unwrap().unwrap();
    let open = rounds::find(&db, OPEN_ROUND).await.unwrap().unwrap();
    assert_eq!(closed.status, "closed");
    assert_eq!(open.status, "open");
    assert_eq!(
        (open.opens_at - closed.opens_at).num_days(),
        364,
        "a year apart"
    );
    assert!(
        open.closes_at > chrono::Utc::now(),
        "the open round is open today"
    );

    // Everyone answered the closed round, and every response is scored (overall included).
    let closed_statuses = statuses(&db, CLOSED_ROUND).await;
    assert_eq!(closed_statuses.get("submitted"), Some(&(SMALL as u64)));
    assert_eq!(closed_statuses.len(), 1, "{closed_statuses:?}");
    let closed_scores = overall_scores(&db, CLOSED_ROUND).await;
    assert_eq!(closed_scores.len(), SMALL);

    // The open round: most submitted, some in progress (unscored), the rest not started.
    let open_statuses = statuses(&db, OPEN_ROUND).await;
    let submitted = open_statuses.get("submitted").copied().unwrap_or(0);
    let in_progress = open_statuses.get("in_progress").copied().unwrap_or(0);
    let not_started = SMALL as u64 - submitted - in_progress;
    assert!(
        (32..=36).contains(&submitted),
        "about 85% submitted: {open_statuses:?}"
    );
    assert!(in_progress >= 1 && not_started >= 1, "{open_statuses:?}");
    let open_scores = overall_scores(&db, OPEN_ROUND).await;
    assert_eq!(open_scores.len() as u64, submitted);

    let counts = &summary.rounds;
    assert_eq!(counts[0].code, CLOSED_ROUND);
    assert_eq!(
        (counts[0].invited, counts[0].submitted),
        (SMALL as u64, SMALL as u64)
    );
    assert_eq!(
        (
            counts[1].invited,
            counts[1].submitted,
            counts[1].in_progress,
            counts[1].not_started
        ),
        (SMALL as u64, submitted, in_progress, not_started)
    );

    // Organisations improve a little between the rounds.
    let before = mean(closed_scores.values().copied());
    let after = mean(open_scores.values().copied());
    assert!(after > before, "mean overall {before:.1} then {after:.1}");
    assert!(
        (counts[1].mean_overall.unwrap() - after).abs() < 1e-9,
        "the summary's mean is the stored one"
    );
}

async fn seeding_again_changes_nothing_and_gives_the_same_keys_and_links(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = connect(&database).await;
    let first = seed_small(&db).await;
    let second = seed_small(&db).await;
    assert!(!second.seeded);
    assert_eq!(second.organisations, first.organisations);
    assert_eq!(second.answers, first.answers);
    assert_eq!(second.rounds, first.rounds);
    assert_eq!(second.links.respondent_path, first.links.respondent_path);
    assert_eq!(second.links.admin_key, first.links.admin_key);
    assert_eq!(second.links.researcher_key, first.links.researcher_key);
    assert!(second.notes.is_empty(), "{:?}", second.notes);

    // Asked for another seed, it keeps the demo that is there and says so.
    let other = DemoOptions {
        seed: 2,
        organisations: 10,
    };
    let third = seed(&db, &other, &|_| {}).await.unwrap();
    assert_eq!(third.options.seed, 1);
    assert_eq!(third.organisations, first.organisations);
    assert_eq!(third.links.admin_key, first.links.admin_key);
    assert!(third.notes[0].contains("--seed 1"), "{:?}", third.notes);
}

async fn seeding_again_brings_back_demo_keys_and_links_that_were_revoked(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = connect(&database).await;
    let first = seed_small(&db).await;
    let prefix: String = first.links.admin_key.chars().take(12).collect();
    api_keys::revoke(&db, &prefix).await.unwrap().unwrap();
    let open = rounds::find(&db, OPEN_ROUND).await.unwrap().unwrap();
    let org = organisations::find_by_code(&db, &first.links.organisation_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invitations::revoke(&db, open.id, org.id).await.unwrap(), 1);

    let again = seed_small(&db).await;
    assert_eq!(again.notes.len(), 2, "{:?}", again.notes);
    let key = api_keys::find_active_by_hash(&db, &hash_secret(&first.links.admin_key))
        .await
        .unwrap();
    assert_eq!(key.map(|k| k.role), Some(Role::Admin));
    let secret = first.links.respondent_path.trim_start_matches("/respond/");
    let invitation = invitations::find_active_by_hash(&db, &hash_secret(secret))
        .await
        .unwrap();
    assert_eq!(invitation.map(|i| i.organisation_id), Some(org.id));
}

async fn seeding_refuses_a_database_that_already_holds_organisations(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = connect(&database).await;
    db.migrate().await.unwrap();
    let input = soundings::domain::organisation::OrganisationInput {
        code: "RW6".into(),
        name: "A real trust".into(),
        kind: "acute".into(),
        region: "North West".into(),
        country: "England".into(),
        size_band: "large".into(),
        language: None,
    };
    organisations::create(&db, &input).await.unwrap();
    let err = seed(&db, &DemoOptions::default(), &|_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("already holds 1 organisations"),
        "{err:#}"
    );
    assert!(
        rounds::find(&db, CLOSED_ROUND).await.unwrap().is_none(),
        "nothing was written"
    );
}

async fn the_printed_links_and_keys_work_on_the_served_demo(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let summary = seed_small(&connect(&database).await).await;
    let links = summary.links.clone();
    let app = spawn_app_on(database, |settings| settings.demo = Some(links)).await;
    let links = &summary.links;

    // The respondent link: the organisation's half-finished response in the open round.
    let page = app.get(&links.respondent_path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&escaped(&links.organisation_name)),
        "names {}: {html}",
        links.organisation_name
    );
    for state in ["Done", "In progress", "Not started"] {
        assert!(html.contains(state), "a section is {state}: {html}");
    }

    // The keys, with their roles.
    for (key, role) in [
        (&links.admin_key, "admin"),
        (&links.researcher_key, "researcher"),
    ] {
        let resp = app.get_as(key, "/api/v1/me").await;
        assert_eq!(resp.status(), 200);
        let me: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(me["role"], role);
    }
    let resp = app.get_as(&links.researcher_key, "/api/v1/rounds").await;
    assert_eq!(resp.status(), 200);
    let listed: serde_json::Value = resp.json().await.unwrap();
    let listed: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, [(CLOSED_ROUND, "closed"), (OPEN_ROUND, "open")]);

    // The operator sees the same progress through the API as the summary printed.
    let resp = app
        .get_as(
            &links.admin_key,
            &format!("/api/v1/rounds/{OPEN_ROUND}/invitations"),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let invitations: serde_json::Value = resp.json().await.unwrap();
    let mut by_status: HashMap<String, u64> = HashMap::new();
    for row in invitations.as_array().unwrap() {
        *by_status
            .entry(row["response_status"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let open = &summary.rounds[1];
    assert_eq!(by_status.get("submitted"), Some(&open.submitted));
    assert_eq!(by_status.get("in_progress"), Some(&open.in_progress));
    assert_eq!(by_status.get("not_started"), Some(&open.not_started));

    // The landing page shows the demo's links and keys.
    let landing = app.get("/").await;
    assert_eq!(landing.status(), 200);
    let html = landing.text().await.unwrap();
    assert!(html.contains("Demo only"), "{html}");
    for shown in [
        &links.respondent_path,
        &links.share_path,
        &links.share_pdf_path,
        &links.report_pdf_path,
        &links.admin_key,
        &links.researcher_key,
    ] {
        assert!(html.contains(&escaped(shown)), "shows {shown}: {html}");
    }

    // The organisation's report in the closed round: through the share link without a key, and
    // through the API with the admin key.
    for (path, key) in [
        (&links.share_path, None),
        (&links.report_path, Some(&links.admin_key)),
    ] {
        let resp = match key {
            Some(key) => app.get_as(key, path).await,
            None => app.get(path).await,
        };
        assert_eq!(resp.status(), 200, "{path}");
        let html = resp.text().await.unwrap();
        assert!(
            html.contains(&escaped(&links.organisation_name)),
            "{path} names the organisation: {html}"
        );
    }
    for (path, key) in [
        (&links.share_pdf_path, None),
        (&links.report_pdf_path, Some(&links.admin_key)),
    ] {
        let resp = match key {
            Some(key) => app.get_as(key, path).await,
            None => app.get(path).await,
        };
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        assert!(resp.bytes().await.unwrap().starts_with(b"%PDF-"), "{path}");
    }
}

/// Without demo mode the landing page shows no keys.
async fn the_landing_page_shows_no_demo_section_outside_demo_mode(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(!html.contains("Demo only"), "{html}");
    assert!(!html.contains("snd_"), "{html}");
}

crate::on_both_backends!(
    seeding_makes_a_closed_round_everyone_answered_and_an_open_one_partly_answered,
    seeding_again_changes_nothing_and_gives_the_same_keys_and_links,
    seeding_again_brings_back_demo_keys_and_links_that_were_revoked,
    seeding_refuses_a_database_that_already_holds_organisations,
    the_printed_links_and_keys_work_on_the_served_demo,
    the_landing_page_shows_no_demo_section_outside_demo_mode,
);
