//! `/respond/{secret}/delegates` and `/respond/{secret}/sections/{section}/ready`: several
//! colleagues per organisation (issue 21). The holder of the organisation's invitation link (the
//! lead) hands sections to colleagues, each of whom gets a link of their own that opens only
//! those sections; a colleague marks their sections ready; only the lead submits.

use super::ApiTags;
use super::errors::{Answer, status::*};
use super::respond::context;
use super::text::Text;
use crate::service::Services;
use crate::service::respond::DelegateView;
use crate::service::respond::delegates as service;
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

#[derive(Default)]
pub struct DelegatesApi;

/// A colleague the lead handed sections to.
#[derive(Object)]
pub struct Delegate {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    /// The sections they hold now.
    pub sections: Vec<DelegatedSection>,
}

/// The lead's colleagues.
#[derive(Object)]
pub struct DelegateList {
    pub organisation: String,
    pub organisation_name: String,
    pub delegates: Vec<Delegate>,
}

#[derive(Object)]
pub struct DelegatedSection {
    pub section: String,
    /// Whether the colleague marked it ready for the lead.
    pub ready: bool,
}

impl From<DelegateView> for Delegate {
    fn from(d: DelegateView) -> Self {
        Delegate {
            id: d.id,
            name: d.name,
            email: d.email,
            created_at: d.created_at,
            sections: d
                .sections
                .into_iter()
                .map(|(section, ready)| DelegatedSection { section, ready })
                .collect(),
        }
    }
}

#[derive(Object)]
pub struct DelegateRequest {
    #[oai(validator(max_length = 200))]
    pub name: Text,
    /// An address such as `finance@trust.example`.
    #[oai(validator(max_length = 254))]
    pub email: Text,
    /// Keys of the sections to hand over; none may be held by another colleague.
    #[oai(validator(min_items = 1, max_items = 100))]
    pub sections: Vec<Text>,
}

/// A colleague just invited.
#[derive(Object)]
pub struct DelegateCreated {
    pub delegate: Delegate,
    /// The colleague's own link. Shown this once (only its hash is kept): pass it on to them if
    /// the e-mail does not arrive.
    pub link: String,
    /// Whether the link was also queued to the colleague's address by e-mail (the outbox sends
    /// it shortly after this answer, or writes it to the outbox folder without an SMTP server).
    pub emailed: bool,
}

#[derive(ApiResponse)]
pub enum Created {
    #[oai(status = 201)]
    Created(Json<DelegateCreated>),
}

#[derive(ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    Done,
}

#[derive(Object)]
pub struct ReadyRequest {
    /// `true` marks the section ready for the lead; `false` takes the mark away.
    pub ready: bool,
}

#[OpenApi(tag = "ApiTags::Respond")]
impl DelegatesApi {
    /// List colleagues
    ///
    /// Who may call: the holder of the organisation's invitation link (a colleague's link gets
    /// 403). The colleagues with unrevoked links and the sections each holds, oldest first.
    #[oai(
        path = "/respond/:secret/delegates",
        method = "get",
        operation_id = "list_delegates"
    )]
    async fn list(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
    ) -> Answer<Json<DelegateList>, { FORBIDDEN | NOT_FOUND | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        let found = service::list(&state, &ctx).await?;
        Ok(Json(DelegateList {
            organisation: ctx.organisation.code.clone(),
            organisation_name: ctx.organisation.name.clone(),
            delegates: found.into_iter().map(Delegate::from).collect(),
        }))
    }

    /// Hand sections to a colleague
    ///
    /// Who may call: the holder of the organisation's invitation link (403 for a colleague's).
    /// Makes the colleague a link of their own that opens only these sections, and answers it
    /// once; pass it on to them. A section another colleague holds gives 409.
    #[oai(
        path = "/respond/:secret/delegates",
        method = "post",
        operation_id = "create_delegate"
    )]
    async fn create(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
        body: Json<DelegateRequest>,
    ) -> Answer<Created, { BODY | FORBIDDEN | NOT_FOUND | CONFLICT | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        let sections: Vec<String> = body.0.sections.into_iter().map(String::from).collect();
        let invited = service::invite(&state, &ctx, &body.0.name, &body.0.email, &sections).await?;
        Ok(Created::Created(Json(DelegateCreated {
            delegate: invited.delegate.into(),
            link: invited.link,
            emailed: invited.emailed,
        })))
    }

    /// Revoke a colleague's link
    ///
    /// Who may call: the holder of the organisation's invitation link (403 for a colleague's).
    /// The colleague's link stops working at once; their sections return to the lead, and what
    /// they saved stays.
    #[oai(
        path = "/respond/:secret/delegates/:id",
        method = "delete",
        operation_id = "delete_delegate"
    )]
    async fn delete(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
        id: Path<i32>,
    ) -> Answer<Done, { BAD_REQUEST | FORBIDDEN | NOT_FOUND | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        service::revoke(&state, &ctx, id.0).await?;
        Ok(Done::Done)
    }

    /// Take a section back from a colleague
    ///
    /// Who may call: the holder of the organisation's invitation link (403 for a colleague's).
    /// The colleague's link no longer opens the section.
    #[oai(
        path = "/respond/:secret/delegates/:id/sections/:section",
        method = "delete",
        operation_id = "take_back_section"
    )]
    async fn take_back(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
        id: Path<i32>,
        section: Path<String>,
    ) -> Answer<Done, { BAD_REQUEST | FORBIDDEN | NOT_FOUND | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        service::take_back(&state, &ctx, id.0, &section.0).await?;
        Ok(Done::Done)
    }

    /// Mark a section ready for the lead
    ///
    /// Who may call: a colleague's link, for one of their sections (403 otherwise, and for the
    /// lead's link: the lead submits instead).
    #[oai(
        path = "/respond/:secret/sections/:section/ready",
        method = "put",
        operation_id = "mark_section_ready"
    )]
    async fn ready(
        &self,
        state: Data<&Services>,
        secret: Path<String>,
        section: Path<String>,
        body: Json<ReadyRequest>,
    ) -> Answer<Done, { BODY | FORBIDDEN | NOT_FOUND | GONE }> {
        let ctx = context(&state, &secret.0).await?;
        service::mark_ready(&state, &ctx, &section.0, body.0.ready).await?;
        Ok(Done::Done)
    }
}
