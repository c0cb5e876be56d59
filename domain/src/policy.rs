//! Who may do what to whom (DESIGN §2), as one pure function.
//!
//! Every server function asks [`decide`] before it touches data. A refusal
//! says why ([`Refusal`]): outside the actor's scope, it is answered exactly
//! as "no such thing", so a request about another tenant cannot tell whether
//! its target exists; about someone the actor manages, the person hears the
//! rule they met. Facts that need the database under a lock (the last admin
//! of an organization, the last super admin) are enforced by the store, not
//! here.

use crate::Role;

/// A membership of the acting user, as the policy needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub organization_id: i64,
    pub role: Role,
    /// Active membership in an active organization: suspended and pending
    /// memberships, and memberships of a suspended organization, grant nothing.
    pub usable: bool,
}

/// The signed-in user making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub is_super_admin: bool,
    pub memberships: Vec<Membership>,
}

impl Actor {
    fn administers(&self, organization_id: i64) -> bool {
        self.memberships
            .iter()
            .any(|m| m.usable && m.organization_id == organization_id && m.role == Role::Admin)
    }

    fn belongs_to(&self, organization_id: i64) -> bool {
        self.memberships.iter().any(|m| m.usable && m.organization_id == organization_id)
    }

    /// Super admins manage every organization, org admins their own.
    fn manages(&self, organization_id: i64) -> bool {
        self.is_super_admin || self.administers(organization_id)
    }
}

/// The person an action is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub user_id: i64,
    pub is_super_admin: bool,
    /// Every organization the person belongs to, in any state.
    pub organization_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See an organization's name and one's own place in it.
    ViewOrganization,
    /// List and search an organization's members.
    ListMembers,
    /// Act on an organization's members as their admin: the members page's
    /// row and bulk actions, and removals. Each change is then decided on
    /// its own.
    ManageMembers,
    Invite,
    ChangeRole,
    SetMembershipStatus,
    SendPasswordReset,
    /// A person's activity (on a member or an account), or the audit log
    /// (of an organization, or of everything).
    ViewActivity,
    /// End someone's sessions, one or all but the current.
    EndSessions,
    RemoveMember,
    /// Suspend or reactivate a whole account (blocks sign-in everywhere).
    SetAccountStatus,
    DeleteAccount,
    /// Delete an account together with what other records hold about the
    /// person (emails sent to them, where their actions came from).
    DeleteAccountData,
    /// List every user across organizations.
    ListAllUsers,
    /// Create, rename, suspend or reactivate organizations; list them all.
    ManageOrganizations,
    /// See the email outbox and retry failed emails.
    ManageOutbox,
    SetSuperAdmin,
    /// Register, change and remove the applications that sign people in
    /// with Roster (OpenID Connect clients).
    ManageApps,
    /// Register, change and remove webhook endpoints and read their
    /// deliveries: an organization's (its admins, and super admins), or the
    /// installation's, which hear every event (super admins).
    ManageWebhooks,
    /// Sign in to an application as a member of an organization: the
    /// organization its tokens name.
    SignInToApp,
    /// Create, list and revoke keys of the management API: an
    /// organization's keys, or (on [`Target::Everything`]) the installation's.
    ManageApiKeys,
    /// Create and revoke an organization's SCIM tokens, and read its
    /// provisioning settings and requests.
    ManageScim,
    /// Remove every second factor of someone locked out of theirs: an org
    /// admin for their members (never a super admin), a super admin for
    /// anyone; nobody for themselves (they manage their own factors).
    ResetTwoFactor,
    /// Whom an organization requires to use a second factor, or (on
    /// [`Target::Everything`]) whether super admins must.
    SetTwoFactorPolicy,
}

impl Action {
    pub const ALL: [Action; 24] = [
        Action::ViewOrganization,
        Action::ListMembers,
        Action::ManageMembers,
        Action::Invite,
        Action::ChangeRole,
        Action::SetMembershipStatus,
        Action::SendPasswordReset,
        Action::ViewActivity,
        Action::EndSessions,
        Action::RemoveMember,
        Action::SetAccountStatus,
        Action::DeleteAccount,
        Action::DeleteAccountData,
        Action::ListAllUsers,
        Action::ManageOrganizations,
        Action::ManageOutbox,
        Action::SetSuperAdmin,
        Action::ManageApps,
        Action::ManageWebhooks,
        Action::SignInToApp,
        Action::ManageApiKeys,
        Action::ManageScim,
        Action::ResetTwoFactor,
        Action::SetTwoFactorPolicy,
    ];
}

