//! A respondent's side of the tests: invitation links, reading forms, posting them like a browser.

use super::TestApp;
use soundings::domain::definition::{Definition, Format, QuestionKind};

/// The shipped instrument, parsed.
pub fn shipped_definition() -> Definition {
    Definition::parse(super::SHIPPED, Format::Yaml)
        .unwrap_or_else(|e| panic!("shipped survey: {e:?}"))
}

/// Free text that must survive exactly and be shown escaped.
pub const TRICKY_TEXT: &str = "<script>alert(1)</script> Ysbyty Gwynedd — ŵ ŷ";

/// The most mature answer to every question, as form values (`None`: leave the question alone).
pub fn best_form_values(def: &Definition, key: &str) -> Vec<String> {
    let Some(q) = def.question(key) else {
        return vec![];
    };
    match &q.kind {
        QuestionKind::SingleChoice { options } => options
            .iter()
            .max_by(|a, b| a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)))
            .map(|o| vec![o.value.clone()])
            .unwrap_or_default(),
        QuestionKind::MultiChoice { options, .. } => options
            .iter()
            .filter(|o| !o.exclusive)
            .map(|o| o.value.clone())
            .collect(),
        QuestionKind::Scale { points, .. } => vec![points.to_string()],
        QuestionKind::YesNo { scores } => {
            let no_better = scores.as_ref().is_some_and(|s| s.no > s.yes);
            vec![if no_better { "no" } else { "yes" }.to_owned()]
        }
        QuestionKind::Integer { min, max, .. } => {
            vec![max.or(min.map(|m| m + 10)).unwrap_or(500).to_string()]
        }
        QuestionKind::Decimal { min, max, .. } => {
            vec![max.or(min.map(|m| m + 5.0)).unwrap_or(5.0).to_string()]
        }
        QuestionKind::Text { .. } => vec![TRICKY_TEXT.to_owned()],
    }
}

/// A form read off a page: its hidden fields.
pub struct PageForm {
    pub html: String,
    pub csrf: String,
    pub revision: String,
}

/// The value of `<input ... name="NAME" value="...">` in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

impl TestApp {
    /// Invites `organisation` to `round` and returns the path of its link (`/respond/<secret>`).
    pub async fn invite(&self, round: &str, organisation: &str) -> String {
        let resp = self
            .admin_post(
                &format!("/api/v1/rounds/{round}/invitations"),
                serde_json::json!({ "organisations": [organisation] }),
            )
            .await;
        let status = resp.status();
        let batch: serde_json::Value = resp.json().await.unwrap_or_default();
        assert_eq!(status, 200, "inviting {organisation} to {round}: {batch}");
        let link = batch["created"][0]["link"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        link.strip_prefix(&self.address).unwrap_or(&link).to_owned()
    }

    /// Submits the response from its review page's form, as the button there does.
    pub async fn submit_from_review(&self, link: &str) -> reqwest::Response {
        let review = self.form(&format!("{link}/review")).await;
        self.post_form(
            &format!("{link}/submit"),
            &[
                ("csrf".into(), review.csrf),
                ("revision".into(), review.revision),
            ],
        )
        .await
    }

    /// Invites `organisation` to `round`, saves `answers` and submits them, as the pages do (two
    /// requests); each must succeed. The link's path.
    pub async fn submits(
        &self,
        round: &str,
        organisation: &str,
        answers: serde_json::Value,
    ) -> String {
        let link = self.invite(round, organisation).await;
        let body = serde_json::json!({ "revision": 0, "answers": answers });
        let saved = self
            .send(
                reqwest::Method::PUT,
                None,
                &format!("/api/v1{link}/answers"),
                Some(body),
            )
            .await;
        assert_eq!(saved.status(), 200, "saving for {organisation}");
        let submit = serde_json::json!({ "revision": 1 });
        let submitted = self
            .send(
                reqwest::Method::POST,
                None,
                &format!("/api/v1{link}/submit"),
                Some(submit),
            )
            .await;
        assert_eq!(submitted.status(), 200, "submitting for {organisation}");
        link
    }

    /// GETs a page with a form and reads its CSRF token and revision.
    pub async fn form(&self, path: &str) -> PageForm {
        let resp = self.get(path).await;
        assert_eq!(resp.status(), 200, "GET {path}");
        let html = resp.text().await.unwrap_or_default();
        let csrf = hidden_value(&html, "csrf").unwrap_or_default();
        let revision = hidden_value(&html, "revision").unwrap_or_default();
        PageForm {
            html,
            csrf,
            revision,
        }
    }

    /// POSTs form fields like a browser would (no redirects followed).
    pub async fn post_form(&self, path: &str, fields: &[(String, String)]) -> reqwest::Response {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.finish())
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }
}

/// The form fields for `answers` plus the page's hidden fields.
pub fn fields(
    form: &PageForm,
    action: &str,
    answers: &[(&str, Vec<String>)],
) -> Vec<(String, String)> {
    let mut out = vec![
        ("csrf".to_owned(), form.csrf.clone()),
        ("revision".to_owned(), form.revision.clone()),
        ("action".to_owned(), action.to_owned()),
    ];
    for (key, values) in answers {
        for v in values {
            out.push((format!("a.{key}"), v.clone()));
        }
    }
    out
}
