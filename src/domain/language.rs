//! The languages Soundings speaks: English and Welsh. Which one a request wants (`?lang=`, a
//! stored preference, `Accept-Language`), and the few things that differ by language without
//! needing the message catalogue: the `lang` attribute and dates.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A language a page, a report or an e-mail can be in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Cy,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Cy];

    /// Parses a language code: `en`, `cy`, and regional forms such as `en-GB` or `cy-GB`
    /// (case-insensitive). Anything else is `None`.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "cy" => Some(Self::Cy),
            _ => None,
        }
    }

    /// The code stored and used in URLs: `en` or `cy`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Cy => "cy",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Cy => "Cymraeg",
        }
    }

    /// The other language, which a switch offers.
    pub fn other(self) -> Self {
        match self {
            Self::En => Self::Cy,
            Self::Cy => Self::En,
        }
    }

    /// The best of our languages for an `Accept-Language` header: the one with the highest
    /// quality (the first listed wins a tie); `None` if it names neither.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(Self, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(language) = parts.next().and_then(Self::parse) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((language, quality));
            }
        }
        best.map(|(language, _)| language)
    }

    /// Which language to use: an explicit choice first (`?lang=`), then the stored preference,
    /// then the browser's `Accept-Language`, then English.
    pub fn choose(
        explicit: Option<&str>,
        stored: Option<&str>,
        accept_language: Option<&str>,
    ) -> Self {
        explicit
            .and_then(Self::parse)
            .or_else(|| stored.and_then(Self::parse))
            .or_else(|| accept_language.and_then(Self::from_accept_language))
            .unwrap_or_default()
    }

    /// A date in words: "5 December 2026", "5 Rhagfyr 2026".
    pub fn date(self, date: NaiveDate) -> String {
        let month = (date.month0()) as usize;
        let name = match self {
            Self::En => EN_MONTHS[month],
            Self::Cy => CY_MONTHS[month],
        };
        format!("{} {name} {}", date.day(), date.year())
    }

    /// A date with its weekday: "Friday 15 January 2027", "Dydd Gwener 15 Ionawr 2027".
    pub fn weekday_date(self, date: NaiveDate) -> String {
        let day = date.weekday().num_days_from_monday() as usize;
        let name = match self {
            Self::En => EN_DAYS[day],
            Self::Cy => CY_DAYS[day],
        };
        format!("{name} {}", self.date(date))
    }

    /// A moment in words, in UTC: "5 December 2026 at 17:00 UTC", "5 Rhagfyr 2026 am 17:00 UTC".
    pub fn date_time(self, at: DateTime<Utc>) -> String {
        let at_word = match self {
            Self::En => "at",
            Self::Cy => "am",
        };
        format!(
            "{} {at_word} {} UTC",
            self.date(at.date_naive()),
            at.format("%H:%M")
        )
    }

    /// A number with a decimal point and thousands separators as the language writes them
    /// (English and Welsh both write 1,234.5).
    pub fn number(self, value: f64, decimals: usize) -> String {
        let text = format!("{:.*}", decimals, value.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "−"
        } else {
            ""
        };
        if fraction.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}.{fraction}")
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const CY_DAYS: [&str; 7] = [
    "Dydd Llun",
    "Dydd Mawrth",
    "Dydd Mercher",
    "Dydd Iau",
    "Dydd Gwener",
    "Dydd Sadwrn",
    "Dydd Sul",
];
const CY_MONTHS: [&str; 12] = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_with_regions_and_any_case() {
        assert_eq!(Language::parse("cy"), Some(Language::Cy));
        assert_eq!(Language::parse("CY-gb"), Some(Language::Cy));
        assert_eq!(Language::parse("en_GB"), Some(Language::En));
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(Language::parse(""), None);
    }

    #[test]
    fn accept_language_picks_the_highest_quality_of_ours() {
        assert_eq!(
            Language::from_accept_language("fr;q=1, cy;q=0.8, en;q=0.5"),
            Some(Language::Cy)
        );
        assert_eq!(
            Language::from_accept_language("en-GB,en;q=0.9,cy;q=0.8"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("cy;q=0, de"), None);
        assert_eq!(Language::from_accept_language("cy-GB"), Some(Language::Cy));
    }

    #[test]
    fn an_explicit_choice_beats_the_stored_one_which_beats_the_browser() {
        assert_eq!(
            Language::choose(Some("cy"), Some("en"), Some("en")),
            Language::Cy
        );
        assert_eq!(
            Language::choose(Some("xx"), Some("cy"), Some("en")),
            Language::Cy
        );
        assert_eq!(Language::choose(None, None, Some("cy")), Language::Cy);
        assert_eq!(Language::choose(None, None, None), Language::En);
    }

    #[test]
    fn dates_take_the_language_month_names() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(Language::En.date(d), "5 December 2026");
        assert_eq!(Language::Cy.date(d), "5 Rhagfyr 2026");
        let t = d.and_hms_opt(17, 0, 0).unwrap().and_utc();
        assert_eq!(Language::Cy.date_time(t), "5 Rhagfyr 2026 am 17:00 UTC");
        let friday = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(Language::En.weekday_date(friday), "Friday 15 January 2027");
        assert_eq!(
            Language::Cy.weekday_date(friday),
            "Dydd Gwener 15 Ionawr 2027"
        );
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(Language::Cy.number(1234.5, 1), "1,234.5");
        assert_eq!(Language::En.number(-12.0, 0), "−12");
        assert_eq!(Language::En.number(999.0, 0), "999");
    }
}
