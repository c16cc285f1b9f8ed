//! Each fictional organisation's contact: the person its invitations and reminders go to. The
//! names are invented and the addresses are under `example.org`, a domain reserved for examples
//! (RFC 2606), so demo mail can never reach anyone even if it were sent through a real server.

use super::DemoOrganisation;
use crate::domain::secret::hash_secret;

const GIVEN: [&str; 16] = [
    "Alys", "Bethan", "Callum", "Dafydd", "Eleri", "Farah", "Gareth", "Hana", "Iwan", "Jasmin",
    "Kieran", "Lowri", "Mohammed", "Nia", "Owain", "Priya",
];
const FAMILY: [&str; 16] = [
    "Ashdown",
    "Brennan",
    "Carrow",
    "Delamere",
    "Ellery",
    "Fenwick",
    "Garside",
    "Hollins",
    "Ingram",
    "Jarvis",
    "Kettering",
    "Lowther",
    "Marwood",
    "Nettleton",
    "Orchard",
    "Penrose",
];
/// The role every demo contact holds, as the survey is addressed to communications leads.
pub const CONTACT_ROLE: &str = "Communications lead";

/// A demo organisation's contact: an address, a name and a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoContact {
    pub email: String,
    pub name: String,
    pub role: &'static str,
}

/// The contact of `org` for demo `seed`: the same on every run.
pub fn contact(seed: u64, org: &DemoOrganisation) -> DemoContact {
    let digest = hash_secret(&format!("soundings-demo:contact:{seed}:{}", org.code));
    let pick = |from: usize| usize::from_str_radix(&digest[from..from + 2], 16).unwrap_or(0) % 16;
    let (given, family) = (GIVEN[pick(0)], FAMILY[pick(2)]);
    DemoContact {
        email: format!(
            "{}.{}@{}.example.org",
            given.to_ascii_lowercase(),
            family.to_ascii_lowercase(),
            org.code.to_ascii_lowercase()
        ),
        name: format!("{given} {family}"),
        role: CONTACT_ROLE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::ContactInput;

    #[test]
    fn every_demo_contact_is_a_valid_address_under_the_reserved_example_domain() {
        let orgs = crate::demo::organisations(1, 300);
        let mut addresses = std::collections::HashSet::new();
        for org in &orgs {
            let c = contact(1, org);
            assert!(c.email.ends_with(".example.org"), "{}", c.email);
            ContactInput::parse(&c.email, Some(&c.name), Some(c.role))
                .unwrap_or_else(|e| panic!("{} is refused: {e:?}", c.email));
            assert_eq!(c, contact(1, org), "the same seed gives the same contact");
            assert!(
                addresses.insert(c.email),
                "two organisations share an address"
            );
        }
    }
}
