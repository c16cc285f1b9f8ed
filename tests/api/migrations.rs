use crate::helpers::{Backend, TestDatabase, test_settings};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};
use soundings::domain::organisation::OrganisationInput;
use soundings::store::{Database, organisations};

const TABLES: &[&str] = &[
    "organisations",
    "surveys",
    "survey_versions",
    "rounds",
    "invitations",
    "responses",
    "answers",
    "scores",
    "api_keys",
    "report_shares",
    "audit_events",
    "releases",
    "release_responses",
];

async fn count(db: &Database, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn migrations_create_every_table_from_empty_and_a_second_run_changes_nothing(
    backend: Backend,
) {
    let database = TestDatabase::empty(backend).await;
    let db = Database::connect(&test_settings(&database.url).database)
        .await
        .unwrap();
    assert!(
        !db.pending_migrations().await.unwrap().is_empty(),
        "the database should start empty"
    );

    db.migrate().await.unwrap();
    assert!(db.pending_migrations().await.unwrap().is_empty());
    for table in TABLES {
        assert_eq!(
            count(&db, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    let applied = count(&db, "SELECT COUNT(*) FROM seaql_migrations").await;

    db.migrate().await.unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM seaql_migrations").await,
        applied
    );
    assert!(db.pending_migrations().await.unwrap().is_empty());
}

async fn the_schema_enforces_foreign_keys_and_unique_codes(backend: Backend) {
    let database = TestDatabase::empty(backend).await;
    let db = Database::connect(&test_settings(&database.url).database)
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let exec = |sql: &str| db.execute_unprepared(sql.to_owned().leak());
    let now = "'2026-01-01 00:00:00+00:00'";
    exec(&format!(
        "INSERT INTO organisations (code, name, kind, region, country, size_band, created_at, updated_at) \
         VALUES ('AB1', 'Org', 'acute', 'London', 'England', 'large', {now}, {now})"
    ))
    .await
    .unwrap();
    let duplicate = exec(&format!(
        "INSERT INTO organisations (code, name, kind, region, country, size_band, created_at, updated_at) \
         VALUES ('AB1', 'Other', 'acute', 'London', 'England', 'large', {now}, {now})"
    ))
    .await;
    assert!(
        duplicate.is_err(),
        "a duplicate organisation code was accepted"
    );
    let orphan = exec(&format!(
        "INSERT INTO invitations (round_id, organisation_id, secret_hash, created_at) VALUES (999, 999, 'x', {now})"
    ))
    .await;
    assert!(
        orphan.is_err(),
        "an invitation for a missing round was accepted (foreign keys off?)"
    );
    let bad_status = exec(&format!(
        "INSERT INTO api_keys (name, role, prefix, secret_hash, created_at) VALUES ('k', 'root', 'p', 'h', {now})"
    ))
    .await;
    assert!(bad_status.is_err(), "an unknown role was accepted");
}

/// An upgrade: the server's pool already holds connections that read the old schema when the
/// migrations add a column. SQLite answered `RETURNING` on such a connection with NULL for the
/// new column (the row itself was right), so the first writes after an upgrade failed.
async fn connections_that_read_the_old_schema_are_not_used_after_migrating(backend: Backend) {
    let database = TestDatabase::empty(backend).await;
    let db = Database::connect(&test_settings(&database.url).database)
        .await
        .unwrap();
    let before_revision = Migrator::migrations()
        .iter()
        .position(|m| m.name().ends_with("organisation_revision"))
        .expect("the migration that adds organisations.revision");
    // Part of the way, on a connection of its own (the pool's stays inside the store).
    let raw = sea_orm::Database::connect(&database.url).await.unwrap();
    Migrator::up(&raw, Some(before_revision as u32))
        .await
        .unwrap();
    raw.close().await.unwrap();
    // Several connections at once, each reading the organisations table of the old schema.
    let readers: Vec<_> = futures_util::future::join_all((0..4).map(|_| db.begin())).await;
    for tx in readers {
        let tx = tx.unwrap();
        tx.query_one_raw(Statement::from_string(
            db.backend(),
            "SELECT COUNT(*) FROM organisations",
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    db.migrate().await.unwrap();
    let created = futures_util::future::join_all((0..8).map(|i| {
        let input = OrganisationInput {
            code: format!("ORG{i}"),
            name: format!("Organisation {i}"),
            kind: "acute".into(),
            region: "London".into(),
            country: "England".into(),
            size_band: "large".into(),
            language: None,
        };
        let conn = db.clone();
        async move { organisations::create(&conn, &input).await }
    }))
    .await;
    for organisation in created {
        assert_eq!(organisation.expect("created after migrating").revision, 0);
    }
}

/// The outbox's `kind` check is widened for colleague messages (a table rebuild on SQLite, a new
/// constraint on PostgreSQL): the messages already queued survive both ways, a colleague message
/// is taken only once it is widened, and an unknown kind is still refused.
async fn widening_the_outbox_for_colleagues_keeps_its_messages_both_ways(backend: Backend) {
    let app = crate::helpers::spawn_app_with(backend, |s| s.mail.worker = false).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1"]).await;
    app.add_contact("AA1", "comms@aa1.example", None).await;
    app.open_round("smm-2026").await;
    app.admin_post(
        "/api/v1/rounds/smm-2026/invitations/send",
        serde_json::json!({}),
    )
    .await;
    let raw = sea_orm::Database::connect(&app.database.url).await.unwrap();
    let run = |sql: &str| {
        let statement = Statement::from_string(raw.get_database_backend(), sql.to_owned());
        let raw = raw.clone();
        async move { raw.execute_raw(statement).await }
    };
    let outbox = || async {
        let row = raw
            .query_one_raw(Statement::from_string(
                raw.get_database_backend(),
                "SELECT COUNT(*), MIN(idempotency_key) FROM outbox_messages",
            ))
            .await
            .unwrap()
            .unwrap();
        (
            row.try_get_by_index::<i64>(0).unwrap(),
            row.try_get_by_index::<String>(1).unwrap(),
        )
    };
    let before = outbox().await;
    assert_eq!(before.0, 1);
    let copy = |kind: &str, key: &str| {
        format!(
            "INSERT INTO outbox_messages (round_id, organisation_id, kind, status, recipient, \
             sequence, idempotency_key, attempts, next_attempt_at, queued_at, updated_at) \
             SELECT round_id, organisation_id, '{kind}', status, recipient, sequence, '{key}', \
             attempts, next_attempt_at, queued_at, updated_at FROM outbox_messages"
        )
    };

    // Back to just before the widening, undoing the migrations that came after it too.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let widening = names
        .iter()
        .position(|n| n == "m20261206_000012_colleague_mail")
        .unwrap();
    let steps = u32::try_from(names.len() - widening).unwrap();
    Migrator::down(&raw, Some(steps)).await.unwrap();
    assert_eq!(outbox().await, before);
    assert!(run(&copy("colleague", "c1")).await.is_err());

    Migrator::up(&raw, None).await.unwrap();
    assert_eq!(outbox().await, before);
    run(&copy("colleague", "c2")).await.unwrap();
    assert!(run(&copy("bogus", "c3")).await.is_err());
    assert_eq!(outbox().await.0, 2);
    // The new column and its foreign key: a delegate that does not exist is refused.
    assert!(
        run("UPDATE outbox_messages SET delegate_id = 999 WHERE idempotency_key = 'c2'")
            .await
            .is_err()
    );
}

crate::on_both_backends!(
    widening_the_outbox_for_colleagues_keeps_its_messages_both_ways,
    migrations_create_every_table_from_empty_and_a_second_run_changes_nothing,
    connections_that_read_the_old_schema_are_not_used_after_migrating,
    the_schema_enforces_foreign_keys_and_unique_codes,
);
