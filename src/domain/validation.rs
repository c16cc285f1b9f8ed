//! Collecting every problem with an input, each named by where it is, so that people can fix them
//! all in one go rather than one per attempt.

/// One problem with one field of an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    /// Where the field is, e.g. `code` or `sections[2].questions[4].options`.
    pub path: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// An accumulator of issues.
#[derive(Debug, Default)]
pub struct Issues(Vec<FieldIssue>);

impl Issues {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldIssue::new(path, message));
    }

    /// Trimmed, non-empty text of at most `max` characters; records an issue otherwise.
    pub fn text(&mut self, path: &str, raw: &str, max: usize) -> String {
        let text = raw.trim();
        if text.is_empty() {
            self.add(path, "is required");
        } else if text.chars().count() > max {
            self.add(path, format!("must be at most {max} characters"));
        }
        text.to_owned()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` if nothing was recorded, else every issue.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldIssue>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    pub fn into_vec(self) -> Vec<FieldIssue> {
        self.0
    }
}
