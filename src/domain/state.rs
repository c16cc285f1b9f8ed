//! What the state machines (round, survey version, response, invitation, share) share: a
//! status enum that maps to the database's strings in one place, and the refusal of a transition.
//!
//! The strings are the values the schema's `CHECK (status IN (...))` constraints allow, and the
//! values the API shows; changing one here changes both, so they are spelt once.

use std::fmt;

/// Declares a status enum with `ALL`, `as_str`, `parse` and `Display`, from `Variant => "text"`;
/// `$what` names the thing in the error for a string the schema does not allow.
macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident($what:literal) { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every state, in the order of the life cycle.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The string stored in the database and shown by the API.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The state a stored string names.
            pub fn parse(text: &str) -> Result<Self, $crate::domain::state::UnknownStatus> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::state::UnknownStatus {
                        what: $what,
                        value: text.to_owned(),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use status_enum;

/// A transition the current state does not allow: the state it was asked of, and what to do
/// instead. It reads after the subject's name: [`TransitionError::about`] puts them together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionError {
    /// The state the subject is in, as stored (`closed`).
    pub from: &'static str,
    /// Why not, and what would work (`reopen it instead`).
    pub hint: String,
}

impl TransitionError {
    pub fn new(from: &'static str, hint: impl Into<String>) -> Self {
        Self {
            from,
            hint: hint.into(),
        }
    }

    /// The refusal as a sentence about `subject`, e.g. "Round smm-2026 is closed; reopen it instead."
    pub fn about(&self, subject: &str) -> String {
        format!("{subject} is {}; {}.", self.from, self.hint)
    }
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "is {}; {}", self.from, self.hint)
    }
}

impl std::error::Error for TransitionError {}

/// A stored status the schema does not allow: the database was changed behind the application.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("stored {what} status {value:?} is not one the application knows")]
pub struct UnknownStatus {
    pub what: &'static str,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::TransitionError;

    #[test]
    fn a_refusal_names_its_subject_and_its_state() {
        let err = TransitionError::new("closed", "reopen it instead");
        assert_eq!(
            err.about("Round smm-2026"),
            "Round smm-2026 is closed; reopen it instead."
        );
        assert_eq!(err.to_string(), "is closed; reopen it instead");
    }
}
