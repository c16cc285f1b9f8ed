//! A response's life cycle: in progress until submitted. A submitted response can be amended and
//! submitted again, and stays submitted while it is complete; two writers are kept apart by the
//! response's revision (optimistic concurrency), not by its status.

use super::state::status_enum;

status_enum! {
    /// The stored state of a response.
    ResponseStatus("response") {
        /// Saved at least once, not submitted.
        InProgress => "in_progress",
        /// Submitted and scored; it counts in the benchmarks.
        Submitted => "submitted",
    }
}

status_enum! {
    /// How far an invited organisation has got, as the operator's list and the respondent API
    /// show it: a response that was never saved has no row, hence no [`ResponseStatus`].
    Progress("progress") {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Submitted => "submitted",
    }
}

impl ResponseStatus {
    /// Submitting leads to `submitted` from either state: resubmitting an amended response
    /// re-scores it. Never refused on the status alone.
    pub fn submit(self) -> ResponseStatus {
        ResponseStatus::Submitted
    }
}

impl Progress {
    /// The progress of a response with this stored status, or of none.
    pub fn of(status: Option<ResponseStatus>) -> Progress {
        match status {
            None => Progress::NotStarted,
            Some(ResponseStatus::InProgress) => Progress::InProgress,
            Some(ResponseStatus::Submitted) => Progress::Submitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Progress, ResponseStatus};

    #[test]
    fn submitting_leads_to_submitted_from_every_state() {
        for status in ResponseStatus::ALL {
            assert_eq!(status.submit(), ResponseStatus::Submitted);
        }
    }

    #[test]
    fn progress_tells_a_response_never_saved_from_one_in_progress() {
        assert_eq!(Progress::of(None), Progress::NotStarted);
        assert_eq!(
            Progress::of(Some(ResponseStatus::InProgress)),
            Progress::InProgress
        );
        assert_eq!(
            Progress::of(Some(ResponseStatus::Submitted)),
            Progress::Submitted
        );
    }

    #[test]
    fn every_status_round_trips_through_its_stored_string() {
        for status in ResponseStatus::ALL {
            assert_eq!(ResponseStatus::parse(status.as_str()), Ok(*status));
        }
        for progress in Progress::ALL {
            assert_eq!(Progress::parse(progress.as_str()), Ok(*progress));
        }
        assert!(ResponseStatus::parse("not_started").is_err());
    }
}
