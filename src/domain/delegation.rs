//! Several colleagues per organisation (issue 21), pure: who is writing (the lead, who holds
//! the organisation's invitation, or a delegate, who holds a link to some sections), what a
//! delegation request may say, and which sections a hand may touch.

use crate::domain::definition::Definition;
use crate::domain::mail::parse_email;
use crate::domain::validation::{FieldIssue, NO_CONTROL, has_control};
use std::collections::BTreeSet;

/// Who holds the link in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hand {
    /// The holder of the organisation's invitation: every section, and the only one who submits.
    Lead,
    /// A colleague the lead invited, by the delegate's id, with the sections they hold now.
    Delegate { id: i32, sections: BTreeSet<String> },
}

impl Hand {
    /// How the hand is named beside an answer or a section it saved (`lead`, `delegate:7`):
    /// an id, never an address, so the audit trail and exports name no one.
    pub fn label(&self) -> String {
        match self {
            Hand::Lead => LEAD.to_owned(),
            Hand::Delegate { id, .. } => format!("delegate:{id}"),
        }
    }

    pub fn is_lead(&self) -> bool {
        matches!(self, Hand::Lead)
    }

    /// The delegate's id (0 for the lead), as page keys tell hands apart.
    pub fn id(&self) -> i32 {
        match self {
            Hand::Lead => 0,
            Hand::Delegate { id, .. } => *id,
        }
    }

    /// Whether this hand may open and save the section.
    pub fn holds(&self, section: &str) -> bool {
        match self {
            Hand::Lead => true,
            Hand::Delegate { sections, .. } => sections.contains(section),
        }
    }
}

/// The label of the lead's saves.
pub const LEAD: &str = "lead";

/// The delegate's id in a `delegate:<id>` label.
pub fn delegate_id(label: &str) -> Option<i32> {
    label.strip_prefix("delegate:")?.parse().ok()
}

/// A lead's request to hand sections to a colleague, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegateInput {
    pub name: String,
    pub email: String,
    pub sections: BTreeSet<String>,
}

impl DelegateInput {
    /// Parses the request against the round's definition, naming every field that is wrong.
    pub fn parse(
        definition: &Definition,
        name: &str,
        email: &str,
        sections: &[String],
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let name = name.trim();
        if name.is_empty() {
            issues.push(FieldIssue::new("name", "a name is required"));
        } else if name.chars().count() > 200 {
            issues.push(FieldIssue::new("name", "at most 200 characters"));
        } else if has_control(name) {
            issues.push(FieldIssue::new("name", NO_CONTROL));
        }
        let email = parse_email(email).unwrap_or_else(|message| {
            issues.push(FieldIssue::new("email", message));
            String::new()
        });
        if sections.is_empty() {
            issues.push(FieldIssue::new("sections", "choose at least one section"));
        }
        for (i, key) in sections.iter().enumerate() {
            if definition.section(key).is_none() {
                issues.push(FieldIssue::new(
                    format!("sections[{i}]"),
                    "there is no such section in this survey",
                ));
            }
        }
        if issues.is_empty() {
            Ok(DelegateInput {
                name: name.to_owned(),
                email,
                sections: sections.iter().cloned().collect(),
            })
        } else {
            Err(issues)
        }
    }
}

/// The keys of the sections that hold these questions, in the definition's order.
pub fn sections_of<'a>(
    definition: &Definition,
    questions: impl IntoIterator<Item = &'a String>,
) -> BTreeSet<String> {
    let keys: BTreeSet<&str> = questions.into_iter().map(String::as_str).collect();
    definition
        .sections
        .iter()
        .filter(|s| s.questions.iter().any(|q| keys.contains(q.key.as_str())))
        .map(|s| s.key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delegate_holds_only_its_sections_and_the_lead_holds_all() {
        let hand = Hand::Delegate {
            id: 7,
            sections: ["staffing".to_owned()].into(),
        };
        assert!(hand.holds("staffing"));
        assert!(!hand.holds("objectives"));
        assert!(Hand::Lead.holds("objectives"));
        assert_eq!(hand.label(), "delegate:7");
        assert_eq!(delegate_id(&hand.label()), Some(7));
        assert_eq!(delegate_id(LEAD), None);
    }
}
