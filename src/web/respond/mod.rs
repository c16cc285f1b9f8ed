//! The respondent's pages, reached through an organisation's invitation link: a start page with
//! the task list, one form per section, a review page and a confirmation. Server-rendered, usable
//! without JavaScript; every form carries a CSRF token; nothing typed is lost on an error.

mod cache;
mod colleagues;
mod errors;
mod forms;
mod pages;
mod preview;
mod review;
mod view;

pub use cache::PageCache;
use forms::{field, refuse_form};
use pages::{
    LangQuery, closed, common, context, forbidden, language, merge, not_found, page, problem,
    remember, unavailable,
};
pub(in crate::web) use preview::preview;
use review::{review_page, submit, submitted};

use crate::catalogue;
use crate::domain::answers::{AnswerValue, parse_form_answer};
use crate::domain::language::Language;
use crate::service::respond::{self, Context, Refusal};
use crate::web::Site;
use poem::http::{HeaderMap, StatusCode};
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{IntoResponse, Response, Route, get, handler, post};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use view::{field_id, progress, question_view, questions_to_show, typed_inputs};

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
        .at("/:secret/delegates", post(colleagues::add))
        .at("/:secret/delegates/:id/revoke", post(colleagues::revoke))
        .at(
            "/:secret/delegates/:id/sections/:section/take-back",
            post(colleagues::take_back),
        )
        .at("/:secret/sections/:section/ready", post(colleagues::ready))
}

/// `?saved=1` after "save and come back later"; `?lang=` as on every page.
#[derive(serde::Deserialize)]
struct StartQuery {
    saved: Option<String>,
    lang: Option<String>,
}

#[handler]
async fn start(
    state: Data<&Site>,
    Path(secret): Path<String>,
    Query(query): Query<StartQuery>,
    headers: &HeaderMap,
) -> Response {
    let wanted = query.lang.as_deref();
    // The "saved" banner is shown once, so that page is never kept.
    if query.saved.is_some() {
        return match context(&state, &secret, headers).await {
            Ok(mut ctx) => {
                remember(&state, &mut ctx, wanted).await;
                let lang = language(&ctx, wanted, headers);
                render_start(&state, &ctx, &secret, true, lang)
            }
            Err(resp) => resp,
        };
    }
    cache::serve(
        &state,
        &secret,
        "start",
        "",
        headers,
        wanted,
        |ctx, lang| render_start(&state, ctx, &secret, false, lang),
    )
    .await
}

fn render_start(
    state: &Site,
    ctx: &Context,
    secret: &str,
    saved: bool,
    lang: Language,
) -> Response {
    let def = ctx.definition.localized(lang);
    let mut sections = progress(&def, &ctx.answers, lang);
    sections.retain(|s| ctx.hand.holds(&s.key));
    let first_open = sections
        .iter()
        .find(|s| s.status != "done")
        .or(sections.first())
        .map(|s| s.key.clone());
    page(
        state,
        "respond/start.html",
        merge(
            common(state, ctx, secret, lang, &format!("/respond/{secret}")),
            merge(
                json!({
                    "sections": sections, "continue_with": first_open, "saved": saved,
                    "ready": colleagues::ready_marks(ctx),
                }),
                colleagues::colleagues_view(ctx, lang),
            ),
        ),
        StatusCode::OK,
    )
}

