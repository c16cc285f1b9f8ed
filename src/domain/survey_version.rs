//! A survey version's life cycle: a draft can be replaced and published; a published version
//! never changes, so every round fielded on it is scored on one definition.

use super::state::{TransitionError, status_enum};

status_enum! {
    /// The stored state of a survey version.
    VersionStatus("survey version") {
        /// Can be replaced by uploading the same version again.
        Draft => "draft",
        /// Immutable; rounds can use it.
        Published => "published",
        /// Immutable and no longer offered for new rounds.
        Retired => "retired",
    }
}

impl VersionStatus {
    /// Draft to published.
    pub fn publish(self) -> Result<VersionStatus, TransitionError> {
        match self {
            VersionStatus::Draft => Ok(VersionStatus::Published),
            VersionStatus::Published | VersionStatus::Retired => Err(TransitionError::new(
                self.as_str(),
                "only a draft can be published",
            )),
        }
    }

    /// Whether uploading the version again may replace its definition.
    pub fn replaceable(self) -> Result<(), TransitionError> {
        match self {
            VersionStatus::Draft => Ok(()),
            VersionStatus::Published | VersionStatus::Retired => Err(TransitionError::new(
                self.as_str(),
                "it cannot change; upload it as a new version",
            )),
        }
    }

    /// Whether rounds can be fielded on the version.
    pub fn fieldable(self) -> Result<(), TransitionError> {
        match self {
            VersionStatus::Published => Ok(()),
            VersionStatus::Draft | VersionStatus::Retired => {
                Err(TransitionError::new(self.as_str(), "publish it first"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VersionStatus::{self, Draft, Published, Retired};

    #[test]
    fn only_a_draft_can_be_published_or_replaced() {
        assert_eq!(Draft.publish(), Ok(Published));
        assert!(Draft.replaceable().is_ok());
        for from in [Published, Retired] {
            assert_eq!(from.publish().unwrap_err().from, from.as_str());
            assert!(from.replaceable().is_err());
        }
    }

    #[test]
    fn only_a_published_version_can_be_fielded() {
        assert!(Published.fieldable().is_ok());
        assert_eq!(
            Draft.fieldable().unwrap_err().about("Version 1"),
            "Version 1 is draft; publish it first."
        );
        assert!(Retired.fieldable().is_err());
    }

    #[test]
    fn every_status_round_trips_through_its_stored_string() {
        for status in VersionStatus::ALL {
            assert_eq!(VersionStatus::parse(status.as_str()), Ok(*status));
        }
        assert!(VersionStatus::parse("Published").is_err());
    }
}
