//! What SURVEY.md says about real organisations, in numbers the generator uses, and the few
//! answers that need more than the generic rule. Every entry is keyed by question key and only
//! applies when the definition's question has exactly the expected options, so any other
//! definition falls back to the generic rule.

/// Answer shares over the whole population in round 0, least mature first. From the study of 27
/// trusts: 8 had no social media strategy (30%); in 10 a single person was responsible (37%).
pub(super) const CALIBRATED: &[(&str, &[(&str, f64)])] = &[
    (
        "strategy_status",
        &[
            ("none", 0.30),
            ("in_development", 0.22),
            ("comms_team", 0.26),
            ("board", 0.22),
        ],
    ),
    (
        "staff_count",
        &[
            ("one", 0.37),
            ("two_three", 0.33),
            ("team", 0.20),
            ("distributed", 0.10),
        ],
    ),
];

/// The shares for a single-choice question, in the order the generator walks them, when the
/// question is calibrated and its option values are exactly those listed.
pub(super) fn calibrated_shares(
    key: &str,
    values: &[&str],
) -> Option<&'static [(&'static str, f64)]> {
    let (_, shares) = CALIBRATED.iter().find(|(k, _)| *k == key)?;
    let same = shares.len() == values.len() && shares.iter().all(|(v, _)| values.contains(v));
    same.then_some(*shares)
}

/// Questions whose noise partly follows an earlier question's (key, leader, weight of the
/// leader): an organisation with a board-approved strategy tends to have written objectives
/// and more people on social media, beyond what their shared maturity explains.
pub(super) const FOLLOWS: &[(&str, &str, f64)] = &[
    ("objectives_written", "strategy_status", 0.35),
    ("staff_count", "strategy_status", 0.2),
];

/// A numeric question whose range follows an earlier single-choice answer.
pub(super) struct Range {
    pub(super) key: &'static str,
    pub(super) after: &'static str,
    /// (answer to `after`, lowest, highest).
    pub(super) by_answer: &'static [(&'static str, f64, f64)],
}

/// Whole-time equivalents follow how many people share the work.
pub(super) const RANGES: &[Range] = &[Range {
    key: "staff_wte",
    after: "staff_count",
    by_answer: &[
        ("one", 0.1, 1.0),
        ("two_three", 0.4, 2.4),
        ("team", 1.5, 6.0),
        ("distributed", 2.0, 8.0),
    ],
}];

/// Bland fictional sentences for free-text questions by key, with how often an optional one is
/// answered; [`GENERIC_TEXT`] for any other key.
pub(super) const TEXTS: &[(&str, f64, &[&str])] = &[
    (
        "comments",
        0.45,
        &[
            "More time set aside for planning content.",
            "Training for the staff who run team accounts.",
            "Examples of what has worked in similar organisations.",
            "A small budget for video and design.",
            "Visible support from the executive team.",
            "Better tools for scheduling and analytics.",
            "Clearer guidance on replying to patient feedback.",
            "Shared templates for evaluating campaigns.",
        ],
    ),
    (
        "service_outcome_example",
        0.7,
        &[
            "Calls to the switchboard about parking fell after we posted a short guide.",
            "Flu vaccination bookings through our link rose during the winter campaign.",
            "Applications for healthcare assistant posts rose after a recruitment video.",
            "Fewer people came to the emergency department with minor ailments after a self-care series.",
            "Missed outpatient appointments fell after a run of reminder posts.",
        ],
    ),
    (
        "channels_other",
        0.8,
        &[
            "A local community forum.",
            "A podcast.",
            "A staff app with a news feed.",
            "A photo sharing site for events.",
        ],
    ),
];

pub(super) const GENERIC_TEXT: (f64, &[&str]) = (
    0.5,
    &[
        "Nothing further to add.",
        "We plan to review this next year.",
        "This is under discussion in the team.",
        "See our annual communications report.",
    ],
);
