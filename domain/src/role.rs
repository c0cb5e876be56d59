use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

/// A member's role in one organization. The derive order is the rank order
/// (DESIGN §1: viewer < editor < admin), so `Role::Editor < Role::Admin`.
/// Its name (`as_str`, `Display`, `FromStr`) is the one stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", parse_err_ty = String, parse_err_fn = unknown_role)]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The role's name as a heading or table cell shows it; sentences use
    /// the lowercase `Display` form ("invited you as an editor").
    pub fn label(self) -> &'static str {
        match self {
            Self::Viewer => "Viewer",
            Self::Editor => "Editor",
            Self::Admin => "Admin",
        }
    }

    /// What the role may do in Roster, for whoever chooses it.
    pub fn description(self) -> &'static str {
        match self {
            Self::Viewer => "Signs in and manages their own profile, password and sessions.",
            Self::Editor => "The same as a viewer in Roster; your product may let editors change content.",
            Self::Admin => {
                "Also manages the organization's members: invites, roles, suspensions, resets, removals."
            }
        }
    }
}

fn unknown_role(name: &str) -> String {
    format!("unknown role {name:?}")
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_rank() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
        assert_eq!("owner".parse::<Role>(), Err("unknown role \"owner\"".to_owned()));
    }

    /// The names are stored and sent: they never change.
    #[test]
    fn names_are_the_stored_ones() {
        assert_eq!(Role::ALL.map(Role::as_str), ["viewer", "editor", "admin"]);
        assert_eq!(Role::Editor.to_string(), "editor");
    }
}
