//! `cargo bench --bench snapshot`: how long a round's disclosure snapshot takes to work out for
//! 10,000 demo organisations (every grouping's verdicts, the blocks, the export classes), alone
//! and against an earlier round of the same organisations with a tenth of them changed. Prints
//! the figures; it is a measurement, not a test.

use soundings::demo::organisations;
use soundings::domain::disclosure::{Respondent, Rules, Snapshot};
use soundings::domain::peers::{OrgAttributes, Threshold};
use std::time::{Duration, Instant};

const ORGANISATIONS: usize = 10_000;

fn respondents(count: usize) -> Vec<Respondent> {
    organisations(1, count)
        .into_iter()
        .enumerate()
        .map(|(i, o)| Respondent {
            organisation_id: i as i32,
            attributes: OrgAttributes {
                kind: o.kind,
                region: o.region,
                country: o.country,
                size_band: o.size_band,
            },
        })
        .collect()
}

fn time(runs: usize, mut f: impl FnMut() -> Snapshot) -> (Duration, Snapshot) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(f());
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}

fn main() {
    let k = Threshold(5);
    let now = respondents(ORGANISATIONS);
    // Last round: the same organisations but every tenth one, which did not answer then.
    let before: Vec<Respondent> = now
        .iter()
        .filter(|r| r.organisation_id % 10 != 0)
        .cloned()
        .collect();
    for (name, earlier) in [
        ("one round", vec![]),
        ("against an earlier round", vec![before]),
    ] {
        let (median, snapshot) = time(5, || Snapshot::build(&now, &earlier, k, Rules::Full));
        let summary = snapshot.summary();
        let published: usize = summary.groupings.iter().map(|g| g.published).sum();
        let withheld: usize = summary
            .groupings
            .iter()
            .map(|g| g.primary + g.secondary)
            .sum();
        println!(
            "disclosure snapshot, {ORGANISATIONS} organisations, {name}: median {:.0} ms of 5 \
             (target: under 5 s); {} export classes, {published} groups published, {withheld} withheld",
            median.as_secs_f64() * 1000.0,
            summary.classes,
        );
    }
}
