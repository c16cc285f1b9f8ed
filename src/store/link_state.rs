//! The state a respondent's kept pages depend on, read in one indexed lookup on every page seen
//! again (`service::respond::check_link`).

use super::DbError;
use chrono::{DateTime, Utc};
use entity::{invitation, organisation, response, round};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::sync::LazyLock;

/// What decides whether a respondent's page can be served as it was last rendered: the link's
/// invitation, the round's state and window, and the revisions of the organisation and the
/// response. Everything a page shows changes one of these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkState {
    pub invitation_id: i32,
    pub round_status: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub round_updated_at: DateTime<Utc>,
    pub survey_version_id: i32,
    pub organisation_revision: i32,
    /// 0 before the first save.
    pub response_revision: i32,
    /// Raised by every change to the invitation's delegates.
    pub delegation_revision: i32,
    /// The language the respondent chose for the link's pages, if any.
    pub language: Option<String>,
}

/// The [`LinkState`] of the active invitation with `hash`, in one indexed lookup.
pub async fn link_state(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<LinkState>, DbError> {
    link_state_where(db, LinkBy::Hash, hash.into()).await
}

/// The [`LinkState`] of the invitation with this id, if it is active (a delegate's link).
pub async fn link_state_of(
    db: &impl ConnectionTrait,
    invitation_id: i32,
) -> Result<Option<LinkState>, DbError> {
    link_state_where(db, LinkBy::Id, invitation_id.into()).await
}

#[derive(Clone, Copy)]
enum LinkBy {
    Hash,
    Id,
}

/// The link-state query's text for each backend and key, built once: every respondent page
/// seen again asks it, so only its one parameter (the key) is bound per request.
fn link_state_sql(backend: DbBackend, by: LinkBy) -> &'static str {
    static SQL: LazyLock<[[String; 2]; 2]> = LazyLock::new(|| {
        [DbBackend::Postgres, DbBackend::Sqlite].map(|backend| {
            [LinkBy::Hash, LinkBy::Id].map(|by| backend.build(&link_state_select(by)).sql)
        })
    });
    let b = usize::from(backend != DbBackend::Postgres);
    let k = match by {
        LinkBy::Hash => 0,
        LinkBy::Id => 1,
    };
    &SQL[b][k]
}

fn link_state_select(by: LinkBy) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let (i, r, o, p) = (
        invitation::Entity,
        round::Entity,
        organisation::Entity,
        response::Entity,
    );
    let which = match by {
        LinkBy::Hash => Expr::col((i, invitation::Column::SecretHash)).eq(""),
        LinkBy::Id => Expr::col((i, invitation::Column::Id)).eq(0),
    };
    let mut select = Query::select();
    select
        .column((i, invitation::Column::Id))
        .column((r, round::Column::Status))
        .column((r, round::Column::OpensAt))
        .column((r, round::Column::ClosesAt))
        .column((r, round::Column::UpdatedAt))
        .column((r, round::Column::SurveyVersionId))
        .column((o, organisation::Column::Revision))
        .column((p, response::Column::Revision))
        .column((i, invitation::Column::DelegationRevision))
        .column((i, invitation::Column::Language))
        .and_where(which);
    from_active_link(&mut select);
    select
}

async fn link_state_where(
    db: &impl ConnectionTrait,
    by: LinkBy,
    key: sea_orm::Value,
) -> Result<Option<LinkState>, DbError> {
    let backend = db.get_database_backend();
    let select = Statement::from_sql_and_values(backend, link_state_sql(backend, by), [key]);
    let Some(row) = db.query_one_raw(select).await.map_err(DbError::classify)? else {
        return Ok(None);
    };
    let get = |e: sea_orm::DbErr| DbError::Other(e);
    Ok(Some(LinkState {
        invitation_id: row.try_get_by_index(0).map_err(get)?,
        round_status: row.try_get_by_index(1).map_err(get)?,
        opens_at: row.try_get_by_index(2).map_err(get)?,
        closes_at: row.try_get_by_index(3).map_err(get)?,
        round_updated_at: row.try_get_by_index(4).map_err(get)?,
        survey_version_id: row.try_get_by_index(5).map_err(get)?,
        organisation_revision: row.try_get_by_index(6).map_err(get)?,
        response_revision: row
            .try_get_by_index::<Option<i32>>(7)
            .map_err(get)?
            .unwrap_or(0),
        delegation_revision: row.try_get_by_index(8).map_err(get)?,
        language: row.try_get_by_index(9).map_err(get)?,
    }))
}

/// Adds what a link's queries read: the invitation (not revoked), its round and organisation,
/// and the organisation's response in that round (a left join: none before the first save).
pub(super) fn from_active_link(select: &mut sea_orm::sea_query::SelectStatement) {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let (i, r, o, p) = (
        invitation::Entity,
        round::Entity,
        organisation::Entity,
        response::Entity,
    );
    select
        .from(i)
        .inner_join(
            r,
            Expr::col((r, round::Column::Id)).equals((i, invitation::Column::RoundId)),
        )
        .inner_join(
            o,
            Expr::col((o, organisation::Column::Id))
                .equals((i, invitation::Column::OrganisationId)),
        )
        .left_join(
            p,
            Expr::col((p, response::Column::RoundId))
                .equals((i, invitation::Column::RoundId))
                .and(
                    Expr::col((p, response::Column::OrganisationId))
                        .equals((i, invitation::Column::OrganisationId)),
                ),
        )
        .and_where(Expr::col((i, invitation::Column::RevokedAt)).is_null());
}
