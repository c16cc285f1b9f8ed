//! When a round accepts responses.

use chrono::{DateTime, Utc};

/// A round accepts saves and submissions while it is open and inside its window.
pub fn accepting_responses(
    status: &str,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status == "open" && now >= opens_at && now < closes_at
}

#[cfg(test)]
mod tests {
    use super::accepting_responses;
    use chrono::{Duration, Utc};

    #[test]
    fn only_an_open_round_inside_its_window_accepts_responses() {
        let now = Utc::now();
        let (opens, closes) = (now - Duration::days(1), now + Duration::days(1));
        assert!(accepting_responses("open", opens, closes, now));
        assert!(!accepting_responses("draft", opens, closes, now));
        assert!(!accepting_responses("closed", opens, closes, now));
        assert!(
            !accepting_responses("open", opens, closes, closes),
            "the window is half-open"
        );
        assert!(!accepting_responses(
            "open",
            now + Duration::hours(1),
            closes,
            now
        ));
    }
}
