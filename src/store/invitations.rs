//! Invitations: an organisation's secret link to one round. Only the secret's hash is stored.

use super::DbError;
use crate::domain::answers::Answers;
use crate::domain::links::InvitationState;
use crate::domain::response::{Progress, ResponseStatus};
use crate::domain::secret::Secret;
use chrono::{DateTime, Utc};
use entity::{invitation, organisation, response, round};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, QueryFilter, QueryOrder, Set, Statement,
};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Creates an invitation and returns it with its secret (shown once).
pub async fn create(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<(invitation::Model, Secret), DbError> {
    let secret = Secret::generate("");
    let model = insert(db, round_id, organisation_id, secret.hash()).await?;
    Ok((model, secret))
}

/// Stores an invitation whose secret's hash is given (the demo derives its secrets from a seed).
pub async fn insert(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    secret_hash: String,
) -> Result<invitation::Model, DbError> {
    invitation::ActiveModel {
        round_id: Set(round_id),
        organisation_id: Set(organisation_id),
        secret_hash: Set(secret_hash),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(DbError::classify)
}

/// Organisation ids with an unrevoked invitation to the round.
pub async fn active_organisation_ids(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<std::collections::HashSet<i32>, DbError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::RoundId.eq(round_id))
        .filter(invitation::Column::RevokedAt.is_null())
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .map(|i| i.organisation_id)
        .collect())
}

