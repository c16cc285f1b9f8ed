//! The rows of researchers' tables: each row type declares its JSON fields and, beside them,
//! its CSV columns, so the two formats cannot drift apart.

use super::super::media_types::CsvRow;
use super::super::withheld::Withheld;
use crate::domain::benchmark::GroupDimension;
use crate::domain::peers::{Attribute, GroupKey};
use poem_openapi::Object;

/// The attributes that define a group, one column each (null when the grouping does not use it).
#[derive(Object, Clone, Default)]
pub struct GroupColumns {
    /// e.g. "kind acute, region London", or "all organisations".
    pub group: String,
    #[oai(nullable)]
    pub kind: Option<String>,
    #[oai(nullable)]
    pub region: Option<String>,
    #[oai(nullable)]
    pub country: Option<String>,
    #[oai(nullable)]
    pub size_band: Option<String>,
}

impl GroupColumns {
    pub(super) fn of(key: &GroupKey) -> Self {
        let get = |a: Attribute| key.0.iter().find(|(k, _)| *k == a).map(|(_, v)| v.clone());
        GroupColumns {
            group: key.label(),
            kind: get(Attribute::Kind),
            region: get(Attribute::Region),
            country: get(Attribute::Country),
            size_band: get(Attribute::SizeBand),
        }
    }

    pub(super) fn csv(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.group.clone(),
            o(&self.kind),
            o(&self.region),
            o(&self.country),
            o(&self.size_band),
        ]
    }
}

pub(super) const GROUP_HEADER: [&str; 5] = ["group", "kind", "region", "country", "size_band"];

pub(super) fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub(super) fn int(v: Option<u64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One row of a round's progress.
#[derive(Object)]
pub struct ProgressRow {
    #[oai(flatten)]
    pub group: GroupColumns,
    /// Organisations invited (withheld below k; who was invited is not secret, but a group of
    /// fewer than k is not shown at all).
    #[oai(nullable)]
    pub invited: Option<u64>,
    /// Organisations that saved at least once; this and `submitted` are shown only where the
    /// round's disclosure snapshot publishes the group's respondents.
    #[oai(nullable)]
    pub started: Option<u64>,
    #[oai(nullable)]
    pub submitted: Option<u64>,
    /// submitted / invited, 0 to 1.
    #[oai(nullable)]
    pub response_rate: Option<f64>,
    #[oai(flatten)]
    pub withheld: Withheld,
}

/// One group's statistics for one dimension (`overall` for the overall score).
#[derive(Object)]
pub struct StatisticsRow {
    #[oai(flatten)]
    pub group: GroupColumns,
    pub dimension: String,
    /// Submitted responses in the group.
    #[oai(nullable)]
    pub n: Option<u64>,
    #[oai(nullable)]
    pub mean: Option<f64>,
    /// Sample standard deviation (n - 1); null for n < 2.
    #[oai(nullable)]
    pub sd: Option<f64>,
    /// Quartiles by linear interpolation (Hyndman & Fan type 7; R's default, numpy, pandas).
    #[oai(nullable)]
    pub q1: Option<f64>,
    #[oai(nullable)]
    pub median: Option<f64>,
    #[oai(nullable)]
    pub q3: Option<f64>,
    #[oai(flatten)]
    pub withheld: Withheld,
}

/// How many organisations of a group chose one option of one question.
#[derive(Object)]
pub struct DistributionRow {
    #[oai(flatten)]
    pub group: GroupColumns,
    pub question: String,
    #[oai(nullable)]
    pub dimension: Option<String>,
    pub option: String,
    pub option_label: String,
    /// Organisations of the group that were asked the question and answered it.
    #[oai(nullable)]
    pub answered: Option<u64>,
    #[oai(nullable)]
    pub count: Option<u64>,
    /// count / answered.
    #[oai(nullable)]
    pub share: Option<f64>,
    /// Every organisation of the group that answered chose this option. Published (the README
    /// says why), and flagged: it tells each of them what all the others answered.
    pub unanimous: bool,
    #[oai(flatten)]
    pub withheld: Withheld,
}

/// One group's scores in one round, for trends across rounds.
#[derive(Object)]
pub struct TrendRow {
    pub round: String,
    pub round_name: String,
    pub opens_at: chrono::DateTime<chrono::Utc>,
    #[oai(flatten)]
    pub group: GroupColumns,
    pub dimension: String,
    #[oai(nullable)]
    pub n: Option<u64>,
    #[oai(nullable)]
    pub mean: Option<f64>,
    #[oai(nullable)]
    pub median: Option<f64>,
    #[oai(flatten)]
    pub withheld: Withheld,
}

impl CsvRow for ProgressRow {
    fn header() -> Vec<&'static str> {
        let mut h = GROUP_HEADER.to_vec();
        h.extend(["invited", "started", "submitted", "response_rate"]);
        h.extend(Withheld::HEADER);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = self.group.csv();
        row.extend([
            int(self.invited),
            int(self.started),
            int(self.submitted),
            num(self.response_rate),
        ]);
        row.extend(self.withheld.cells());
        row
    }
}

