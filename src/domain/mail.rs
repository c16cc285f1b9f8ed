//! The rules of e-mail to organisations, pure: what a contact's address may be, the kinds and
//! states of a message, how long to wait before trying a message again, and when a round's
//! reminder policy reminds.

use crate::domain::state::status_enum;
use crate::domain::validation::{FieldIssue, NO_CONTROL, has_control};
use chrono::{DateTime, Duration as Span, Utc};
use std::time::Duration;

status_enum! {
    /// What a message says.
    MessageKind("message kind") {
        /// The organisation's link to a round, the first time.
        Invitation => "invitation",
        /// The same link again, to an organisation that has not submitted.
        Reminder => "reminder",
        /// A new link that replaces one the operator revoked.
        Reissue => "reissue",
        /// That the organisation's link no longer works.
        Revoke => "revoke",
        /// A colleague's own link to the sections a lead handed them.
        Colleague => "colleague",
    }
}

status_enum! {
    /// Where a message is on its way out.
    DeliveryStatus("delivery status") {
        /// Waiting for a worker (again, after a temporary failure, from `next_attempt_at`).
        Queued => "queued",
        /// Claimed by a worker until its lease runs out.
        Sending => "sending",
        /// Accepted by the SMTP server (its reply is kept) or written to the outbox folder.
        Sent => "sent",
        /// Refused for good (a 5xx reply), or given up after too many attempts.
        Failed => "failed",
    }
}

impl MessageKind {
    /// Whether the message carries the organisation's respondent link.
    pub fn carries_link(self) -> bool {
        !matches!(self, MessageKind::Revoke)
    }
}

/// A contact as an operator gives it, parsed: an address lettre can send to, a name and a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactInput {
    pub email: String,
    pub name: Option<String>,
    pub role: Option<String>,
}

impl ContactInput {
    /// Parses a contact, naming every field that is wrong (`email`, `name`, `role`).
    pub fn parse(
        email: &str,
        name: Option<&str>,
        role: Option<&str>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let email = match parse_email(email) {
            Ok(email) => email,
            Err(message) => {
                issues.push(FieldIssue::new("email", message));
                String::new()
            }
        };
        let name = optional_text(name, "name", 200, &mut issues);
        let role = optional_text(role, "role", 100, &mut issues);
        if issues.is_empty() {
            Ok(ContactInput { email, name, role })
        } else {
            Err(issues)
        }
    }

    /// The form that makes one address unique per organisation, whatever its case.
    pub fn email_key(&self) -> String {
        self.email.to_lowercase()
    }
}

/// An e-mail address as lettre's [`lettre::Address`] reads it (`local@domain`), trimmed; no
/// display name, no angle brackets.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("an e-mail address is required".to_owned());
    }
    if trimmed.len() > 254 {
        return Err("an e-mail address has at most 254 characters".to_owned());
    }
    trimmed
        .parse::<lettre::Address>()
        .map(|a| a.to_string())
        .map_err(|_| format!("{trimmed:?} is not an e-mail address (expected name@example.org)"))
}

fn optional_text(
    raw: Option<&str>,
    path: &str,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    let text = raw.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        issues.push(FieldIssue::new(path, format!("at most {max} characters")));
    } else if has_control(text) {
        // A line break in a name would end up in a header.
        issues.push(FieldIssue::new(path, NO_CONTROL));
    }
    Some(text.to_owned())
}

/// The contacts an organisations CSV names in its optional columns `contact_email` (several
/// addresses separated by `;`) and `contact_name` (names in the same order, also by `;`), by
/// organisation code. A file without `contact_email` names none. Every bad address is reported
/// with its line (`line 4: contact_email`).
pub fn csv_contacts(
    text: &str,
    delimiter: u8,
) -> Result<Vec<(String, Vec<ContactInput>)>, Vec<FieldIssue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let Ok(header) = reader.headers().cloned() else {
        return Ok(Vec::new());
    };
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(code), Some(email)) = (column("code"), column("contact_email")) else {
        return Ok(Vec::new());
    };
    let name = column("contact_name");
    let mut found = Vec::new();
    let mut issues = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let line = record.position().map_or(index + 2, |p| p.line() as usize);
        let split = |i: Option<usize>| -> Vec<&str> {
            i.and_then(|i| record.get(i))
                .unwrap_or("")
                .split(';')
                .map(str::trim)
                .collect()
        };
        let names = split(name);
        let mut people = Vec::new();
        for (i, address) in split(Some(email)).into_iter().enumerate() {
            if address.is_empty() {
                continue;
            }
            let person_name = names.get(i).copied().filter(|n| !n.is_empty());
            match ContactInput::parse(address, person_name, None) {
                Ok(c) => people.push(c),
                Err(errs) => issues.extend(errs.into_iter().map(|e| {
                    let column = if e.path == "email" {
                        "contact_email"
                    } else {
                        "contact_name"
                    };
                    FieldIssue::new(format!("line {line}: {column}"), e.message)
                })),
            }
        }
        if !people.is_empty() {
            let code = record.get(code).unwrap_or("").trim().to_ascii_uppercase();
            found.push((code, people));
        }
    }
    if issues.is_empty() {
        Ok(found)
    } else {
        Err(issues)
    }
}