#[handler]
async fn section_page(
    state: Data<&Site>,
    Path((secret, section)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    headers: &HeaderMap,
) -> Response {
    let wanted = query.lang.as_deref();
    cache::serve(
        &state,
        &secret,
        "section",
        &section,
        headers,
        wanted,
        |ctx, lang| {
            if let Some(refusal) = colleagues::refuse_section(&state, ctx, &section, lang) {
                return refusal;
            }
            render_section(
                &state,
                ctx,
                &secret,
                &section,
                None,
                BTreeMap::new(),
                StatusCode::OK,
                None,
                lang,
            )
        },
    )
    .await
}

/// The section form, showing either the stored answers or what was just typed (with errors).
#[allow(
    clippy::too_many_arguments,
    reason = "one call site per outcome; a struct would only rename these"
)]
fn render_section(
    state: &Site,
    ctx: &Context,
    secret: &str,
    section_key: &str,
    typed: Option<&BTreeMap<String, Vec<String>>>,
    errors: BTreeMap<String, String>,
    status: StatusCode,
    conflict: Option<serde_json::Value>,
    lang: Language,
) -> Response {
    let errors: BTreeMap<String, String> = errors
        .into_iter()
        .map(|(key, message)| {
            let message = errors::in_language(&message, ctx.definition.question(&key), lang);
            (key, message)
        })
        .collect();
    let def = &ctx.definition.localized(lang);
    let Some(index) = def.sections.iter().position(|s| s.key == section_key) else {
        return not_found(state, lang);
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
                lang,
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
            common(
                state,
                ctx,
                secret,
                lang,
                &format!("/respond/{secret}/sections/{section_key}"),
            ),
            json!({
                "section": { "key": section.key, "title": section.title, "intro": section.intro,
                             "number": index + 1, "count": def.sections.len() },
                "questions": questions, "errors": summary, "next": next, "conflict": conflict,
            }),
        ),
        status,
    )
}

#[handler]
async fn save_section(
    state: Data<&Site>,
    Path((secret, section_key)): Path<(String, String)>,
    headers: &HeaderMap,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    let mut ctx = match context(&state, &secret, headers).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let mut lang = language(&ctx, None, headers);
    let Ok(Form(fields)) = form else {
        return problem(
            &state,
            lang,
            "respond-problem-unreadable-title",
            catalogue::plain(lang, "respond-problem-unreadable"),
            StatusCode::BAD_REQUEST,
        );
    };
    if let Some(refusal) = refuse_form(&state, &ctx, headers, &fields, lang) {
        return refusal;
    }
    if let Some(refusal) = colleagues::refuse_section(&state, &ctx, &section_key, lang) {
        return refusal;
    }
    // "Save and switch to Welsh" (or English): the answers are saved as by any other button,
    // and the choice remembered first, so that errors come back in the new language too.
    let switch_to = field(&fields, "action")
        .and_then(|a| a.strip_prefix("language:"))
        .and_then(Language::parse);
    if let Some(wanted) = switch_to {
        remember(&state, &mut ctx, Some(wanted.code())).await;
        lang = language(&ctx, None, headers);
    }
    let def = ctx.definition.clone();
    let Some(index) = def.sections.iter().position(|s| s.key == section_key) else {
        return not_found(&state, lang);
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
            lang,
        );
    }
    let expected = field(&fields, "revision")
        .and_then(|r| r.parse::<i32>().ok())
        .unwrap_or(-1);
    match respond::save(&state, &ctx, expected, changes).await {
        Ok(_) => {
            let base = format!("/respond/{secret}");
            let next = def.sections[index + 1..]
                .iter()
                .find(|s| ctx.hand.holds(&s.key));
            let target = match (field(&fields, "action"), next) {
                (Some("later"), _) => format!("{base}?saved=1"),
                _ if switch_to.is_some() => format!("{base}/sections/{section_key}"),
                (_, None) if !ctx.hand.is_lead() => format!("{base}?saved=1"),
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
                lang,
            )
        }
        Err(Refusal::Stale { .. }) => {
            conflict(&state, &secret, &section_key, &typed, headers, lang).await
        }
        Err(Refusal::Closed) => closed(&state, &ctx, lang),
        Err(Refusal::Forbidden(_)) => forbidden(&state, lang, "colleagues-forbidden-other"),
        Err(Refusal::Failed(err)) => unavailable(&state, lang, &err),
    }
}

/// Someone saved this response after the page was loaded. Show what they saved beside what this
/// person typed, and the form again (at the new revision) holding this person's input.
async fn conflict(
    state: &Site,
    secret: &str,
    section_key: &str,
    typed: &BTreeMap<String, Vec<String>>,
    headers: &HeaderMap,
    lang: Language,
) -> Response {
    let fresh = match context(state, secret, headers).await {
        Ok(ctx) => ctx,
        Err(resp) => return resp,
    };
    let def = fresh.definition.localized(lang);
    let Some(section) = def.section(section_key) else {
        return not_found(state, lang);
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
                    "theirs": theirs.map(|v| view::display_answer(q, v, lang)),
                    "yours": yours.as_ref().map(|v| view::display_answer(q, v, lang)),
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
        lang,
    )
}