impl CsvRow for StatisticsRow {
    fn header() -> Vec<&'static str> {
        let mut h = GROUP_HEADER.to_vec();
        h.extend(["dimension", "n", "mean", "sd", "q1", "median", "q3"]);
        h.extend(Withheld::HEADER);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = self.group.csv();
        row.extend([
            self.dimension.clone(),
            int(self.n),
            num(self.mean),
            num(self.sd),
            num(self.q1),
            num(self.median),
            num(self.q3),
        ]);
        row.extend(self.withheld.cells());
        row
    }
}

impl CsvRow for DistributionRow {
    fn header() -> Vec<&'static str> {
        let mut h = GROUP_HEADER.to_vec();
        h.extend([
            "question",
            "dimension",
            "option",
            "option_label",
            "answered",
            "count",
            "share",
            "unanimous",
        ]);
        h.extend(Withheld::HEADER);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = self.group.csv();
        row.extend([
            self.question.clone(),
            self.dimension.clone().unwrap_or_default(),
            self.option.clone(),
            self.option_label.clone(),
            int(self.answered),
            int(self.count),
            num(self.share),
            self.unanimous.to_string(),
        ]);
        row.extend(self.withheld.cells());
        row
    }
}

impl CsvRow for TrendRow {
    fn header() -> Vec<&'static str> {
        let mut h = vec!["round", "round_name", "opens_at"];
        h.extend(GROUP_HEADER);
        h.extend(["dimension", "n", "mean", "median"]);
        h.extend(Withheld::HEADER);
        h
    }

    fn cells(&self) -> Vec<String> {
        let mut row = vec![
            self.round.clone(),
            self.round_name.clone(),
            self.opens_at.to_rfc3339(),
        ];
        row.extend(self.group.csv());
        row.extend([
            self.dimension.clone(),
            int(self.n),
            num(self.mean),
            num(self.median),
        ]);
        row.extend(self.withheld.cells());
        row
    }
}

/// A group's statistics for one dimension as the API shows them (JSON and CSV); the console's
/// CSV download shapes them through here too.
pub fn statistics_row(g: GroupDimension) -> StatisticsRow {
    let s = g.stats.value.as_ref();
    StatisticsRow {
        group: GroupColumns::of(&g.group),
        dimension: g.dimension,
        n: g.n.value.map(|n| n as u64),
        mean: s.map(|s| s.mean),
        sd: s.and_then(|s| s.sd),
        q1: s.map(|s| s.q1),
        median: s.map(|s| s.median),
        q3: s.map(|s| s.q3),
        withheld: Withheld::of(&g.stats),
    }
}

/// A group's progress as the API shows it (JSON and CSV).
pub fn progress_row(g: &crate::service::research::GroupProgress) -> ProgressRow {
    ProgressRow {
        group: GroupColumns::of(&g.group),
        invited: g.invited.value.map(|v| v as u64),
        started: g.responded.value.map(|r| r.started as u64),
        submitted: g.responded.value.map(|r| r.submitted as u64),
        response_rate: g.response_rate,
        withheld: Withheld::of(&g.responded),
    }
}
