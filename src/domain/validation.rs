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

/// Why text holding U+0000 is refused (PostgreSQL's `text` cannot hold it).
pub const NO_NUL: &str = "must not contain a NUL character (U+0000)";

/// Why a name, a title or another one-line text holding a control character is refused: a line
/// break, a tab, NUL or any other has no place in what is shown as one line, in pages, e-mail
/// headers and CSV files.
pub const NO_CONTROL: &str = "no line breaks or control characters";

/// Whether `text` holds a control character (see [`NO_CONTROL`]).
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// An accumulator of issues.
#[derive(Debug, Default)]
pub struct Issues(Vec<FieldIssue>);

impl Issues {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldIssue::new(path, message));
    }

    /// Trimmed, non-empty text of at most `max` characters on one line, without control
    /// characters; records an issue otherwise.
    pub fn text(&mut self, path: &str, raw: &str, max: usize) -> String {
        let text = raw.trim();
        if text.is_empty() {
            self.add(path, "is required");
        } else if text.chars().count() > max {
            self.add(path, format!("must be at most {max} characters"));
        } else if has_control(text) {
            self.add(path, NO_CONTROL);
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
