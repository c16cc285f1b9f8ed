//! The same through the pages: the lead invites a colleague from the start page and sees the
//! link once; the colleague's pages show only their sections, refuse any other with a clear
//! 403 page, have no submit button, and let them mark a section ready.

use super::trio_lead;
use crate::helpers::respondent::{fields, hidden_value};
use crate::helpers::{Backend, spawn_app};

async fn a_colleague_invited_from_the_start_page_sees_only_their_sections(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;

    let start = app.form(&lead).await;
    assert!(start.html.contains("Ask a colleague"));
    let invited = app
        .post_form(
            &format!("{lead}/delegates"),
            &[
                ("csrf".into(), start.csrf.clone()),
                ("name".into(), "Ann Jones".into()),
                ("email".into(), "ann@trust.example".into()),
                ("sections".into(), "staffing".into()),
                ("sections".into(), "goals".into()),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);
    let shown = invited.text().await.unwrap();
    assert!(shown.contains("Pass this link on to Ann Jones"));
    // The link is also queued to her by e-mail, and still shown here once.
    assert!(shown.contains("We have also e-mailed this link to Ann Jones"));
    let link = hidden_value(&shown, "colleague-link")
        .or_else(|| {
            let at = shown.find(&format!("{}/respond/", app.address))?;
            Some(shown[at..].split('"').next()?.to_owned())
        })
        .unwrap()
        .replace("&#x2f;", "/");
    let ann = link.strip_prefix(&app.address).unwrap_or(&link).to_owned();
    assert_ne!(ann, lead);

    // The lead's start page now lists Ann, her sections, and never her link again.
    let again = app.get(&lead).await.text().await.unwrap();
    assert!(again.contains("Ann Jones"));
    assert!(again.contains("Take back"));
    assert!(!again.contains(ann.trim_start_matches("/respond/")));

    // Ann's start page: her sections only, no check-and-submit, a ready button.
    let hers = app.form(&ann).await;
    assert!(hers.html.contains("Your sections"));
    assert!(hers.html.contains("/sections/staffing\""));
    assert!(!hers.html.contains("/sections/strategy\""));
    assert!(!hers.html.contains("/review\""));
    assert!(hers.html.contains("Mark as ready"));
    assert!(!hers.html.contains("Ask a colleague"));
    // The lead's page, served from the page cache, is not hers, and hers is not the lead's.
    assert!(
        app.get(&lead)
            .await
            .text()
            .await
            .unwrap()
            .contains("/sections/strategy\"")
    );
    assert!(
        !app.get(&ann)
            .await
            .text()
            .await
            .unwrap()
            .contains("/sections/strategy\"")
    );

    // Any other section, the review page and submitting: a clear 403 page.
    for path in [format!("{ann}/sections/strategy"), format!("{ann}/review")] {
        let refused = app.get(&path).await;
        assert_eq!(refused.status(), 403, "{path}");
        let text = refused.text().await.unwrap();
        assert!(text.contains("not yours to answer"), "{text}");
    }
    let section = app.form(&format!("{ann}/sections/staffing")).await;
    assert!(!section.html.contains("/submit\""));
    let outside = app
        .post_form(
            &format!("{ann}/sections/strategy"),
            &fields(
                &section,
                "continue",
                &[("has_strategy", vec!["yes".into()])],
            ),
        )
        .await;
    assert_eq!(outside.status(), 403);
    let submit = app
        .post_form(
            &format!("{ann}/submit"),
            &[
                ("csrf".into(), hers.csrf.clone()),
                ("revision".into(), "0".into()),
            ],
        )
        .await;
    assert_eq!(submit.status(), 403);

    // Saving her section takes her to her next section, then back to her start page.
    let saved = app
        .post_form(
            &format!("{ann}/sections/staffing"),
            &fields(&section, "continue", &[("staff_wte", vec!["7".into()])]),
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"].to_str().unwrap(),
        format!("{ann}/sections/goals")
    );
    let goals = app.form(&format!("{ann}/sections/goals")).await;
    let saved = app
        .post_form(
            &format!("{ann}/sections/goals"),
            &fields(&goals, "continue", &[("has_goals", vec!["yes".into()])]),
        )
        .await;
    assert_eq!(
        saved.headers()["location"].to_str().unwrap(),
        format!("{ann}?saved=1")
    );

    // She marks staffing ready; the lead's review shows it.
    let hers = app.form(&ann).await;
    let ready = app
        .post_form(
            &format!("{ann}/sections/staffing/ready"),
            &[
                ("csrf".into(), hers.csrf.clone()),
                ("ready".into(), "1".into()),
            ],
        )
        .await;
    assert_eq!(ready.status(), 303);
    assert!(
        app.get(&ann)
            .await
            .text()
            .await
            .unwrap()
            .contains("Marked ready")
    );
    let review = app
        .get(&format!("{lead}/review"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        review.contains("Answered by Ann Jones: marked ready"),
        "{review}"
    );
    assert!(review.contains("Answered by Ann Jones: not marked ready yet"));

    // The lead takes goals back, then ends her link, from the start page.
    let start = app.form(&lead).await;
    let id = start
        .html
        .split("/delegates/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let taken = app
        .post_form(
            &format!("{lead}/delegates/{id}/sections/goals/take-back"),
            &[("csrf".into(), start.csrf.clone())],
        )
        .await;
    assert_eq!(taken.status(), 303);
    assert_eq!(
        app.get(&format!("{ann}/sections/goals")).await.status(),
        403
    );
    let ended = app
        .post_form(
            &format!("{lead}/delegates/{id}/revoke"),
            &[("csrf".into(), start.csrf)],
        )
        .await;
    assert_eq!(ended.status(), 303);
    assert_eq!(app.get(&ann).await.status(), 404);
}

async fn a_bad_colleague_form_shows_an_error_summary_and_keeps_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let start = app.form(&lead).await;
    let refused = app
        .post_form(
            &format!("{lead}/delegates"),
            &[
                ("csrf".into(), start.csrf),
                ("name".into(), "Ann <b>".into()),
                ("email".into(), "not an address".into()),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    assert!(page.contains("Choose at least one section"));
    assert!(page.contains("href=\"#colleague-email\""));
    assert!(page.contains("value=\"Ann &lt;b&gt;\""));
}

async fn the_lead_and_a_colleague_saving_their_own_sections_at_once_both_land(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (_, ann) = super::delegate(&app, &lead, "Ann", &["staffing"]).await;
    // Both pages are read at revision 0, then both are sent at the same moment.
    let mine = app.form(&format!("{lead}/sections/strategy")).await;
    let hers = app.form(&format!("{ann}/sections/staffing")).await;
    let mine = fields(&mine, "later", &[("has_strategy", vec!["yes".into()])]);
    let hers = fields(&hers, "later", &[("staff_wte", vec!["6".into()])]);
    let (strategy, staffing) = (
        format!("{lead}/sections/strategy"),
        format!("{ann}/sections/staffing"),
    );
    let (a, b) = tokio::join!(
        app.post_form(&strategy, &mine),
        app.post_form(&staffing, &hers),
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let seen = super::state(&app, &lead).await;
    assert_eq!(seen["answers"]["has_strategy"], "yes");
    assert_eq!(seen["answers"]["staff_wte"], 6);
    // The same form sent again is stale for its own section: the conflict page, nothing lost.
    let again = app.post_form(&staffing, &hers).await;
    assert_eq!(again.status(), 409);
}

crate::on_both_backends!(
    the_lead_and_a_colleague_saving_their_own_sections_at_once_both_land,
    a_colleague_invited_from_the_start_page_sees_only_their_sections,
    a_bad_colleague_form_shows_an_error_summary_and_keeps_what_was_typed,
);
