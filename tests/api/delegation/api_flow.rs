//! Three people complete one response through the JSON API: each colleague touches only their
//! section, two save at once and neither answer is lost, the lead sees who answered what and
//! submits, and a colleague cannot submit.

use super::{delegate, save, state, trio_lead};
use crate::helpers::{Backend, spawn_app};
use reqwest::Method;
use serde_json::json;

async fn three_people_complete_one_response_each_touching_only_their_part(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (ann_id, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;
    let (bob_id, bob) = delegate(&app, &lead, "Bob", &["goals"]).await;

    // A colleague's link opens only their section.
    let seen = state(&app, &ann).await;
    assert_eq!(seen["hand"], "delegate");
    assert_eq!(seen["sections"], json!(["staffing"]));
    assert_eq!(seen["visible_questions"], json!(["staff_wte"]));

    // Outside their section: 403, and nothing is saved.
    let outside = save(&app, &ann, 0, json!({ "has_goals": "yes" })).await;
    assert_eq!(outside.status(), 403);
    let problem: serde_json::Value = outside.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("goals"));
    assert_eq!(state(&app, &lead).await["revision"], 0);

    // Both colleagues read revision 0 and save at the same moment: both land.
    let (a, b) = tokio::join!(
        save(&app, &ann, 0, json!({ "staff_wte": 12 })),
        save(&app, &bob, 0, json!({ "has_goals": "yes" })),
    );
    assert_eq!(a.status(), 200, "{}", a.text().await.unwrap());
    assert_eq!(b.status(), 200, "{}", b.text().await.unwrap());
    let seen = state(&app, &lead).await;
    assert_eq!(seen["answers"]["staff_wte"], 12);
    assert_eq!(seen["answers"]["has_goals"], "yes");
    assert_eq!(seen["revision"], 2);

    // A save of a section someone saved since it was read is still refused: no silent overwrite.
    let stale = save(&app, &lead, 0, json!({ "staff_wte": 3 })).await;
    assert_eq!(stale.status(), 409);
    assert_eq!(state(&app, &lead).await["answers"]["staff_wte"], 12);
    // ... while the lead's save of a section nobody touched since lands.
    let own = save(&app, &lead, 1, json!({ "has_strategy": "yes" })).await;
    assert_eq!(own.status(), 200, "{}", own.text().await.unwrap());

    // The lead sees who answered what.
    let seen = state(&app, &lead).await;
    assert_eq!(seen["hand"], "lead");
    assert_eq!(
        seen["answered_by"],
        json!({ "staff_wte": format!("delegate:{ann_id}"),
                "has_goals": format!("delegate:{bob_id}"), "has_strategy": "lead" })
    );
    let review = app
        .get(&format!("{lead}/review"))
        .await
        .text()
        .await
        .unwrap();
    assert!(review.contains("Answered by Ann"), "{review}");
    assert!(review.contains("Last saved by Bob"), "{review}");

    // A colleague marks their section ready; the lead's list shows it.
    let ready = app
        .send(
            Method::PUT,
            None,
            &format!("/api/v1{ann}/sections/staffing/ready"),
            Some(json!({ "ready": true })),
        )
        .await;
    assert_eq!(ready.status(), 204);
    let listed: serde_json::Value = app
        .get(&format!("/api/v1{lead}/delegates"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["organisation"], "Q1");
    let listed = &listed["delegates"];
    assert_eq!(listed[0]["name"], "Ann");
    assert_eq!(
        listed[0]["sections"],
        json!([{ "section": "staffing", "ready": true }])
    );
    assert_eq!(listed[1]["sections"][0]["ready"], false);
    // Saving the section again takes the mark away until she marks it again.
    let revision = state(&app, &ann).await["revision"].as_i64().unwrap();
    assert_eq!(
        save(&app, &ann, revision, json!({ "staff_wte": 13 }))
            .await
            .status(),
        200
    );
    let listed: serde_json::Value = app
        .get(&format!("/api/v1{lead}/delegates"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["delegates"][0]["sections"][0]["ready"], false);
    // A colleague cannot list colleagues, nor mark another's section.
    assert_eq!(
        app.get(&format!("/api/v1{ann}/delegates")).await.status(),
        403
    );
    let theirs = app
        .send(
            Method::PUT,
            None,
            &format!("/api/v1{ann}/sections/goals/ready"),
            Some(json!({ "ready": true })),
        )
        .await;
    assert_eq!(theirs.status(), 403);

    // A colleague cannot submit; the lead can.
    let revision = state(&app, &lead).await["revision"].as_i64().unwrap();
    let by_colleague = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{bob}/submit"),
            Some(json!({ "revision": revision })),
        )
        .await;
    assert_eq!(by_colleague.status(), 403);
    let also_with_answers = app
        .send(
            Method::PUT,
            None,
            &format!("/api/v1{bob}/answers"),
            Some(json!({ "revision": revision, "answers": {}, "submit": true })),
        )
        .await;
    assert_eq!(also_with_answers.status(), 403);
    let by_lead = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{lead}/submit"),
            Some(json!({ "revision": revision })),
        )
        .await;
    assert_eq!(by_lead.status(), 200, "{}", by_lead.text().await.unwrap());
    assert_eq!(state(&app, &lead).await["status"], "submitted");

    // Once submitted, only the lead changes the response.
    let after = save(&app, &bob, revision + 1, json!({ "has_goals": "no" })).await;
    assert_eq!(after.status(), 403);
}

