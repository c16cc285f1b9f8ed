//! The respondent's pages, reached through an organisation's invitation link: a start page with
//! the task list, one form per section, a review page and a confirmation. Server-rendered, usable
//! without JavaScript; every form carries a CSRF token; nothing typed is lost on an error.

mod view;

use crate::domain::answers::{AnswerValue, parse_form_answer};
use crate::domain::secret::same_secret;
use crate::respond::{self, Access, Context, Refusal};
use crate::state::AppState;
use crate::store::DbError;
use poem::http::{HeaderMap, StatusCode, header};
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{IntoResponse, Response, Route, get, handler, post};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use view::{field_id, progress, question_view, questions_to_show, review, typed_inputs};

pub fn routes() -> Route {
    Route::new()
        .at("/:secret", get(start))
        .at(
            "/:secret/sections/:section",
            get(section_page).post(save_section),
        )
        .at("/:secret/review", get(review_page))
        .at("/:secret/submit", post(submit))
        .at("/:secret/submitted", get(submitted))
}

/// Renders a respondent page. These pages sit under a secret URL, so nothing may cache them.
fn page(state: &AppState, template: &str, ctx: serde_json::Value, status: StatusCode) -> Response {
    let mut resp = state.templates.page(template, ctx);
    if resp.status().is_success() {
        resp.set_status(status);
    }
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// The page for a link that leads nowhere. Unknown and revoked links get the same page, so it
/// gives no hint whether a link ever existed.
fn not_found(state: &AppState) -> Response {
    page(
        state,
        "respond/problem.html",
        json!({
            "title": "This link does not work",
            "message": "Check that you copied the whole link from your invitation email. If it still does not work, ask the survey team for a new link.",
        }),
        StatusCode::NOT_FOUND,
    )
}

fn unavailable(state: &AppState, err: &DbError) -> Response {
    tracing::error!(error.cause = %err, "respondent page failed");
    page(
        state,
        "respond/problem.html",
        json!({
            "title": "Sorry, there is a problem with the service",
            "message": "Your answers that were saved are safe. Try again in a few minutes.",
        }),
        StatusCode::SERVICE_UNAVAILABLE,
    )
}

fn closed(state: &AppState, ctx: &Context) -> Response {
    page(
        state,
        "respond/problem.html",
        json!({
            "title": "This survey round is not open",
            "message": format!(
                "{} is not accepting responses now (it closes on {}). {}",
                ctx.round.name,
                ctx.round.closes_at.format("%-d %B %Y"),
                if ctx.is_submitted() { "Your submitted response is safe." } else { "Contact the survey team if you need more time." }
            ),
        }),
        StatusCode::GONE,
    )
}

/// Resolves the link, or answers with the page that says why it cannot be used.
async fn context(state: &AppState, secret: &str) -> Result<Context, Response> {
    match respond::open(state, secret).await {
        Ok(Access::Found(ctx)) if ctx.accepting() => Ok(*ctx),
        Ok(Access::Found(ctx)) => Err(closed(state, &ctx)),
        Ok(Access::NotFound) => Err(not_found(state)),
        Err(err) => Err(unavailable(state, &err)),
    }
}

/// Values every respondent page shows.
fn common(state: &AppState, ctx: &Context, secret: &str) -> serde_json::Value {
    json!({
        "base": format!("/respond/{secret}"),
        "csrf": ctx.csrf_token(state),
        "revision": ctx.revision(),
        "organisation": { "name": ctx.organisation.name, "code": ctx.organisation.code },
        "survey": { "title": ctx.definition.title, "description": ctx.definition.description,
                    "minutes": ctx.definition.estimated_minutes },
        "round": { "name": ctx.round.name, "closes": ctx.round.closes_at.format("%-d %B %Y at %H:%M UTC").to_string() },
        "submitted": ctx.is_submitted(),
    })
}

fn merge(mut base: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    if let (Some(b), serde_json::Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

/// `?saved=1` after "save and come back later".
#[derive(serde::Deserialize)]
struct StartQuery {
    saved: Option<String>,
}

#[handler]
async fn start(
    state: Data<&AppState>,
    Path(secret): Path<String>,
    Query(query): Query<StartQuery>,
) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let sections = progress(&ctx.definition, &ctx.answers);
    let first_open = sections
        .iter()
        .find(|s| s.status != "done")
        .or(sections.first())
        .map(|s| s.key.clone());
    let submitted_at = ctx
        .response
        .as_ref()
        .and_then(|r| r.submitted_at)
        .map(|t| t.format("%-d %B %Y at %H:%M UTC").to_string());
    page(
        &state,
        "respond/start.html",
        merge(
            common(&state, &ctx, &secret),
            json!({
                    "sections": sections, "continue_with": first_open, "submitted_at": submitted_at,
            "saved": query.saved.is_some(),
                }),
        ),
        StatusCode::OK,
    )
}

#[handler]
async fn section_page(
    state: Data<&AppState>,
    Path((secret, section)): Path<(String, String)>,
) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    render_section(
        &state,
        &ctx,
        &secret,
        &section,
        None,
        BTreeMap::new(),
        StatusCode::OK,
        None,
    )
}

/// The section form, showing either the stored answers or what was just typed (with errors).
#[allow(
    clippy::too_many_arguments,
    reason = "one call site per outcome; a struct would only rename these"
)]
fn render_section(
    state: &AppState,
    ctx: &Context,
    secret: &str,
    section_key: &str,
    typed: Option<&BTreeMap<String, Vec<String>>>,
    errors: BTreeMap<String, String>,
    status: StatusCode,
    conflict: Option<serde_json::Value>,
) -> Response {
    let def = &ctx.definition;
    let Some(index) = def.sections.iter().position(|s| s.key == section_key) else {
        return not_found(state);
    };
    let section = &def.sections[index];
    let shown = questions_to_show(def, section, &ctx.answers);
    let on_page: HashSet<&str> = shown.iter().map(|q| q.key.as_str()).collect();
    let questions: Vec<view::QuestionView> = shown
        .iter()
        .map(|q| {
            let typed_here = typed.map(|t| t.get(&q.key).map(Vec::as_slice).unwrap_or(&[]));
            question_view(
                def,
                q,
                ctx.answers.get(&q.key),
                typed_here,
                errors.get(&q.key).cloned(),
                &on_page,
            )
        })
        .collect();
    // Errors on this page link to their field; an error about a question elsewhere (a submitted
    // response must stay complete) links to that question's section.
    let summary: Vec<serde_json::Value> = def
        .sections
        .iter()
        .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
        .filter_map(|(s, q)| {
            let message = errors.get(&q.key)?;
            let href = if on_page.contains(q.key.as_str()) {
                format!("#{}", field_id(&q.key))
            } else {
                format!("/respond/{secret}/sections/{}#{}", s.key, field_id(&q.key))
            };
            Some(json!({ "href": href, "text": format!("{}: {message}", q.prompt) }))
        })
        .collect();
    let next = def.sections.get(index + 1).map(|s| s.key.clone());
    page(
        state,
        "respond/section.html",
        merge(
            common(state, ctx, secret),
            json!({
                "section": { "key": section.key, "title": section.title, "intro": section.intro,
                             "number": index + 1, "count": def.sections.len() },
                "questions": questions, "errors": summary, "next": next, "conflict": conflict,
            }),
        ),
        status,
    )
}

