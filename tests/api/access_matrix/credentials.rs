//! What each kind of caller of the access matrix presents.

use super::Who;
use crate::helpers::TestApp;

/// What each caller presents: a bearer token, and what it puts where a route wants a secret.
pub(crate) struct Credentials {
    pub(super) revoked_key: String,
    pub(crate) own_link: String,
    pub(crate) other_link: String,
    pub(crate) share_link: String,
}

impl Credentials {
    pub(super) fn bearer<'a>(&'a self, app: &'a TestApp, who: Who) -> Option<&'a str> {
        match who {
            Who::Nobody => None,
            Who::BadKey => Some("snd_0000000000000000000000000000000000000000"),
            Who::RevokedKey => Some(&self.revoked_key),
            Who::Researcher => Some(&app.researcher_key),
            Who::Admin => Some(&app.admin_key),
            Who::OwnLink => Some(&self.own_link),
            Who::OtherLink => Some(&self.other_link),
            Who::ShareLink => Some(&self.share_link),
        }
    }

    /// Keys go in the path too: a key pasted into a link opens nothing. A bad "link" is a
    /// well-formed secret that was never handed out.
    pub(super) fn in_path<'a>(&'a self, app: &'a TestApp, who: Who) -> &'a str {
        match who {
            Who::Nobody => "",
            Who::BadKey => "0123456789abcdef0123456789abcdef01234567",
            other => self.bearer(app, other).unwrap_or_default(),
        }
    }
}
