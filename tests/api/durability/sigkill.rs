//! The server is killed with SIGKILL in the middle of a burst of concurrent submissions, then
//! restarted: every submission it had answered 2xx is there, intact.

use super::{Fixture, answers_for, same_answers, save_and_submit, verify_acknowledged};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_submission_survives_a_sigkill_of_the_server_mid_burst() {
    const ORGANISATIONS: usize = 300;
    const IN_FLIGHT: usize = 24;
    let mut fixture = Fixture::new(ORGANISATIONS, &[]).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let permits = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let base = fixture.app.address.clone();
    let tasks: Vec<_> = fixture
        .links
        .iter()
        .enumerate()
        .map(|(i, (_, link))| {
            let (client, base, link) = (client.clone(), base.clone(), link.clone());
            let (acknowledged, permits) = (acknowledged.clone(), permits.clone());
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let mut seen = Vec::new();
                let told = save_and_submit(&client, &base, &link, i, &mut seen).await;
                if told.submitted {
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                (told, seen)
            })
        })
        .collect();

    // Kill the server once a third of the submissions are acknowledged, mid-burst.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.load(Ordering::SeqCst) < ORGANISATIONS / 3 {
        assert!(Instant::now() < deadline, "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    fixture.server.kill();
    let at_kill = acknowledged.load(Ordering::SeqCst);

    let mut told = Vec::new();
    let mut requests = 0;
    let (mut cut_off, mut refused) = (0, 0);
    for task in tasks {
        let (outcome, seen) = task.await.unwrap();
        requests += seen.len();
        for s in &seen {
            match s.error.as_deref() {
                Some(e) if e.starts_with("refused") => refused += 1,
                Some(_) => cut_off += 1,
                None => {}
            }
        }
        told.push(outcome);
    }
    let submitted = told.iter().filter(|t| t.submitted).count();
    assert!(
        submitted < ORGANISATIONS && cut_off + refused > 0,
        "the kill did not land mid-burst ({submitted} of {ORGANISATIONS} submitted)"
    );

    fixture.restart_server(&[]);
    let (saves, submits) = verify_acknowledged(&fixture, &told).await;
    // The restarted server serves the same data.
    for (i, (_, link)) in fixture
        .links
        .iter()
        .enumerate()
        .filter(|(i, _)| told[*i].submitted)
        .take(20)
    {
        let state: serde_json::Value = fixture
            .app
            .get(&format!("/api/v1{link}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(state["status"], "submitted", "organisation {i}");
        assert!(
            same_answers(&state["answers"], &answers_for(i)),
            "organisation {i}"
        );
    }
    println!(
        "SIGKILL mid-burst: {ORGANISATIONS} organisations, {requests} requests sent ({IN_FLIGHT} at a \
         time), SIGKILL after {at_kill} acknowledged submissions, {cut_off} requests cut mid-flight and \
         {refused} refused while it was down; \
         verified after restart: {saves} acknowledged saves and {submits} acknowledged submissions \
         intact, none lost"
    );
}
