use app::server::passwords;
use chrono::Utc;
use domain::{DisplayName, Email, MembershipStatus, NewPassword, OrganizationName, Role, Slug};
use store::{Actor, NewUser, StoreError};

use crate::{Config, Error};

/// `roster seed-demo`: demonstration organizations, each with an admin
/// (`admin@<slug>.example`) and members (`user<N>@<slug>.example`), all with
/// the same password. Organizations that already exist are left alone.
pub async fn demo(config: &Config, organizations: u32, users: u32, password: String) -> Result<(), Error> {
    let password = NewPassword::parse(password).map_err(|e| Error::Input(format!("--password: {e}")))?;
    let store = store::connect(&config.database_url).await?;
    let password_hash = passwords::hash(password)
        .await
        .map_err(|_| Error::Input("the password could not be hashed".to_owned()))?;
    let invalid = |e: &dyn std::fmt::Display| Error::Input(e.to_string());
    let roles = [Role::Viewer, Role::Editor];

    for n in 1..=organizations {
        let name = OrganizationName::parse(&format!("Demo Org {n}")).map_err(|e| invalid(&e))?;
        let slug = Slug::from_name(name.as_str()).map_err(|e| invalid(&e))?;
        let now = Utc::now();
        let organization = match store.create_organization(&slug, &name, Actor::system(), now).await {
            Ok(organization) => organization,
            Err(StoreError::SlugTaken) => {
                println!("{slug}: exists, left alone");
                continue;
            }
            Err(other) => return Err(other.into()),
        };
        let people = std::iter::once((
            format!("admin@{slug}.example"),
            format!("Demo Admin {n}"),
            Role::Admin,
        ))
        .chain((1..=users).map(|u| {
            (format!("user{u}@{slug}.example"), format!("Demo User {n}.{u}"), roles[u as usize % roles.len()])
        }));
        for (email, name, role) in people {
            let user = NewUser {
                email: Email::parse(&email).map_err(|e| invalid(&e))?,
                name: DisplayName::parse(&name).map_err(|e| invalid(&e))?,
                password_hash: password_hash.clone(),
                is_super_admin: false,
            };
            let user = store.create_user(user, Actor::system(), now).await?;
            store
                .add_member(organization.id, user.id, role, MembershipStatus::Active, Actor::system(), now)
                .await?;
        }
        println!("{slug}: created, admin admin@{slug}.example, {users} members");
    }
    Ok(())
}
