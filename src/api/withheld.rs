//! The three fields every row with figures carries, to say whether they are withheld and why
//! (flattened into the row, so JSON and CSV keep `suppressed`, `suppression_reason` and
//! `suppression` as their own columns).

use crate::domain::peers::Disclosed;
use poem_openapi::Object;

#[derive(Object, Clone, Default)]
pub struct Withheld {
    pub suppressed: bool,
    #[oai(nullable)]
    pub suppression_reason: Option<String>,
    /// `primary` (fewer than k organisations responded in the group) or `secondary` (withheld
    /// so that it cannot be worked out from other published figures); null when published.
    #[oai(nullable)]
    pub suppression: Option<String>,
}

impl Withheld {
    /// The CSV columns, in order.
    pub const HEADER: [&'static str; 3] = ["suppressed", "suppression_reason", "suppression"];

    /// Whether `figure` is withheld, and why.
    pub fn of<T>(figure: &Disclosed<T>) -> Self {
        Withheld {
            suppressed: figure.suppressed,
            suppression_reason: figure.reason.clone(),
            suppression: figure.suppression.map(|s| s.as_str().to_owned()),
        }
    }

    /// The CSV cells, in [`Withheld::HEADER`]'s order.
    pub fn cells(&self) -> [String; 3] {
        [
            self.suppressed.to_string(),
            self.suppression_reason.clone().unwrap_or_default(),
            self.suppression.clone().unwrap_or_default(),
        ]
    }
}
