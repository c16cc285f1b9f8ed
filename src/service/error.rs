//! The one error an operation returns. Front ends map it once: the API to problem+json
//! (`api::problem`), the pages to an error page, the command line to a message.

use crate::domain::validation::FieldIssue;

/// Most problems one answer lists; [`ServiceError::invalid`] gives the total beside them.
pub const MAX_LISTED_ISSUES: usize = 100;
use crate::store::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// What the caller named does not exist (or may not be known to exist).
    #[error("{0}")]
    NotFound(String),
    /// The request is well formed but conflicts with what is stored (a state that does not
    /// allow it, a duplicate, a stale revision).
    #[error("{0}")]
    Conflict(String),
    /// The thing existed and is no longer available (an expired link).
    #[error("{0}")]
    Gone(String),
    /// The input failed validation: a sentence, and where (`issues`).
    #[error("{detail}")]
    Invalid {
        detail: String,
        issues: Vec<FieldIssue>,
    },
    /// The input cannot be read at all (not CSV, not a definition).
    #[error("{0}")]
    Malformed(String),
    /// The input is larger than the server will read (e.g. a definition whose aliases expand
    /// past the limit): a sentence naming the limit.
    #[error("{0}")]
    TooLarge(String),
    /// The caller may not do this, whoever they are.
    #[error("{0}")]
    Forbidden(String),
    /// The database did not answer (or the request ran out of time waiting): worth a retry.
    #[error("{0}")]
    Unavailable(String),
    /// The server has too much of this kind of work in hand to do it in time: worth a retry.
    /// A sentence for the caller.
    #[error("{0}")]
    Busy(String),
    /// A bug or a broken invariant; the cause is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound(detail.into())
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict(detail.into())
    }

    /// Input that failed validation, described as "The {what} has n problems; see `errors`."
    /// At most [`MAX_LISTED_ISSUES`] are listed, and the sentence then gives the total: a file of
    /// 20,000 empty rows has 120,000 problems, and an answer listing them all ran to megabytes.
    pub fn invalid(what: &str, mut issues: Vec<FieldIssue>) -> Self {
        let count = issues.len();
        let plural = if count == 1 { "" } else { "s" };
        let detail = if count > MAX_LISTED_ISSUES {
            issues.truncate(MAX_LISTED_ISSUES);
            format!(
                "The {what} has {count} problem{plural}; the first {MAX_LISTED_ISSUES} are listed."
            )
        } else {
            format!("The {what} has {count} problem{plural}; see `errors`.")
        };
        Self::Invalid { detail, issues }
    }

    /// Input that failed validation, with a sentence of the caller's.
    pub fn rejected(detail: impl Into<String>, issues: Vec<FieldIssue>) -> Self {
        Self::Invalid {
            detail: detail.into(),
            issues,
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl ServiceError {
    /// Whether the operation failed because the database did not answer (worth a retry), as
    /// opposed to a refusal or a bug.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// The store's failures, sorted once: unreachable, a duplicate, or a bug.
impl From<DbError> for ServiceError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Unavailable(cause) => {
                Self::Unavailable(format!("the database is unavailable: {cause}"))
            }
            DbError::Conflict(_) => {
                Self::Conflict("That would duplicate an existing record.".into())
            }
            DbError::Other(cause) => Self::Internal(cause.to_string()),
        }
    }
}