/// What an action is applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Roster as a whole (listing organizations or all users).
    Everything,
    Organization(i64),
    /// A person in the context of one organization.
    Member {
        organization_id: i64,
        subject: Subject,
    },
    /// A person's account, beyond any one organization.
    Account(Subject),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(Refusal),
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Self::Allow
    }
}

/// Why the policy refuses. Every reason but [`Refusal::OutOfScope`] is about
/// a target the actor manages, and its message (the `Display`) is what they
/// are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The target is none of the actor's business: answered as "not found".
    #[error("Not found.")]
    OutOfScope,
    /// Issue #6: nobody changes their own role, not even a super admin.
    #[error("Nobody changes their own role.")]
    OwnRole,
    /// Admins suspend and reactivate others, not themselves.
    #[error("You cannot do this to your own account.")]
    OwnAccount,
    #[error("You cannot remove yourself. Another admin can, or a super admin.")]
    RemovingSelf,
    #[error("You cannot delete your own account.")]
    DeletingSelf,
    /// An org admin's member is a super admin, whom only super admins touch.
    #[error("Only a super admin can do this to this person.")]
    SuperAdminMember,
    #[error("Only a super admin can delete a super admin's account.")]
    SuperAdminAccount,
    /// An org admin deletes only accounts that belong to their organization alone.
    #[error(
        "They belong to another organization too. Remove them from this one, or ask a super admin to delete the account."
    )]
    BelongsElsewhere,
    /// Deleting what other records hold about a person is for super admins.
    #[error("Only a super admin can delete a person's data.")]
    PersonalData,
}

/// Whether `actor` may perform `action` on `target`, and if not, why.
pub fn decide(actor: &Actor, action: Action, target: &Target) -> Decision {
    match check(actor, action, target) {
        Ok(()) => Decision::Allow,
        Err(refusal) => Decision::Deny(refusal),
    }
}

