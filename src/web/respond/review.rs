//! The review page with every answer, submitting, and the confirmation.

use super::forms::{field, refuse_form};
use super::pages::{closed, common, context, forbidden, merge, page, unavailable};
use super::view::{field_id, review};
use crate::service::respond::{self, Context, Refusal};
use crate::web::Site;
use poem::http::{HeaderMap, StatusCode};
use poem::web::{Data, Form, Path, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

#[handler]
pub(super) async fn review_page(
    state: Data<&Site>,
    Path(secret): Path<String>,
    headers: &HeaderMap,
) -> Response {
    super::cache::serve(&state, &secret, "review", "", headers, |ctx| {
        if !ctx.hand.is_lead() {
            return forbidden(&state, "colleagues-forbidden-review");
        }
        render_review(&state, ctx, &secret, vec![], StatusCode::OK)
    })
    .await
}

fn render_review(
    state: &Site,
    ctx: &Context,
    secret: &str,
    errors: Vec<serde_json::Value>,
    status: StatusCode,
) -> Response {
    let sections: Vec<serde_json::Value> = review(&ctx.definition, &ctx.answers)
        .into_iter()
        .map(|(key, title, rows)| {
            let hands = super::colleagues::section_hands(ctx, &key);
            json!({ "key": key, "title": title, "rows": rows, "hands": hands })
        })
        .collect();
    page(
        state,
        "respond/review.html",
        merge(
            common(state, ctx, secret),
            json!({
                "sections": sections, "errors": errors,
            }),
        ),
        status,
    )
}

#[handler]
pub(super) async fn submit(
    state: Data<&Site>,
    Path(secret): Path<String>,
    headers: &HeaderMap,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    if let Some(refusal) = refuse_form(&state, &ctx, headers, &fields) {
        return refusal;
    }
    let expected = field(&fields, "revision")
        .and_then(|r| r.parse::<i32>().ok())
        .unwrap_or(-1);
    match respond::submit(&state, &ctx, expected).await {
        Ok(_) => Redirect::see_other(format!("/respond/{secret}/submitted")).into_response(),
        Err(Refusal::Invalid(problems)) => {
            let errors = problems
                .into_iter()
                .map(|e| {
                    let section = ctx
                        .definition
                        .sections
                        .iter()
                        .find(|s| s.questions.iter().any(|q| q.key == e.question))
                        .map(|s| s.key.clone())
                        .unwrap_or_default();
                    json!({ "href": format!("/respond/{secret}/sections/{section}#{}", field_id(&e.question)), "text": e.message })
                })
                .collect();
            render_review(
                &state,
                &ctx,
                &secret,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(Refusal::Stale { .. }) => {
            let errors = vec![json!({ "href": format!("/respond/{secret}/review"),
                "text": "Someone else changed this response while you were reviewing it. Check the answers below, then submit again." })];
            match context(&state, &secret).await {
                Ok(fresh) => render_review(&state, &fresh, &secret, errors, StatusCode::CONFLICT),
                Err(resp) => resp,
            }
        }
        Err(Refusal::Closed) => closed(&state, &ctx),
        Err(Refusal::Forbidden(_)) => forbidden(&state, "colleagues-forbidden-review"),
        Err(Refusal::Failed(err)) => unavailable(&state, &err),
    }
}

#[handler]
pub(super) async fn submitted(state: Data<&Site>, Path(secret): Path<String>) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    if !ctx.is_submitted() {
        return Redirect::see_other(format!("/respond/{secret}/review")).into_response();
    }
    page(
        &state,
        "respond/submitted.html",
        common(&state, &ctx, &secret),
        StatusCode::OK,
    )
}
