//! Sample reports with realistic figures, for the renderers' tests and benchmarks. They are
//! built by hand, not from a benchmark, and prove nothing about the figures themselves. The
//! organisations in them are fictional.

use super::build::reading_guide;
use super::model::{
    DimensionResult, Disclosed, Finding, Headline, LevelBand, Method, OrganisationInfo,
    PeerGroupInfo, PeerStats, Report, RoundInfo, SurveyInfo,
};
use super::summary::{SummaryCell, SummaryReport, SummaryRow};
use crate::domain::language::Language;

const SUPPRESSED: &str = "only 4 peers answered every question in this dimension, fewer than k = 5";

/// A (fictional) Welsh health board's report: seven dimensions, one with its peer figures suppressed,
/// a peer group reached by falling back from a narrower one, strengths and gaps.
pub fn sample() -> Report {
    Report {
        language: Language::En,
        organisation: OrganisationInfo {
            code: "7A2".to_owned(),
            name: "Bwrdd Iechyd Prifysgol Cwm Tawel — ŵ ŷ test".to_owned(),
            kind: "health_board".to_owned(),
            region: "West Wales".to_owned(),
            country: "Wales".to_owned(),
        },
        survey: SurveyInfo {
            slug: "engagement-maturity".to_owned(),
            title: "Public engagement maturity".to_owned(),
            version: 3,
            sha256: "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8".to_owned(),
        },
        round: RoundInfo {
            code: "2026-spring".to_owned(),
            name: "Spring 2026".to_owned(),
            opens_on: "5 January 2026".to_owned(),
            closes_on: "31 March 2026".to_owned(),
            previous_round: Some("Autumn 2025".to_owned()),
        },
        as_at: "31 March 2026".to_owned(),
        peer_group: PeerGroupInfo {
            label: "Health boards in Wales".to_owned(),
            n: 7,
            k: 5,
            fell_back_from: vec!["Health boards in West Wales (2)".to_owned()],
        },
        headline: Headline {
            overall_score: 57.9,
            level_number: 3,
            level_name: "Opening up".to_owned(),
            percentile: shown(64.3),
            quartile: shown(3),
            peer_median: shown(51.4),
            change_since_last: Some(6.2),
        },
        levels: [
            (1, "Absent", 0.0),
            (2, "Broadcasting", 20.0),
            (3, "Opening up", 40.0),
            (4, "Conversing", 60.0),
            (5, "Co-producing", 80.0),
        ]
        .into_iter()
        .map(|(number, name, min_score)| LevelBand {
            number,
            name: name.to_owned(),
            min_score,
        })
        .collect(),
        dimensions: vec![
            dimension("strategy", "Strategy and leadership", 66.7, peers(31.0, 44.2, 55.0, 68.3, 83.3), Some(8.4)),
            dimension("staffing", "Staffing and capacity", 41.2, peers(18.8, 35.0, 47.5, 58.1, 72.5), Some(-3.1)),
            dimension("objectives", "Objectives and measurement", 50.0, peers(12.5, 29.4, 41.7, 52.0, 66.7), Some(12.5)),
            dimension("engagement", "Engagement and conversation", 72.9, peers(35.4, 50.0, 58.3, 64.6, 77.1), Some(4.2)),
            {
                let mut d = dimension("patient-voice", "Patient voice and communities", 38.5, peers(0.0, 0.0, 0.0, 0.0, 0.0), Some(0.0));
                d.peers = withheld(SUPPRESSED);
                d.quartile = withheld(SUPPRESSED);
                d.percentile = withheld(SUPPRESSED);
                d
            },
            dimension("culture", "Staff and culture", 61.1, peers(27.8, 47.2, 55.6, 61.1, 80.6), Some(5.6)),
            dimension("governance", "Governance and risk", 75.0, peers(40.0, 55.0, 62.5, 70.0, 90.0), None),
        ],
        strengths: vec![
            finding("Strategy and leadership", "strategy.board_sponsor", "You have a named board sponsor for public engagement; 43% of peers do."),
            finding("Engagement and conversation", "engagement.feedback_loop", "You report back to participants on every consultation; only 2 of 7 peers do."),
            finding("Engagement and conversation", "engagement.welsh_language", "Your engagement materials are offered in Welsh and English by default, as in 57% of peers."),
            finding("Governance and risk", "governance.risk_register", "Engagement risks sit on your corporate risk register; most peers keep them in a directorate register."),
        ],
        gaps: vec![
            finding("Strategy and leadership", "strategy.approved", "71% of peers have a board-approved strategy; you do not."),
            finding("Staffing and capacity", "staffing.dedicated_team", "86% of peers have a dedicated engagement team of two or more people; you have one post, shared with communications."),
            finding("Patient voice and communities", "voice.community_partners", "Most peers fund community partners to reach seldom-heard groups; you do not yet."),
        ],
        method: Method {
            k: 5,
            disclosure_rule: super::build::disclosure_rule(5, Language::En),
            quantile_rule: "Linear interpolation between order statistics (type 7, the default of R and NumPy)".to_owned(),
            percentile_rule: "Share of peers scoring below, plus half of those scoring the same".to_owned(),
            scoring_rule: "Each dimension is the mean of its questions' scores scaled to 0–100; the overall score is the mean of the dimensions".to_owned(),
        },
        reading_guide: reading_guide(5, Some("Autumn 2025"), Language::En),
    }
}

