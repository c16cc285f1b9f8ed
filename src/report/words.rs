//! Words the disclosure rules write (`domain::peers`, `domain::disclosure`): peer-group labels
//! such as "kind acute" and the reasons a figure is withheld, said in the report's language.
//! The domain words them in English for every output; a Welsh report reads each form and says
//! it in Welsh. A form not known here stays as it is (data values such as "acute" always do).

use crate::catalogue::{self, plain};
use crate::domain::language::Language;

/// A peer group's label ("all organisations", "kind acute, region North West").
pub fn group_label(label: &str, lang: Language) -> String {
    if lang == Language::En {
        return label.to_owned();
    }
    if label == "all organisations" {
        return plain(lang, "words-all-organisations");
    }
    label
        .split(", ")
        .map(|part| {
            for (attribute, key) in [
                ("size band ", "words-size-band"),
                ("kind ", "words-kind"),
                ("region ", "words-region"),
                ("country ", "words-country"),
            ] {
                if let Some(value) = part.strip_prefix(attribute) {
                    return format!("{} {value}", plain(lang, key));
                }
            }
            part.to_owned()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a figure is withheld, or how a skipped group is described.
pub fn reason(text: &str, lang: Language) -> String {
    if lang == Language::En {
        return text.to_owned();
    }
    // "kind acute (fewer than 5 organisations)": a skipped group and why.
    if let Some((label, why)) = text.strip_suffix(')').and_then(|t| t.split_once(" (")) {
        return format!("{} ({})", group_label(label, lang), reason(why, lang));
    }
    let fixed = [
        ("no organisations in this group", "words-none-in-group"),
        ("no organisations", "words-no-organisations"),
        (
            "withheld by secondary suppression",
            "words-secondary-skipped",
        ),
        (
            "secondary suppression: withheld so that it cannot be worked out from other published figures",
            "words-secondary",
        ),
    ];
    if let Some((_, key)) = fixed.iter().find(|(en, _)| *en == text) {
        return plain(lang, key);
    }
    let count = |rest: &str, suffix: &str| rest.strip_suffix(suffix).map(str::to_owned);
    if let Some(k) = text
        .strip_prefix("primary suppression: fewer than ")
        .and_then(|rest| count(rest, " organisations responded in this group"))
    {
        return catalogue::text(lang, "words-primary", &[("k", k.into())]);
    }
    if let Some(k) = text
        .strip_prefix("fewer than ")
        .and_then(|rest| count(rest, " organisations"))
    {
        return catalogue::text(lang, "words-fewer-than", &[("k", k.into())]);
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::peers::Suppression;

    #[test]
    fn every_reason_the_disclosure_rules_give_reads_in_welsh() {
        for k in [1, 5] {
            let threshold = crate::domain::peers::Threshold(k);
            for why in [Suppression::Primary, Suppression::Secondary] {
                let english = why.reason(threshold);
                assert_ne!(reason(&english, Language::Cy), english, "{english}");
            }
        }
        assert_eq!(
            reason("kind acute (fewer than 5 organisations)", Language::Cy),
            "math acute (llai na 5 o sefydliadau)"
        );
        assert_eq!(
            group_label("all organisations", Language::Cy),
            "pob sefydliad"
        );
        assert_eq!(
            group_label("kind acute, size band large", Language::Cy),
            "math acute, band maint large"
        );
        assert_eq!(group_label("kind acute", Language::En), "kind acute");
    }
}