/// The rules, each one checked scope first: an actor outside it hears
/// nothing more specific than [`Refusal::OutOfScope`].
fn check(actor: &Actor, action: Action, target: &Target) -> Result<(), Refusal> {
    use Action::*;
    let is_self = |subject: &Subject| subject.user_id == actor.user_id;
    // A super admin may do it to anyone else (only they are exempt from the
    // rule that follows it, which then applies to them as well).
    let super_admin_unless_self = |subject: &Subject| actor.is_super_admin && !is_self(subject);
    // Whether the actor manages any organization the person belongs to.
    let manages_one_of = |subject: &Subject| subject.organization_ids.iter().any(|&org| actor.manages(org));
    match (action, target) {
        (ViewOrganization, Target::Organization(org)) => {
            in_scope(actor.is_super_admin || actor.belongs_to(*org))
        }
        (ListMembers | ManageMembers | Invite, Target::Organization(org)) => in_scope(actor.manages(*org)),
        (ChangeRole, Target::Member { organization_id, subject }) => {
            in_scope(actor.manages(*organization_id))?;
            refuse_if(is_self(subject), Refusal::OwnRole)
        }
        (SetMembershipStatus, Target::Member { organization_id, subject }) => {
            if actor.is_super_admin {
                return Ok(());
            }
            in_scope(actor.administers(*organization_id))?;
            refuse_if(is_self(subject), Refusal::OwnAccount)?;
            refuse_if(subject.is_super_admin, Refusal::SuperAdminMember)
        }
        (SendPasswordReset, Target::Member { organization_id, subject }) => {
            in_scope(actor.manages(*organization_id))?;
            refuse_if(!actor.is_super_admin && subject.is_super_admin, Refusal::SuperAdminMember)
        }
        (ViewActivity, Target::Member { organization_id, subject }) => {
            in_scope(is_self(subject) || actor.manages(*organization_id))
        }
        (ViewActivity | EndSessions, Target::Account(subject)) => {
            in_scope(actor.is_super_admin || is_self(subject))
        }
        (ViewActivity, Target::Organization(org)) => in_scope(actor.manages(*org)),
        (ViewActivity, Target::Everything) => in_scope(actor.is_super_admin),
        // Like a password reset, which also ends every session.
        (EndSessions, Target::Member { organization_id, subject }) => {
            if is_self(subject) {
                return Ok(());
            }
            in_scope(actor.manages(*organization_id))?;
            refuse_if(!actor.is_super_admin && subject.is_super_admin, Refusal::SuperAdminMember)
        }
        (RemoveMember, Target::Member { organization_id, subject }) => {
            in_scope(actor.manages(*organization_id))?;
            refuse_if(!actor.is_super_admin && is_self(subject), Refusal::RemovingSelf)
        }
        (SetAccountStatus | SetSuperAdmin, Target::Account(subject)) => {
            in_scope(actor.is_super_admin)?;
            refuse_if(is_self(subject), Refusal::OwnAccount)
        }
        (DeleteAccount, Target::Account(subject)) => {
            if super_admin_unless_self(subject) {
                return Ok(());
            }
            in_scope(manages_one_of(subject))?;
            refuse_if(is_self(subject), Refusal::DeletingSelf)?;
            refuse_if(subject.is_super_admin, Refusal::SuperAdminAccount)?;
            refuse_if(subject.organization_ids.len() != 1, Refusal::BelongsElsewhere)
        }
        (DeleteAccountData, Target::Account(subject)) => {
            if super_admin_unless_self(subject) {
                return Ok(());
            }
            in_scope(manages_one_of(subject))?;
            refuse_if(is_self(subject), Refusal::DeletingSelf)?;
            Err(Refusal::PersonalData)
        }
        (ListAllUsers | ManageOrganizations, Target::Everything | Target::Organization(_)) => {
            in_scope(actor.is_super_admin)
        }
        (ManageOutbox | ManageApps | ManageWebhooks, Target::Everything) => in_scope(actor.is_super_admin),
        (ManageWebhooks, Target::Organization(org)) => in_scope(actor.manages(*org)),
        // Only one's own, usable membership: a super admin is not a member
        // of every organization in the tokens an app receives.
        (SignInToApp, Target::Organization(org)) => in_scope(actor.belongs_to(*org)),
        (ManageApiKeys, Target::Organization(org)) => in_scope(actor.manages(*org)),
        (ManageApiKeys, Target::Everything) => in_scope(actor.is_super_admin),
        (ManageScim, Target::Organization(org)) => in_scope(actor.manages(*org)),
        (ResetTwoFactor, Target::Member { organization_id, subject }) => {
            in_scope(actor.manages(*organization_id))?;
            refuse_if(is_self(subject), Refusal::OwnAccount)?;
            refuse_if(!actor.is_super_admin && subject.is_super_admin, Refusal::SuperAdminMember)
        }
        (ResetTwoFactor, Target::Account(subject)) => {
            in_scope(actor.is_super_admin)?;
            refuse_if(is_self(subject), Refusal::OwnAccount)
        }
        (SetTwoFactorPolicy, Target::Organization(org)) => in_scope(actor.manages(*org)),
        (SetTwoFactorPolicy, Target::Everything) => in_scope(actor.is_super_admin),
        // Any other pairing is a programming error; deny it.
        _ => Err(Refusal::OutOfScope),
    }
}

/// What an API key was made for: the whole installation (by a super
/// admin), or one organization (by its admin, or a super admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyScope {
    Installation,
    Organization(i64),
}

impl KeyScope {
    /// The target whose [`Action::ManageApiKeys`] creating or revoking such a key needs.
    pub fn target(self) -> Target {
        match self {
            KeyScope::Installation => Target::Everything,
            KeyScope::Organization(org) => Target::Organization(org),
        }
    }
}

/// Whom an API key acts as, asked at every use: its creator as they are
/// now, narrowed to the key's scope: an organization key is an admin of
/// that organization and nothing more, also when a super admin made it; an
/// installation key is its super admin creator. `None` once the creator
/// no longer holds that scope (demoted, suspended, removed, their account
/// suspended): the key then grants nothing, so it never does more than
/// its creator could do now.
pub fn key_actor(creator: &Actor, creator_account_active: bool, scope: KeyScope) -> Option<Actor> {
    if !creator_account_active {
        return None;
    }
    match scope {
        KeyScope::Installation => creator.is_super_admin.then(|| creator.clone()),
        KeyScope::Organization(org) => creator.manages(org).then(|| Actor {
            user_id: creator.user_id,
            is_super_admin: false,
            memberships: vec![Membership { organization_id: org, role: Role::Admin, usable: true }],
        }),
    }
}

/// The user id of the actor a SCIM token acts as: nobody's, so that no rule
/// about "oneself" spares the token's creator (a directory deprovisions the
/// admin who connected it like anyone else).
pub const DIRECTORY_USER_ID: i64 = 0;

