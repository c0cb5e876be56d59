//! Who may do what to whom (DESIGN §2), as one pure function.
//!
//! Every server function asks [`decide`] before it touches data, and answers
//! a [`Decision::Deny`] exactly as it answers "no such thing", so a request
//! about another tenant cannot tell whether its target exists. Facts that
//! need the database under a lock (the last admin of an organization, the
//! last super admin) are enforced by the store, not here.

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
    ListMembers,
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
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::ViewOrganization,
        Action::ListMembers,
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
    Deny,
}

impl Decision {
    fn from(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Deny }
    }

    pub fn is_allowed(self) -> bool {
        self == Self::Allow
    }
}

/// Whether `actor` may perform `action` on `target`.
pub fn decide(actor: &Actor, action: Action, target: &Target) -> Decision {
    use Action::*;
    let is_self = |subject: &Subject| subject.user_id == actor.user_id;
    let allowed = match (action, target) {
        (ViewOrganization, Target::Organization(org)) => actor.is_super_admin || actor.belongs_to(*org),
        (ListMembers | Invite, Target::Organization(org)) => actor.is_super_admin || actor.administers(*org),
        // DESIGN §2 lets super admins change any role; issue #6 narrows it:
        // nobody changes their own role.
        (ChangeRole, Target::Member { organization_id, subject }) => {
            !is_self(subject) && (actor.is_super_admin || actor.administers(*organization_id))
        }
        (SetMembershipStatus, Target::Member { organization_id, subject }) => {
            actor.is_super_admin
                || (actor.administers(*organization_id) && !is_self(subject) && !subject.is_super_admin)
        }
        (SendPasswordReset, Target::Member { organization_id, subject }) => {
            actor.is_super_admin || (actor.administers(*organization_id) && !subject.is_super_admin)
        }
        (ViewActivity, Target::Member { organization_id, subject }) => {
            actor.is_super_admin || is_self(subject) || actor.administers(*organization_id)
        }
        (ViewActivity, Target::Account(subject)) => actor.is_super_admin || is_self(subject),
        (ViewActivity, Target::Organization(org)) => actor.is_super_admin || actor.administers(*org),
        (ViewActivity, Target::Everything) => actor.is_super_admin,
        // Like a password reset, which also ends every session.
        (EndSessions, Target::Member { organization_id, subject }) => {
            actor.is_super_admin
                || is_self(subject)
                || (actor.administers(*organization_id) && !subject.is_super_admin)
        }
        (EndSessions, Target::Account(subject)) => actor.is_super_admin || is_self(subject),
        (RemoveMember, Target::Member { organization_id, subject }) => {
            actor.is_super_admin || (actor.administers(*organization_id) && !is_self(subject))
        }
        (SetAccountStatus, Target::Account(subject)) => actor.is_super_admin && !is_self(subject),
        (DeleteAccount, Target::Account(subject)) => {
            !is_self(subject)
                && (actor.is_super_admin
                    || (!subject.is_super_admin
                        && matches!(subject.organization_ids.as_slice(), [only] if actor.administers(*only))))
        }
        (DeleteAccountData, Target::Account(subject)) => actor.is_super_admin && !is_self(subject),
        (ListAllUsers | ManageOrganizations, Target::Everything | Target::Organization(_)) => {
            actor.is_super_admin
        }
        (ManageOutbox, Target::Everything) => actor.is_super_admin,
        (SetSuperAdmin, Target::Account(subject)) => actor.is_super_admin && !is_self(subject),
        // Any other pairing is a programming error; deny it.
        _ => false,
    };
    Decision::from(allowed)
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

    /// The expected answer for every actor × action × target, written from
    /// DESIGN §2 independently of `decide`.
    fn expected(who: Who, action: Action, target: &Target) -> bool {
        use Action::*;
        let superadmin = actor(who).is_super_admin;
        let me = id(who);
        match (action, target) {
            (ViewOrganization, Target::Organization(org)) => superadmin || actor(who).belongs_to(*org),
            (ListMembers | Invite, Target::Organization(org)) => superadmin || admins(who, *org),
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
            (ManageOutbox, Target::Everything) => superadmin,
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
        assert_eq!(checked, 10 * 16 * 33);
    }

    // The rows of DESIGN §2 one by one, as readable examples.

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
}