async fn a_section_taken_back_or_a_revoked_colleague_no_longer_opens(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    let (ann_id, ann) = delegate(&app, &lead, "Ann", &["staffing", "goals"]).await;

    // A section a colleague holds cannot be given to another.
    let twice = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{lead}/delegates"),
            Some(json!({ "name": "Bob", "email": "bob@trust.example", "sections": ["goals"] })),
        )
        .await;
    assert_eq!(twice.status(), 409);
    // A colleague cannot hand sections on.
    let onward = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{ann}/delegates"),
            Some(json!({ "name": "Cy", "email": "cy@trust.example", "sections": ["goals"] })),
        )
        .await;
    assert_eq!(onward.status(), 403);

    assert_eq!(
        app.get(&format!("{ann}/sections/goals")).await.status(),
        200
    );
    let taken = app
        .send(
            Method::DELETE,
            None,
            &format!("/api/v1{lead}/delegates/{ann_id}/sections/goals"),
            None,
        )
        .await;
    assert_eq!(taken.status(), 204);
    let page = app.get(&format!("{ann}/sections/goals")).await;
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("not yours to answer"));
    assert_eq!(
        save(&app, &ann, 0, json!({ "has_goals": "yes" }))
            .await
            .status(),
        403
    );
    assert_eq!(state(&app, &ann).await["sections"], json!(["staffing"]));

    let revoked = app
        .send(
            Method::DELETE,
            None,
            &format!("/api/v1{lead}/delegates/{ann_id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    assert_eq!(app.get(&format!("/api/v1{ann}")).await.status(), 404);
    assert_eq!(app.get(&ann).await.status(), 404);
    // The lead's link is untouched, and the sections are free again.
    assert_eq!(state(&app, &lead).await["hand"], "lead");
    delegate(&app, &lead, "Bob", &["goals"]).await;
}

async fn a_link_makes_a_bounded_number_of_colleague_links(backend: Backend) {
    use soundings::service::respond::delegates::MAX_DELEGATES;
    let app = spawn_app(backend).await;
    let lead = trio_lead(&app).await;
    for _ in 0..MAX_DELEGATES {
        let (id, _) = delegate(&app, &lead, "Ann", &["staffing"]).await;
        let path = format!("/api/v1{lead}/delegates/{id}");
        assert_eq!(
            app.send(Method::DELETE, None, &path, None).await.status(),
            204
        );
    }
    let one_more = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{lead}/delegates"),
            Some(json!({ "name": "Ann", "email": "ann@trust.example", "sections": ["staffing"] })),
        )
        .await;
    assert_eq!(one_more.status(), 409);
}

/// Issue 29: the cap holds when the last free places are raced for from two instances at once.
/// Before the count was taken under a lock on the invitation, PostgreSQL let several of the
/// simultaneous creates each count 99 and insert, ending with 101-107 links.
async fn the_colleague_link_cap_holds_under_concurrent_creates_on_two_instances(backend: Backend) {
    use soundings::service::respond::delegates::MAX_DELEGATES;
    let app = spawn_app(backend).await;
    let other = app.another_instance(|_| {}).await;
    let lead = trio_lead(&app).await;
    for _ in 0..MAX_DELEGATES - 1 {
        let (id, _) = delegate(&app, &lead, "Ann", &["staffing"]).await;
        let path = format!("/api/v1{lead}/delegates/{id}");
        assert_eq!(
            app.send(Method::DELETE, None, &path, None).await.status(),
            204
        );
    }
    let path = format!("/api/v1{lead}/delegates");
    // Each of the three sections is asked for by four creates: a section can go to one colleague
    // only, so without the lock up to three would fit, one per section.
    let creates = (0..12).map(|i| {
        let (instance, path) = (if i % 2 == 0 { &app } else { &other }, path.clone());
        async move {
            let section = ["strategy", "staffing", "goals"][i % 3];
            let body = json!({ "name": format!("C{i}"), "email": format!("c{i}@trust.example"),
                               "sections": [section] });
            instance
                .send(Method::POST, None, &path, Some(body))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(creates).await;
    let made = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(made, 1, "exactly one link fits under the cap: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "the others are refused as over the cap or as a taken section: {statuses:?}"
    );
    assert_eq!(app.count("delegates").await, MAX_DELEGATES as i64);
}

crate::on_both_backends!(
    the_colleague_link_cap_holds_under_concurrent_creates_on_two_instances,
    a_link_makes_a_bounded_number_of_colleague_links,
    three_people_complete_one_response_each_touching_only_their_part,
    a_section_taken_back_or_a_revoked_colleague_no_longer_opens,
);
