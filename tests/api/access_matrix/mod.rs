//! Every route of the application × every kind of credential, each answering what the API docs
//! say. The routes are the operations of `openapi/openapi.json` (a route added there without a
//! row here fails the test) plus the HTML routes. Organisation A1 is "this organisation", B1 the
//! other one; a link only ever shows its own organisation, and no link opens the API.

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::respond_api::{TINY, tiny_round_named};
use reqwest::Method;
use serde_json::json;
use soundings::domain::role::Role;
use soundings::store::api_keys;
use std::collections::{BTreeMap, BTreeSet};

mod credentials;
pub(crate) use credentials::Credentials;

/// Who is calling. Admin comes last, so that the one request per route that changes something
/// runs after the refused ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Nobody,
    BadKey,
    RevokedKey,
    Researcher,
    OwnLink,
    OtherLink,
    ShareLink,
    Admin,
}

const EVERYONE: [Who; 8] = [
    Who::Nobody,
    Who::BadKey,
    Who::RevokedKey,
    Who::Researcher,
    Who::OwnLink,
    Who::OtherLink,
    Who::ShareLink,
    Who::Admin,
];

/// Who a route lets in, and the status it answers them.
#[derive(Clone, Copy, Debug)]
enum Access {
    /// Anyone, with or without a credential.
    Public,
    /// A researcher's or an admin's key; anything else is 401.
    Reader(u16),
    /// An admin's key; a researcher's gets 403, anything else 401.
    Admin(u16),
    /// An invitation link in the path, which reaches its own organisation's response; anything
    /// else in the path is 404, like a link that never existed.
    Invitation(u16),
    /// A share link in the path; anything else is 404.
    Share(u16),
}

impl Access {
    fn expected(self, who: Who) -> u16 {
        use Who::*;
        match self {
            Access::Public => 200,
            Access::Reader(ok) => match who {
                Researcher | Admin => ok,
                Nobody | BadKey | RevokedKey | OwnLink | OtherLink | ShareLink => 401,
            },
            Access::Admin(ok) => match who {
                Admin => ok,
                Researcher => 403,
                Nobody | BadKey | RevokedKey | OwnLink | OtherLink | ShareLink => 401,
            },
            Access::Invitation(ok) => match who {
                OwnLink | OtherLink => ok,
                _ => 404,
            },
            Access::Share(ok) => match who {
                ShareLink => ok,
                _ => 404,
            },
        }
    }
}