/// The sample with an organisation name far longer than one line, to prove it wraps.
pub fn sample_long_name() -> Report {
    let mut report = sample();
    report.organisation.name = "Ymddiriedolaeth GIG Gwasanaethau Iechyd Cymunedol, Meddygol a \
        Deintyddol Prifysgol Gogledd-orllewin a Chanolbarth Cymru — The Northern and Mid Wales \
        University Community, Medical and Dental Health Services NHS Trust (ŵ ŷ)"
        .to_owned();
    report
}

/// A national summary of the sample's survey and round: all organisations, then five kinds,
/// one of them (specialist trusts) below the threshold and suppressed.
pub fn sample_summary() -> SummaryReport {
    let sample = sample();
    let columns = std::iter::once("Overall".to_owned())
        .chain(sample.dimensions.iter().map(|d| d.title.clone()))
        .collect();
    // Per group: n, the overall median, and how far each dimension's median sits from it.
    let groups: [(&str, Option<usize>, f64, [f64; 7]); 6] = [
        (
            "All organisations",
            Some(187),
            52.4,
            [4.1, -9.3, -6.0, 7.2, -3.5, 1.8, 6.9],
        ),
        (
            "Acute",
            Some(96),
            54.8,
            [6.3, -7.1, -2.4, 5.0, -8.2, 0.6, 9.4],
        ),
        (
            "Ambulance",
            Some(9),
            47.1,
            [-1.2, -12.6, 3.9, 1.1, -14.8, 4.5, 2.2],
        ),
        (
            "Community",
            Some(24),
            50.3,
            [2.0, -5.4, -9.7, 11.6, 4.8, 3.3, -1.0],
        ),
        (
            "Health board",
            Some(7),
            51.9,
            [7.7, -10.2, -4.4, 9.8, -0.9, 2.6, 8.1],
        ),
        (
            "Mental health",
            Some(47),
            49.6,
            [0.4, -8.8, -7.3, 6.1, 5.7, -2.0, 4.3],
        ),
    ];
    let mut rows: Vec<SummaryRow> = groups
        .iter()
        .map(|(label, n, overall, offsets)| SummaryRow {
            label: (*label).to_owned(),
            n: *n,
            cells: std::iter::once(*overall)
                .chain(offsets.iter().map(|d| overall + d))
                .enumerate()
                .map(|(i, median)| {
                    let spread = 9.0 + (i as f64) * 1.3;
                    Some(SummaryCell {
                        median,
                        q1: median - spread,
                        q3: median + spread * 0.9,
                        mean: median - 0.4,
                    })
                })
                .collect(),
            suppressed_reason: None,
        })
        .collect();
    rows.push(SummaryRow {
        label: "Specialist".to_owned(),
        n: None,
        cells: vec![None; 8],
        suppressed_reason: Some(
            "fewer than 5 organisations in this group (suppressed to protect their identity)"
                .to_owned(),
        ),
    });
    SummaryReport {
        language: Language::En,
        survey_title: sample.survey.title.clone(),
        survey_slug: sample.survey.slug.clone(),
        survey_version: sample.survey.version,
        sha256: sample.survey.sha256.clone(),
        round_code: sample.round.code.clone(),
        round_name: sample.round.name.clone(),
        as_at: sample.as_at.clone(),
        k: 5,
        invited: 212,
        submitted: 187,
        columns,
        rows,
    }
}

fn shown<T>(value: T) -> Disclosed<T> {
    Disclosed {
        value: Some(value),
        suppressed_reason: None,
    }
}

fn withheld<T>(reason: &str) -> Disclosed<T> {
    Disclosed {
        value: None,
        suppressed_reason: Some(reason.to_owned()),
    }
}

fn peers(min: f64, q1: f64, median: f64, q3: f64, max: f64) -> PeerStats {
    PeerStats {
        n: 7,
        q1,
        median,
        q3,
        mean: (min + q1 + median + q3 + max) / 5.0,
    }
}

fn dimension(
    key: &str,
    title: &str,
    score: f64,
    peers: PeerStats,
    change: Option<f64>,
) -> DimensionResult {
    let below = [peers.q1, peers.median, peers.q3]
        .iter()
        .filter(|v| **v < score)
        .count();
    let level = match score {
        s if s >= 80.0 => "Co-producing",
        s if s >= 60.0 => "Conversing",
        s if s >= 40.0 => "Opening up",
        s if s >= 20.0 => "Broadcasting",
        _ => "Absent",
    };
    DimensionResult {
        key: key.to_owned(),
        title: title.to_owned(),
        score,
        level_name: level.to_owned(),
        quartile: shown(match score {
            s if s < peers.q1 => 1,
            s if s < peers.median => 2,
            s if s < peers.q3 => 3,
            _ => 4,
        }),
        percentile: shown(below as f64 * 20.0),
        peers: shown(peers),
        change_since_last: change,
    }
}

fn finding(dimension: &str, question: &str, text: &str) -> Finding {
    Finding {
        dimension_title: dimension.to_owned(),
        question_key: question.to_owned(),
        text: text.to_owned(),
    }
}