/// Most fields a respondent form may carry: one per option of every question on the page is far
/// fewer, and the JSON route takes at most 500 answers.
const MAX_FORM_FIELDS: usize = 1000;

/// Checks the size of the form, the CSRF token, and that a browser did not send the form from
/// another site; returns the refusal page if the form must not be accepted.
fn refuse_form(
    state: &AppState,
    ctx: &Context,
    headers: &HeaderMap,
    fields: &[(String, String)],
) -> Option<Response> {
    if fields.len() > MAX_FORM_FIELDS {
        return Some(page(
            state,
            "respond/problem.html",
            json!({
                "title": "This form has too many fields",
                "message": format!(
                    "A form may carry at most {MAX_FORM_FIELDS} fields; this one had {}. Go back, reload the page and try again; nothing was changed.",
                    fields.len()
                ),
            }),
            StatusCode::PAYLOAD_TOO_LARGE,
        ));
    }
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    let foreign_origin = match (header_str(headers, "origin"), header_str(headers, "host")) {
        (Some(origin), Some(host)) => origin != "null" && origin.split("://").nth(1) != Some(host),
        _ => false,
    };
    if same_secret(token, &ctx.csrf_token(state)) && !cross_site && !foreign_origin {
        None
    } else {
        Some(page(
            state,
            "respond/problem.html",
            json!({
                "title": "This form could not be accepted",
                "message": "The form was out of date or did not come from this site. Go back, reload the page and try again; nothing was changed.",
            }),
            StatusCode::FORBIDDEN,
        ))
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[handler]
async fn save_section(
    state: Data<&AppState>,
    Path((secret, section_key)): Path<(String, String)>,
    headers: &HeaderMap,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let Ok(Form(fields)) = form else {
        return page(
            &state,
            "respond/problem.html",
            json!({ "title": "This form could not be read",
            "message": "Go back, reload the page and try again." }),
            StatusCode::BAD_REQUEST,
        );
    };
    if let Some(refusal) = refuse_form(&state, &ctx, headers, &fields) {
        return refusal;
    }
    let def = ctx.definition.clone();
    let Some(index) = def.sections.iter().position(|s| s.key == section_key) else {
        return not_found(&state);
    };
    let section = &def.sections[index];
    let typed = typed_inputs(&fields);
    let mut errors = BTreeMap::new();
    let mut changes: Vec<(String, Option<AnswerValue>)> = Vec::new();
    for q in questions_to_show(&def, section, &ctx.answers) {
        let inputs = typed.get(&q.key).map(Vec::as_slice).unwrap_or(&[]);
        match parse_form_answer(q, inputs) {
            Ok(value) => changes.push((q.key.clone(), value)),
            Err(message) => {
                errors.insert(q.key.clone(), message);
            }
        }
    }
    if !errors.is_empty() {
        return render_section(
            &state,
            &ctx,
            &secret,
            &section_key,
            Some(&typed),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
    }
    let expected = field(&fields, "revision")
        .and_then(|r| r.parse::<i32>().ok())
        .unwrap_or(-1);
    match respond::save(&state, &ctx, expected, changes).await {
        Ok(_) => {
            let base = format!("/respond/{secret}");
            let target = match (field(&fields, "action"), def.sections.get(index + 1)) {
                (Some("later"), _) => format!("{base}?saved=1"),
                (_, Some(next)) if !ctx.is_submitted() => format!("{base}/sections/{}", next.key),
                _ => format!("{base}/review"),
            };
            Redirect::see_other(target).into_response()
        }
        Err(Refusal::Invalid(problems)) => {
            let errors = problems
                .into_iter()
                .map(|e| (e.question, e.message))
                .collect();
            render_section(
                &state,
                &ctx,
                &secret,
                &section_key,
                Some(&typed),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
        }
        Err(Refusal::Stale { .. }) => conflict(&state, &secret, &section_key, &typed).await,
        Err(Refusal::Closed) => closed(&state, &ctx),
        Err(Refusal::Db(err)) => unavailable(&state, &err),
    }
}

/// Someone saved this response after the page was loaded. Show what they saved beside what this
/// person typed, and the form again (at the new revision) holding this person's input.
async fn conflict(
    state: &AppState,
    secret: &str,
    section_key: &str,
    typed: &BTreeMap<String, Vec<String>>,
) -> Response {
    let fresh = match context(state, secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let def = fresh.definition.clone();
    let Some(section) = def.section(section_key) else {
        return not_found(state);
    };
    let rows: Vec<serde_json::Value> = questions_to_show(&def, section, &fresh.answers)
        .into_iter()
        .filter_map(|q| {
            let inputs = typed.get(&q.key).map(Vec::as_slice).unwrap_or(&[]);
            let yours = parse_form_answer(q, inputs).ok().flatten();
            let theirs = fresh.answers.get(&q.key);
            (yours.as_ref() != theirs).then(|| {
                json!({
                    "prompt": q.prompt,
                    "theirs": theirs.map(|v| view::display_answer(q, v)),
                    "yours": yours.as_ref().map(|v| view::display_answer(q, v)),
                })
            })
        })
        .collect();
    let note = json!({ "rows": rows });
    render_section(
        state,
        &fresh,
        secret,
        section_key,
        Some(typed),
        BTreeMap::new(),
        StatusCode::CONFLICT,
        Some(note),
    )
}

#[handler]
async fn review_page(state: Data<&AppState>, Path(secret): Path<String>) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    render_review(&state, &ctx, &secret, vec![], StatusCode::OK)
}

fn render_review(
    state: &AppState,
    ctx: &Context,
    secret: &str,
    errors: Vec<serde_json::Value>,
    status: StatusCode,
) -> Response {
    let sections: Vec<serde_json::Value> = review(&ctx.definition, &ctx.answers)
        .into_iter()
        .map(|(key, title, rows)| json!({ "key": key, "title": title, "rows": rows }))
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
async fn submit(
    state: Data<&AppState>,
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
        Err(Refusal::Db(err)) => unavailable(&state, &err),
    }
}

#[handler]
async fn submitted(state: Data<&AppState>, Path(secret): Path<String>) -> Response {
    let ctx = match context(&state, &secret).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    if !ctx.is_submitted() {
        return Redirect::see_other(format!("/respond/{secret}/review")).into_response();
    }
    let submitted_at = ctx
        .response
        .as_ref()
        .and_then(|r| r.submitted_at)
        .map(|t| t.format("%-d %B %Y at %H:%M UTC").to_string());
    page(
        &state,
        "respond/submitted.html",
        merge(
            common(&state, &ctx, &secret),
            json!({
                "submitted_at": submitted_at,
            }),
        ),
        StatusCode::OK,
    )
}
