//! A round's life cycle (draft, open, closed) and when it accepts responses.
//!
//! The transitions are decided here; the store applies one as a single conditional update
//! (`... WHERE status = <from>`), so two operators moving one round at once cannot both win.

use super::state::{TransitionError, status_enum};
use chrono::{DateTime, Utc};

status_enum! {
    /// Where a round is in its life cycle.
    RoundStatus("round") {
        /// Being prepared: organisations can be invited, nobody can answer yet.
        Draft => "draft",
        /// Accepting responses while inside its window.
        Open => "open",
        /// No more saves or submissions; it can be reopened.
        Closed => "closed",
    }
}

/// What an operator can ask of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundAction {
    Open,
    Close,
    Reopen,
}

impl RoundAction {
    /// The verb, as the route and the audit action (`round.open`) spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundAction::Open => "open",
            RoundAction::Close => "close",
            RoundAction::Reopen => "reopen",
        }
    }
}

impl RoundStatus {
    /// The state `action` leads to from this one, for a round whose window ends at `closes_at`.
    pub fn apply(
        self,
        action: RoundAction,
        closes_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RoundStatus, TransitionError> {
        match action {
            RoundAction::Open => self.open(closes_at, now),
            RoundAction::Close => self.close(),
            RoundAction::Reopen => self.reopen(closes_at, now),
        }
    }

    /// Draft to open. A round whose window has already ended would open closed to everyone.
    pub fn open(
        self,
        closes_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RoundStatus, TransitionError> {
        match self {
            RoundStatus::Draft => window_still_open(self, closes_at, now),
            RoundStatus::Open => Err(self.refuse("it is already open")),
            RoundStatus::Closed => Err(self.refuse("reopen it instead")),
        }
    }

    /// Open to closed.
    pub fn close(self) -> Result<RoundStatus, TransitionError> {
        match self {
            RoundStatus::Open => Ok(RoundStatus::Closed),
            RoundStatus::Draft => Err(self.refuse("only an open round can be closed")),
            RoundStatus::Closed => Err(self.refuse("it is already closed")),
        }
    }

    /// Closed to open, if `closes_at` is still ahead (move it later first).
    pub fn reopen(
        self,
        closes_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RoundStatus, TransitionError> {
        match self {
            RoundStatus::Closed => window_still_open(self, closes_at, now),
            RoundStatus::Draft => {
                Err(self.refuse("open it instead; only a closed round can be reopened"))
            }
            RoundStatus::Open => Err(self.refuse("it is already open")),
        }
    }

    /// Whether organisations may still be invited: not once the round has closed.
    pub fn takes_invitations(self) -> Result<(), TransitionError> {
        match self {
            RoundStatus::Closed => Err(self.refuse("reopen it to invite more organisations")),
            RoundStatus::Draft | RoundStatus::Open => Ok(()),
        }
    }

    fn refuse(self, hint: impl Into<String>) -> TransitionError {
        TransitionError::new(self.as_str(), hint)
    }
}

fn window_still_open(
    from: RoundStatus,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<RoundStatus, TransitionError> {
    if closes_at <= now {
        return Err(from.refuse(format!(
            "its window closed at {closes_at}; move closes_at later (PATCH the round) before opening it"
        )));
    }
    Ok(RoundStatus::Open)
}

/// A round accepts saves and submissions while it is open and inside its window.
pub fn accepting_responses(
    status: RoundStatus,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status == RoundStatus::Open && now >= opens_at && now < closes_at
}

#[cfg(test)]
mod tests {
    use super::{RoundAction, RoundStatus, accepting_responses};
    use RoundStatus::{Closed, Draft, Open};
    use chrono::{Duration, Utc};

    #[test]
    fn only_an_open_round_inside_its_window_accepts_responses() {
        let now = Utc::now();
        let (opens, closes) = (now - Duration::days(1), now + Duration::days(1));
        assert!(accepting_responses(Open, opens, closes, now));
        assert!(!accepting_responses(Draft, opens, closes, now));
        assert!(!accepting_responses(Closed, opens, closes, now));
        assert!(
            !accepting_responses(Open, opens, closes, closes),
            "the window is half-open"
        );
        assert!(!accepting_responses(
            Open,
            now + Duration::hours(1),
            closes,
            now
        ));
    }

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_life_cycle_says() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        let allowed = [
            (Draft, RoundAction::Open, Open),
            (Open, RoundAction::Close, Closed),
            (Closed, RoundAction::Reopen, Open),
        ];
        for from in RoundStatus::ALL.iter().copied() {
            for action in [RoundAction::Open, RoundAction::Close, RoundAction::Reopen] {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                match (from.apply(action, later, now), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from} {}", action.as_str()),
                    (Err(err), None) => assert_eq!(err.from, from.as_str()),
                    (got, want) => panic!("{from} {}: got {got:?}, want {want:?}", action.as_str()),
                }
            }
        }
    }

    #[test]
    fn a_refusal_says_what_the_round_is_and_what_to_do_instead() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        let err = Closed.open(later, now).unwrap_err();
        assert_eq!(
            err.about("Round smm-2026"),
            "Round smm-2026 is closed; reopen it instead."
        );
        assert!(
            Draft
                .close()
                .unwrap_err()
                .hint
                .contains("only an open round")
        );
        assert!(
            Open.reopen(later, now)
                .unwrap_err()
                .hint
                .contains("already open")
        );
    }

    #[test]
    fn a_round_whose_window_has_ended_cannot_open_or_reopen() {
        let now = Utc::now();
        for from in [Draft, Closed] {
            let err = from
                .apply(
                    if from == Draft {
                        RoundAction::Open
                    } else {
                        RoundAction::Reopen
                    },
                    now,
                    now,
                )
                .unwrap_err();
            assert!(err.hint.contains("move closes_at later"), "{err}");
        }
    }

    #[test]
    fn a_closed_round_takes_no_invitations() {
        assert!(Draft.takes_invitations().is_ok());
        assert!(Open.takes_invitations().is_ok());
        assert!(
            Closed
                .takes_invitations()
                .unwrap_err()
                .hint
                .contains("reopen it")
        );
    }

    #[test]
    fn every_status_round_trips_through_its_stored_string() {
        for status in RoundStatus::ALL {
            assert_eq!(RoundStatus::parse(status.as_str()), Ok(*status));
        }
        assert!(RoundStatus::parse("archived").is_err());
    }
}
