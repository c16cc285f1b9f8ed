//! The messages themselves: minijinja templates in `templates/mail/` (plain text and an HTML
//! alternative per kind), and the lettre message built around them, which encodes the headers
//! (Welsh names included) and the parts.

use crate::domain::language::Language;
use crate::domain::mail::MessageKind;
use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use minijinja::{Environment, context};
use std::sync::OnceLock;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "_layout.html",
        include_str!("../../templates/mail/_layout.html"),
    ),
    (
        "invitation.txt",
        include_str!("../../templates/mail/invitation.txt"),
    ),
    (
        "invitation.html",
        include_str!("../../templates/mail/invitation.html"),
    ),
    (
        "reminder.txt",
        include_str!("../../templates/mail/reminder.txt"),
    ),
    (
        "reminder.html",
        include_str!("../../templates/mail/reminder.html"),
    ),
    (
        "reissue.txt",
        include_str!("../../templates/mail/reissue.txt"),
    ),
    (
        "reissue.html",
        include_str!("../../templates/mail/reissue.html"),
    ),
    (
        "revoke.txt",
        include_str!("../../templates/mail/revoke.txt"),
    ),
    (
        "revoke.html",
        include_str!("../../templates/mail/revoke.html"),
    ),
    (
        "colleague.txt",
        include_str!("../../templates/mail/colleague.txt"),
    ),
    (
        "colleague.html",
        include_str!("../../templates/mail/colleague.html"),
    ),
    // The same messages in Welsh, for organisations whose language is `cy`.
    (
        "cy/_layout.html",
        include_str!("../../templates/mail/cy/_layout.html"),
    ),
    (
        "cy/invitation.txt",
        include_str!("../../templates/mail/cy/invitation.txt"),
    ),
    (
        "cy/invitation.html",
        include_str!("../../templates/mail/cy/invitation.html"),
    ),
    (
        "cy/reminder.txt",
        include_str!("../../templates/mail/cy/reminder.txt"),
    ),
    (
        "cy/reminder.html",
        include_str!("../../templates/mail/cy/reminder.html"),
    ),
    (
        "cy/reissue.txt",
        include_str!("../../templates/mail/cy/reissue.txt"),
    ),
    (
        "cy/reissue.html",
        include_str!("../../templates/mail/cy/reissue.html"),
    ),
    (
        "cy/revoke.txt",
        include_str!("../../templates/mail/cy/revoke.txt"),
    ),
    (
        "cy/revoke.html",
        include_str!("../../templates/mail/cy/revoke.html"),
    ),
    (
        "cy/colleague.txt",
        include_str!("../../templates/mail/cy/colleague.txt"),
    ),
    (
        "cy/colleague.html",
        include_str!("../../templates/mail/cy/colleague.html"),
    ),
];

fn environment() -> Result<&'static Environment<'static>, minijinja::Error> {
    static ENV: OnceLock<Result<Environment<'static>, minijinja::Error>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
}

/// Checks at start-up that every template parses.
pub fn check_templates() -> Result<(), minijinja::Error> {
    environment().map(|_| ())
}

/// What a message is about.
pub struct Facts<'a> {
    pub kind: MessageKind,
    pub organisation_name: &'a str,
    pub round_name: &'a str,
    pub closes_at: DateTime<Utc>,
    pub recipient_name: Option<&'a str>,
    /// The respondent link, for the kinds that carry one.
    pub link: Option<&'a str>,
    /// Whom to ask for help: the sender's address.
    pub help: &'a str,
    /// A reminder to an organisation that has saved a draft.
    pub draft: bool,
    /// The organisation's language (English when it has not chosen one).
    pub language: Language,
    /// A colleague's message: the titles of the sections handed to them, in that language.
    pub sections: &'a [String],
}

/// A rendered message.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn subject(facts: &Facts<'_>) -> String {
    let (round, org) = (facts.round_name, facts.organisation_name);
    if facts.language == Language::Cy {
        return match facts.kind {
            MessageKind::Invitation => format!("{round}: eich gwahoddiad ({org})"),
            MessageKind::Reminder => format!(
                "Nodyn atgoffa: mae {round} yn cau ar {} ({org})",
                deadline(facts.closes_at, facts.language)
            ),
            MessageKind::Reissue => format!("{round}: dolen newydd i {org}"),
            MessageKind::Revoke => format!("{round}: nid yw'r ddolen i {org} yn gweithio mwyach"),
            MessageKind::Colleague => {
                format!("{round}: gofynnwyd i chi ateb adrannau ar ran {org}")
            }
        };
    }
    match facts.kind {
        MessageKind::Invitation => format!("{round}: your invitation ({org})"),
        MessageKind::Reminder => format!(
            "Reminder: {round} closes on {} ({org})",
            deadline(facts.closes_at, facts.language)
        ),
        MessageKind::Reissue => format!("{round}: a new link for {org}"),
        MessageKind::Revoke => format!("{round}: the link for {org} no longer works"),
        MessageKind::Colleague => format!("{round}: you are asked to answer sections for {org}"),
    }
}