#[derive(Clone, Debug)]
enum Body {
    None,
    Json(serde_json::Value),
    Text(&'static str, String),
}

/// One route: its template as documented, the path the test calls (`{secret}` is filled in per
/// caller), a body that would be accepted, and who may call it.
struct Row {
    method: Method,
    template: &'static str,
    path: String,
    body: Body,
    access: Access,
}

fn row(method: Method, template: &'static str, path: &str, body: Body, access: Access) -> Row {
    Row {
        method,
        template,
        path: path.to_owned(),
        body,
        access,
    }
}

/// Every route, in an order where each admin request finds what it needs (round t2 goes from
/// draft to open to closed and back to open; the scratch survey is created, drafted, published).
#[rustfmt::skip]
fn routes(spare_share: i64) -> Vec<Row> {
    use Access::*;
    use Body::Json as J;
    let get = Method::GET;
    let post = Method::POST;
    let now = chrono::Utc::now();
    let org = json!({ "code": "Z9", "name": "Z9 Trust", "kind": "acute", "region": "North West",
                      "country": "England", "size_band": "small" });
    let csv = "code,name,kind,region,country,size_band\nZ8,Z8 Trust,acute,North West,England,small\n";
    let scratch = TINY.replace("slug: tiny", "slug: scratch");
    let round = json!({ "code": "r9", "name": "R9", "survey": "tiny", "version": 1,
                        "opens_at": now - chrono::Duration::days(1), "closes_at": now + chrono::Duration::days(9) });
    let form = |text: &str| Body::Text("application/x-www-form-urlencoded", text.to_owned());
    vec![
        // The caller itself.
        row(get.clone(), "/api/v1/me", "/api/v1/me", Body::None, Reader(200)),
        // Organisations.
        row(post.clone(), "/api/v1/organisations", "/api/v1/organisations", J(org), Admin(201)),
        row(get.clone(), "/api/v1/organisations", "/api/v1/organisations", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/organisations/{code}", "/api/v1/organisations/A1", Body::None, Reader(200)),
        row(Method::PATCH, "/api/v1/organisations/{code}", "/api/v1/organisations/C1", J(json!({ "name": "C1 Renamed" })), Admin(200)),
        row(post.clone(), "/api/v1/organisations/import", "/api/v1/organisations/import", Body::Text("text/csv", csv.to_owned()), Admin(200)),
        // Surveys.
        row(post.clone(), "/api/v1/surveys", "/api/v1/surveys", J(json!({ "slug": "scratch", "title": "Scratch" })), Admin(201)),
        row(get.clone(), "/api/v1/surveys", "/api/v1/surveys", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/surveys/{slug}", "/api/v1/surveys/tiny", Body::None, Reader(200)),
        row(Method::PUT, "/api/v1/surveys/{slug}/versions/{version}", "/api/v1/surveys/scratch/versions/1", Body::Text("application/yaml", scratch), Admin(201)),
        row(get.clone(), "/api/v1/surveys/{slug}/versions/{version}", "/api/v1/surveys/tiny/versions/1", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/surveys/{slug}/versions/{version}/definition", "/api/v1/surveys/tiny/versions/1/definition", Body::None, Reader(200)),
        row(post.clone(), "/api/v1/surveys/{slug}/versions/{version}/publish", "/api/v1/surveys/scratch/versions/1/publish", Body::None, Admin(200)),
        // Rounds and invitations (round t2 is the one that changes).
        row(post.clone(), "/api/v1/rounds", "/api/v1/rounds", J(round), Admin(201)),
        row(get.clone(), "/api/v1/rounds", "/api/v1/rounds", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}", "/api/v1/rounds/t1", Body::None, Reader(200)),
        row(Method::PATCH, "/api/v1/rounds/{code}", "/api/v1/rounds/t2", J(json!({ "name": "T2 renamed" })), Admin(200)),
        row(post.clone(), "/api/v1/rounds/{code}/invitations", "/api/v1/rounds/t2/invitations", J(json!({})), Admin(200)),
        row(get.clone(), "/api/v1/rounds/{code}/invitations", "/api/v1/rounds/t1/invitations", Body::None, Admin(200)),
        row(post.clone(), "/api/v1/rounds/{code}/invitations/{organisation}/revoke", "/api/v1/rounds/t2/invitations/C1/revoke", Body::None, Admin(200)),
        row(post.clone(), "/api/v1/rounds/{code}/invitations/{organisation}/reissue", "/api/v1/rounds/t2/invitations/C1/reissue", Body::None, Admin(201)),
        row(post.clone(), "/api/v1/rounds/{code}/open", "/api/v1/rounds/t2/open", Body::None, Admin(200)),
        row(post.clone(), "/api/v1/rounds/{code}/close", "/api/v1/rounds/t2/close", Body::None, Admin(200)),
        // Releases (issue 28), of the closed round t2.
        row(post.clone(), "/api/v1/rounds/{code}/releases", "/api/v1/rounds/t2/releases", Body::None, Admin(201)),
        row(get.clone(), "/api/v1/rounds/{code}/releases", "/api/v1/rounds/t2/releases", Body::None, Reader(200)),
        row(post.clone(), "/api/v1/rounds/{code}/reopen", "/api/v1/rounds/t2/reopen", Body::None, Admin(200)),
        // Contacts and mail (issue 18), on the reopened round t2.
        row(get.clone(), "/api/v1/organisations/{code}/contacts", "/api/v1/organisations/A1/contacts", Body::None, Admin(200)),
        row(post.clone(), "/api/v1/organisations/{code}/contacts", "/api/v1/organisations/C1/contacts", J(json!({ "email": "c1@trust.example" })), Admin(201)),
        row(Method::PUT, "/api/v1/organisations/{code}/contacts/{id}", "/api/v1/organisations/C1/contacts/1", J(json!({ "email": "c1@trust.example", "name": "C One" })), Admin(200)),
        row(post.clone(), "/api/v1/rounds/{code}/invitations/send", "/api/v1/rounds/t2/invitations/send", J(json!({})), Admin(202)),
        row(post.clone(), "/api/v1/rounds/{code}/reminders", "/api/v1/rounds/t2/reminders", J(json!({})), Admin(202)),
        row(get.clone(), "/api/v1/rounds/{code}/mail/preview", "/api/v1/rounds/t2/mail/preview?organisation=C1&kind=invitation", Body::None, Admin(200)),
        row(get.clone(), "/api/v1/rounds/{code}/deliveries", "/api/v1/rounds/t2/deliveries", Body::None, Admin(200)),
        row(Method::PUT, "/api/v1/rounds/{code}/reminder-policy", "/api/v1/rounds/t2/reminder-policy", J(json!({ "every_days": 7, "max_reminders": 3, "quiet_days_before_close": 1 })), Admin(200)),
        row(get.clone(), "/api/v1/rounds/{code}/reminder-policy", "/api/v1/rounds/t2/reminder-policy", Body::None, Admin(200)),
        row(Method::DELETE, "/api/v1/rounds/{code}/reminder-policy", "/api/v1/rounds/t2/reminder-policy", Body::None, Admin(204)),
        row(Method::DELETE, "/api/v1/organisations/{code}/contacts/{id}", "/api/v1/organisations/C1/contacts/1", Body::None, Admin(204)),
        row(get.clone(), "/api/v1/audit-events", "/api/v1/audit-events", Body::None, Admin(200)),
        // The respondent's JSON route: the link is the credential. Revision 0 is stale for a
        // submitted response, so the writes are refused with 409 once the link is accepted.
        row(get.clone(), "/api/v1/respond/{secret}", "/api/v1/respond/{secret}", Body::None, Invitation(200)),
        row(Method::PUT, "/api/v1/respond/{secret}/answers", "/api/v1/respond/{secret}/answers", J(json!({ "revision": 0, "answers": {} })), Invitation(409)),
        row(post.clone(), "/api/v1/respond/{secret}/submit", "/api/v1/respond/{secret}/submit", J(json!({ "revision": 0 })), Invitation(409)),
        // Colleagues (issue 21): only the lead's link manages them; the lead cannot mark ready.
        row(get.clone(), "/api/v1/respond/{secret}/delegates", "/api/v1/respond/{secret}/delegates", Body::None, Invitation(200)),
        row(post.clone(), "/api/v1/respond/{secret}/delegates", "/api/v1/respond/{secret}/delegates", J(json!({ "name": "C", "email": "c@trust.example", "sections": ["nope"] })), Invitation(422)),
        row(Method::DELETE, "/api/v1/respond/{secret}/delegates/{id}", "/api/v1/respond/{secret}/delegates/999999", Body::None, Invitation(404)),
        row(Method::DELETE, "/api/v1/respond/{secret}/delegates/{id}/sections/{section}", "/api/v1/respond/{secret}/delegates/999999/sections/s1", Body::None, Invitation(404)),
        row(Method::PUT, "/api/v1/respond/{secret}/sections/{section}/ready", "/api/v1/respond/{secret}/sections/s1/ready", J(json!({ "ready": true })), Invitation(403)),
        row(get.clone(), "/api/v1/rounds/{code}/delegations", "/api/v1/rounds/t1/delegations", Body::None, Admin(200)),
        // Research.
        row(get.clone(), "/api/v1/rounds/{code}/progress", "/api/v1/rounds/t1/progress", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}/statistics", "/api/v1/rounds/t1/statistics", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}/distributions", "/api/v1/rounds/t1/distributions", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/surveys/{slug}/trends", "/api/v1/surveys/tiny/trends", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}/scores", "/api/v1/rounds/t1/scores", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}/responses", "/api/v1/rounds/t1/responses", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}/disclosure", "/api/v1/rounds/t1/disclosure", Body::None, Reader(200)),
        // One organisation's benchmark and reports: admins only (boards get share links).
        row(get.clone(), "/api/v1/rounds/{code}/organisations/{organisation}/benchmark", "/api/v1/rounds/t1/organisations/A1/benchmark", Body::None, Admin(200)),
        row(get.clone(), "/api/v1/rounds/{code}/organisations/{organisation}/report", "/api/v1/rounds/t1/organisations/A1/report", Body::None, Admin(200)),
        row(get.clone(), "/api/v1/rounds/{code}/organisations/{organisation}/report.pdf", "/api/v1/rounds/t1/organisations/A1/report.pdf", Body::None, Admin(200)),
        row(post.clone(), "/api/v1/rounds/{code}/organisations/{organisation}/shares", "/api/v1/rounds/t1/organisations/A1/shares", J(json!({})), Admin(201)),
        row(get.clone(), "/api/v1/rounds/{code}/shares", "/api/v1/rounds/t1/shares", Body::None, Admin(200)),
        row(post.clone(), "/api/v1/shares/{id}/revoke", &format!("/api/v1/shares/{spare_share}/revoke"), Body::None, Admin(200)),
        // The national summary: researchers and admins.
        row(get.clone(), "/api/v1/rounds/{code}/summary-report", "/api/v1/rounds/t1/summary-report", Body::None, Reader(200)),
        row(get.clone(), "/api/v1/rounds/{code}/summary-report.pdf", "/api/v1/rounds/t1/summary-report.pdf", Body::None, Reader(200)),
        // Pages, documents and probes anyone may open.
        row(get.clone(), "/", "/", Body::None, Public),
        row(get.clone(), "/health", "/health", Body::None, Public),
        row(get.clone(), "/ready", "/ready", Body::None, Public),
        row(get.clone(), "/static/site.css", "/static/site.css", Body::None, Public),
        row(get.clone(), "/openapi.json", "/openapi.json", Body::None, Public),
        row(get.clone(), "/docs", "/docs", Body::None, Public),
        // The respondent's pages. Forms without the page's CSRF token are refused with 403 once
        // the link is accepted.
        row(get.clone(), "/respond/{secret}", "/respond/{secret}", Body::None, Invitation(200)),
        row(get.clone(), "/respond/{secret}/sections/{section}", "/respond/{secret}/sections/s1", Body::None, Invitation(200)),
        row(post.clone(), "/respond/{secret}/sections/{section}", "/respond/{secret}/sections/s1", form("a.notes=x"), Invitation(403)),
        row(get.clone(), "/respond/{secret}/review", "/respond/{secret}/review", Body::None, Invitation(200)),
        row(post.clone(), "/respond/{secret}/submit", "/respond/{secret}/submit", form("revision=2"), Invitation(403)),
        row(get.clone(), "/respond/{secret}/submitted", "/respond/{secret}/submitted", Body::None, Invitation(200)),
        row(post.clone(), "/respond/{secret}/delegates", "/respond/{secret}/delegates", form("name=x"), Invitation(403)),
        row(post.clone(), "/respond/{secret}/delegates/{id}/revoke", "/respond/{secret}/delegates/1/revoke", form("x=1"), Invitation(403)),
        row(post.clone(), "/respond/{secret}/delegates/{id}/sections/{section}/take-back", "/respond/{secret}/delegates/1/sections/s1/take-back", form("x=1"), Invitation(403)),
        row(post.clone(), "/respond/{secret}/sections/{section}/ready", "/respond/{secret}/sections/s1/ready", form("ready=1"), Invitation(403)),
        // A board's share link.
        row(get.clone(), "/share/{secret}", "/share/{secret}", Body::None, Share(200)),
        row(get, "/share/{secret}/report.pdf", "/share/{secret}/report.pdf", Body::None, Share(200)),
    ]
}

/// A1 and B1 have each submitted to round t1 through their own links; C1 is invited to nothing
/// yet. Round t2 is a draft. A1 has two share links (one to use, one to revoke).
pub(crate) async fn fixture(backend: Backend) -> (TestApp, Credentials, i64) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    app.create_organisations(&["A1", "B1", "C1"]).await;
    let mut links = Vec::new();
    for (org, answers) in [
        (
            "A1",
            json!({ "has_plan": "yes", "plan_stage": "approved", "wte": 2, "notes": "A1's own words" }),
        ),
        (
            "B1",
            json!({ "has_plan": "no", "wte": 0, "notes": "B1's own words" }),
        ),
    ] {
        let link = app.submits("t1", org, answers).await;
        links.push(link.trim_start_matches("/respond/").to_owned());
    }
    let now = chrono::Utc::now();
    let draft = app
        .admin_post(
            "/api/v1/rounds",
            json!({ "code": "t2", "name": "T2", "survey": "tiny", "version": 1,
                    "opens_at": now - chrono::Duration::days(1), "closes_at": now + chrono::Duration::days(9) }),
        )
        .await;
    assert_eq!(draft.status(), 201);
    let mut shares = Vec::new();
    for _ in 0..2 {
        let resp = app
            .admin_post("/api/v1/rounds/t1/organisations/A1/shares", json!({}))
            .await;
        assert_eq!(resp.status(), 201);
        shares.push(resp.json::<serde_json::Value>().await.unwrap());
    }
    let share_link = shares[0]["link"].as_str().unwrap();
    let share_link = share_link.rsplit('/').next().unwrap().to_owned();
    let spare = shares[1]["id"].as_i64().unwrap();
    let (revoked, secret) = api_keys::create(&app.db, "leaver", Role::Admin)
        .await
        .unwrap();
    api_keys::revoke(&app.db, &revoked.id.to_string())
        .await
        .unwrap();
    let other_link = links.pop().unwrap();
    let own_link = links.pop().unwrap();
    let credentials = Credentials {
        revoked_key: secret.expose().to_owned(),
        own_link,
        other_link,
        share_link,
    };
    (app, credentials, spare)
}

/// The documented operations, as `METHOD /api/v1/path`, with the statuses each lists.
fn documented_operations() -> BTreeMap<String, BTreeSet<u16>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut ops = BTreeMap::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let statuses = op["responses"].as_object().unwrap();
            let statuses = statuses.keys().map(|s| s.parse().unwrap()).collect();
            ops.insert(format!("{} /api/v1{path}", method.to_uppercase()), statuses);
        }
    }
    ops
}

