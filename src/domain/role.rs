//! The roles an API key can carry.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// Operators: prepare surveys, rounds and invitations; read everything.
    Admin,
    /// Researchers: read aggregated and pseudonymised data.
    Researcher,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Researcher => "researcher",
        }
    }

    /// Whether a key of this role may call a route that requires `required`.
    /// Admins may do everything a researcher may.
    pub fn allows(self, required: Role) -> bool {
        self == Role::Admin || self == required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "researcher" => Ok(Role::Researcher),
            other => Err(format!(
                "unknown role `{other}` (expected admin or researcher)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn admins_may_do_what_researchers_may_but_not_the_reverse() {
        assert!(Role::Admin.allows(Role::Researcher));
        assert!(Role::Admin.allows(Role::Admin));
        assert!(Role::Researcher.allows(Role::Researcher));
        assert!(!Role::Researcher.allows(Role::Admin));
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in [Role::Admin, Role::Researcher] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
