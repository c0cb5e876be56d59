use std::io::{BufRead, IsTerminal};

use app::ssr::passwords;
use chrono::Utc;
use domain::{DisplayName, Email, NewPassword};
use store::{Actor, NewUser, StoreError};

use crate::{Config, Error};

/// `roster create-super-admin`: the command-line way in, for when the setup
/// link is not practical (scripts, a server without a browser nearby).
pub async fn create(config: &Config, email: &str, name: Option<&str>) -> Result<(), Error> {
    let email = Email::parse(email).map_err(|e| Error::Input(format!("--email: {e}")))?;
    let default_name = email.as_str().split('@').next().unwrap_or_default().to_owned();
    let name = DisplayName::parse(name.unwrap_or(&default_name))
        .map_err(|e| Error::Input(format!("--name: {e}")))?;
    let password = NewPassword::parse(read_password()?).map_err(|e| Error::Input(e.to_string()))?;

    let store = store::connect(&config.database_url).await?;
    let password_hash = passwords::hash(password)
        .await
        .map_err(|_| Error::Input("the password could not be hashed".to_owned()))?;
    let user = NewUser { email, name, password_hash, is_super_admin: true };
    match store.create_user(user, Actor::system(), Utc::now()).await {
        Ok(user) => {
            println!("Created super admin {}. Sign in at {}sign-in", user.email, config.public_url);
            Ok(())
        }
        Err(StoreError::EmailTaken) => {
            Err(Error::Input("an account with this email address already exists".to_owned()))
        }
        Err(other) => Err(other.into()),
    }
}

fn read_password() -> Result<String, Error> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            return Err(Error::Input("the passwords do not match".to_owned()));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