/// "Friday 15 January 2027", "Dydd Gwener 15 Ionawr 2027".
fn deadline(at: DateTime<Utc>, language: Language) -> String {
    language.weekday_date(at.date_naive())
}

pub fn render(facts: &Facts<'_>) -> Result<Rendered, minijinja::Error> {
    let env = environment()?;
    let subject = subject(facts);
    let ctx = context! {
        subject => &subject,
        organisation_name => facts.organisation_name,
        round_name => facts.round_name,
        deadline => deadline(facts.closes_at, facts.language),
        recipient_name => facts.recipient_name,
        link => facts.link,
        help => facts.help,
        draft => facts.draft,
        sections => facts.sections.to_vec(),
    };
    let name = match facts.language {
        Language::En => facts.kind.as_str().to_owned(),
        Language::Cy => format!("cy/{}", facts.kind.as_str()),
    };
    let text = env.get_template(&format!("{name}.txt"))?.render(&ctx)?;
    let html = env.get_template(&format!("{name}.html"))?.render(&ctx)?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// The message as it goes out: `From`, `To` (with the contact's name), `Subject`, and a
/// `multipart/alternative` of the text and HTML.
pub fn build(
    from: &Mailbox,
    to_address: &str,
    to_name: Option<&str>,
    rendered: Rendered,
    message_id: &str,
) -> Result<Message, String> {
    let address = to_address
        .parse()
        .map_err(|e| format!("the recipient {to_address:?} is not an address: {e}"))?;
    let to = Mailbox::new(to_name.map(str::to_owned), address);
    Message::builder()
        .from(from.clone())
        .reply_to(from.clone())
        .to(to)
        .subject(rendered.subject)
        .message_id(Some(message_id.to_owned()))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(rendered.text),
                )
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(rendered.html),
                ),
        )
        .map_err(|e| format!("the message could not be built: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: MessageKind) -> Facts<'static> {
        Facts {
            kind,
            organisation_name: "Bwrdd Iechyd Prifysgol Hywel Dda <& Co>",
            round_name: "Social media maturity 2026",
            closes_at: DateTime::parse_from_rfc3339("2027-01-15T17:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            recipient_name: Some("Siân Llŷr"),
            link: Some("https://s.example/respond/abc"),
            help: "Soundings <help@s.example>",
            draft: false,
            language: Language::En,
            sections: &[],
        }
    }

    #[test]
    fn every_kind_renders_both_parts_and_html_is_escaped() {
        for kind in MessageKind::ALL {
            let r = render(&facts(*kind)).unwrap();
            assert!(r.text.contains("Hywel Dda <& Co>"), "{}", r.text);
            assert!(r.html.contains("Hywel Dda &lt;&amp; Co&gt;"), "{}", r.html);
            assert_eq!(r.text.contains("/respond/abc"), kind.carries_link());
        }
        let sections = ["Staffing <& budget>".to_owned()];
        let r = render(&Facts {
            sections: &sections,
            ..facts(MessageKind::Colleague)
        })
        .unwrap();
        assert!(r.text.contains("- Staffing <& budget>"), "{}", r.text);
        assert!(
            r.html.contains("<li>Staffing &lt;&amp; budget&gt;</li>"),
            "{}",
            r.html
        );
        let r = render(&facts(MessageKind::Reminder)).unwrap();
        assert!(
            r.subject.contains("Friday 15 January 2027"),
            "{}",
            r.subject
        );
    }

    #[test]
    fn every_kind_renders_in_welsh_for_a_welsh_organisation() {
        for kind in MessageKind::ALL {
            let f = Facts {
                language: Language::Cy,
                ..facts(*kind)
            };
            let r = render(&f).unwrap();
            assert!(
                r.text.contains("Siân Llŷr") && r.text.contains("Annwyl"),
                "{}",
                r.text
            );
            assert!(r.html.contains("<html lang=\"cy\">"), "{}", r.html);
            assert!(!r.text.contains("Dear"), "{}", r.text);
            assert_eq!(r.text.contains("/respond/abc"), kind.carries_link());
        }
        let reminder = Facts {
            language: Language::Cy,
            ..facts(MessageKind::Reminder)
        };
        let subject = render(&reminder).unwrap().subject;
        assert!(subject.contains("Dydd Gwener 15 Ionawr 2027"), "{subject}");
    }

    #[test]
    fn welsh_names_are_encoded_in_the_headers() {
        let from: Mailbox = "Soundings <help@s.example>".parse().unwrap();
        let f = facts(MessageKind::Invitation);
        let message = build(
            &from,
            "sian@hd.example",
            f.recipient_name,
            render(&f).unwrap(),
            "<1@s.example>",
        )
        .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        let headers = raw.split("\r\n\r\n").next().unwrap();
        assert!(headers.is_ascii(), "{headers}");
        assert!(headers.contains("=?utf-8?"), "{headers}");
    }
}