/// Revokes every active invitation of one organisation to one round; returns how many.
pub async fn revoke(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<u64, DbError> {
    let result = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(invitation::Column::RoundId.eq(round_id))
        .filter(invitation::Column::OrganisationId.eq(organisation_id))
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(result.rows_affected)
}

/// The active invitation with this secret hash, with its round and organisation.
pub async fn find_active_by_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<invitation::Model>, DbError> {
    invitation::Entity::find()
        .filter(invitation::Column::SecretHash.eq(hash))
        .filter(invitation::Column::RevokedAt.is_null())
        .one(db)
        .await
        .map_err(DbError::classify)
}

/// What a lead's link leads to: the active invitation, its round and organisation, and the
/// organisation's response in the round with its answers (none before the first save).
pub struct LinkContext {
    pub invitation: invitation::Model,
    pub round: round::Model,
    pub organisation: organisation::Model,
    pub response: Option<response::Model>,
    pub answers: Answers,
}

/// The [`LinkContext`] of the active invitation with `hash`, in one query: every respondent
/// request starts here, so the response and its answers come with the link rather than in a
/// second round trip.
pub async fn find_active_with_context(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<LinkContext>, DbError> {
    let backend = db.get_database_backend();
    let select = Statement::from_sql_and_values(backend, link_context_sql(backend), [hash.into()]);
    let Some(row) = db.query_one_raw(select).await.map_err(DbError::classify)? else {
        return Ok(None);
    };
    // No response before the first save: the left join's columns are NULL. Decided on the id,
    // so that a response that cannot be decoded is an error rather than "none".
    let response_id: Option<i32> = row.try_get("", "D_id").map_err(DbError::classify)?;
    let response = match response_id {
        Some(_) => Some(response::Model::from_query_result(&row, "D_").map_err(DbError::classify)?),
        None => None,
    };
    let answers = match &response {
        Some(r) => super::answers::stored_answers(&row, r.id)?,
        None => Answers::new(),
    };
    Ok(Some(LinkContext {
        invitation: invitation::Model::from_query_result(&row, "A_").map_err(DbError::classify)?,
        round: round::Model::from_query_result(&row, "B_").map_err(DbError::classify)?,
        organisation: organisation::Model::from_query_result(&row, "C_")
            .map_err(DbError::classify)?,
        response,
        answers,
    }))
}

/// [`find_active_with_context`]'s query for each backend, built once: each entity's columns
/// under its own prefix, the response joined on its round and organisation.
fn link_context_sql(backend: DbBackend) -> &'static str {
    static SQL: LazyLock<[String; 2]> = LazyLock::new(|| {
        [DbBackend::Postgres, DbBackend::Sqlite].map(|b| b.build(&link_context_select(b)).sql)
    });
    &SQL[usize::from(backend != DbBackend::Postgres)]
}

fn link_context_select(backend: DbBackend) -> SelectStatement {
    fn columns<E: EntityTrait>(select: &mut SelectStatement, entity: E, prefix: &str) {
        for column in E::Column::iter() {
            select.expr_as(
                Expr::col((entity, column)),
                format!("{prefix}{}", column.as_str()),
            );
        }
    }
    let (i, r, o, p) = (
        invitation::Entity,
        round::Entity,
        organisation::Entity,
        response::Entity,
    );
    let mut select = Query::select();
    columns(&mut select, i, "A_");
    columns(&mut select, r, "B_");
    columns(&mut select, o, "C_");
    columns(&mut select, p, "D_");
    select
        .expr_as(
            Expr::cust(super::answers::aggregate(backend)),
            super::answers::STORED_ANSWERS,
        )
        .and_where(Expr::col((i, invitation::Column::SecretHash)).eq(""));
    super::link_state::from_active_link(&mut select);
    select
}

/// One organisation's standing in a round, for the operator's list.
pub struct InvitationStatus {
    pub organisation: organisation::Model,
    /// When the current (or, if all are revoked, the latest) invitation was issued.
    pub issued_at: Option<DateTime<Utc>>,
    pub active: bool,
    pub response_status: Progress,
}

/// Every organisation invited to the round (active or revoked), in code order.
pub async fn statuses(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<InvitationStatus>, DbError> {
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::RoundId.eq(round_id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)?;
    let mut latest: HashMap<i32, (DateTime<Utc>, bool)> = HashMap::new();
    for inv in &invitations {
        let entry = latest
            .entry(inv.organisation_id)
            .or_insert((inv.created_at, false));
        if InvitationState::of(inv.revoked_at) == InvitationState::Active {
            *entry = (inv.created_at, true);
        } else if !entry.1 {
            entry.0 = inv.created_at;
        }
    }
    let mut responses: HashMap<i32, ResponseStatus> = HashMap::new();
    for r in response::Entity::find()
        .filter(response::Column::RoundId.eq(round_id))
        .all(db)
        .await
        .map_err(DbError::classify)?
    {
        responses.insert(r.organisation_id, ResponseStatus::parse(&r.status)?);
    }
    let ids: Vec<i32> = latest.keys().copied().collect();
    let mut organisations = Vec::new();
    for chunk in ids.chunks(500) {
        organisations.extend(
            organisation::Entity::find()
                .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await
                .map_err(DbError::classify)?,
        );
    }
    organisations.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(organisations
        .into_iter()
        .map(|org| {
            let (issued_at, active) = latest
                .get(&org.id)
                .copied()
                .map_or((None, false), |(at, a)| (Some(at), a));
            let response_status = Progress::of(responses.get(&org.id).copied());
            InvitationStatus {
                organisation: org,
                issued_at,
                active,
                response_status,
            }
        })
        .collect())
}

/// Remembers the language the respondent chose for this invitation's pages.
pub async fn set_language(
    db: &impl ConnectionTrait,
    invitation_id: i32,
    language: &str,
) -> Result<(), DbError> {
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Language,
            sea_orm::sea_query::Expr::value(language),
        )
        .filter(invitation::Column::Id.eq(invitation_id))
        .exec(db)
        .await
        .map_err(DbError::classify)?;
    Ok(())
}

/// Creates one invitation per organisation in batches, with their secrets (shown once, or
/// sealed into the outbox).
pub async fn create_many(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_ids: &[i32],
) -> Result<Vec<(invitation::Model, Secret)>, DbError> {
    let now = Utc::now();
    let mut made = Vec::with_capacity(organisation_ids.len());
    for chunk in organisation_ids.chunks(1000) {
        let secrets: Vec<Secret> = chunk.iter().map(|_| Secret::generate("")).collect();
        let rows = chunk
            .iter()
            .zip(&secrets)
            .map(|(org, secret)| invitation::ActiveModel {
                round_id: Set(round_id),
                organisation_id: Set(*org),
                secret_hash: Set(secret.hash()),
                created_at: Set(now),
                revoked_at: Set(None),
                ..Default::default()
            });
        let inserted = invitation::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await
            .map_err(DbError::classify)?;
        let mut by_hash: HashMap<String, Secret> =
            secrets.into_iter().map(|s| (s.hash(), s)).collect();
        for model in inserted {
            if let Some(secret) = by_hash.remove(&model.secret_hash) {
                made.push((model, secret));
            }
        }
    }
    Ok(made)
}

/// The round's unrevoked invitations.
pub async fn active(
    db: &impl ConnectionTrait,
    round_id: i32,
) -> Result<Vec<invitation::Model>, DbError> {
    invitation::Entity::find()
        .filter(invitation::Column::RoundId.eq(round_id))
        .filter(invitation::Column::RevokedAt.is_null())
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await
        .map_err(DbError::classify)
}

/// The ids of one organisation's unrevoked invitations to a round (read before revoking them).
pub async fn active_ids_of(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
) -> Result<Vec<i32>, DbError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::RoundId.eq(round_id))
        .filter(invitation::Column::OrganisationId.eq(organisation_id))
        .filter(invitation::Column::RevokedAt.is_null())
        .all(db)
        .await
        .map_err(DbError::classify)?
        .into_iter()
        .map(|i| i.id)
        .collect())
}