/// Whom a SCIM token acts as: the organization's directory, an admin of that
/// one organization and nothing more, whoever made the token and whatever
/// became of them (the token belongs to the organization, and revoking it
/// is how it is stopped). `None` while the organization is suspended.
pub fn directory_actor(organization_id: i64, organization_active: bool) -> Option<Actor> {
    organization_active.then(|| Actor {
        user_id: DIRECTORY_USER_ID,
        is_super_admin: false,
        memberships: vec![Membership { organization_id, role: Role::Admin, usable: true }],
    })
}

/// Whether an organization's directory may change a person's account
/// itself (its address and name), not only their membership: only when the
/// account belongs to that organization alone and is not a super admin's.
/// Another organization's member keeps the address they sign in with.
pub fn directory_owns(subject: &Subject, organization_id: i64) -> bool {
    !subject.is_super_admin && subject.organization_ids == [organization_id]
}

fn in_scope(allowed: bool) -> Result<(), Refusal> {
    refuse_if(!allowed, Refusal::OutOfScope)
}

fn refuse_if(refused: bool, refusal: Refusal) -> Result<(), Refusal> {
    if refused { Err(refusal) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG_A: i64 = 1;
    const ORG_B: i64 = 2;

    /// The people of the test world. Each one is both a possible actor and a
    /// possible subject.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Who {
        SuperAdmin,
        OtherSuperAdmin,
        AdminA,
        OtherAdminA,
        EditorA,
        ViewerA,
        AdminB,
        /// Admin of A whose membership is suspended.
        SuspendedAdminA,
        /// Admin of A, and viewer of B.
        AdminAViewerB,
        NoOrganization,
    }

    const EVERYONE: [Who; 10] = [
        Who::SuperAdmin,
        Who::OtherSuperAdmin,
        Who::AdminA,
        Who::OtherAdminA,
        Who::EditorA,
        Who::ViewerA,
        Who::AdminB,
        Who::SuspendedAdminA,
        Who::AdminAViewerB,
        Who::NoOrganization,
    ];

    fn id(who: Who) -> i64 {
        EVERYONE.iter().position(|w| *w == who).unwrap() as i64 + 100
    }

    fn memberships(who: Who) -> Vec<Membership> {
        let m = |organization_id, role, usable| Membership { organization_id, role, usable };
        match who {
            Who::SuperAdmin | Who::OtherSuperAdmin | Who::NoOrganization => vec![],
            Who::AdminA | Who::OtherAdminA => vec![m(ORG_A, Role::Admin, true)],
            Who::EditorA => vec![m(ORG_A, Role::Editor, true)],
            Who::ViewerA => vec![m(ORG_A, Role::Viewer, true)],
            Who::AdminB => vec![m(ORG_B, Role::Admin, true)],
            Who::SuspendedAdminA => vec![m(ORG_A, Role::Admin, false)],
            Who::AdminAViewerB => vec![m(ORG_A, Role::Admin, true), m(ORG_B, Role::Viewer, true)],
        }
    }

    fn actor(who: Who) -> Actor {
        Actor {
            user_id: id(who),
            is_super_admin: matches!(who, Who::SuperAdmin | Who::OtherSuperAdmin),
            memberships: memberships(who),
        }
    }

    fn subject(who: Who) -> Subject {
        Subject {
            user_id: id(who),
            is_super_admin: matches!(who, Who::SuperAdmin | Who::OtherSuperAdmin),
            organization_ids: memberships(who).iter().map(|m| m.organization_id).collect(),
        }
    }

    fn member(org: i64, who: Who) -> Target {
        Target::Member { organization_id: org, subject: subject(who) }
    }

    fn allowed(who: Who, action: Action, target: &Target) -> bool {
        decide(&actor(who), action, target).is_allowed()
    }

    /// The organization admin of `org` in good standing, among the test people.
    fn admins(who: Who, org: i64) -> bool {
        actor(who).administers(org)
    }

    /// Whether `who` has a usable membership of `org`, among the test people.
    fn belongs(who: Who, org: i64) -> bool {
        memberships(who).iter().any(|m| m.usable && m.organization_id == org)
    }

    /// The expected answer for every actor × action × target, written from
    /// DESIGN §2 independently of `decide`.
    fn expected(who: Who, action: Action, target: &Target) -> bool {
        use Action::*;
        let superadmin = actor(who).is_super_admin;
        let me = id(who);
        match (action, target) {
            (ViewOrganization, Target::Organization(org)) => superadmin || actor(who).belongs_to(*org),
            (ListMembers | ManageMembers | Invite, Target::Organization(org)) => {
                superadmin || admins(who, *org)
            }
            (ChangeRole, Target::Member { organization_id, subject }) => {
                subject.user_id != me && (superadmin || admins(who, *organization_id))
            }
            (SetMembershipStatus, Target::Member { organization_id, subject }) => {
                superadmin
                    || (admins(who, *organization_id) && subject.user_id != me && !subject.is_super_admin)
            }
            (SendPasswordReset, Target::Member { organization_id, subject }) => {
                superadmin || (admins(who, *organization_id) && !subject.is_super_admin)
            }
            (ViewActivity, Target::Member { organization_id, subject }) => {
                superadmin || subject.user_id == me || admins(who, *organization_id)
            }
            (ViewActivity, Target::Account(subject)) => superadmin || subject.user_id == me,
            (ViewActivity, Target::Organization(org)) => superadmin || admins(who, *org),
            (ViewActivity, Target::Everything) => superadmin,
            (EndSessions, Target::Member { organization_id, subject }) => {
                superadmin
                    || subject.user_id == me
                    || (admins(who, *organization_id) && !subject.is_super_admin)
            }
            (EndSessions, Target::Account(subject)) => superadmin || subject.user_id == me,
            (RemoveMember, Target::Member { organization_id, subject }) => {
                superadmin || (admins(who, *organization_id) && subject.user_id != me)
            }
            (SetAccountStatus | SetSuperAdmin | DeleteAccountData, Target::Account(subject)) => {
                superadmin && subject.user_id != me
            }
            (DeleteAccount, Target::Account(subject)) => {
                subject.user_id != me
                    && (superadmin
                        || (!subject.is_super_admin
                            && subject.organization_ids.len() == 1
                            && admins(who, subject.organization_ids[0])))
            }
            (ListAllUsers | ManageOrganizations, Target::Everything | Target::Organization(_)) => superadmin,
            (ManageOutbox | ManageApps | ManageWebhooks, Target::Everything) => superadmin,
            (ManageWebhooks, Target::Organization(org)) => superadmin || admins(who, *org),
            (SignInToApp, Target::Organization(org)) => belongs(who, *org),
            (ManageApiKeys, Target::Organization(org)) => superadmin || admins(who, *org),
            (ManageApiKeys, Target::Everything) => superadmin,
            (ManageScim, Target::Organization(org)) => superadmin || admins(who, *org),
            (ResetTwoFactor, Target::Member { organization_id, subject }) => {
                subject.user_id != me
                    && (superadmin || (admins(who, *organization_id) && !subject.is_super_admin))
            }
            (ResetTwoFactor, Target::Account(subject)) => superadmin && subject.user_id != me,
            (SetTwoFactorPolicy, Target::Organization(org)) => superadmin || admins(who, *org),
            (SetTwoFactorPolicy, Target::Everything) => superadmin,
            _ => false,
        }
    }

    fn targets() -> Vec<Target> {
        let mut targets = vec![Target::Everything, Target::Organization(ORG_A), Target::Organization(ORG_B)];
        for who in EVERYONE {
            targets.push(member(ORG_A, who));
            targets.push(member(ORG_B, who));
            targets.push(Target::Account(subject(who)));
        }
        targets
    }

    #[test]
    fn every_actor_action_and_target_gets_the_designed_answer() {
        let mut checked = 0;
        for who in EVERYONE {
            for action in Action::ALL {
                for target in targets() {
                    assert_eq!(
                        allowed(who, action, &target),
                        expected(who, action, &target),
                        "{who:?} {action:?} {target:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 10 * 24 * 33);
    }

    // The rows of DESIGN §2 one by one, as readable examples.

    #[test]
    fn webhooks_are_managed_by_their_organizations_admins_and_installation_wide_by_super_admins() {
        assert!(allowed(Who::AdminA, Action::ManageWebhooks, &Target::Organization(ORG_A)));
        assert!(!allowed(Who::AdminA, Action::ManageWebhooks, &Target::Organization(ORG_B)));
        assert!(!allowed(Who::AdminA, Action::ManageWebhooks, &Target::Everything));
        assert!(!allowed(Who::EditorA, Action::ManageWebhooks, &Target::Organization(ORG_A)));
        assert!(!allowed(Who::SuspendedAdminA, Action::ManageWebhooks, &Target::Organization(ORG_A)));
        assert!(allowed(Who::SuperAdmin, Action::ManageWebhooks, &Target::Organization(ORG_B)));
        assert!(allowed(Who::SuperAdmin, Action::ManageWebhooks, &Target::Everything));
    }

    #[test]
    fn org_admins_manage_their_own_organization_only() {
        assert!(allowed(Who::AdminA, Action::ListMembers, &Target::Organization(ORG_A)));
        assert!(allowed(Who::AdminA, Action::Invite, &Target::Organization(ORG_A)));
        assert!(!allowed(Who::AdminA, Action::ListMembers, &Target::Organization(ORG_B)));
        assert!(!allowed(Who::AdminB, Action::ChangeRole, &member(ORG_A, Who::ViewerA)));
        assert!(allowed(Who::AdminA, Action::ChangeRole, &member(ORG_A, Who::ViewerA)));
    }

    #[test]
    fn editors_and_viewers_manage_nobody() {
        for who in [Who::EditorA, Who::ViewerA, Who::NoOrganization] {
            assert!(!allowed(who, Action::ListMembers, &Target::Organization(ORG_A)));
            assert!(!allowed(who, Action::ChangeRole, &member(ORG_A, Who::ViewerA)));
            assert!(!allowed(who, Action::SendPasswordReset, &member(ORG_A, Who::ViewerA)));
        }
        assert!(allowed(Who::ViewerA, Action::ViewOrganization, &Target::Organization(ORG_A)));
        assert!(allowed(Who::ViewerA, Action::ViewActivity, &Target::Account(subject(Who::ViewerA))));
        assert!(!allowed(Who::ViewerA, Action::ViewActivity, &Target::Account(subject(Who::EditorA))));
    }

    #[test]
    fn the_audit_log_belongs_to_admins_in_their_scope() {
        assert!(allowed(Who::AdminA, Action::ViewActivity, &Target::Organization(ORG_A)));
        assert!(!allowed(Who::AdminA, Action::ViewActivity, &Target::Organization(ORG_B)));
        assert!(!allowed(Who::AdminA, Action::ViewActivity, &Target::Everything));
        assert!(!allowed(Who::EditorA, Action::ViewActivity, &Target::Organization(ORG_A)));
        assert!(allowed(Who::SuperAdmin, Action::ViewActivity, &Target::Everything));
    }

    #[test]
    fn sessions_are_ended_by_their_owner_or_an_admin_of_a_plain_member() {
        assert!(allowed(Who::ViewerA, Action::EndSessions, &Target::Account(subject(Who::ViewerA))));
        assert!(!allowed(Who::ViewerA, Action::EndSessions, &Target::Account(subject(Who::EditorA))));
        assert!(allowed(Who::AdminA, Action::EndSessions, &member(ORG_A, Who::ViewerA)));
        assert!(!allowed(Who::AdminA, Action::EndSessions, &member(ORG_A, Who::SuperAdmin)));
        assert!(!allowed(Who::AdminB, Action::EndSessions, &member(ORG_A, Who::ViewerA)));
    }

    #[test]
    fn nobody_changes_their_own_role_not_even_a_super_admin() {
        assert!(!allowed(Who::AdminA, Action::ChangeRole, &member(ORG_A, Who::AdminA)));
        assert!(!allowed(Who::SuperAdmin, Action::ChangeRole, &member(ORG_A, Who::SuperAdmin)));
    }

    #[test]
    fn org_admins_cannot_touch_super_admins_or_themselves() {
        assert!(!allowed(Who::AdminA, Action::SetMembershipStatus, &member(ORG_A, Who::SuperAdmin)));
        assert!(!allowed(Who::AdminA, Action::SetMembershipStatus, &member(ORG_A, Who::AdminA)));
        assert!(!allowed(Who::AdminA, Action::SendPasswordReset, &member(ORG_A, Who::SuperAdmin)));
        assert!(!allowed(Who::AdminA, Action::RemoveMember, &member(ORG_A, Who::AdminA)));
        assert!(allowed(Who::AdminA, Action::RemoveMember, &member(ORG_A, Who::OtherAdminA)));
    }

    #[test]
    fn a_suspended_membership_grants_nothing() {
        assert!(!allowed(Who::SuspendedAdminA, Action::ListMembers, &Target::Organization(ORG_A)));
        assert!(!allowed(Who::SuspendedAdminA, Action::ViewOrganization, &Target::Organization(ORG_A)));
    }

    #[test]
    fn account_level_controls_belong_to_super_admins() {
        assert!(allowed(Who::SuperAdmin, Action::SetAccountStatus, &Target::Account(subject(Who::AdminA))));
        assert!(!allowed(
            Who::SuperAdmin,
            Action::SetAccountStatus,
            &Target::Account(subject(Who::SuperAdmin))
        ));
        assert!(!allowed(Who::AdminA, Action::SetAccountStatus, &Target::Account(subject(Who::ViewerA))));
        assert!(allowed(
            Who::SuperAdmin,
            Action::SetSuperAdmin,
            &Target::Account(subject(Who::OtherSuperAdmin))
        ));
        assert!(!allowed(Who::AdminA, Action::ManageOrganizations, &Target::Everything));
    }

    #[test]
    fn org_admins_delete_only_people_who_belong_nowhere_else() {
        assert!(allowed(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::ViewerA))));
        assert!(!allowed(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::AdminAViewerB))));
        assert!(!allowed(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::AdminB))));
        assert!(!allowed(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::AdminA))));
        assert!(allowed(
            Who::SuperAdmin,
            Action::DeleteAccount,
            &Target::Account(subject(Who::AdminAViewerB))
        ));
        assert!(!allowed(Who::AdminA, Action::DeleteAccountData, &Target::Account(subject(Who::ViewerA))));
        assert!(allowed(Who::SuperAdmin, Action::DeleteAccountData, &Target::Account(subject(Who::ViewerA))));
    }

    // Why: the reasons a refusal gives.

    fn refusal(who: Who, action: Action, target: &Target) -> Option<Refusal> {
        match decide(&actor(who), action, target) {
            Decision::Allow => None,
            Decision::Deny(refusal) => Some(refusal),
        }
    }

    #[test]
    fn whoever_manages_nothing_hears_only_not_found() {
        for who in [Who::EditorA, Who::ViewerA, Who::SuspendedAdminA, Who::NoOrganization] {
            for action in Action::ALL {
                for target in targets() {
                    if let Some(reason) = refusal(who, action, &target) {
                        assert_eq!(reason, Refusal::OutOfScope, "{who:?} {action:?} {target:?}");
                    }
                }
            }
        }
        assert_eq!(
            refusal(Who::AdminB, Action::RemoveMember, &member(ORG_A, Who::ViewerA)),
            Some(Refusal::OutOfScope)
        );
        assert_eq!(
            refusal(Who::AdminB, Action::ManageMembers, &Target::Organization(ORG_A)),
            Some(Refusal::OutOfScope)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::AdminB))),
            Some(Refusal::OutOfScope)
        );
    }

    #[test]
    fn admins_hear_why_they_cannot_act_on_themselves() {
        assert_eq!(
            refusal(Who::AdminA, Action::ChangeRole, &member(ORG_A, Who::AdminA)),
            Some(Refusal::OwnRole)
        );
        assert_eq!(
            refusal(Who::SuperAdmin, Action::ChangeRole, &member(ORG_A, Who::SuperAdmin)),
            Some(Refusal::OwnRole)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::SetMembershipStatus, &member(ORG_A, Who::AdminA)),
            Some(Refusal::OwnAccount)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::RemoveMember, &member(ORG_A, Who::AdminA)),
            Some(Refusal::RemovingSelf)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::AdminA))),
            Some(Refusal::DeletingSelf)
        );
        assert_eq!(
            refusal(Who::SuperAdmin, Action::SetAccountStatus, &Target::Account(subject(Who::SuperAdmin))),
            Some(Refusal::OwnAccount)
        );
    }

    #[test]
    fn org_admins_hear_what_only_a_super_admin_may_do() {
        assert_eq!(
            refusal(Who::AdminA, Action::SetMembershipStatus, &member(ORG_A, Who::SuperAdmin)),
            Some(Refusal::SuperAdminMember)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::SendPasswordReset, &member(ORG_A, Who::SuperAdmin)),
            Some(Refusal::SuperAdminMember)
        );
        let super_admin_in_a = Subject { organization_ids: vec![ORG_A], ..subject(Who::SuperAdmin) };
        assert_eq!(
            refusal(Who::AdminA, Action::DeleteAccount, &Target::Account(super_admin_in_a)),
            Some(Refusal::SuperAdminAccount)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::DeleteAccount, &Target::Account(subject(Who::AdminAViewerB))),
            Some(Refusal::BelongsElsewhere)
        );
        assert_eq!(
            refusal(Who::AdminA, Action::DeleteAccountData, &Target::Account(subject(Who::ViewerA))),
            Some(Refusal::PersonalData)
        );
    }

    #[test]
    fn api_keys_are_managed_by_whoever_manages_their_scope() {
        let org_a = KeyScope::Organization(ORG_A).target();
        let installation = KeyScope::Installation.target();
        assert!(allowed(Who::AdminA, Action::ManageApiKeys, &org_a));
        assert!(!allowed(Who::AdminB, Action::ManageApiKeys, &org_a));
        assert!(!allowed(Who::EditorA, Action::ManageApiKeys, &org_a));
        assert!(!allowed(Who::AdminA, Action::ManageApiKeys, &installation));
        assert!(allowed(Who::SuperAdmin, Action::ManageApiKeys, &org_a));
        assert!(allowed(Who::SuperAdmin, Action::ManageApiKeys, &installation));
    }

    #[test]
    fn an_organization_key_is_an_admin_of_its_organization_only() {
        for who in [Who::AdminAViewerB, Who::SuperAdmin] {
            let key = key_actor(&actor(who), true, KeyScope::Organization(ORG_A)).unwrap();
            assert!(!key.is_super_admin, "{who:?}");
            assert!(decide(&key, Action::ListMembers, &Target::Organization(ORG_A)).is_allowed());
            assert!(!decide(&key, Action::ViewOrganization, &Target::Organization(ORG_B)).is_allowed());
            assert!(!decide(&key, Action::ManageOrganizations, &Target::Everything).is_allowed());
        }
    }

    #[test]
    fn a_key_grants_nothing_once_its_creator_lost_the_scope() {
        assert_eq!(key_actor(&actor(Who::ViewerA), true, KeyScope::Organization(ORG_A)), None);
        assert_eq!(key_actor(&actor(Who::SuspendedAdminA), true, KeyScope::Organization(ORG_A)), None);
        assert_eq!(key_actor(&actor(Who::AdminA), true, KeyScope::Organization(ORG_B)), None);
        assert_eq!(key_actor(&actor(Who::AdminA), false, KeyScope::Organization(ORG_A)), None);
        assert_eq!(key_actor(&actor(Who::AdminA), true, KeyScope::Installation), None);
        assert_eq!(key_actor(&actor(Who::SuperAdmin), false, KeyScope::Installation), None);
        assert_eq!(
            key_actor(&actor(Who::SuperAdmin), true, KeyScope::Installation),
            Some(actor(Who::SuperAdmin))
        );
    }

    #[test]
    fn a_directory_is_an_admin_of_its_organization_that_spares_nobody() {
        let directory = directory_actor(ORG_A, true).unwrap();
        let admin_a = member(ORG_A, Who::AdminA);
        assert!(decide(&directory, Action::SetMembershipStatus, &admin_a).is_allowed());
        assert!(decide(&directory, Action::ChangeRole, &admin_a).is_allowed());
        assert!(decide(&directory, Action::RemoveMember, &admin_a).is_allowed());
        assert!(!decide(&directory, Action::ListMembers, &Target::Organization(ORG_B)).is_allowed());
        // A super admin who is a member is still only a super admin's to suspend.
        let super_admin = member(ORG_A, Who::SuperAdmin);
        assert_eq!(
            decide(&directory, Action::SetMembershipStatus, &super_admin),
            Decision::Deny(Refusal::SuperAdminMember)
        );
        assert_eq!(directory_actor(ORG_A, false), None);
        let own = Subject { user_id: 9, is_super_admin: false, organization_ids: vec![ORG_A] };
        assert!(directory_owns(&own, ORG_A));
        assert!(!directory_owns(&own, ORG_B));
        assert!(!directory_owns(&Subject { organization_ids: vec![ORG_A, ORG_B], ..own.clone() }, ORG_A));
        assert!(!directory_owns(&Subject { is_super_admin: true, ..own }, ORG_A));
    }

    #[test]
    fn a_refusal_says_its_rule_in_words() {
        assert_eq!(Refusal::OwnRole.to_string(), "Nobody changes their own role.");
        assert!(
            Refusal::BelongsElsewhere.to_string().starts_with("They belong to another organization too.")
        );
        assert!(!Decision::Deny(Refusal::OutOfScope).is_allowed());
    }
}