async fn every_route_answers_every_caller_as_documented(backend: Backend) {
    let (app, creds, spare_share) = fixture(backend).await;
    let rows = routes(spare_share);

    // Every documented operation has a row, and every API row is documented.
    let covered: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.template.starts_with("/api/"))
        .map(|r| format!("{} {}", r.method, r.template))
        .collect();
    let statuses = documented_operations();
    let documented: BTreeSet<String> = statuses.keys().cloned().collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let undocumented: Vec<_> = covered.difference(&documented).collect();
    assert!(
        missing.is_empty() && undocumented.is_empty(),
        "operations without a row here: {missing:?}; rows for undocumented operations: {undocumented:?}"
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    for r in &rows {
        for who in EVERYONE {
            let path = r.path.replace("{secret}", creds.in_path(&app, who));
            let mut req = app.client.request(r.method.clone(), app.url(&path));
            if let Some(token) = creds.bearer(&app, who) {
                req = req.bearer_auth(token);
            }
            req = match &r.body {
                Body::None => req,
                Body::Json(value) => req.json(value),
                Body::Text(content_type, text) => {
                    req.header("content-type", *content_type).body(text.clone())
                }
            };
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let content_type = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let text = resp.text().await.unwrap_or_default();
            checked += 1;
            let operation = format!("{} {}", r.method, r.template);
            if statuses
                .get(&operation)
                .is_some_and(|listed| !listed.contains(&status))
            {
                failures.push(format!(
                    "{operation} as {who:?}: {status}, which it does not list"
                ));
            }
            let expected = r.access.expected(who);
            if status != expected {
                failures.push(format!(
                    "{} {} as {who:?}: {status}, expected {expected} ({})",
                    r.method,
                    r.template,
                    text.chars().take(160).collect::<String>()
                ));
                continue;
            }
            // A link shows its own organisation and never the other one.
            let (own, other) = match who {
                Who::OwnLink | Who::ShareLink => ("A1 Trust", "B1 Trust"),
                Who::OtherLink => ("B1 Trust", "A1 Trust"),
                _ => continue,
            };
            if text.contains(other) || text.contains(&other.replace(" Trust", "'s own words")) {
                failures.push(format!(
                    "{} {} as {who:?} shows {other}'s data",
                    r.method, r.template
                ));
            }
            let readable = content_type.starts_with("text/html") || content_type.contains("json");
            let link_route = matches!(r.access, Access::Invitation(_) | Access::Share(_));
            if link_route && status == 200 && readable && !text.contains(own) {
                failures.push(format!(
                    "{} {} as {who:?} does not show {own}",
                    r.method, r.template
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} requests did not answer as documented:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, rows.len() * EVERYONE.len());
}

crate::on_both_backends!(every_route_answers_every_caller_as_documented);
