//! The operator's view of delegation in a round (issue 21): per organisation, how many people
//! answer (the lead and their colleagues) and which sections wait on whom. Per-organisation rows
//! are for admins only, like the invitation list they sit beside.

use crate::service::rounds;
use crate::service::{ServiceResult, Services};
use crate::store::{delegates, invitations, organisations};
use std::collections::HashMap;

/// One organisation with colleagues on its active invitation.
pub struct OrganisationDelegation {
    pub organisation: String,
    pub organisation_name: String,
    /// The lead and each colleague with an unrevoked link.
    pub people: usize,
    /// (section key, delegate id, delegate name, marked ready) per delegated section.
    pub sections: Vec<(String, i32, String, bool)>,
}

/// The organisations of the round whose active invitation has colleagues, in code order.
pub async fn of_round(
    services: &Services,
    round_code: &str,
) -> ServiceResult<Vec<OrganisationDelegation>> {
    let round = rounds::find(services, round_code).await?;
    let active = invitations::active(&services.db, round.id).await?;
    let org_of: HashMap<i32, i32> = active.iter().map(|i| (i.id, i.organisation_id)).collect();
    let ids: Vec<i32> = active.iter().map(|i| i.id).collect();
    let mut by_org: HashMap<i32, OrganisationDelegation> = HashMap::new();
    for d in delegates::of_invitations(&services.db, &ids).await? {
        let Some(org) = org_of.get(&d.delegate.invitation_id).copied() else {
            continue;
        };
        let row = by_org.entry(org).or_insert_with(|| OrganisationDelegation {
            organisation: String::new(),
            organisation_name: String::new(),
            people: 1,
            sections: Vec::new(),
        });
        row.people += 1;
        row.sections.extend(d.sections.into_iter().map(|s| {
            (
                s.section_key,
                d.delegate.id,
                d.delegate.name.clone(),
                s.ready_at.is_some(),
            )
        }));
    }
    let mut out = Vec::with_capacity(by_org.len());
    for (org_id, mut row) in by_org {
        if let Some(org) = organisations::find_by_id(&services.db, org_id).await? {
            row.organisation = org.code;
            row.organisation_name = org.name;
            out.push(row);
        }
    }
    out.sort_by(|a, b| a.organisation.cmp(&b.organisation));
    Ok(out)
}