/// How long to wait after the `attempt`-th failed attempt (1 for the first): `base` doubled each
/// time, never more than `max`.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let doublings = attempt.saturating_sub(1).min(20);
    base.saturating_mul(1u32 << doublings).min(max)
}

/// Which organisations that have not submitted a reminder goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReminderAudience {
    /// Everyone invited who has not submitted.
    NotSubmitted,
    /// Only those who have not saved anything yet.
    NotStarted,
    /// Only those with a saved draft.
    Draft,
}

/// A round's reminder policy: every `every_days` days, at most `max_reminders` to one
/// organisation, none within `quiet_days_before_close` days of the round's closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReminderPolicy {
    pub every_days: u32,
    pub max_reminders: u32,
    pub quiet_days_before_close: u32,
}

impl ReminderPolicy {
    pub fn parse(
        every_days: i64,
        max_reminders: i64,
        quiet_days_before_close: i64,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let mut field = |path: &str, value: i64, min: i64, max: i64| -> u32 {
            if (min..=max).contains(&value) {
                u32::try_from(value).unwrap_or_default()
            } else {
                issues.push(FieldIssue::new(
                    path,
                    format!("must be between {min} and {max}"),
                ));
                0
            }
        };
        let policy = ReminderPolicy {
            every_days: field("every_days", every_days, 1, 365),
            max_reminders: field("max_reminders", max_reminders, 0, 50),
            quiet_days_before_close: field(
                "quiet_days_before_close",
                quiet_days_before_close,
                0,
                365,
            ),
        };
        if issues.is_empty() {
            Ok(policy)
        } else {
            Err(issues)
        }
    }

    /// Whether an organisation last contacted at `last_contact` (its invitation or its latest
    /// reminder) and reminded `reminded` times so far is due a reminder at `now`.
    pub fn due(
        &self,
        now: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        last_contact: DateTime<Utc>,
        reminded: u32,
    ) -> bool {
        reminded < self.max_reminders
            && now < closes_at - Span::days(i64::from(self.quiet_days_before_close))
            && now >= last_contact + Span::days(i64::from(self.every_days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_parsed_by_lettre_and_trimmed() {
        assert_eq!(
            parse_email("  comms@trust.example  ").unwrap(),
            "comms@trust.example"
        );
        for bad in [
            "",
            "no-at-sign",
            "a@",
            "@b.example",
            "Name <a@b.example>",
            "a b@c.example",
        ] {
            assert!(parse_email(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_contact_names_every_bad_field() {
        let issues =
            ContactInput::parse("nope", Some("Line\nbreak"), Some(&"x".repeat(101))).unwrap_err();
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["email", "name", "role"]);
        let ok = ContactInput::parse("A.Person@Trust.example", Some(" Siân Llŷr "), None).unwrap();
        assert_eq!(ok.name.as_deref(), Some("Siân Llŷr"));
        assert_eq!(ok.email_key(), "a.person@trust.example");
    }

    #[test]
    fn a_csv_names_several_contacts_per_organisation_and_bad_addresses_by_line() {
        let csv = "code,name,contact_email,contact_name\n\
                   rw6,A,a@rw6.example; b@rw6.example,Siân;Bob\n\
                   rx1,B,,\n";
        let found = csv_contacts(csv, b',').unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "RW6");
        assert_eq!(found[0].1[1].email, "b@rw6.example");
        assert_eq!(found[0].1[0].name.as_deref(), Some("Siân"));
        let bad = csv_contacts("code,contact_email\nrw6,nope\n", b',').unwrap_err();
        assert_eq!(bad[0].path, "line 2: contact_email");
        assert!(csv_contacts("code,name\nrw6,A\n", b',').unwrap().is_empty());
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(3600);
        assert_eq!(backoff(1, base, max), base);
        assert_eq!(backoff(2, base, max), base * 2);
        assert_eq!(backoff(4, base, max), base * 8);
        assert_eq!(backoff(40, base, max), max);
    }

    #[test]
    fn a_policy_reminds_every_n_days_at_most_m_times_and_never_just_before_closing() {
        let policy = ReminderPolicy::parse(7, 2, 1).unwrap();
        let t0 = DateTime::parse_from_rfc3339("2026-01-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let closes = t0 + Span::days(30);
        assert!(!policy.due(t0 + Span::days(6), closes, t0, 0));
        assert!(policy.due(t0 + Span::days(7), closes, t0, 0));
        assert!(!policy.due(t0 + Span::days(14), closes, t0 + Span::days(7), 2));
        assert!(!policy.due(closes - Span::hours(12), closes, t0, 0));
        assert!(ReminderPolicy::parse(0, 1, 0).is_err());
    }
}
