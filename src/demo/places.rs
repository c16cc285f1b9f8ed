//! Invented place names for the demo organisations, built from a first and a second part in the
//! style of each nation. The parts were chosen so that they do not spell the places real trusts
//! and boards are named after; the few combinations that spell a real village are skipped too.

use super::draws::Draws;

/// The nation a place sounds as if it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    English,
    Welsh,
    Scottish,
    Irish,
}

const ENGLISH_FIRST: &[&str] = &[
    "Alder", "Bracken", "Bramble", "Briar", "Cinder", "Clover", "Elder", "Fern", "Flax", "Gorse",
    "Hazel", "Heron", "Holly", "Juniper", "Kestrel", "Lark", "Linden", "Mistle", "Nettle", "Osier",
    "Otter", "Pebble", "Plover", "Quill", "Raven", "Rowan", "Sedge", "Sorrel", "Tansy", "Teasel",
    "Thistle", "Vetch", "Woad", "Wren", "Yarrow",
];
const ENGLISH_SECOND: &[&str] = &[
    "moor", "ford", "bridge", "combe", "dale", "field", "hurst", "leigh", "mere", "stead",
    "thorpe", "well", "wick", "worth", "bury", "cliffe", "gate", "haven", "holme", "ley",
    "minster", "stow", "ton", "wood", "brook", "by", "cote", "den", "hythe", "marsh",
];
const WELSH_FIRST: &[&str] = &[
    "Aber", "Bryn", "Caer", "Cwm ", "Glyn", "Llan", "Maes", "Nant", "Pen", "Pont", "Rhos", "Tre",
    "Bro ",
];
const WELSH_SECOND: &[&str] = &[
    "tawel", "eithin", "hesg", "morfa", "celyn", "derwen", "onnen", "wern", "grug", "rhedyn",
    "banadl", "mwyar", "helyg", "meillion",
];
const SCOTTISH_FIRST: &[&str] = &[
    "Glen", "Strath", "Inver", "Kil", "Dun", "Auch", "Bal", "Kin", "Ard", "Craig", "Tor", "Blair",
];
const SCOTTISH_SECOND: &[&str] = &[
    "brae", "ellan", "lachan", "struan", "dallan", "corrie", "garrow", "meldie", "skeanie",
    "torran", "beathie", "ossian", "fairlie", "vannet",
];
const IRISH_FIRST: &[&str] = &[
    "Lough", "Bally", "Drum", "Carrick", "Knock", "Clon", "Tully", "Rath", "Killy", "Ard", "Dun",
    "Lis",
];
const IRISH_SECOND: &[&str] = &[
    "keel", "fern", "rea", "shane", "garvan", "dorn", "bawn", "lacken", "corran", "darragh",
    "moyle", "naheery", "owen",
];

/// Real villages and towns that the parts above happen to spell.
const REAL_PLACES: &[&str] = &[
    "Alderbury",
    "Alderley",
    "Brackenfield",
    "Fernhurst",
    "Hazelwood",
    "Hollywood",
    "Larkfield",
    "Otterton",
    "Sedgefield",
    "Sedgemoor",
    "Thistleton",
    "Wrenbury",
    "Penmorfa",
    "Trewern",
];

/// A place name in the given style, never one of [`REAL_PLACES`].
pub(super) fn place(draws: &mut Draws, style: Style) -> String {
    let (first, second) = match style {
        Style::English => (ENGLISH_FIRST, ENGLISH_SECOND),
        Style::Welsh => (WELSH_FIRST, WELSH_SECOND),
        Style::Scottish => (SCOTTISH_FIRST, SCOTTISH_SECOND),
        Style::Irish => (IRISH_FIRST, IRISH_SECOND),
    };
    loop {
        let name = join(
            first[draws.below(first.len())],
            second[draws.below(second.len())],
        );
        if !REAL_PLACES.contains(&name.as_str()) {
            return name;
        }
    }
}

/// "Aber" + "tawel" = "Abertawel"; "Cwm " + "tawel" = "Cwm Tawel".
fn join(first: &str, second: &str) -> String {
    if first.ends_with(' ') {
        let mut chars = second.chars();
        let initial: String = chars
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        format!("{first}{initial}{}", chars.as_str())
    } else {
        format!("{first}{second}")
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn a_first_part_ending_in_a_space_starts_a_second_word() {
        assert_eq!(join("Cwm ", "tawel"), "Cwm Tawel");
        assert_eq!(join("Aber", "tawel"), "Abertawel");
    }
}
